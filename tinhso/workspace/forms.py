"""Forms of the staff workspace: the worklist filters and one form per dossier action. Messages
are written here (not taken from Django's catalogue) so the pages stay Vietnamese-first.

Every action form carries two hidden fields: the dossier ``version`` the officer saw (a change
since then means somebody else acted: 409, nothing changes) and an ``idempotency_key`` (a second
submission of the same form is recognised and not applied twice)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.dossiers.models import Dossier, DossierStep, Status
from tinhso.dossiers.services import PAYMENT_OUTCOMES
from tinhso.identity.models import Role
from tinhso.workspace.queries import SORTS

REQUIRED = _("Trường này là bắt buộc.")


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


# --- worklist --------------------------------------------------------------------------------


class WorklistFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo mã hồ sơ hoặc tên người nộp"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Nhập tối đa 100 ký tự.")},
    )
    procedure = forms.ChoiceField(label=_("Thủ tục"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    received_from = forms.DateField(
        label=_("Tiếp nhận từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Nhập ngày theo dạng ngày/tháng/năm.")},
    )
    received_to = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Nhập ngày theo dạng ngày/tháng/năm.")},
    )
    sort = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[
            ("due", _("Hạn trả gần nhất trước")),
            ("-due", _("Hạn trả xa nhất trước")),
            ("received", _("Tiếp nhận mới nhất trước")),
            ("-received", _("Tiếp nhận cũ nhất trước")),
        ],
    )

    def __init__(self, *args: Any, procedures: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        procedure, status = self.fields["procedure"], self.fields["status"]
        assert isinstance(procedure, forms.ChoiceField) and isinstance(status, forms.ChoiceField)
        procedure.choices = [("", _("Tất cả thủ tục")), *procedures]
        status.choices = [
            ("", _("Tất cả trạng thái")),
            *[(value, _(label)) for value, label in Status.choices],
        ]
        invalid = _("Lựa chọn không hợp lệ; hãy chọn trong danh sách.")
        for name in ("procedure", "status", "sort"):
            self.fields[name].error_messages["invalid_choice"] = invalid

    def clean_sort(self) -> str:
        value: str = self.cleaned_data.get("sort") or "due"
        return value if value in SORTS else "due"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", _("Ngày cuối không được trước ngày đầu."))
        return cleaned


# --- dossier actions -------------------------------------------------------------------------


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args: Any, dossier: Dossier, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"version": dossier.version, "idempotency_key": uuid.uuid4().hex}
        )
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.user = user
        hidden = _("Trang đã cũ; hãy tải lại hồ sơ rồi thao tác lại.")
        for name in ("version", "idempotency_key"):
            self.fields[name].error_messages.update({"required": hidden, "invalid": hidden})

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned values as the service function's keyword arguments."""
        return {}


class ConfirmForm(ActionForm):
    """Accept, start processing: nothing to fill in, a button that confirms."""


def _reason_field(label: Any, hint: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Hãy nêu lý do."),
            "max_length": _("Nhập tối đa 2000 ký tự."),
        },
    )


def _note_field(label: Any, hint: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Nhập tối đa 2000 ký tự.")},
    )


class RefuseForm(ActionForm):
    reason = _reason_field(
        _("Lý do từ chối tiếp nhận"),
        _("In trên Phiếu từ chối tiếp nhận gửi người nộp hồ sơ."),
    )

    def service_arguments(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class StopForm(ActionForm):
    reason = _reason_field(
        _("Lý do dừng xử lý"), _("In trên thông báo dừng giải quyết gửi người nộp hồ sơ.")
    )

    def service_arguments(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class WithdrawForm(ActionForm):
    note = _note_field(_("Ghi chú"), _("Ví dụ: người nộp đến quầy ký đơn xin rút hồ sơ."))

    def service_arguments(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["note"]}


class SupplementRequestForm(ActionForm):
    components = forms.MultipleChoiceField(
        label=_("Giấy tờ cần bổ sung, hoàn thiện"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chọn trong thành phần hồ sơ của thủ tục, hoặc ghi thêm ở ô dưới."),
    )
    other_items = forms.CharField(
        label=_("Giấy tờ khác cần bổ sung"),
        help_text=_("Mỗi dòng một giấy tờ."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Nhập tối đa 2000 ký tự.")},
    )
    reason = _reason_field(
        _("Lý do, nội dung cần bổ sung"),
        _("In trên Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ gửi người nộp."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["components"]
        assert isinstance(field, forms.MultipleChoiceField)
        self.names = {c.code: c.name for c in self.dossier.procedure_version.components.all()}
        field.choices = list(self.names.items())
        field.error_messages["invalid_choice"] = _("Giấy tờ đã chọn không thuộc thủ tục này.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        items = [self.names[code] for code in cleaned.get("components") or []]
        items += [line.strip() for line in (cleaned.get("other_items") or "").splitlines()]
        cleaned["items"] = [item for item in items if item]
        if not cleaned["items"] and "components" not in self.errors:
            self.add_error("components", _("Chọn hoặc ghi ít nhất một giấy tờ cần bổ sung."))
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        return {"items": self.cleaned_data["items"], "reason": self.cleaned_data["reason"]}


class ProvideSupplementForm(ActionForm):
    note = _note_field(
        _("Ghi chú"), _("Ví dụ: đã nhận bản chính giấy tờ bổ sung tại quầy ngày hôm nay.")
    )

    def service_arguments(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


class CompleteStepForm(ActionForm):
    step = forms.ChoiceField(
        label=_("Bước hoàn thành"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Chọn bước bạn đã xử lý xong."),
            "invalid_choice": _("Bước này không còn đang xử lý; hãy tải lại hồ sơ."),
        },
    )
    result = forms.CharField(
        label=_("Kết quả xử lý của bước"),
        help_text=_("Ghi vào phiếu kiểm soát quá trình và nhật ký bàn giao."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Hãy ghi kết quả xử lý của bước."),
            "max_length": _("Nhập tối đa 2000 ký tự."),
        },
    )

    def __init__(self, *args: Any, steps: list[DossierStep], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["step"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(step.code, f"{step.name} — {step.agency.name}") for step in steps]
        if len(steps) == 1:
            self.initial.setdefault("step", steps[0].code)

    def service_arguments(self) -> dict[str, Any]:
        return {"step_code": self.cleaned_data["step"], "result": self.cleaned_data["result"]}


class RequirePaymentForm(ActionForm):
    amount = forms.IntegerField(
        label=_("Số tiền phải nộp (đồng)"),
        min_value=1,
        max_value=10**12,
        help_text=_("Mặc định là phí, lệ phí của thủ tục."),
        error_messages={
            "required": _("Nhập số tiền phải nộp."),
            "invalid": _("Số tiền là một số nguyên, không có dấu chấm hay chữ."),
            "min_value": _("Số tiền phải lớn hơn 0."),
            "max_value": _("Số tiền quá lớn."),
        },
    )
    note = _note_field(_("Ghi chú"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.dossier.fee_total:
            self.initial.setdefault("amount", self.dossier.fee_total)

    def service_arguments(self) -> dict[str, Any]:
        return {"amount": self.cleaned_data["amount"], "note": self.cleaned_data["note"]}


class SettlePaymentForm(ActionForm):
    outcome = forms.ChoiceField(
        label=_("Kết quả"),
        widget=forms.RadioSelect,
        choices=[
            ("paid_at_desk", _(PAYMENT_OUTCOMES["paid_at_desk"])),
            ("waived", _(PAYMENT_OUTCOMES["waived"])),
        ],
        error_messages={
            "required": _("Chọn người nộp đã nộp tiền hay được miễn, giảm."),
            "invalid_choice": _("Lựa chọn không hợp lệ."),
        },
    )
    note = _note_field(_("Ghi chú"), _("Ví dụ: số biên lai, căn cứ miễn giảm."))

    def service_arguments(self) -> dict[str, Any]:
        return {"outcome": self.cleaned_data["outcome"], "note": self.cleaned_data["note"]}


class ExtendForm(ActionForm):
    new_due_date = forms.DateField(
        label=_("Ngày hẹn trả mới"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Nhập ngày hẹn trả mới."),
            "invalid": _("Nhập ngày theo dạng ngày/tháng/năm."),
        },
    )
    new_due_time = forms.TimeField(
        label=_("Giờ hẹn trả mới"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Nhập giờ hẹn trả mới."),
            "invalid": _("Nhập giờ theo dạng giờ:phút, ví dụ 16:30."),
        },
    )
    reason = _reason_field(
        _("Lý do gia hạn"), _("In trên văn bản xin lỗi và hẹn lại ngày trả kết quả.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.dossier.due_at:
            local = timezone.localtime(self.dossier.due_at)
            self.initial.setdefault("new_due_time", local.time().replace(second=0, microsecond=0))
            self.fields["new_due_date"].help_text = _(
                "Hẹn trả hiện tại: %(due)s. Chỉ được gia hạn một lần, trước hạn ít nhất một "
                "ngày làm việc."
            ) % {"due": local.strftime("%d/%m/%Y %H:%M")}

    def service_arguments(self) -> dict[str, Any]:
        moment = dt.datetime.combine(
            self.cleaned_data["new_due_date"], self.cleaned_data["new_due_time"]
        )
        return {
            "new_due_at": timezone.make_aware(moment),
            "reason": self.cleaned_data["reason"],
        }


class ReturnResultForm(ActionForm):
    note = _note_field(_("Ghi chú khi trả"), _("Ví dụ: người nhận, số giấy tờ tuỳ thân."))
    result_file = forms.FileField(
        label=_("Kết quả điện tử"),
        required=False,
        help_text=_(
            "Tệp PDF, JPEG hoặc PNG. Được lưu vào kho giấy tờ của người nộp để dùng lại sau."
        ),
        error_messages={"empty": _("Tệp gửi lên rỗng."), "invalid": _("Tệp không hợp lệ.")},
    )
    result_title = forms.CharField(
        label=_("Tên kết quả"),
        required=False,
        max_length=300,
        help_text=_("Ví dụ: Phiếu lý lịch tư pháp số 1."),
        error_messages={"max_length": _("Nhập tối đa 300 ký tự.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("result_title", self.dossier.procedure_version.name[:300])

    def service_arguments(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


# Which step codes a person may complete now: the same rule as ``services.complete_step``.
def completable_steps(user: Any, dossier: Dossier) -> list[DossierStep]:
    from tinhso.dossiers.access import roles_in

    steps = []
    for step in dossier.steps.all():
        if step.state != DossierStep.State.ACTIVE:
            continue
        if roles_in(user, step.agency) & {step.role, Role.HEAD_OF_UNIT, Role.LEADER}:
            steps.append(step)
    return steps
