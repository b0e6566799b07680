"""Forms of the portal pages. Their messages are written here (Vietnamese message ids, English in
tinhso/locale) rather than taken from Django's own catalogue, so the wording is the platform's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Django's sign-in form, rendered with the shared field template.

    A wrong user name or password (or an inactive account) is reported on the user name field,
    not as a form-wide error: the error summary then links to that field, the message sits next
    to it, and the password field is marked invalid and described by the same message.
    """

    username = UsernameField(
        label=_("Tên đăng nhập"),
        max_length=150,
        error_messages={"required": _("Hãy nhập tên đăng nhập.")},
        # UsernameField adds autocomplete="username" and autocapitalize="none".
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Hãy nhập mật khẩu.")},
    )

    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Mật khẩu phân biệt chữ hoa và chữ thường."
        ),
        "inactive": _("Tài khoản này đang bị ngừng sử dụng. Hãy liên hệ quản trị cơ quan."),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError as error:
            self.add_error("username", error)
            password_attrs = self.fields["password"].widget.attrs
            password_attrs["aria-invalid"] = "true"
            username_id = self["username"].auto_id
            if username_id:
                password_attrs["aria-describedby"] = f"{username_id}_error"
            return self.cleaned_data
