"""Forms of the portal pages, with their Vietnamese messages written here rather than taken from
Django's catalogue: the page stays Vietnamese whatever language the browser asks for."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField


class SignInForm(AuthenticationForm):
    username = UsernameField(
        label="Tên đăng nhập",
        max_length=150,
        error_messages={"required": "Hãy nhập tên đăng nhập."},
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Hãy nhập mật khẩu."},
    )

    error_messages = {
        "invalid_login": (
            "Tên đăng nhập hoặc mật khẩu không đúng. Mật khẩu phân biệt chữ hoa và chữ thường."
        ),
        "inactive": "Tài khoản này đang bị ngừng sử dụng. Hãy liên hệ quản trị cơ quan.",
    }
