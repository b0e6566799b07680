"""Forms of the desk (in-person reception) and the dashboard.

They only parse what the officer typed; the rules (ID numbers, phone numbers, the e-form's
schema, required components) are checked by the services, whose errors are put next to the
field they concern with :meth:`DeskForm.add_domain_errors`."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from tinhso.dossiers.models import ApplicantKind, Channel, ReturnMethod
from tinhso.dossiers.services import Applicant
from tinhso.lib.errors import DomainError
from tinhso.workspace.desk_queries import (
    APPLICANT_KINDS,
    CHANNELS,
    RETURN_METHODS,
    AgencyChoice,
    ComponentEntry,
    ScanEntry,
)

ACCEPTED_SCANS = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
MAX_EFORM_DEPTH = 4
UNSUPPORTED_KEYWORDS = frozenset(
    {"$ref", "oneOf", "anyOf", "allOf", "not", "if", "then", "else", "patternProperties"}
)
SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})


class DeskForm(forms.Form):
    """Base of the desk's forms: the browser does not block the submission on empty required
    fields (the server answers with every problem at once), and domain errors land next to
    their field."""

    use_required_attribute = False
    #: ``errors`` keys of the services → the field of this form they belong to.
    error_fields: dict[str, str] = {}

    def add_domain_errors(
        self, exc: DomainError, fallback: str | None = None, *, keep_first: bool = False
    ) -> None:
        """Each message of ``exc`` next to its field (with ``keep_first``, not on a field that
        already shows an error); messages without a field go to the summary."""
        errors = exc.extra.get("errors") or {}
        placed = False
        unplaced: list[str] = []
        if isinstance(errors, dict):
            for key, message in errors.items():
                name = self.field_for_error(str(key))
                if name is None:
                    unplaced.append(str(message))
                    continue
                placed = True
                if not (keep_first and name in self.errors):
                    self.add_error(name, str(message))
        if not placed:
            self.add_error(None, fallback or exc.detail)
        else:
            for message in unplaced:
                self.add_error(None, message)

    def field_for_error(self, key: str) -> str | None:
        name = self.error_fields.get(key)
        return name if name in self.fields else None


def _set_choices(form_field: forms.Field, choices: list[tuple[str, str]]) -> None:
    assert isinstance(form_field, forms.ChoiceField)
    form_field.choices = choices


class LenientRequiredMixin:
    """A field shown as required whose emptiness is judged by the service (its message is the
    one the officer sees), not by Django."""

    empty_values: Any

    def validate(self, value: Any) -> None:
        if value in self.empty_values:
            return
        super().validate(value)  # type: ignore[misc]


class EFormCharField(LenientRequiredMixin, forms.CharField):
    pass


class EFormChoiceField(LenientRequiredMixin, forms.ChoiceField):
    pass


class PeriodIntegerField(LenientRequiredMixin, forms.IntegerField):
    """Required or not depending on the period chosen (checked in ``DashboardForm.clean``)."""


class PeriodChoiceField(LenientRequiredMixin, forms.TypedChoiceField):
    pass


class PeriodDateField(LenientRequiredMixin, forms.DateField):
    pass


# --- step 1: the procedure ----------------------------------------------------------------------


class ProcedureSearchForm(DeskForm):
    # Shown without "(không bắt buộc)": an empty search lists every procedure of the desk.
    q = EFormCharField(
        label=_("Tên hoặc mã thủ tục"),
        help_text=_("Gõ có dấu hay không dấu đều được, ví dụ: ly lich tu phap."),
        max_length=200,
        error_messages={"max_length": _("Từ khoá dài quá 200 ký tự.")},
    )
    agency = forms.ChoiceField(label=_("Tiếp nhận cho cơ quan"), required=False)

    def __init__(self, *args: Any, agencies: list[AgencyChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["agency"], [(a.code, a.name) for a in agencies])
        self.fields["agency"].error_messages["invalid_choice"] = _(
            "Chọn một cơ quan trong danh sách: bạn chỉ tiếp nhận cho nơi mình làm cán bộ một cửa."
        )
        if len(agencies) == 1:
            self.fields["agency"].widget = forms.HiddenInput()


class StartForm(DeskForm):
    agency = forms.ChoiceField()
    procedure = forms.CharField(max_length=60)

    def __init__(self, *args: Any, agencies: list[AgencyChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["agency"], [(a.code, a.name) for a in agencies])


# --- step 2: the applicant and the e-form -------------------------------------------------------


@dataclass
class EFormSection:
    legend: str
    optional: bool
    names: list[str] = field(default_factory=list)


@dataclass
class EFormLayout:
    """Django fields for an e-form (JSON Schema + UI hints): one field per leaf, nested objects
    as fieldsets. ``json_mode`` when the schema has parts a simple form cannot show (arrays,
    combinators): then a single text area takes the JSON document."""

    fields: dict[str, forms.Field] = field(default_factory=dict)
    sections: list[EFormSection] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    json_mode: bool = False

    @property
    def present(self) -> bool:
        return bool(self.fields)


JSON_FIELD = "ef_json"


def _field_name(path: str) -> str:
    return "ef_" + path.replace(".", "__")


def _supported(schema: Any, depth: int = 0) -> bool:
    if not isinstance(schema, dict) or depth > MAX_EFORM_DEPTH:
        return False
    if UNSUPPORTED_KEYWORDS & set(schema):
        return False
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties")
        if not isinstance(properties, dict) or not properties:
            return False
        return all(_supported(sub, depth + 1) for sub in properties.values())
    if kind in SCALAR_TYPES:
        return True
    return kind is None and isinstance(schema.get("enum"), list)


def _ordered(schema: dict[str, Any], ui: dict[str, Any], prefix: str) -> list[str]:
    properties = list((schema.get("properties") or {}).keys())
    if prefix:
        return properties
    order = [name for name in ui.get("order") or [] if name in properties]
    return order + [name for name in properties if name not in order]


def _scalar_field(
    schema: dict[str, Any], hints: dict[str, Any], label: str, required: bool
) -> tuple[forms.Field, str]:
    widget_name = str(hints.get("widget") or "")
    help_text = str(hints.get("help") or schema.get("description") or "")
    attrs: dict[str, Any] = {}
    if hints.get("placeholder"):
        attrs["placeholder"] = str(hints["placeholder"])
    kind = str(schema.get("type") or "string")
    initial = schema.get("default")
    if kind == "boolean":
        return (
            forms.BooleanField(
                label=label, required=False, help_text=help_text, initial=bool(initial)
            ),
            "boolean",
        )
    choices_hint = hints.get("choices") if isinstance(hints.get("choices"), dict) else None
    enum = schema.get("enum")
    if isinstance(enum, list) or choices_hint:
        values = [str(v) for v in enum] if isinstance(enum, list) else list(choices_hint or {})
        labels = {str(k): str(v) for k, v in (choices_hint or {}).items()}
        choices: list[tuple[str, Any]] = [(value, labels.get(value, value)) for value in values]
        widget: forms.Widget | type[forms.Widget]
        if widget_name == "radio":
            widget = forms.RadioSelect
        else:
            widget = forms.Select
            choices = [("", _("— Chọn —")), *choices]
        return (
            EFormChoiceField(
                label=label,
                required=required,
                choices=choices,
                widget=widget,
                help_text=help_text,
                initial=initial,
            ),
            "integer" if kind == "integer" else "number" if kind == "number" else "string",
        )
    if kind in ("integer", "number"):
        attrs["inputmode"] = "numeric" if kind == "integer" else "decimal"
        widget = forms.TextInput(attrs=attrs)
    elif widget_name == "textarea":
        widget = forms.Textarea(attrs={"rows": 3, **attrs})
    elif widget_name == "date" or schema.get("format") == "date":
        widget = forms.TextInput(attrs={"type": "date", **attrs})
    elif widget_name == "email" or schema.get("format") in ("email", "idn-email"):
        widget = forms.EmailInput(attrs=attrs)
    elif widget_name == "tel":
        widget = forms.TextInput(attrs={"type": "tel", "inputmode": "tel", **attrs})
    else:
        widget = forms.TextInput(attrs=attrs)
    return (
        EFormCharField(
            label=label,
            required=required,
            widget=widget,
            help_text=help_text,
            initial=initial,
            strip=True,
        ),
        kind,
    )


def build_eform(schema: dict[str, Any], ui: dict[str, Any]) -> EFormLayout:
    """The fields of the e-form, or the JSON text area if the schema is beyond a simple form;
    an empty schema (no e-form) gives no field at all."""
    layout = EFormLayout()
    if not schema:
        return layout
    ui = ui if isinstance(ui, dict) else {}
    hints_by_path = ui.get("fields") if isinstance(ui.get("fields"), dict) else {}
    if schema.get("type") != "object" or not _supported(schema):
        layout.json_mode = True
        layout.fields[JSON_FIELD] = forms.CharField(
            label=_("Nội dung tờ khai (JSON)"),
            help_text=_(
                "Tờ khai của thủ tục này có cấu trúc phức tạp (danh sách, lựa chọn lồng nhau): "
                "nhập dưới dạng một đối tượng JSON; máy chủ kiểm tra theo biểu mẫu của thủ tục."
            ),
            required=False,
            widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        )
        layout.sections.append(EFormSection(legend="", optional=False, names=[JSON_FIELD]))
        return layout

    def hints(path: str) -> dict[str, Any]:
        value = hints_by_path.get(path) if isinstance(hints_by_path, dict) else None
        return value if isinstance(value, dict) else {}

    def label_of(path: str, sub: dict[str, Any]) -> str:
        return str(hints(path).get("label") or sub.get("title") or path.rsplit(".", 1)[-1])

    def walk(
        node: dict[str, Any], prefix: str, section: EFormSection, chain_required: bool
    ) -> None:
        required = set(node.get("required") or [])
        for name in _ordered(node, ui, prefix):
            sub = node["properties"][name]
            path = f"{prefix}.{name}" if prefix else name
            if sub.get("type") == "object":
                group = EFormSection(
                    legend=label_of(path, sub), optional=not (chain_required and name in required)
                )
                layout.sections.append(group)
                walk(sub, path, group, chain_required and name in required)
                # Fields after a group at the same level start a section of their own.
                section = EFormSection(legend=section.legend, optional=section.optional)
                layout.sections.append(section)
                continue
            if hints(path).get("widget") == "hidden":
                continue
            form_field, kind = _scalar_field(
                sub, hints(path), label_of(path, sub), name in required
            )
            field_name = _field_name(path)
            layout.fields[field_name] = form_field
            layout.paths[field_name] = path
            layout.kinds[field_name] = kind
            section.names.append(field_name)

    top = EFormSection(legend="", optional=False)
    layout.sections.append(top)
    walk(schema, "", top, True)
    layout.sections = [s for s in layout.sections if s.names]
    return layout


def _number(value: str, kind: str) -> Any:
    """A typed number where the text is one; otherwise the text, which the schema refuses with
    its own message ("phải là số")."""
    text = value.strip().replace(" ", "")
    if kind == "integer":
        return int(text) if re.fullmatch(r"[+-]?\d+", text) else value
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    return int(number) if number == number.to_integral_value() else float(number)


class ApplicantForm(DeskForm):
    """Step 2: who brings the dossier, and the procedure's e-form."""

    kind = forms.ChoiceField(
        label=_("Người nộp là"),
        choices=list(APPLICANT_KINDS.items()),
        widget=forms.RadioSelect,
        initial=ApplicantKind.CITIZEN,
        error_messages={"required": _("Chọn người nộp là cá nhân hay tổ chức.")},
    )
    name = forms.CharField(
        label=_("Họ và tên (hoặc tên tổ chức)"),
        max_length=300,
        error_messages={
            "required": _("Nhập họ và tên người nộp hoặc tên tổ chức."),
            "max_length": _("Họ tên dài quá 300 ký tự."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("Số định danh cá nhân hoặc mã số thuế"),
        help_text=_(
            "Cá nhân: 12 chữ số trên thẻ căn cước. Tổ chức: mã số thuế 10 chữ số "
            "(hoặc 10 chữ số, gạch ngang, 3 chữ số)."
        ),
        max_length=20,
        error_messages={
            "required": _("Nhập số định danh cá nhân hoặc mã số thuế."),
            "max_length": _("Số định danh hoặc mã số thuế dài quá 20 ký tự."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        help_text=_("10 chữ số, bắt đầu bằng 0; dùng để báo tin và tra cứu hồ sơ."),
        required=False,
        max_length=15,
        error_messages={"max_length": _("Số điện thoại dài quá 15 ký tự.")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("Thư điện tử chưa đúng dạng, ví dụ: ten@example.vn."),
            "max_length": _("Thư điện tử dài quá 254 ký tự."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Địa chỉ"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("Địa chỉ dài quá 500 ký tự.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    error_fields = {
        "applicant.kind": "kind",
        "applicant.name": "name",
        "applicant.id_number": "id_number",
        "applicant.phone": "phone",
        "applicant.email": "email",
        "applicant.address": "address",
    }

    def __init__(
        self, *args: Any, form_schema: dict[str, Any], form_ui: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.eform = build_eform(form_schema, form_ui)
        self.fields.update(self.eform.fields)

    applicant_fields = ("kind", "name", "id_number", "phone", "email", "address")

    def applicant_bound_fields(self) -> list[BoundField]:
        return [self[name] for name in self.applicant_fields]

    def eform_sections(self) -> Iterator[tuple[EFormSection, list[BoundField]]]:
        for section in self.eform.sections:
            yield section, [self[name] for name in section.names]

    def field_for_error(self, key: str) -> str | None:
        if key.startswith("form"):
            if self.eform.json_mode:
                return JSON_FIELD
            name = _field_name(key[len("form.") :]) if key.startswith("form.") else ""
            return name if name in self.eform.fields else None
        return super().field_for_error(key)

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            kind=data.get("kind") or ApplicantKind.CITIZEN,
            name=data.get("name") or "",
            id_number=re.sub(r"\s+", "", data.get("id_number") or ""),
            phone=re.sub(r"[\s.]+", "", data.get("phone") or ""),
            email=data.get("email") or "",
            address=data.get("address") or "",
        )

    def form_data(self) -> dict[str, Any] | None:
        """The e-form as the service takes it; ``None`` (with the error added) when the JSON
        text cannot be read."""
        if self.eform.json_mode:
            text = (self.cleaned_data.get(JSON_FIELD) or "").strip()
            if not text:
                return {}
            try:
                value = json.loads(text)
            except ValueError as exc:
                self.add_error(
                    JSON_FIELD,
                    _("Không đọc được JSON (dòng %(line)s, cột %(column)s).")
                    % {"line": getattr(exc, "lineno", "?"), "column": getattr(exc, "colno", "?")},
                )
                return None
            if not isinstance(value, dict):
                self.add_error(JSON_FIELD, _("Tờ khai phải là một đối tượng JSON ({…})."))
                return None
            return value
        data: dict[str, Any] = {}
        for name, path in self.eform.paths.items():
            value = self.cleaned_data.get(name)
            kind = self.eform.kinds[name]
            if kind == "boolean":
                if not value:
                    continue
                value = True
            elif value in (None, ""):
                continue
            elif kind in ("integer", "number"):
                value = _number(str(value), kind)
            target = data
            *parents, leaf = path.split(".")
            for parent in parents:
                target = target.setdefault(parent, {})
            target[leaf] = value
        return data

    def typed_values(self) -> dict[str, Any]:
        """What the officer typed, to show again when they come back to this step."""
        return {
            name: self.data.get(name, "")
            if not isinstance(self.fields[name], forms.BooleanField)
            else bool(self.cleaned_data.get(name))
            for name in self.fields
        }


# --- step 3: components, scans, return ----------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class ScanField(forms.FileField):
    """Any number of files; their checks (type, size, emptiness) are the document store's."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{number_format(round(size / (1024 * 1024), 1))} MB"
    return f"{max(1, round(size / 1024))} KB"


@dataclass(frozen=True)
class ComponentRow:
    component: ComponentEntry
    received: BoundField
    keep: BoundField | None
    scan: BoundField


class DocumentsForm(DeskForm):
    """Step 3: the components received on paper, their scans, the channel and the return."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    channel = forms.TypedChoiceField(
        label=_("Hồ sơ đến qua"),
        choices=[(channel, CHANNELS[channel]) for channel in (Channel.DIRECT, Channel.POST)],
        coerce=int,
        widget=forms.RadioSelect,
        initial=Channel.DIRECT,
        error_messages={"required": _("Chọn hồ sơ đến trực tiếp hay qua bưu chính.")},
    )
    return_method = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        choices=list(RETURN_METHODS.items()),
        widget=forms.RadioSelect,
        initial=ReturnMethod.DESK,
        error_messages={"required": _("Chọn hình thức nhận kết quả.")},
    )

    def __init__(
        self,
        *args: Any,
        components: list[ComponentEntry],
        scans: dict[str, list[ScanEntry]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.components = components
        for index, component in enumerate(components):
            self.fields[f"c{index}_received"] = forms.BooleanField(
                label=_("Đã nhận bản giấy, đủ và đúng"), required=False
            )
            stored = scans.get(component.code) or []
            if stored:
                self.fields[f"c{index}_keep"] = forms.MultipleChoiceField(
                    label=_("Bản quét đã lưu"),
                    help_text=_("Bỏ chọn một tệp để gỡ nó khỏi hồ sơ."),
                    required=False,
                    choices=[(str(s.id), f"{s.original_name} ({_size(s.size)})") for s in stored],
                    initial=[str(s.id) for s in stored],
                    widget=forms.CheckboxSelectMultiple,
                )
            self.fields[f"c{index}_scan"] = ScanField(
                label=_("Thêm bản quét"),
                help_text=_("PDF, JPEG hoặc PNG, tối đa 20 MB mỗi tệp; chọn được nhiều tệp."),
                required=False,
                widget=MultipleFileInput(attrs={"accept": ACCEPTED_SCANS}),
            )

    def component_rows(self) -> list[ComponentRow]:
        return [
            ComponentRow(
                component=component,
                received=self[f"c{index}_received"],
                keep=self[f"c{index}_keep"] if f"c{index}_keep" in self.fields else None,
                scan=self[f"c{index}_scan"],
            )
            for index, component in enumerate(self.components)
        ]

    def index_of(self, code: str) -> int | None:
        for index, component in enumerate(self.components):
            if component.code == code:
                return index
        return None

    def field_for_error(self, key: str) -> str | None:
        if key.startswith("components."):
            index = self.index_of(key[len("components.") :])
            return None if index is None else f"c{index}_scan"
        if key == "return_method":
            return "return_method"
        return None

    def add_domain_errors(
        self, exc: DomainError, fallback: str | None = None, *, keep_first: bool = False
    ) -> None:
        errors = exc.extra.get("errors") or {}
        missing = [
            key[len("components.") :]
            for key, message in errors.items()
            if key.startswith("components.") and message == "chưa có"
        ]
        if missing:
            # A required component neither ticked nor scanned: say so at its tick box.
            for code in missing:
                index = self.index_of(code)
                if index is None:
                    continue
                self.add_error(
                    f"c{index}_received",
                    _(
                        "Chưa có «%(name)s» (bắt buộc): đánh dấu đã nhận bản giấy "
                        "hoặc thêm bản quét, nếu thiếu thì hướng dẫn người nộp bổ sung."
                    )
                    % {"name": self.components[index].name},
                )
            return
        other = {k: v for k, v in errors.items() if not k.startswith("applicant.")}
        if other and any(self.field_for_error(k) for k in other):
            super().add_domain_errors(exc, fallback)
        else:
            self.add_error(None, fallback or exc.detail)


# --- the dashboard ------------------------------------------------------------------------------

PERIODS = [
    ("month", _("Tháng")),
    ("quarter", _("Quý")),
    ("year", _("Năm")),
    ("custom", _("Khoảng ngày tự chọn")),
]


class DashboardForm(forms.Form):
    """Agency and reporting period (read from the query string)."""

    use_required_attribute = False

    agency = forms.ChoiceField(
        label=_("Cơ quan"),
        error_messages={
            "required": _("Chọn cơ quan."),
            "invalid_choice": _("Chọn một cơ quan trong danh sách bạn được xem."),
        },
    )
    period = forms.ChoiceField(
        label=_("Kỳ báo cáo"),
        choices=PERIODS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Chọn kỳ báo cáo."),
            "invalid_choice": _("Chọn kỳ báo cáo: tháng, quý, năm hoặc tự chọn."),
        },
    )
    year = PeriodIntegerField(
        label=_("Năm"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Năm phải là một số, ví dụ 2026."),
            "min_value": _("Năm từ 2000 đến 2100."),
            "max_value": _("Năm từ 2000 đến 2100."),
        },
    )
    month = PeriodChoiceField(
        label=_("Tháng"),
        choices=[(m, _("Tháng %(month)s") % {"month": m}) for m in range(1, 13)],
        coerce=int,
        error_messages={"invalid_choice": _("Tháng từ 1 đến 12.")},
    )
    quarter = PeriodChoiceField(
        label=_("Quý"),
        choices=[(q, _("Quý %(quarter)s") % {"quarter": q}) for q in range(1, 5)],
        coerce=int,
        error_messages={"invalid_choice": _("Quý từ 1 đến 4.")},
    )
    date_from = PeriodDateField(
        label=_("Từ ngày"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Ngày chưa đúng, ví dụ 2026-01-31 hoặc 31/01/2026.")},
    )
    date_to = PeriodDateField(
        label=_("Đến ngày"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Ngày chưa đúng, ví dụ 2026-01-31 hoặc 31/01/2026.")},
    )

    def __init__(self, *args: Any, agencies: list[AgencyChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["agency"], [(a.code, a.name) for a in agencies])

    @staticmethod
    def defaults(agencies: list[AgencyChoice], today: dt.date | None = None) -> dict[str, Any]:
        day = today or timezone.localdate()
        return {
            "agency": agencies[0].code if agencies else "",
            "period": "month",
            "year": day.year,
            "month": day.month,
            "quarter": (day.month - 1) // 3 + 1,
            "date_from": day.replace(day=1).isoformat(),
            "date_to": day.isoformat(),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = data.get("period")
        year = data.get("year")
        if period in ("month", "quarter", "year") and not year and "year" not in self.errors:
            self.add_error("year", _("Nhập năm của kỳ báo cáo."))
            return data
        start: dt.date | None = None
        end: dt.date | None = None
        if period == "month" and year:
            month = data.get("month")
            if not month:
                if "month" not in self.errors:
                    self.add_error("month", _("Chọn tháng."))
                return data
            start = dt.date(year, month, 1)
            end = dt.date(year, month, calendar.monthrange(year, month)[1])
        elif period == "quarter" and year:
            quarter = data.get("quarter")
            if not quarter:
                if "quarter" not in self.errors:
                    self.add_error("quarter", _("Chọn quý."))
                return data
            start = dt.date(year, 3 * quarter - 2, 1)
            last_month = 3 * quarter
            end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
        elif period == "year" and year:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        elif period == "custom":
            start, end = data.get("date_from"), data.get("date_to")
            for name, value in (("date_from", start), ("date_to", end)):
                if value is None and name not in self.errors:
                    self.add_error(name, _("Nhập ngày (kỳ tự chọn cần cả từ ngày và đến ngày)."))
            if start and end and end < start:
                self.add_error("date_to", _("Đến ngày phải sau hoặc bằng từ ngày."))
                return data
        if start and end:
            data["start"], data["end"] = start, end
        return data
