"""Standard one-stop forms (biểu mẫu) rendered to PDF from plain data.

A pure service: no database, no storage. The caller (the dossiers app) builds the data, calls
:func:`render_form` and stores both ``RenderedForm.pdf`` and ``RenderedForm.data`` — the
validated snapshot that was printed — so the paper can be explained and re-rendered later.

Two form sets exist side by side: TT 01/2018/TT-VPCP (under Decree 61/2018) and TT 03/2025/TT-VPCP
(under Decree 118/2025, from 01/7/2025). See docs/forms.md and
docs/decisions/0004-standard-forms.md.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pydantic
from django.template.loader import render_to_string

from tinhso.lib.errors import InvalidInput
from tinhso.printing import schemas
from tinhso.printing.rendering import html_to_pdf, qr_data_uri


class FormKind(StrEnum):
    RECEIPT = "receipt"  # Giấy tiếp nhận hồ sơ và hẹn trả kết quả
    SUPPLEMENT_REQUEST = "supplement_request"  # Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
    REFUSAL = "refusal"  # Phiếu từ chối tiếp nhận giải quyết hồ sơ
    APOLOGY = "apology"  # Phiếu / Văn bản xin lỗi (2018: hẹn lại; 2025: đề nghị gia hạn)
    STOP_NOTICE = "stop_notice"  # Thông báo dừng giải quyết hồ sơ (2025 only)
    CONTROL_SHEET = "control_sheet"  # Phiếu kiểm soát quá trình giải quyết hồ sơ
    REGISTER = "register"  # Sổ theo dõi hồ sơ


class FormSet(StrEnum):
    TT01_2018 = "tt01-2018"  # Thông tư 01/2018/TT-VPCP, Điều 9
    TT03_2025 = "tt03-2025"  # Thông tư 03/2025/TT-VPCP, Phụ lục I


#: Data to revise: the day the 2025 form set replaces the 2018 one. Decree 118/2025/NĐ-CP (the
#: new one-stop decree) took effect on 01/7/2025; TT 03/2025/TT-VPCP, which carries the new forms,
#: is assumed to apply from the same day — its primary text was not available (see
#: docs/decisions/0004-standard-forms.md). Change this if the circular says otherwise.
TT03_2025_EFFECTIVE_FROM = dt.date(2025, 7, 1)

FORM_SET_NAMES = {
    FormSet.TT01_2018: "Thông tư số 01/2018/TT-VPCP",
    FormSet.TT03_2025: "Thông tư số 03/2025/TT-VPCP",
}

#: How each set names the one-stop desk in running text (Decree 61/2018 vs Decree 118/2025).
DESK_NAMES = {
    FormSet.TT01_2018: "Bộ phận tiếp nhận và trả kết quả",
    FormSet.TT03_2025: "Bộ phận Một cửa",
}


@dataclass(frozen=True)
class FormSpec:
    number: str  # "Mẫu số 01"
    title: str  # Vietnamese title as the circular names the form
    page: str  # "A5" or "A4 ngang"


_A5 = "A5"
_A4_LANDSCAPE = "A4 ngang"
_RECEIPT_TITLE = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
_SUPPLEMENT_TITLE = "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
_REFUSAL_TITLE = "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
_CONTROL_TITLE = "Phiếu kiểm soát quá trình giải quyết hồ sơ"
_REGISTER_TITLE = "Sổ theo dõi hồ sơ"

FORMS: dict[FormSet, dict[FormKind, FormSpec]] = {
    FormSet.TT01_2018: {
        FormKind.RECEIPT: FormSpec("Mẫu số 01", _RECEIPT_TITLE, _A5),
        FormKind.SUPPLEMENT_REQUEST: FormSpec("Mẫu số 02", _SUPPLEMENT_TITLE, _A5),
        FormKind.REFUSAL: FormSpec("Mẫu số 03", _REFUSAL_TITLE, _A5),
        FormKind.APOLOGY: FormSpec("Mẫu số 04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", _A5),
        FormKind.CONTROL_SHEET: FormSpec("Mẫu số 05", _CONTROL_TITLE, _A5),
        FormKind.REGISTER: FormSpec("Mẫu số 06", _REGISTER_TITLE, _A4_LANDSCAPE),
    },
    FormSet.TT03_2025: {
        FormKind.RECEIPT: FormSpec("Mẫu số 01", _RECEIPT_TITLE, _A5),
        FormKind.SUPPLEMENT_REQUEST: FormSpec("Mẫu số 02", _SUPPLEMENT_TITLE, _A5),
        FormKind.REFUSAL: FormSpec("Mẫu số 03", _REFUSAL_TITLE, _A5),
        FormKind.APOLOGY: FormSpec(
            "Mẫu số 04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết", _A5
        ),
        FormKind.STOP_NOTICE: FormSpec("Mẫu số 05", "Thông báo dừng giải quyết hồ sơ", _A5),
        FormKind.CONTROL_SHEET: FormSpec("Mẫu số 06", _CONTROL_TITLE, _A5),
        FormKind.REGISTER: FormSpec("Mẫu số 07", _REGISTER_TITLE, _A4_LANDSCAPE),
    },
}

SCHEMAS: dict[FormKind, type[schemas.FormData]] = {
    FormKind.RECEIPT: schemas.ReceiptData,
    FormKind.SUPPLEMENT_REQUEST: schemas.SupplementRequestData,
    FormKind.REFUSAL: schemas.RefusalData,
    FormKind.APOLOGY: schemas.ApologyData,
    FormKind.STOP_NOTICE: schemas.StopNoticeData,
    FormKind.CONTROL_SHEET: schemas.ControlSheetData,
    FormKind.REGISTER: schemas.RegisterData,
}

#: Mẫu 01 is printed in two copies (liên): one kept with the control sheet, one handed over.
RECEIPT_COPIES = ("Liên 1: Lưu", "Liên 2: Giao khách hàng")


@dataclass(frozen=True)
class RenderedForm:
    pdf: bytes = field(repr=False)
    form_set: str
    template: str
    title: str
    number: str
    data: dict[str, Any] = field(repr=False)  # the validated, JSON-safe snapshot rendered


def form_set_for(day: dt.date) -> FormSet:
    """The form set in force on ``day`` (a local date)."""
    if isinstance(day, dt.datetime):
        day = day.astimezone(schemas.DISPLAY_TIMEZONE).date()
    return FormSet.TT03_2025 if day >= TT03_2025_EFFECTIVE_FROM else FormSet.TT01_2018


@dataclass(frozen=True)
class PreparedForm:
    """A validated form, ready to render: what a caller stores as the issued form's snapshot."""

    kind: FormKind
    form_set: str
    title: str
    number: str
    data: dict[str, Any]  # the validated, JSON-safe snapshot


def prepare_form(
    kind: FormKind | str,
    data: Mapping[str, Any] | pydantic.BaseModel,
    *,
    on: dt.date | None = None,
    form_set: FormSet | str | None = None,
) -> PreparedForm:
    """Validate ``data`` for ``kind`` and choose the form set, without rendering (cheap)."""
    form_kind = _kind(kind)
    form = _validate(form_kind, data)
    chosen = _form_set(form_set, on, form.issued_at)
    spec = _spec(chosen, form_kind)
    return PreparedForm(
        form_kind, str(chosen), spec.title, spec.number, form.model_dump(mode="json")
    )


def has_form(kind: FormKind, *, on: dt.date) -> bool:
    """Whether the form set in force on ``on`` has a form of ``kind``."""
    return kind in FORMS[form_set_for(on)]


def _spec(chosen: FormSet, form_kind: FormKind) -> FormSpec:
    spec = FORMS[chosen].get(form_kind)
    if spec is None:
        raise InvalidInput(
            f"{FORM_SET_NAMES[chosen]} không có biểu mẫu "
            f"“{FORMS[FormSet.TT03_2025][form_kind].title}”"
            f" (biểu mẫu này có từ {FORM_SET_NAMES[FormSet.TT03_2025]}, áp dụng từ ngày "
            f"{TT03_2025_EFFECTIVE_FROM:%d/%m/%Y}).",
            code="form_not_in_set",
            errors={"form_set": f"Bộ biểu mẫu {chosen} không có loại {form_kind}."},
        )
    return spec


def render_form(
    kind: FormKind | str,
    data: Mapping[str, Any] | pydantic.BaseModel,
    *,
    on: dt.date | None = None,
    form_set: FormSet | str | None = None,
) -> RenderedForm:
    """Validate ``data`` for ``kind`` and render it with the form set in force.

    The set is ``form_set`` if given, else the one in force ``on`` that date, else the one in
    force on the local date of ``data.issued_at`` — never "today", so a re-render of a stored
    snapshot prints the same form.
    """
    form_kind = _kind(kind)
    form = _validate(form_kind, data)
    chosen = _form_set(form_set, on, form.issued_at)
    spec = _spec(chosen, form_kind)
    template = f"printing/{chosen}/{form_kind}.html"
    context: dict[str, Any] = {
        "form": form,
        "spec": spec,
        "form_set": chosen,
        "form_set_name": FORM_SET_NAMES[chosen],
        "desk_name": DESK_NAMES[chosen],
        "qr_uri": qr_data_uri(form.lookup_url)
        if isinstance(form, schemas.DossierFormData)
        else None,
        "copies": RECEIPT_COPIES if form_kind is FormKind.RECEIPT else ("",),
    }
    html = unicodedata.normalize("NFC", render_to_string(template, context))
    return RenderedForm(
        pdf=html_to_pdf(html),
        form_set=str(chosen),
        template=template,
        title=spec.title,
        number=spec.number,
        data=form.model_dump(mode="json"),
    )


# --- helpers ----------------------------------------------------------------------------------


def _kind(kind: FormKind | str) -> FormKind:
    try:
        return FormKind(kind)
    except ValueError:
        allowed = ", ".join(FormKind)
        raise InvalidInput(
            f"Loại biểu mẫu {kind!r} không hợp lệ; chọn một trong: {allowed}.",
            errors={"kind": "không hợp lệ"},
        ) from None


def _form_set(
    form_set: FormSet | str | None, on: dt.date | None, issued_at: dt.datetime
) -> FormSet:
    if form_set is not None:
        try:
            return FormSet(form_set)
        except ValueError:
            allowed = ", ".join(FormSet)
            raise InvalidInput(
                f"Bộ biểu mẫu {form_set!r} không hợp lệ; chọn một trong: {allowed}.",
                errors={"form_set": "không hợp lệ"},
            ) from None
    if on is not None:
        return form_set_for(on)
    return form_set_for(issued_at.astimezone(schemas.DISPLAY_TIMEZONE).date())


def _validate(kind: FormKind, data: Mapping[str, Any] | pydantic.BaseModel) -> schemas.FormData:
    schema = SCHEMAS[kind]
    if isinstance(data, pydantic.BaseModel):
        data = data.model_dump(mode="python")
    if not isinstance(data, Mapping):
        raise InvalidInput(
            "Dữ liệu biểu mẫu phải là một đối tượng (dict).", errors={"data": "sai kiểu"}
        )
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        errors = _errors(exc)
        detail = "; ".join(f"{name}: {message}" for name, message in errors.items())
        raise InvalidInput(f"Dữ liệu biểu mẫu không hợp lệ — {detail}", errors=errors) from None


_MESSAGES = {
    "missing": "Bắt buộc phải có.",
    "extra_forbidden": "Trường không được phép.",
    "string_type": "Phải là chuỗi ký tự.",
    "int_type": "Phải là số nguyên.",
    "int_parsing": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "list_type": "Phải là danh sách.",
    "model_type": "Phải là một đối tượng.",
    "dict_type": "Phải là một đối tượng.",
    "datetime_type": "Phải là thời điểm (ISO 8601, có múi giờ).",
    "datetime_parsing": "Phải là thời điểm (ISO 8601, có múi giờ).",
    "datetime_from_date_parsing": "Phải là thời điểm (ISO 8601, có múi giờ).",
    "timezone_aware": "Thời điểm phải có múi giờ.",
    "enum": "Giá trị không hợp lệ.",
    "greater_than_equal": "Giá trị quá nhỏ.",
    "less_than_equal": "Giá trị quá lớn.",
}


def _errors(exc: pydantic.ValidationError) -> dict[str, str]:
    """Pydantic's errors as ``{"applicant.name": "Bắt buộc phải có."}`` (first error per field)."""
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        name = ".".join(str(part) for part in error["loc"]) or "data"
        if name in errors:
            continue
        kind = error["type"]
        if kind == "value_error":
            message = str(error.get("ctx", {}).get("error", "")) or "Giá trị không hợp lệ."
        elif kind == "enum":
            expected = str(error.get("ctx", {}).get("expected", "")).replace(" or ", ", ")
            message = f"Giá trị không hợp lệ; chọn một trong: {expected}."
        elif kind in {"greater_than_equal", "less_than_equal"}:
            bound = error.get("ctx", {}).get("ge", error.get("ctx", {}).get("le"))
            relation = "nhỏ nhất" if kind == "greater_than_equal" else "lớn nhất"
            message = f"Giá trị {relation} là {bound}."
        elif kind == "too_short":
            message = f"Cần ít nhất {error.get('ctx', {}).get('min_length', 1)} phần tử."
        elif kind == "too_long":
            message = f"Tối đa {error.get('ctx', {}).get('max_length')} phần tử."
        else:
            message = _MESSAGES.get(kind, "Giá trị không hợp lệ.")
        errors[name] = message
    return errors
