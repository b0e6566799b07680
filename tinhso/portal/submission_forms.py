"""Forms of the online submission steps (the e-form itself is built by
:mod:`tinhso.portal.eforms`). Rules live in :mod:`tinhso.portal.drafts`; these only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.dossiers.models import ReturnMethod


class StepForm(forms.Form):
    use_required_attribute = False

    def add_domain_errors(self, errors: dict[str, str], detail: str = "") -> None:
        """A service's per-field messages next to the fields; the rest above the form."""
        placed = False
        for name, message in errors.items():
            if name in self.fields:
                self.add_error(name, message)
                placed = True
        if not placed:
            self.add_error(None, detail or "; ".join(errors.values()))


class AgencyForm(StepForm):
    agency = forms.ChoiceField(
        label=_("Nơi nộp hồ sơ"),
        help_text=_("Cơ quan sẽ tiếp nhận và giải quyết hồ sơ của bạn."),
        error_messages={
            "required": _("Chọn nơi nộp hồ sơ."),
            "invalid_choice": _("Chọn nơi nộp hồ sơ trong danh sách."),
        },
    )

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        choices = [(agency.code, agency.name) for agency in agencies]
        if len(choices) > 6:
            field.choices = [("", _("— Chọn nơi nộp —")), *choices]
            field.widget = forms.Select(choices=field.choices)
        else:
            field.choices = choices
            field.widget = forms.RadioSelect(choices=choices)


class ApplicantForm(StepForm):
    phone = forms.CharField(
        label=_("Số điện thoại"),
        help_text=_("Để cơ quan liên hệ khi cần; nhận tin nhắn về hồ sơ."),
        required=False,
        max_length=15,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@example.vn.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("Địa chỉ tối đa 500 ký tự.")},
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )


class ReturnMethodForm(StepForm):
    return_method = forms.ChoiceField(
        label=_("Bạn muốn nhận kết quả bằng cách nào?"),
        choices=ReturnMethod.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Chọn cách nhận kết quả."),
            "invalid_choice": _("Chọn cách nhận kết quả."),
        },
    )
    address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"),
        help_text=_("Chỉ cần khi chọn nhận qua bưu chính công ích."),
        required=False,
        max_length=500,
        error_messages={"max_length": _("Địa chỉ tối đa 500 ký tự.")},
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["return_method"]
        assert isinstance(field, forms.ChoiceField)
        labels = {
            ReturnMethod.DESK: _("Nhận tại Bộ phận Một cửa nơi nộp hồ sơ"),
            ReturnMethod.POST: _("Nhận qua dịch vụ bưu chính công ích (có thể mất phí gửi)"),
            ReturnMethod.ONLINE: _("Nhận trực tuyến: bản điện tử vào kho giấy tờ của bạn"),
        }
        field.choices = [(value, labels[ReturnMethod(value)]) for value in ReturnMethod.values]
        field.widget.choices = field.choices
