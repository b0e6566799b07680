"""Forms of the notification pages; messages in Vietnamese here so the page stays Vietnamese."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

REQUIRED = {"required": _("Hãy nhập nội dung.")}


class TemplateForm(forms.Form):
    subject = forms.CharField(
        label=_("Tiêu đề e-mail"),
        max_length=255,
        required=False,
        strip=False,
        error_messages={"max_length": _("Tiêu đề dài tối đa %(limit_value)d ký tự.")},
    )
    body = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
        max_length=5000,
        strip=False,
        error_messages={**REQUIRED, "max_length": _("Nội dung dài tối đa %(limit_value)d ký tự.")},
        help_text=_(
            "Chèn biến bằng {{ ten_bien }}; điều kiện bằng {% if ten_bien %}…{% endif %}. "
            "Các biến dùng được ở bên dưới."
        ),
    )
    is_active = forms.BooleanField(
        label=_("Dùng mẫu này (bỏ chọn để tạm dùng mẫu mặc định mà vẫn giữ bản đã sửa)"),
        required=False,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, has_subject: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not has_subject:
            del self.fields["subject"]


CHANNEL_CHOICES = [("email", _("E-mail")), ("sms", _("Tin nhắn SMS")), ("zalo", _("Zalo"))]


class PreferencesForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("Nhận thông báo về hồ sơ qua"),
        choices=CHANNEL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Chọn một hoặc nhiều kênh. Không chọn kênh nào thì bạn chỉ xem được trạng "
            "thái khi tra cứu hồ sơ."
        ),
        error_messages={"invalid_choice": _("Kênh không hợp lệ.")},
    )
    sms_phone = forms.CharField(
        label=_("Số điện thoại nhận SMS"),
        max_length=20,
        required=False,
        help_text=_("10 chữ số, bắt đầu bằng 0, ví dụ 0912345678."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    zalo_recipient = forms.CharField(
        label=_("Số điện thoại dùng Zalo hoặc mã Zalo"),
        max_length=40,
        required=False,
        help_text=_(
            "Số điện thoại bạn đăng ký Zalo, hoặc mã Zalo mà tài khoản Zalo chính thức (OA) của "
            "tỉnh gửi cho bạn khi bạn quan tâm OA."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
