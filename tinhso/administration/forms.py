"""Forms of the administration pages. They only read what was typed into plain values; the
rules (what a valid procedure, agency, account or day off is) stay in the service functions,
whose errors the views put back next to the fields (:func:`apply_errors`)."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.catalog.models import ProcedureVersion
from tinhso.catalog.services import CHANNELS, TARGET_GROUPS
from tinhso.identity.models import Role
from tinhso.organizations.models import Agency

# Dates typed by hand are read day first, as Vietnamese write them (3/9/2030 = 3 September).
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER_ATTRS = {"inputmode": "decimal", "class": "input-short"}
KEY_INPUT = forms.HiddenInput()


class IdempotentForm(forms.Form):
    """Carries the hidden key that makes a second submission harmless (see idempotency.py)."""

    idempotency_key = forms.CharField(widget=KEY_INPUT, required=False)


def apply_errors(form: forms.Form, errors: Any, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ``errors`` (field → message, or a list of messages) on ``form``: next to
    the field when the form has it, else at the top of the form."""
    aliases = aliases or {}
    if isinstance(errors, list):
        for message in errors:
            form.add_error(None, str(message))
        return
    if not isinstance(errors, dict):
        return
    for key, message in errors.items():
        name = str(aliases.get(key, key))
        base = re.split(r"[.\[]", name, maxsplit=1)[0]
        target = name if name in form.fields else base if base in form.fields else None
        if target is None or str(message) not in form.errors.get(target, []):
            form.add_error(target, str(message))


# --- procedures -------------------------------------------------------------------------------

STATUS_FILTERS = [
    ("", gettext_lazy("Mọi trạng thái")),
    ("in_force", gettext_lazy("Đang hiệu lực")),
    ("draft", gettext_lazy("Có bản dự thảo")),
    ("retired", gettext_lazy("Đã ngừng tiếp nhận")),
]


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tìm theo tên hoặc mã"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"), required=False, choices=STATUS_FILTERS
    )
    sector = forms.ChoiceField(label=gettext_lazy("Lĩnh vực"), required=False, choices=[])

    def __init__(self, *args: Any, sectors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("Mọi lĩnh vực")), *sectors]  # type: ignore[attr-defined]


def _json_field(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code-input"}),
    )


def _parse_json(text: str) -> Any:
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("JSON không hợp lệ ở dòng %(line)s, cột %(column)s: %(message)s.")
            % {"line": exc.lineno, "column": exc.colno, "message": exc.msg}
        ) from None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class VersionForm(IdempotentForm):
    """The general fields and the e-form of a procedure version (the lists of components, fees
    and process steps are formsets alongside)."""

    procedure_code = forms.CharField(
        label=gettext_lazy("Mã thủ tục của tỉnh"),
        max_length=60,
        help_text=gettext_lazy("Mã quốc gia kèm hậu tố cơ quan, ví dụ 1.001193.000.00.00.H99."),
    )
    national_code = forms.CharField(
        label=gettext_lazy("Mã TTHC quốc gia"),
        max_length=30,
        help_text=gettext_lazy("Ví dụ 1.001193."),
    )
    name = forms.CharField(
        label=gettext_lazy("Tên thủ tục"), widget=forms.Textarea(attrs={"rows": 2})
    )
    sector_code = forms.CharField(label=gettext_lazy("Mã lĩnh vực"), max_length=30)
    sector_name = forms.CharField(label=gettext_lazy("Tên lĩnh vực"), max_length=300)
    level = forms.ChoiceField(
        label=gettext_lazy("Cấp thực hiện"), choices=ProcedureVersion.Level.choices
    )
    implementing_agencies = forms.CharField(
        label=gettext_lazy("Cơ quan thực hiện"),
        help_text=gettext_lazy("Mã định danh QCVN 102 của từng cơ quan, mỗi dòng một mã."),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    target_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Đối tượng thực hiện"),
        choices=list(TARGET_GROUPS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Cách thức thực hiện"),
        choices=[(str(number), label) for number, label in CHANNELS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    online_mode = forms.ChoiceField(
        label=gettext_lazy("Dịch vụ công trực tuyến"),
        choices=ProcedureVersion.OnlineMode.choices,
    )
    processing_time = forms.CharField(
        label=gettext_lazy("Thời hạn giải quyết"),
        max_length=10,
        widget=forms.TextInput(attrs=NUMBER_ATTRS),
    )
    processing_time_unit = forms.ChoiceField(
        label=gettext_lazy("Đơn vị thời hạn"), choices=ProcedureVersion.TimeUnit.choices
    )
    legal_basis = forms.CharField(
        label=gettext_lazy("Căn cứ pháp lý"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    conditions = forms.CharField(
        label=gettext_lazy("Yêu cầu, điều kiện"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    results = forms.CharField(
        label=gettext_lazy("Kết quả thực hiện"),
        help_text=gettext_lazy("Mỗi dòng một kết quả, ví dụ: Giấy khai sinh."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    form_schema = _json_field(
        gettext_lazy("Biểu mẫu điện tử (JSON Schema)"),
        gettext_lazy(
            'JSON Schema draft 2020-12 với "type": "object" ở gốc; để trống nếu thủ tục không '
            "có biểu mẫu điện tử."
        ),
    )
    form_ui = _json_field(
        gettext_lazy("Gợi ý hiển thị biểu mẫu (JSON)"),
        gettext_lazy(
            'Ví dụ {"order": ["ho_ten"], "fields": {"ho_ten": {"label": "Họ và tên"}}}; '
            "để trống nếu không cần."
        ),
    )
    valid_from = forms.DateField(
        input_formats=DATE_FORMATS,
        label=gettext_lazy("Dự kiến hiệu lực từ ngày"),
        required=False,
        widget=DATE_INPUT,
        help_text=gettext_lazy("Có thể chọn lại khi công bố."),
    )

    def __init__(self, *args: Any, new_procedure: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not new_procedure:
            del self.fields["procedure_code"]
            del self.fields["national_code"]

    def clean_form_schema(self) -> Any:
        return _parse_json(self.cleaned_data["form_schema"])

    def clean_form_ui(self) -> Any:
        return _parse_json(self.cleaned_data["form_ui"])

    def general_data(self) -> dict[str, Any]:
        """The version data of the service (without components, fees, steps)."""
        data = self.cleaned_data
        result: dict[str, Any] = {
            "name": data["name"],
            "sector": {"code": data["sector_code"], "name": data["sector_name"]},
            "level": data["level"],
            "implementing_agencies": _lines(data["implementing_agencies"]),
            "target_groups": list(data["target_groups"]),
            "channels": [int(value) for value in data["channels"]],
            "online_mode": data["online_mode"],
            "processing_time": data["processing_time"],
            "processing_time_unit": data["processing_time_unit"],
            "legal_basis": data["legal_basis"],
            "conditions": data["conditions"],
            "results": _lines(data["results"]),
            "form_schema": data["form_schema"],
            "form_ui": data["form_ui"],
        }
        if data.get("valid_from"):
            result["valid_from"] = data["valid_from"].isoformat()
        return result

    @staticmethod
    def initial_from(content: dict[str, Any], valid_from: Any = None) -> dict[str, Any]:
        return {
            "name": content["name"],
            "sector_code": content["sector"]["code"],
            "sector_name": content["sector"]["name"],
            "level": content["level"],
            "implementing_agencies": "\n".join(content["implementing_agencies"]),
            "target_groups": content["target_groups"],
            "channels": [str(value) for value in content["channels"]],
            "online_mode": content["online_mode"],
            "processing_time": content["processing_time"],
            "processing_time_unit": content["processing_time_unit"],
            "legal_basis": content["legal_basis"],
            "conditions": content["conditions"],
            "results": "\n".join(content["results"]),
            "form_schema": json.dumps(content["form_schema"], ensure_ascii=False, indent=2)
            if content["form_schema"]
            else "",
            "form_ui": json.dumps(content["form_ui"], ensure_ascii=False, indent=2)
            if content["form_ui"]
            else "",
            "valid_from": valid_from,
        }


class RowForm(forms.Form):
    """One row of a list (component, fee, step). Blank rows are ignored."""

    text_fields: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(str(data.get(name) or "").strip() for name in self.text_fields)

    def item(self) -> dict[str, Any]:
        raise NotImplementedError


class ComponentForm(RowForm):
    text_fields = ("code", "name", "template_url", "note")
    code = forms.CharField(label=gettext_lazy("Mã"), required=False, max_length=50)
    name = forms.CharField(label=gettext_lazy("Tên giấy tờ"), required=False, max_length=1000)
    originals = forms.CharField(
        label=gettext_lazy("Bản chính"),
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input-short"}),
    )
    copies = forms.CharField(
        label=gettext_lazy("Bản sao"),
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input-short"}),
    )
    is_required = forms.BooleanField(label=gettext_lazy("Bắt buộc"), required=False)
    template_url = forms.CharField(
        label=gettext_lazy("Địa chỉ mẫu đơn"), required=False, max_length=500
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False)

    def item(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data["code"],
            "name": data["name"],
            "originals": data["originals"] or "0",
            "copies": data["copies"] or "0",
            "is_required": bool(data["is_required"]),
            "template_url": data["template_url"],
            "note": data["note"],
        }


class FeeForm(RowForm):
    text_fields = ("description", "amount", "note")
    description = forms.CharField(label=gettext_lazy("Nội dung"), required=False, max_length=500)
    amount = forms.CharField(
        label=gettext_lazy("Số tiền (đồng)"),
        required=False,
        max_length=15,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input-short"}),
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False)

    def item(self) -> dict[str, Any]:
        data = self.cleaned_data
        amount = (data["amount"] or "").replace(".", "").replace(" ", "")
        return {"description": data["description"], "amount": amount, "note": data["note"]}


class StepForm(RowForm):
    text_fields = ("position", "code", "name", "responsible_agency", "allotted_hours")
    position = forms.CharField(
        label=gettext_lazy("Thứ tự"),
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input-short"}),
    )
    code = forms.CharField(label=gettext_lazy("Mã bước"), required=False, max_length=50)
    name = forms.CharField(label=gettext_lazy("Tên bước"), required=False, max_length=300)
    responsible_role = forms.ChoiceField(
        label=gettext_lazy("Vai trò thực hiện"),
        required=False,
        choices=[("", "—"), *Role.choices],
    )
    responsible_agency = forms.CharField(
        label=gettext_lazy("Cơ quan thực hiện (mã)"), required=False, max_length=40
    )
    is_inter_agency = forms.BooleanField(label=gettext_lazy("Liên thông"), required=False)
    allotted_hours = forms.CharField(
        label=gettext_lazy("Giờ làm việc"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs=NUMBER_ATTRS),
    )

    def item(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "position": data["position"],
            "code": data["code"],
            "name": data["name"],
            "responsible_role": data["responsible_role"],
            "responsible_agency": data["responsible_agency"],
            "is_inter_agency": bool(data["is_inter_agency"]),
            "allotted_hours": data["allotted_hours"],
        }


ComponentFormSet = forms.formset_factory(ComponentForm, extra=2, max_num=200, absolute_max=200)
FeeFormSet = forms.formset_factory(FeeForm, extra=1, max_num=100, absolute_max=100)
StepFormSet = forms.formset_factory(StepForm, extra=2, max_num=100, absolute_max=100)


class PublishForm(IdempotentForm):
    valid_from = forms.DateField(
        input_formats=DATE_FORMATS,
        label=gettext_lazy("Hiệu lực từ ngày"),
        widget=DATE_INPUT,
        help_text=gettext_lazy(
            "Phiên bản đang áp dụng (nếu có) kết thúc hiệu lực vào ngày hôm trước."
        ),
    )


class ReasonForm(IdempotentForm):
    reason = forms.CharField(
        label=gettext_lazy("Lý do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class RetireForm(ReasonForm):
    on = forms.DateField(
        input_formats=DATE_FORMATS,
        label=gettext_lazy("Ngừng tiếp nhận hồ sơ từ ngày"),
        widget=DATE_INPUT,
    )
    field_order = ["on", "reason"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh mục (JSON hoặc XLSX)"),
        help_text=gettext_lazy(
            "Tệp xuất từ Cơ sở dữ liệu quốc gia về TTHC theo định dạng tinhso.catalog/1, "
            "tối đa 50 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.xlsx"}),
    )
    effective_from = forms.DateField(
        input_formats=DATE_FORMATS,
        label=gettext_lazy("Hiệu lực từ ngày"),
        required=False,
        widget=DATE_INPUT,
        help_text=gettext_lazy("Để trống: hôm nay."),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Công bố ngay các phiên bản mới (không chọn: tạo bản dự thảo)"),
        required=False,
    )
    retire_missing = forms.BooleanField(
        label=gettext_lazy("Ngừng tiếp nhận các thủ tục đang hiệu lực nhưng không có trong tệp"),
        required=False,
    )


# --- calendar ---------------------------------------------------------------------------------


class OverrideForm(IdempotentForm):
    date = forms.DateField(
        input_formats=DATE_FORMATS, label=gettext_lazy("Ngày"), widget=DATE_INPUT
    )
    is_working_day = forms.TypedChoiceField(
        label=gettext_lazy("Ngày này là"),
        choices=[("0", gettext_lazy("Ngày nghỉ")), ("1", gettext_lazy("Ngày làm việc"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "Bắt buộc với ngày nghỉ: người dân chờ kết quả sẽ thấy lý do này. "
            "Ví dụ: Nghỉ bù theo Quyết định số …/QĐ-UBND."
        ),
    )


class OfficeHoursForm(IdempotentForm):
    periods = forms.CharField(
        label=gettext_lazy("Giờ làm việc"),
        help_text=gettext_lazy("Mỗi dòng một khoảng dạng HH:MM-HH:MM, ví dụ 07:30-11:30."),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )


# --- staff and roles --------------------------------------------------------------------------


def agency_choices(agencies: list[Agency]) -> list[tuple[str, str]]:
    return [(agency.code, f"{agency.name} ({agency.code})") for agency in agencies]


class StaffSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tìm theo tên"), required=False, max_length=200)
    agency = forms.ChoiceField(label=gettext_lazy("Cơ quan"), required=False, choices=[])

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("Mọi cơ quan")), *agency_choices(agencies)]  # type: ignore[attr-defined]


class RoleFields(forms.Form):
    agency = forms.ChoiceField(label=gettext_lazy("Cơ quan, đơn vị"), choices=[])
    role = forms.ChoiceField(label=gettext_lazy("Vai trò"), choices=[])
    valid_from = forms.DateField(
        input_formats=DATE_FORMATS, label=gettext_lazy("Từ ngày"), widget=DATE_INPUT
    )
    valid_to = forms.DateField(
        input_formats=DATE_FORMATS,
        label=gettext_lazy("Đến ngày"),
        required=False,
        widget=DATE_INPUT,
        help_text=gettext_lazy("Để trống nếu chưa định ngày kết thúc."),
    )

    def __init__(
        self, *args: Any, agencies: list[Agency], roles: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "—"), *agency_choices(agencies)]  # type: ignore[attr-defined]
        self.fields["role"].choices = [("", "—"), *roles]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Ngày kết thúc không được trước ngày bắt đầu."))
        return data


class AssignRoleForm(IdempotentForm, RoleFields):
    pass


class StaffCreateForm(IdempotentForm, RoleFields):
    username = forms.CharField(
        label=gettext_lazy("Tên đăng nhập"),
        max_length=150,
        help_text=gettext_lazy("Chữ thường, số và các ký tự . _ - @; ví dụ nguyenvan.a"),
    )
    full_name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=200)
    email = forms.CharField(
        label=gettext_lazy("Thư điện tử công vụ"),
        required=False,
        max_length=254,
        widget=forms.EmailInput,
    )
    phone = forms.CharField(
        label=gettext_lazy("Số điện thoại"),
        required=False,
        max_length=15,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Mật khẩu ban đầu"),
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "Ít nhất 10 ký tự, không toàn chữ số, không quá giống tên đăng nhập hay họ tên, "
            "không phải mật khẩu phổ biến. Trao cho cán bộ qua kênh riêng và đề nghị đổi ngay."
        ),
    )
    field_order = [
        "username",
        "full_name",
        "email",
        "phone",
        "password",
        "agency",
        "role",
        "valid_from",
        "valid_to",
    ]


class EndRoleForm(IdempotentForm):
    valid_to = forms.DateField(
        input_formats=DATE_FORMATS,
        label=gettext_lazy("Ngày cuối cùng giữ vai trò"),
        widget=DATE_INPUT,
    )


# --- agencies ---------------------------------------------------------------------------------


class AgencyFields(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên cơ quan, đơn vị"), max_length=300)
    short_name = forms.CharField(label=gettext_lazy("Tên viết tắt"), required=False, max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=Agency.Kind.choices)
    level = forms.ChoiceField(label=gettext_lazy("Cấp"), choices=Agency.Level.choices)
    parent_code = forms.ChoiceField(
        label=gettext_lazy("Cơ quan cấp trên"), required=False, choices=[]
    )
    administrative_unit_code = forms.CharField(
        label=gettext_lazy("Mã đơn vị hành chính (địa bàn)"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("Mã của Tổng cục Thống kê, ví dụ 26734; để trống nếu không có."),
    )
    email = forms.CharField(
        label=gettext_lazy("Thư điện tử"), required=False, max_length=254, widget=forms.EmailInput
    )
    phone = forms.CharField(label=gettext_lazy("Điện thoại"), required=False, max_length=30)
    address = forms.CharField(label=gettext_lazy("Địa chỉ"), required=False, max_length=300)

    def __init__(self, *args: Any, parents: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent_code"].choices = [("", "—"), *agency_choices(parents)]  # type: ignore[attr-defined]


class AgencyCreateForm(IdempotentForm, AgencyFields):
    code = forms.CharField(
        label=gettext_lazy("Mã định danh QCVN 102"),
        max_length=13,
        help_text=gettext_lazy("Ví dụ 000.00.12.H56."),
    )
    valid_from = forms.DateField(
        input_formats=DATE_FORMATS,
        label=gettext_lazy("Hoạt động từ ngày"),
        required=False,
        widget=DATE_INPUT,
        help_text=gettext_lazy("Để trống: hôm nay."),
    )
    field_order = ["code", "name", "short_name", "kind", "level", "parent_code"]


class AgencyEditForm(IdempotentForm, AgencyFields):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    effective_on = forms.DateField(
        input_formats=DATE_FORMATS,
        label=gettext_lazy("Tên mới có hiệu lực từ ngày"),
        required=False,
        widget=DATE_INPUT,
        help_text=gettext_lazy("Chỉ dùng khi đổi tên; để trống: hôm nay."),
    )


class MergeForm(IdempotentForm):
    successor = forms.ChoiceField(label=gettext_lazy("Sáp nhập vào cơ quan"), choices=[])
    effective_on = forms.DateField(
        input_formats=DATE_FORMATS, label=gettext_lazy("Hiệu lực từ ngày"), widget=DATE_INPUT
    )
    reason = forms.CharField(
        label=gettext_lazy("Căn cứ, lý do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Ví dụ: Quyết định số …/QĐ-UBND ngày …"),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, successors: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"].choices = [("", "—"), *agency_choices(successors)]  # type: ignore[attr-defined]
