"""Forms of the citizen pages: the procedure search, the filter of "Hồ sơ của tôi" and the
citizen's actions on a dossier (supplement, withdraw, rate, pay). Their messages are written here
in Vietnamese (the page stays Vietnamese first whatever the browser asks for)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tinhso.dossiers.models import Status

MAX_TEXT = 2000
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
RATINGS = [
    (5, _("5 — Rất hài lòng")),
    (4, _("4 — Hài lòng")),
    (3, _("3 — Bình thường")),
    (2, _("2 — Không hài lòng")),
    (1, _("1 — Rất không hài lòng")),
]


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class ProcedureSearchForm(forms.Form):
    """GET form: every field optional; an unknown filter value is a field error, not a 500."""

    q = forms.CharField(
        label=_("Tên hoặc mã thủ tục"),
        required=False,
        max_length=200,
        help_text=_("Gõ có dấu hay không dấu đều được, ví dụ: dang ky khai sinh."),
        error_messages={"max_length": _("Từ khoá tối đa 200 ký tự.")},
    )
    linh_vuc = forms.ChoiceField(
        label=_("Lĩnh vực"),
        required=False,
        error_messages={"invalid_choice": _("Lĩnh vực đã chọn không có trong danh mục.")},
    )
    co_quan = forms.ChoiceField(
        label=_("Cơ quan thực hiện"),
        required=False,
        error_messages={"invalid_choice": _("Cơ quan đã chọn không thực hiện thủ tục nào.")},
    )
    truc_tuyen = forms.ChoiceField(
        label=_("Nộp trực tuyến"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("full", _("Toàn trình")),
            ("partial", _("Một phần")),
            ("none", _("Không trực tuyến")),
        ],
        error_messages={"invalid_choice": _("Chọn một mức nộp trực tuyến trong danh sách.")},
    )

    def __init__(
        self,
        *args: Any,
        sectors: list[tuple[str, str]],
        agencies: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        linh_vuc: Any = self.fields["linh_vuc"]
        co_quan: Any = self.fields["co_quan"]
        linh_vuc.choices = [("", _("Tất cả lĩnh vực")), *sectors]
        co_quan.choices = [("", _("Tất cả cơ quan")), *agencies]
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})


class MyDossiersFilterForm(forms.Form):
    trang_thai = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        error_messages={"invalid_choice": _("Chọn một trạng thái trong danh sách.")},
    )

    def __init__(self, *args: Any, counts: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        total = sum(counts.values())
        field: Any = self.fields["trang_thai"]
        field.choices = [("", f"{_('Tất cả')} ({total})")] + [
            (status.value, f"{_(status.label)} ({counts.get(status.value, 0)})")
            for status in Status
        ]


class ActionForm(forms.Form):
    """Base of the citizen's action forms: a hidden idempotency key (one action per page view,
    however many times the button is pressed)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class SupplementForm(ActionForm):
    """One optional file field per component of the procedure (``file_1``…), and a note."""

    note = forms.CharField(
        label=_("Ghi chú cho cơ quan giải quyết"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Ghi chú tối đa 2000 ký tự.")},
    )

    def __init__(
        self,
        *args: Any,
        components: list[tuple[str, str]],
        stored: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.component_fields: list[tuple[str, str]] = []
        for index, (code, name) in enumerate(components, start=1):
            field_name = f"file_{index}"
            if stored:
                # "Provide once": a document already in the citizen's store is chosen, not
                # uploaded again.
                self.fields[f"reuse_{index}"] = forms.ChoiceField(
                    label=gettext("Hoặc dùng giấy tờ đã có trong kho cho «%(name)s»")
                    % {"name": name},
                    required=False,
                    choices=[("", _("— Không dùng —")), *stored],
                    error_messages={
                        "invalid_choice": _("Giấy tờ đã chọn không có trong kho của bạn.")
                    },
                )
            self.fields[field_name] = forms.FileField(
                label=name,
                required=False,
                help_text=_("PDF, JPEG hoặc PNG, tối đa 20 MB."),
                widget=forms.FileInput(attrs={"accept": ACCEPT}),
                error_messages={
                    "invalid": _("Tệp gửi lên không đọc được; hãy chọn lại."),
                    "empty": _("Tệp gửi lên rỗng."),
                },
            )
            self.component_fields.append((field_name, code))
        # Each component's file, then its store choice; the note comes last.
        order = []
        for name, _code in self.component_fields:
            order += [name, name.replace("file_", "reuse_")]
        self.order_fields([*order, "note"])

    def field_for_component(self, code: str) -> str | None:
        return next((name for name, c in self.component_fields if c == code), None)

    def reuse_field(self, file_field: str) -> str | None:
        name = file_field.replace("file_", "reuse_")
        return name if name in self.fields else None


class WithdrawForm(ActionForm):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Lý do tối đa 2000 ký tự.")},
    )


class PostalForm(ActionForm):
    """The applicant's postal choice (tinhso.postal.services.choose_postal checks it)."""

    submit_by_post = forms.BooleanField(label=_("Tôi gửi hồ sơ giấy qua bưu chính"), required=False)
    receive_by_post = forms.BooleanField(
        label=_("Tôi nhận kết quả qua bưu chính (phí chuyển phát theo giá của bưu điện)"),
        required=False,
    )
    recipient_name = forms.CharField(label=_("Họ tên người nhận"), required=False, max_length=200)
    recipient_phone = forms.CharField(
        label=_("Số điện thoại người nhận"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("Địa chỉ nhận"),
        help_text=_("Số nhà, đường, xã/phường, tỉnh."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
    )


class RateForm(ActionForm):
    rating = forms.TypedChoiceField(
        label=_("Mức độ hài lòng của bạn"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Chọn một mức đánh giá từ 1 đến 5."),
            "invalid_choice": _("Mức đánh giá phải từ 1 đến 5."),
        },
    )
    comment = forms.CharField(
        label=_("Góp ý"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Góp ý tối đa 2000 ký tự.")},
    )
