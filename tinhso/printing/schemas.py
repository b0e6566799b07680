"""The data each standard form needs, one pydantic schema per form kind.

Callers (the dossiers app) build these from a dossier; :func:`tinhso.printing.services.render_form`
validates them, renders the PDF and hands back ``model_dump(mode="json")`` as the snapshot to
store. Text is NFC-normalised here, so the snapshot and the PDF hold exactly the same strings;
datetimes must be aware and are converted to Asia/Ho_Chi_Minh, the time printed on the forms.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from tinhso.lib.text import normalize_text

#: Forms show local time (Decree 61/2018 and its successors count in Vietnamese office hours).
DISPLAY_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")

LINE_MAX_LENGTH = 300
BLOCK_MAX_LENGTH = 2_000
URL_MAX_LENGTH = 500
MAX_LIST_ITEMS = 100
MAX_CONTROL_ROWS = 200
#: About 20 s of rendering; print larger registers per month, or per book.
MAX_REGISTER_ROWS = 2_000
MAX_COUNT = 1_000

_DOSSIER_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_/]{0,63}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{5,23}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL_CHARACTERS = {chr(code) for code in range(32)} - {"\n"}


def _line(value: str) -> str:
    """One line of text: NFC, trimmed, runs of white space collapsed."""
    cleaned = normalize_text(value)
    if len(cleaned) > LINE_MAX_LENGTH:
        raise ValueError(f"Dài quá {LINE_MAX_LENGTH} ký tự.")
    return cleaned


def _required_line(value: str) -> str:
    cleaned = _line(value)
    if not cleaned:
        raise ValueError("Không được để trống.")
    return cleaned


def _optional_line(value: str | None) -> str | None:
    return (_line(value) or None) if value is not None else None


def _block(value: str) -> str:
    """Several lines (a reason, a legal basis): NFC, each line trimmed, blank runs collapsed."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(" " if ch in _CONTROL_CHARACTERS else ch for ch in text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    paragraphs: list[str] = []
    for line in lines:
        if line or (paragraphs and paragraphs[-1]):
            paragraphs.append(line)
    cleaned = "\n".join(paragraphs).strip()
    if not cleaned:
        raise ValueError("Không được để trống.")
    if len(cleaned) > BLOCK_MAX_LENGTH:
        raise ValueError(f"Dài quá {BLOCK_MAX_LENGTH} ký tự.")
    return cleaned


def _optional_block(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return _block(value)


def _local_time(value: dt.datetime) -> dt.datetime:
    return value.astimezone(DISPLAY_TIMEZONE)


def _dossier_code(value: str) -> str:
    cleaned = value.strip()
    if not _DOSSIER_CODE.match(cleaned):
        raise ValueError(
            "Mã hồ sơ chỉ gồm chữ cái không dấu, chữ số và các dấu . - _ /, tối đa 64 ký tự."
        )
    return cleaned


def _lookup_url(value: str) -> str:
    cleaned = value.strip()
    parts = urlsplit(cleaned)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.netloc
        or any(c.isspace() for c in cleaned)
    ):
        raise ValueError("Địa chỉ tra cứu phải là một URL http(s) đầy đủ.")
    if len(cleaned) > URL_MAX_LENGTH:
        raise ValueError(f"Dài quá {URL_MAX_LENGTH} ký tự.")
    return cleaned


def _phone(value: str | None) -> str | None:
    cleaned = _optional_line(value)
    if cleaned is not None and not _PHONE.match(cleaned):
        raise ValueError("Số điện thoại không hợp lệ.")
    return cleaned


def _email(value: str | None) -> str | None:
    cleaned = _optional_line(value)
    if cleaned is not None and not _EMAIL.match(cleaned):
        raise ValueError("Địa chỉ thư điện tử không hợp lệ.")
    return cleaned


Line = Annotated[str, AfterValidator(_required_line)]
OptionalLine = Annotated[str | None, AfterValidator(_optional_line)]
Block = Annotated[str, AfterValidator(_block)]
OptionalBlock = Annotated[str | None, AfterValidator(_optional_block)]
LocalDatetime = Annotated[AwareDatetime, AfterValidator(_local_time)]
DossierCode = Annotated[str, AfterValidator(_dossier_code)]
LookupUrl = Annotated[str, AfterValidator(_lookup_url)]
Phone = Annotated[str | None, AfterValidator(_phone)]
Email = Annotated[str | None, AfterValidator(_email)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]


class Schema(BaseModel):
    """Strict about shape (unknown fields are refused: a typo must not silently drop data)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _not_before(value: dt.datetime | None, info: ValidationInfo, earlier: str) -> None:
    """Refuse ``value`` earlier than the field ``earlier`` (already validated, if it was valid)."""
    start = info.data.get(earlier)
    if value is not None and isinstance(start, dt.datetime) and value < start:
        raise ValueError(f"Phải sau {_LABELS.get(earlier, earlier)}.")


_LABELS = {
    "received_at": "thời điểm nhận hồ sơ",
    "previous_due_at": "ngày hẹn trả trước đó",
    "given_at": "thời điểm giao hồ sơ",
}


# --- parts ------------------------------------------------------------------------------------


class Applicant(Schema):
    """The person or organisation the dossier belongs to (người nộp / tổ chức)."""

    name: Line
    address: OptionalLine = None
    phone: Phone = None
    email: Email = None
    id_number: OptionalLine = None  # số định danh cá nhân / mã số doanh nghiệp


class DossierComponent(Schema):
    """One document in the dossier (thành phần hồ sơ) and how many originals and copies."""

    name: Line
    originals: Count = 0
    copies: Count = 0


class SupplementItem(DossierComponent):
    """A document to add or fix; ``requirement`` says what exactly is missing."""

    requirement: OptionalLine = None


class ControlResult(StrEnum):
    """Kết quả giải quyết of one hand-over, as the control sheet prints it."""

    EARLY = "trước hạn"
    ON_TIME = "đúng hạn"
    LATE = "quá hạn"


class ControlRow(Schema):
    """One hand-over of the dossier between steps (Phiếu kiểm soát quá trình giải quyết)."""

    step: Line  # e.g. "Bộ phận Một cửa chuyển hồ sơ", "Thẩm định"
    agency: Line  # the receiving agency or division
    given_at: LocalDatetime
    given_by: Line
    taken_at: LocalDatetime | None = None
    taken_by: OptionalLine = None
    result: ControlResult | None = None
    note: OptionalLine = None

    @field_validator("taken_at")
    @classmethod
    def _taken_after_given(cls, value: dt.datetime | None, info: ValidationInfo) -> Any:
        _not_before(value, info, "given_at")
        return value


class RegisterRow(Schema):
    """One line of the register (Sổ theo dõi hồ sơ)."""

    order_number: Annotated[int, Field(ge=1, le=1_000_000)]
    dossier_code: DossierCode
    applicant: Line  # name, and address or phone if the desk records them
    procedure_name: Line
    received_at: LocalDatetime
    due_at: LocalDatetime | None = None
    returned_at: LocalDatetime | None = None
    status: Line
    note: OptionalLine = None

    @field_validator("due_at", "returned_at")
    @classmethod
    def _after_received(cls, value: dt.datetime | None, info: ValidationInfo) -> Any:
        _not_before(value, info, "received_at")
        return value


# --- forms ------------------------------------------------------------------------------------


class FormData(Schema):
    """The header every form prints: agency block, place and date."""

    agency_name: Line  # e.g. "Bộ phận Một cửa xã Mỹ Hiệp" (printed in capitals)
    parent_agency_name: OptionalLine = None  # cơ quan chủ quản, e.g. "UBND tỉnh Đồng Tháp"
    place: Line  # địa danh of the date line, e.g. "Đồng Tháp"
    issued_at: LocalDatetime
    document_number: OptionalLine = None  # "Số: …" when the agency numbers the form


class DossierFormData(FormData):
    """Forms about one dossier: they carry its code and a QR code to look it up."""

    dossier_code: DossierCode
    lookup_url: LookupUrl
    applicant: Applicant
    procedure_name: Line


class ReceiptData(DossierFormData):
    """Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

    components: Annotated[list[DossierComponent], Field(min_length=1, max_length=MAX_LIST_ITEMS)]
    dossier_sets: Annotated[int, Field(ge=1, le=MAX_COUNT)] = 1
    processing_time: Line  # e.g. "10 ngày làm việc"
    received_at: LocalDatetime
    due_at: LocalDatetime
    return_method: Line  # "Đăng ký nhận kết quả tại": the desk, or public postal service
    officer_name: Line
    register_book: OptionalLine = None  # Quyển số of the Sổ theo dõi hồ sơ
    register_number: OptionalLine = None  # Số thứ tự in it

    @field_validator("due_at")
    @classmethod
    def _due_after_received(cls, value: dt.datetime, info: ValidationInfo) -> Any:
        _not_before(value, info, "received_at")
        return value


class SupplementRequestData(DossierFormData):
    """Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""

    received_at: LocalDatetime | None = None
    items: Annotated[list[SupplementItem], Field(min_length=1, max_length=MAX_LIST_ITEMS)]
    reason: Block
    guidance_contact: Line  # who to ask: officer, phone, portal address
    officer_name: Line


class RefusalData(DossierFormData):
    """Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ."""

    received_at: LocalDatetime | None = None
    reasons: Annotated[list[Block], Field(min_length=1, max_length=MAX_LIST_ITEMS)]
    guidance_contact: OptionalLine = None
    officer_name: Line


class ApologyData(DossierFormData):
    """Mẫu 04 — apology for a late result and the new date (2018: phiếu; 2025: văn bản that
    also asks for the extension)."""

    received_at: LocalDatetime
    previous_due_at: LocalDatetime
    new_due_at: LocalDatetime
    reason: Block
    signer_title: Block  # "Giám đốc", or two lines: "KT. Giám đốc\nPhó Giám đốc"
    signer_name: Line
    recipients: list[Line] = Field(default_factory=list, max_length=20)  # Nơi nhận, extra

    @field_validator("previous_due_at")
    @classmethod
    def _previous_after_received(cls, value: dt.datetime, info: ValidationInfo) -> Any:
        _not_before(value, info, "received_at")
        return value

    @field_validator("new_due_at")
    @classmethod
    def _new_after_previous(cls, value: dt.datetime, info: ValidationInfo) -> Any:
        start = info.data.get("previous_due_at")
        if isinstance(start, dt.datetime) and value <= start:
            raise ValueError("Ngày hẹn trả mới phải sau ngày hẹn trả trước đó.")
        return value


class StopNoticeData(DossierFormData):
    """2025 Mẫu 05 — Thông báo dừng giải quyết hồ sơ."""

    received_at: LocalDatetime
    reason: Block
    legal_basis: Block  # căn cứ: the provision that allows stopping
    signer_title: Block
    signer_name: Line
    recipients: list[Line] = Field(default_factory=list, max_length=20)


class ControlSheetData(DossierFormData):
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (2018 Mẫu 05, 2025 Mẫu 06)."""

    received_at: LocalDatetime
    due_at: LocalDatetime
    rows: Annotated[list[ControlRow], Field(min_length=1, max_length=MAX_CONTROL_ROWS)]

    @field_validator("due_at")
    @classmethod
    def _due_after_received(cls, value: dt.datetime, info: ValidationInfo) -> Any:
        _not_before(value, info, "received_at")
        return value


class RegisterData(FormData):
    """Sổ theo dõi hồ sơ (2018 Mẫu 06, 2025 Mẫu 07): one book per year, numbered from 01."""

    year: Annotated[int, Field(ge=2000, le=2100)]
    book_number: Annotated[int, Field(ge=1, le=999)]
    rows: Annotated[list[RegisterRow], Field(max_length=MAX_REGISTER_ROWS)]
