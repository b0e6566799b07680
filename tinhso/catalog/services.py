"""Procedure catalogue services: drafting versions, publication with effective dates, withdrawal
and retirement, the version a dossier is received under, e-form validation and search.

Rules (docs/catalog.md, docs/decisions/0005-procedure-versions.md):

* A version's *status* is its life cycle (draft → published → retired = withdrawn); its *period*
  (``valid_from``–``valid_to``) says when it is the law. A version superseded by a newer one stays
  ``published`` with a closed period, so "which version applied on day D" is always answerable.
* Published versions of one procedure never overlap; publishing a version ends its predecessor
  the day before, never retroactively.
* The internal process must fit the legal processing time, counted in working hours.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from tinhso.audit.services import record
from tinhso.calendar.services import working_periods
from tinhso.catalog import eforms
from tinhso.catalog.locks import lock_procedure
from tinhso.catalog.models import (
    Component,
    FeeLine,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from tinhso.catalog.models import Procedure as ProcedureModel
from tinhso.identity.models import Role
from tinhso.lib.errors import Conflict, InvalidInput, NotFound
from tinhso.lib.text import fold_text, normalize_text
from tinhso.organizations.models import Agency
from tinhso.organizations.services import find_agency

Status = ProcedureVersion.Status
NATIONAL_CODE = re.compile(r"^\d\.\d{6}$")
PROCEDURE_CODE = re.compile(r"^[0-9A-Z][0-9A-Z.\-]{0,59}$")
TARGET_GROUPS = {
    "citizen": "Công dân Việt Nam, người nước ngoài",
    "business": "Doanh nghiệp",
    "organisation": "Tổ chức (không phải doanh nghiệp)",
}
CHANNELS = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Dịch vụ bưu chính công ích"}
ONLINE_CHANNEL = 2
MAX_PROCESSING_TIME = Decimal(1000)
DATA_FIELDS = frozenset(
    {
        "name",
        "sector",
        "level",
        "implementing_agencies",
        "target_groups",
        "channels",
        "online_mode",
        "processing_time",
        "processing_time_unit",
        "legal_basis",
        "conditions",
        "results",
        "components",
        "fees",
        "process_steps",
        "form_schema",
        "form_ui",
        "valid_from",
    }
)
_url = URLValidator(schemes=["http", "https"])


def today() -> dt.date:
    return timezone.localdate()


def format_date(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def decimal_text(value: Decimal) -> str:
    """Canonical text of a decimal: '10', '7.5' (never '10.00' or '1E+1')."""
    text = format(value.normalize(), "f")
    return text


# --- working time ---------------------------------------------------------------------------


def hours_per_working_day() -> Decimal:
    """The length of the working day from the office hours of the calendar service (7.5 h with
    the default 7:30–11:30 and 13:30–17:00), so process steps and legal times use the same
    hours the deadlines are counted in."""
    seconds = sum(
        (
            dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)
        ).total_seconds()
        for start, end in working_periods()
    )
    return (Decimal(int(seconds)) / Decimal(3600)).quantize(Decimal("0.01"))


def _legal_hours(processing_time: Decimal, unit: str, per_day: Decimal) -> Decimal:
    if unit == ProcedureVersion.TimeUnit.WORKING_HOUR:
        return processing_time
    return processing_time * per_day


def legal_time_in_working_hours(version: ProcedureVersion) -> Decimal:
    hours = _legal_hours(
        Decimal(version.processing_time), version.processing_time_unit, hours_per_working_day()
    )
    return Decimal(decimal_text(hours))


def process_hours(steps: list[tuple[int, Decimal]]) -> Decimal:
    """Steps at the same position run in parallel: the process takes, at each position, as long
    as its longest step."""
    longest: dict[int, Decimal] = {}
    for position, hours in steps:
        longest[position] = max(longest.get(position, Decimal(0)), hours)
    return sum(longest.values(), Decimal(0))


# --- validation -----------------------------------------------------------------------------


def _text(value: Any) -> str:
    return normalize_text(value) if isinstance(value, str) else ""


def _multiline(value: Any) -> str:
    """NFC, trimmed lines, no runs of blank lines: legal bases and conditions keep their lines."""
    if not isinstance(value, str):
        return ""
    lines = [normalize_text(line) for line in value.replace("\r\n", "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _list(value: Any, key: str, errors: dict[str, str]) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors[key] = "Phải là một danh sách."
        return []
    return value


def _agency(code: Any, key: str, errors: dict[str, str]) -> Agency | None:
    if not isinstance(code, str) or not code.strip():
        errors[key] = "Thiếu mã cơ quan."
        return None
    try:
        agency = find_agency(code)
    except NotFound:
        errors[key] = f"Không có cơ quan, đơn vị mang mã {code!r}."
        return None
    if not agency.is_active:
        errors[key] = f"Cơ quan {agency.code} ({agency.name}) đã giải thể, sáp nhập."
        return None
    return agency


@dataclass
class CleanVersion:
    """Validated version data: ``content`` is the canonical, JSON-safe form (the exchange format
    and what the content hash covers); the other fields are the resolved objects."""

    content: dict[str, Any]
    agencies: list[Agency]
    step_agencies: list[Agency | None]
    processing_time: Decimal
    valid_from: dt.date | None

    @property
    def content_hash(self) -> str:
        return content_hash(self.content)


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _clean_components(raw: list[Any], errors: dict[str, str]) -> list[dict[str, Any]]:
    components: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        key = f"components[{index}]"
        if not isinstance(item, dict):
            errors[key] = "Mỗi thành phần hồ sơ phải là một đối tượng."
            continue
        code = _text(item.get("code"))
        name = _text(item.get("name"))
        originals = _integer(item.get("originals", 1))
        copies = _integer(item.get("copies", 0))
        is_required = _boolean(item.get("is_required", True))
        template_url = _text(item.get("template_url"))
        if not code:
            errors[f"{key}.code"] = "Thiếu mã thành phần hồ sơ."
        elif code in seen:
            errors[f"{key}.code"] = (
                f"Mã thành phần {code!r} trùng với thành phần thứ {seen[code] + 1}."
            )
        else:
            seen[code] = index
        if not name:
            errors[f"{key}.name"] = "Thiếu tên giấy tờ."
        if originals is None or not 0 <= originals <= 100:
            errors[f"{key}.originals"] = "Số bản chính phải là số nguyên từ 0 đến 100."
        if copies is None or not 0 <= copies <= 100:
            errors[f"{key}.copies"] = "Số bản sao phải là số nguyên từ 0 đến 100."
        if is_required is None:
            errors[f"{key}.is_required"] = "Phải là true (bắt buộc) hoặc false."
        if template_url:
            try:
                _url(template_url)
            except ValidationError:
                errors[f"{key}.template_url"] = f"Địa chỉ mẫu đơn {template_url!r} không hợp lệ."
        components.append(
            {
                "code": code,
                "name": name,
                "originals": originals,
                "copies": copies,
                "is_required": is_required,
                "template_url": template_url,
                "note": _multiline(item.get("note")),
            }
        )
    return components


def _clean_fees(raw: list[Any], errors: dict[str, str]) -> list[dict[str, Any]]:
    fees: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        key = f"fees[{index}]"
        if not isinstance(item, dict):
            errors[key] = "Mỗi khoản phí, lệ phí phải là một đối tượng."
            continue
        description = _text(item.get("description"))
        amount = _integer(item.get("amount"))
        if not description:
            errors[f"{key}.description"] = "Thiếu nội dung khoản phí, lệ phí."
        if amount is None or amount < 0:
            errors[f"{key}.amount"] = "Số tiền phải là số nguyên đồng, không âm."
        fees.append(
            {"description": description, "amount": amount, "note": _multiline(item.get("note"))}
        )
    return fees


def _clean_steps(
    raw: list[Any], errors: dict[str, str]
) -> tuple[list[dict[str, Any]], list[Agency | None]]:
    steps: list[dict[str, Any]] = []
    agencies: list[Agency | None] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        key = f"process_steps[{index}]"
        if not isinstance(item, dict):
            errors[key] = "Mỗi bước xử lý phải là một đối tượng."
            continue
        position = _integer(item.get("position"))
        code = _text(item.get("code"))
        name = _text(item.get("name"))
        role = item.get("responsible_role")
        agency_code = _text(item.get("responsible_agency"))
        is_inter_agency = _boolean(item.get("is_inter_agency", False))
        hours = _decimal(item.get("allotted_hours"))
        if position is None or not 1 <= position <= 100:
            errors[f"{key}.position"] = "Thứ tự bước phải là số nguyên từ 1 đến 100."
        if not code:
            errors[f"{key}.code"] = "Thiếu mã bước."
        elif code in seen:
            errors[f"{key}.code"] = f"Mã bước {code!r} trùng với bước thứ {seen[code] + 1}."
        else:
            seen[code] = index
        if not name:
            errors[f"{key}.name"] = "Thiếu tên bước."
        if role not in Role.values:
            errors[f"{key}.responsible_role"] = (
                f"Vai trò {role!r} không hợp lệ; chọn một trong: {', '.join(Role.values)}."
            )
        agency = _agency(agency_code, f"{key}.responsible_agency", errors) if agency_code else None
        if is_inter_agency is None:
            errors[f"{key}.is_inter_agency"] = "Phải là true (liên thông) hoặc false."
        elif is_inter_agency and not agency_code:
            errors[f"{key}.responsible_agency"] = (
                "Bước liên thông phải nêu cơ quan phối hợp thực hiện."
            )
        if hours is None or not Decimal(0) < hours <= Decimal(10_000):
            errors[f"{key}.allotted_hours"] = "Thời gian phải là số giờ làm việc lớn hơn 0."
        elif hours != hours.quantize(Decimal("0.01")):
            errors[f"{key}.allotted_hours"] = "Thời gian tính đến 2 chữ số thập phân."
        steps.append(
            {
                "position": position,
                "code": code,
                "name": name,
                "responsible_role": role,
                "responsible_agency": agency.code if agency else "",
                "is_inter_agency": is_inter_agency,
                "allotted_hours": decimal_text(hours) if hours is not None else None,
            }
        )
        agencies.append(agency)
    positions = sorted({s["position"] for s in steps if isinstance(s["position"], int)})
    if (
        positions
        and positions != list(range(1, len(positions) + 1))
        and not any(k.endswith(".position") for k in errors)
    ):
        errors["process_steps"] = (
            "Thứ tự các bước phải liên tục từ 1 (các bước song song dùng chung một thứ tự); "
            f"đang có: {', '.join(map(str, positions))}."
        )
    order = sorted(range(len(steps)), key=lambda i: (steps[i]["position"] or 0, steps[i]["code"]))
    return [steps[i] for i in order], [agencies[i] for i in order]


def clean_version_data(data: Any) -> tuple[CleanVersion | None, dict[str, str]]:
    """Validate version data without writing anything; every problem is reported at once."""
    errors: dict[str, str] = {}
    if not isinstance(data, dict):
        return None, {"data": "Dữ liệu thủ tục phải là một đối tượng."}
    unknown = sorted(set(data) - DATA_FIELDS)
    if unknown:
        errors["data"] = "Trường không hỗ trợ: " + ", ".join(unknown) + "."
    name = _text(data.get("name"))
    if not name:
        errors["name"] = "Thiếu tên thủ tục."
    elif len(name) > 1000:
        errors["name"] = "Tên thủ tục tối đa 1000 ký tự."
    sector = data.get("sector")
    sector_code = sector_name = ""
    if not isinstance(sector, dict):
        errors["sector"] = 'Lĩnh vực phải có dạng {"code": "…", "name": "…"}.'
    else:
        sector_code = _text(sector.get("code"))
        sector_name = _text(sector.get("name"))
        if not sector_code or len(sector_code) > 30:
            errors["sector.code"] = "Thiếu mã lĩnh vực (tối đa 30 ký tự)."
        if not sector_name:
            errors["sector.name"] = "Thiếu tên lĩnh vực."
    level = data.get("level")
    if level not in ProcedureVersion.Level.values:
        errors["level"] = (
            f"Cấp thực hiện {level!r} không hợp lệ; chọn: {', '.join(ProcedureVersion.Level)}."
        )
    agencies: list[Agency] = []
    agency_codes = _list(data.get("implementing_agencies"), "implementing_agencies", errors)
    if not agency_codes and "implementing_agencies" not in errors:
        errors["implementing_agencies"] = "Cần ít nhất một cơ quan thực hiện."
    for index, code in enumerate(agency_codes):
        agency = _agency(code, f"implementing_agencies[{index}]", errors)
        if agency is None:
            continue
        if any(other.pk == agency.pk for other in agencies):
            errors[f"implementing_agencies[{index}]"] = f"Cơ quan {agency.code} được nêu hai lần."
        elif level in ProcedureVersion.Level.values and agency.level != level:
            errors[f"implementing_agencies[{index}]"] = (
                f"{agency.name} ({agency.code}) là {agency.get_level_display().lower()}, "
                f"thủ tục thuộc {ProcedureVersion.Level(level).label.lower()}."
            )
        agencies.append(agency)
    groups = _list(data.get("target_groups"), "target_groups", errors)
    if not groups and "target_groups" not in errors:
        errors["target_groups"] = "Cần ít nhất một đối tượng thực hiện."
    bad_groups = [g for g in groups if g not in TARGET_GROUPS]
    if bad_groups:
        errors["target_groups"] = (
            f"Đối tượng không hợp lệ: {', '.join(map(str, bad_groups))}; "
            f"chọn trong: {', '.join(TARGET_GROUPS)}."
        )
    elif len(set(groups)) != len(groups):
        errors["target_groups"] = "Một đối tượng được nêu hai lần."
    channels = [_integer(c) for c in _list(data.get("channels"), "channels", errors)]
    if not channels and "channels" not in errors:
        errors["channels"] = "Cần ít nhất một cách thức thực hiện (1, 2, 3)."
    elif any(c not in CHANNELS for c in channels):
        errors["channels"] = (
            "Cách thức thực hiện chỉ gồm 1 (trực tiếp), 2 (trực tuyến), 3 (bưu chính)."
        )
    elif len(set(channels)) != len(channels):
        errors["channels"] = "Một cách thức được nêu hai lần."
    online_mode = data.get("online_mode")
    if online_mode not in ProcedureVersion.OnlineMode.values:
        errors["online_mode"] = (
            f"Mức trực tuyến {online_mode!r} không hợp lệ; chọn: "
            f"{', '.join(ProcedureVersion.OnlineMode.values)}."
        )
    elif "channels" not in errors:
        is_online = online_mode != ProcedureVersion.OnlineMode.NONE
        if is_online and ONLINE_CHANNEL not in channels:
            errors["channels"] = (
                "Thủ tục có dịch vụ công trực tuyến phải có cách thức 2 (trực tuyến)."
            )
        if not is_online and ONLINE_CHANNEL in channels:
            errors["channels"] = (
                "Có cách thức 2 (trực tuyến) nhưng mức trực tuyến là none; chọn full hoặc partial."
            )
    processing_time = _decimal(data.get("processing_time"))
    if processing_time is None or not Decimal(0) < processing_time <= MAX_PROCESSING_TIME:
        errors["processing_time"] = "Thời hạn giải quyết phải là số lớn hơn 0 (tối đa 1000)."
        processing_time = None
    elif processing_time != processing_time.quantize(Decimal("0.01")):
        errors["processing_time"] = "Thời hạn giải quyết tính đến 2 chữ số thập phân."
    unit = data.get("processing_time_unit", ProcedureVersion.TimeUnit.WORKING_DAY)
    if unit not in ProcedureVersion.TimeUnit.values:
        errors["processing_time_unit"] = (
            f"Đơn vị {unit!r} không hợp lệ; chọn: {', '.join(ProcedureVersion.TimeUnit.values)}."
        )
    results = [_text(r) for r in _list(data.get("results"), "results", errors)]
    if not results and "results" not in errors:
        errors["results"] = "Cần ít nhất một kết quả thực hiện."
    elif not all(results):
        errors["results"] = "Tên kết quả không được để trống."
    components = _clean_components(_list(data.get("components"), "components", errors), errors)
    fees = _clean_fees(_list(data.get("fees"), "fees", errors), errors)
    steps, step_agencies = _clean_steps(
        _list(data.get("process_steps"), "process_steps", errors), errors
    )
    if (
        steps
        and processing_time is not None
        and unit in ProcedureVersion.TimeUnit.values
        and not any(k.startswith("process_steps") for k in errors)
    ):
        per_day = hours_per_working_day()
        legal = _legal_hours(processing_time, unit, per_day)
        total = process_hours([(s["position"], Decimal(s["allotted_hours"])) for s in steps])
        if total > legal:
            how = (
                f"{decimal_text(processing_time)} ngày làm việc × {decimal_text(per_day)} giờ"
                if unit == ProcedureVersion.TimeUnit.WORKING_DAY
                else f"{decimal_text(processing_time)} giờ làm việc"
            )
            errors["process_steps"] = (
                f"Quy trình nội bộ cần {decimal_text(total)} giờ làm việc, vượt thời hạn giải "
                f"quyết {decimal_text(legal)} giờ ({how}) là {decimal_text(total - legal)} giờ."
            )
    form_schema = data.get("form_schema", {})
    form_ui = data.get("form_ui", {})
    eforms.check_form_definition(form_schema, form_ui, errors)
    valid_from = None
    if data.get("valid_from") not in (None, ""):
        valid_from = _date(data.get("valid_from"))
        if valid_from is None:
            errors["valid_from"] = "Ngày hiệu lực không hợp lệ (dạng YYYY-MM-DD)."
    if errors:
        return None, errors
    assert processing_time is not None
    content = {
        "name": name,
        "sector": {"code": sector_code, "name": sector_name},
        "level": level,
        "implementing_agencies": sorted(agency.code for agency in agencies),
        "target_groups": [g for g in TARGET_GROUPS if g in groups],
        "channels": sorted(c for c in channels if c is not None),
        "online_mode": online_mode,
        "processing_time": decimal_text(processing_time),
        "processing_time_unit": unit,
        "legal_basis": _multiline(data.get("legal_basis")),
        "conditions": _multiline(data.get("conditions")),
        "results": results,
        "components": components,
        "fees": fees,
        "process_steps": steps,
        "form_schema": form_schema,
        "form_ui": form_ui,
    }
    return (
        CleanVersion(
            content=content,
            agencies=sorted(agencies, key=lambda a: a.code),
            step_agencies=step_agencies,
            processing_time=processing_time,
            valid_from=valid_from,
        ),
        {},
    )


def version_content(version: ProcedureVersion) -> dict[str, Any]:
    """The canonical content of a stored version (same shape as :func:`clean_version_data`)."""
    return {
        "name": version.name,
        "sector": {"code": version.sector.code, "name": version.sector.name},
        "level": version.level,
        "implementing_agencies": sorted(a.code for a in version.implementing_agencies.all()),
        "target_groups": [g for g in TARGET_GROUPS if g in version.target_groups],
        "channels": sorted(version.channels),
        "online_mode": version.online_mode,
        "processing_time": decimal_text(Decimal(version.processing_time)),
        "processing_time_unit": version.processing_time_unit,
        "legal_basis": version.legal_basis,
        "conditions": version.conditions,
        "results": list(version.results),
        "components": [
            {
                "code": c.code,
                "name": c.name,
                "originals": c.originals,
                "copies": c.copies,
                "is_required": c.is_required,
                "template_url": c.template_url,
                "note": c.note,
            }
            for c in version.components.all()
        ],
        "fees": [
            {"description": f.description, "amount": f.amount, "note": f.note}
            for f in version.fees.all()
        ],
        "process_steps": [
            {
                "position": s.position,
                "code": s.code,
                "name": s.name,
                "responsible_role": s.responsible_role,
                "responsible_agency": s.responsible_agency.code if s.responsible_agency else "",
                "is_inter_agency": s.is_inter_agency,
                "allotted_hours": decimal_text(Decimal(s.allotted_hours)),
            }
            for s in version.process_steps.all()
        ],
        "form_schema": version.form_schema,
        "form_ui": version.form_ui,
    }


def _raise_if(errors: dict[str, str], what: str = "Dữ liệu thủ tục không hợp lệ") -> None:
    if errors:
        detail = "; ".join(f"{key}: {message}" for key, message in errors.items())
        raise InvalidInput(f"{what} — {detail}", errors=errors)


def check_codes(procedure_code: Any, national_code: Any) -> tuple[str, str, dict[str, str]]:
    errors: dict[str, str] = {}
    code = procedure_code.strip().upper() if isinstance(procedure_code, str) else ""
    national = national_code.strip() if isinstance(national_code, str) else ""
    if not NATIONAL_CODE.match(national):
        errors["national_code"] = (
            f"Mã TTHC quốc gia {national_code!r} không đúng dạng (ví dụ 1.001193)."
        )
    if not PROCEDURE_CODE.match(code):
        errors["code"] = (
            f"Mã thủ tục {procedure_code!r} không hợp lệ (tối đa 60 ký tự: số, chữ, . -)."
        )
    elif "national_code" not in errors and code != national and not code.startswith(national + "."):
        errors["code"] = (
            f"Mã thủ tục {code} phải là mã quốc gia {national} hoặc mã đó kèm hậu tố cơ quan "
            f"(ví dụ {national}.000.00.00.H82)."
        )
    return code, national, errors


def _version_summary(version: ProcedureVersion) -> dict[str, Any]:
    return {
        "code": version.procedure.code,
        "number": version.number,
        "status": version.status,
        "name": version.name,
        "valid_from": version.valid_from.isoformat(),
        "valid_to": version.valid_to.isoformat() if version.valid_to else None,
        "content_hash": version.content_hash,
    }


# --- drafting ----------------------------------------------------------------------------------


def create_version(
    *, actor: Any, procedure_code: str, national_code: str, data: dict[str, Any]
) -> ProcedureVersion:
    """A new draft version (the procedure is created on its first version)."""
    code, national, errors = check_codes(procedure_code, national_code)
    clean, data_errors = clean_version_data(data)
    errors.update(data_errors)
    existing = ProcedureModel.objects.filter(code=code).first() if "code" not in errors else None
    if existing is not None and existing.national_code != national:
        errors["national_code"] = (
            f"Thủ tục {code} đã có với mã quốc gia {existing.national_code}, không phải {national}."
        )
    _raise_if(errors)
    assert clean is not None
    try:
        with transaction.atomic():
            procedure, _ = ProcedureModel.objects.get_or_create(
                code=code, defaults={"national_code": national}
            )
            procedure = lock_procedure(procedure.pk)
            version = _write_version(procedure, clean, actor)
            record(
                "catalog.version.create",
                actor=actor,
                target=version,
                after=_version_summary(version),
            )
    except IntegrityError:
        raise Conflict(
            f"Thủ tục {code} vừa được người khác thêm phiên bản; thử lại.", code="concurrent_change"
        ) from None
    return version


def _sector(code: str, name: str, actor: Any) -> Sector:
    sector, created = Sector.objects.get_or_create(code=code, defaults={"name": name})
    if not created and sector.name != name:
        before = {"code": sector.code, "name": sector.name}
        sector.name = name
        sector.save(update_fields=["name"])
        record(
            "catalog.sector.rename", actor=actor, target=sector, before=before, after={"name": name}
        )
    return sector


def _write_version(procedure: ProcedureModel, clean: CleanVersion, actor: Any) -> ProcedureVersion:
    content = clean.content
    number = (procedure.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        status=Status.DRAFT,
        name=content["name"],
        name_folded=fold_text(content["name"]),
        sector=_sector(content["sector"]["code"], content["sector"]["name"], actor),
        level=content["level"],
        target_groups=content["target_groups"],
        channels=content["channels"],
        online_mode=content["online_mode"],
        processing_time=clean.processing_time,
        processing_time_unit=content["processing_time_unit"],
        legal_basis=content["legal_basis"],
        conditions=content["conditions"],
        results=content["results"],
        form_schema=content["form_schema"],
        form_ui=content["form_ui"],
        valid_from=clean.valid_from or today(),
        content_hash=clean.content_hash,
    )
    version.implementing_agencies.set(clean.agencies)
    Component.objects.bulk_create(
        Component(version=version, position=index, **item)
        for index, item in enumerate(content["components"], start=1)
    )
    FeeLine.objects.bulk_create(
        FeeLine(version=version, position=index, **item)
        for index, item in enumerate(content["fees"], start=1)
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(
            version=version,
            position=step["position"],
            code=step["code"],
            name=step["name"],
            responsible_role=step["responsible_role"],
            responsible_agency=agency,
            is_inter_agency=step["is_inter_agency"],
            allotted_hours=Decimal(step["allotted_hours"]),
        )
        for step, agency in zip(content["process_steps"], clean.step_agencies, strict=True)
    )
    return version


# --- publication -------------------------------------------------------------------------------


def _check_publishable(version: ProcedureVersion) -> None:
    """Rules that can change after drafting: agencies merged away, office hours changed."""
    errors: dict[str, str] = {}
    steps = list(version.process_steps.select_related("responsible_agency"))
    if not steps:
        errors["process_steps"] = "Chưa có quy trình nội bộ; không công bố được."
    else:
        total = process_hours([(s.position, Decimal(s.allotted_hours)) for s in steps])
        legal = legal_time_in_working_hours(version)
        if total > legal:
            errors["process_steps"] = (
                f"Quy trình nội bộ cần {decimal_text(total)} giờ làm việc, vượt thời hạn giải "
                f"quyết {decimal_text(legal)} giờ là {decimal_text(total - legal)} giờ."
            )
    retired = [a.code for a in version.implementing_agencies.all() if not a.is_active]
    retired += [
        s.responsible_agency.code
        for s in steps
        if s.responsible_agency is not None and not s.responsible_agency.is_active
    ]
    if retired:
        errors["implementing_agencies"] = (
            "Cơ quan đã giải thể, sáp nhập: " + ", ".join(sorted(set(retired))) + "."
        )
    _raise_if(errors, f"Không công bố được thủ tục {version.procedure.code}")


def publish_version(
    *, actor: Any, version: ProcedureVersion, valid_from: dt.date | None = None
) -> ProcedureVersion:
    """Draft → published from ``valid_from``. The version in force before that day ends the day
    before; publishing never shortens a period retroactively and never overlaps a later
    publication. Publishing a version of a retired procedure reinstates it."""
    start = valid_from or version.valid_from
    code = version.procedure.code
    with transaction.atomic():
        procedure = lock_procedure(version.procedure_id)
        version.refresh_from_db()
        if version.status != Status.DRAFT:
            raise Conflict(
                f"Phiên bản {version.number} của thủ tục {code} đang ở trạng thái "
                f"{version.get_status_display()}; chỉ công bố được bản dự thảo.",
                code="not_draft",
            )
        _check_publishable(version)
        published = list(procedure.versions.filter(status=Status.PUBLISHED).order_by("valid_from"))
        later = [v for v in published if v.valid_from >= start]
        if later:
            raise Conflict(
                f"Thủ tục {code} đã có phiên bản {later[0].number} công bố hiệu lực từ "
                f"{format_date(later[0].valid_from)}; phiên bản mới phải có hiệu lực sau ngày đó "
                "(hoặc rút phiên bản kia trước).",
                code="overlapping_version",
            )
        superseded = None
        previous = published[-1] if published else None
        if previous is not None and (previous.valid_to is None or previous.valid_to >= start):
            if start < today():
                raise InvalidInput(
                    f"Ngày hiệu lực {format_date(start)} đã qua: không thể rút ngắn hồi tố "
                    f"hiệu lực của phiên bản {previous.number} đang áp dụng.",
                    errors={"valid_from": "Ngày hiệu lực phải từ hôm nay trở đi."},
                )
            end = start - dt.timedelta(days=1)
            changed = ProcedureVersion.objects.filter(
                pk=previous.pk, status=Status.PUBLISHED, valid_to=previous.valid_to
            ).update(valid_to=end)
            if changed != 1:
                raise Conflict(f"Thủ tục {code} vừa được người khác thay đổi.", code="stale")
            superseded = {"number": previous.number, "valid_to": end.isoformat()}
        before = _version_summary(version)
        now = timezone.now()
        changed = ProcedureVersion.objects.filter(pk=version.pk, status=Status.DRAFT).update(
            status=Status.PUBLISHED, valid_from=start, valid_to=None, published_at=now
        )
        if changed != 1:
            raise Conflict("Phiên bản vừa được người khác công bố.", code="stale")
        reinstated = procedure.retired_on is not None
        if reinstated:
            ProcedureModel.objects.filter(pk=procedure.pk).update(
                retired_on=None, retirement_reason=""
            )
        version.refresh_from_db()
        record(
            "catalog.version.publish",
            actor=actor,
            target=version,
            before=before,
            after={
                **_version_summary(version),
                "superseded": superseded,
                "reinstated": reinstated,
            },
        )
    return version


def unpublish_version(*, actor: Any, version: ProcedureVersion, reason: str) -> ProcedureVersion:
    """Withdraw a published version (status → retired). A version withdrawn before it took effect
    gives its period back to its predecessor; one already in force closes the procedure to new
    dossiers from today (publish a corrected version to reopen it). History is never rewritten:
    a version whose period has ended cannot be withdrawn."""
    reason = normalize_text(reason or "")
    if not reason:
        raise InvalidInput(
            "Cần nêu lý do rút công bố.", errors={"reason": "Cần nêu lý do rút công bố."}
        )
    code = version.procedure.code
    day = today()
    with transaction.atomic():
        procedure = lock_procedure(version.procedure_id)
        version.refresh_from_db()
        if version.status != Status.PUBLISHED:
            raise Conflict(
                f"Phiên bản {version.number} của thủ tục {code} không ở trạng thái đang công bố.",
                code="not_published",
            )
        if version.valid_to is not None and version.valid_to < day:
            raise Conflict(
                f"Phiên bản {version.number} đã hết hiệu lực từ {format_date(version.valid_to)}; "
                "không rút công bố được (lịch sử không sửa lại).",
                code="version_ended",
            )
        restored = None
        if version.valid_from > day:
            previous = (
                procedure.versions.filter(
                    status=Status.PUBLISHED, valid_to=version.valid_from - dt.timedelta(days=1)
                )
                .exclude(pk=version.pk)
                .first()
            )
            if previous is not None:
                previous.valid_to = version.valid_to
                previous.save(update_fields=["valid_to"])
                restored = {
                    "number": previous.number,
                    "valid_to": version.valid_to.isoformat() if version.valid_to else None,
                }
        before = _version_summary(version)
        changed = ProcedureVersion.objects.filter(pk=version.pk, status=Status.PUBLISHED).update(
            status=Status.RETIRED, withdrawn_at=timezone.now(), withdrawal_reason=reason
        )
        if changed != 1:
            raise Conflict("Phiên bản vừa được người khác thay đổi.", code="stale")
        version.refresh_from_db()
        record(
            "catalog.version.unpublish",
            actor=actor,
            target=version,
            before=before,
            after={**_version_summary(version), "restored": restored},
            reason=reason,
        )
    return version


def retire_procedure(
    *, actor: Any, procedure_code: str, on: dt.date, reason: str
) -> ProcedureModel:
    """Close a procedure to new dossiers from ``on`` (bãi bỏ): the version in force ends the day
    before, versions due to start later are withdrawn. Nothing is deleted and dossiers already
    received keep their version."""
    reason = normalize_text(reason or "")
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Cần nêu lý do (căn cứ bãi bỏ)."
    if on < today():
        errors["on"] = f"Ngày {format_date(on)} đã qua: không bãi bỏ hồi tố."
    procedure = get_procedure(procedure_code)
    _raise_if(errors, f"Không bãi bỏ được thủ tục {procedure.code}")
    with transaction.atomic():
        procedure = lock_procedure(procedure.pk)
        if procedure.retired_on is not None:
            raise Conflict(
                f"Thủ tục {procedure.code} đã ngừng tiếp nhận hồ sơ từ ngày "
                f"{format_date(procedure.retired_on)}.",
                code="procedure_closed",
            )
        published = procedure.versions.filter(status=Status.PUBLISHED)
        if not published.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).exists():
            raise Conflict(
                f"Thủ tục {procedure.code} không có phiên bản nào còn hiệu lực từ "
                f"{format_date(on)}.",
                code="procedure_closed",
            )
        withdrawn = list(published.filter(valid_from__gte=on).values_list("number", flat=True))
        published.filter(valid_from__gte=on).update(
            status=Status.RETIRED, withdrawn_at=timezone.now(), withdrawal_reason=reason
        )
        ended = list(
            published.filter(valid_from__lt=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .values_list("number", flat=True)
        )
        published.filter(valid_from__lt=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        ).update(valid_to=on - dt.timedelta(days=1))
        ProcedureModel.objects.filter(pk=procedure.pk).update(
            retired_on=on, retirement_reason=reason
        )
        procedure.refresh_from_db()
        record(
            "catalog.procedure.retire",
            actor=actor,
            target=procedure,
            after={
                "code": procedure.code,
                "retired_on": on.isoformat(),
                "ended_versions": ended,
                "withdrawn_versions": withdrawn,
            },
            reason=reason,
        )
    return procedure


# --- reading ----------------------------------------------------------------------------------


def get_procedure(code: str) -> ProcedureModel:
    procedure = ProcedureModel.objects.filter(code=(code or "").strip().upper()).first()
    if procedure is None:
        raise NotFound(f"Không có thủ tục mang mã {code!r}.")
    return procedure


def with_details(versions: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    return versions.select_related("procedure", "sector").prefetch_related(
        "implementing_agencies",
        "components",
        "fees",
        "process_steps__responsible_agency",
    )


def _in_force(day: dt.date) -> Q:
    return (
        Q(status=Status.PUBLISHED)
        & Q(valid_from__lte=day)
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )


def _closed_detail(procedure: ProcedureModel, day: dt.date) -> str | None:
    """Why a procedure with published versions takes no dossiers on ``day`` (None if it does
    or if it was never published)."""
    if procedure.retired_on is not None and day >= procedure.retired_on:
        return (
            f"Thủ tục {procedure.code} đã ngừng tiếp nhận hồ sơ từ ngày "
            f"{format_date(procedure.retired_on)}."
        )
    published = procedure.versions.filter(status=Status.PUBLISHED)
    upcoming = published.filter(valid_from__gt=day).order_by("valid_from").first()
    if upcoming is not None and not published.filter(valid_from__lte=day).exists():
        return (
            f"Thủ tục {procedure.code} chưa có hiệu lực; bắt đầu tiếp nhận hồ sơ từ ngày "
            f"{format_date(upcoming.valid_from)}."
        )
    ended = published.filter(valid_to__lt=day).order_by("-valid_to").first()
    if ended is not None and ended.valid_to is not None:
        return (
            f"Thủ tục {procedure.code} đã ngừng tiếp nhận hồ sơ từ ngày "
            f"{format_date(ended.valid_to + dt.timedelta(days=1))}."
        )
    withdrawn = procedure.versions.filter(status=Status.RETIRED).order_by("-withdrawn_at").first()
    if withdrawn is not None and withdrawn.withdrawn_at is not None:
        return (
            f"Thủ tục {procedure.code} đã ngừng tiếp nhận hồ sơ từ ngày "
            f"{format_date(timezone.localdate(withdrawn.withdrawn_at))}."
        )
    return None


def effective_version(code: str, on: dt.date | None = None) -> ProcedureVersion:
    """The published version in force on ``on`` (default today), with its details; NotFound for
    an unknown or never-published procedure, NotFound(code="procedure_closed") when closed."""
    day = on or today()
    procedure = get_procedure(code)
    version = with_details(procedure.versions.filter(_in_force(day))).first()
    if version is not None and not (procedure.retired_on and day >= procedure.retired_on):
        return version
    detail = _closed_detail(procedure, day)
    if detail is None:
        raise NotFound(f"Không có thủ tục mang mã {code!r}.")
    raise NotFound(detail, code="procedure_closed")


def open_version_for_submission(
    procedure_code: str, agency: Agency, at: dt.datetime
) -> ProcedureVersion:
    """The version a dossier received at ``at`` by ``agency`` is processed under."""
    day = timezone.localdate(at)
    procedure = get_procedure(procedure_code)
    version = None
    if not (procedure.retired_on and day >= procedure.retired_on):
        version = with_details(procedure.versions.filter(_in_force(day))).first()
    if version is None:
        detail = _closed_detail(procedure, day)
        if detail is None:
            raise NotFound(f"Không có thủ tục mang mã {procedure_code!r}.")
        raise Conflict(detail, code="procedure_closed")
    if not any(a.pk == agency.pk for a in version.implementing_agencies.all()):
        raise InvalidInput(
            f"{agency.name} ({agency.code}) không thực hiện thủ tục {procedure.code} "
            f"«{version.name}».",
            code="agency_not_implementing",
            errors={"agency": "Cơ quan này không thực hiện thủ tục đã chọn."},
        )
    return version


def open_version_for_dossier(
    procedure_code: str, agency: Agency, at: dt.datetime
) -> ProcedureVersion:
    """:func:`open_version_for_submission` with only what creating a dossier reads: the version
    (with its procedure and sector), its components and its fees — three queries instead of
    six, and no implementing agencies loaded (a commune procedure has dozens of them) nor
    process steps. Whenever there is something to refuse, the full function answers, so the
    errors are the same."""
    day = timezone.localdate(at)
    implemented = ProcedureVersion.implementing_agencies.through.objects.filter(
        procedureversion_id=OuterRef("pk"), agency_id=agency.pk
    )
    version = (
        ProcedureVersion.objects.filter(procedure__code=(procedure_code or "").strip().upper())
        .filter(_in_force(day))
        .exclude(procedure__retired_on__lte=day)
        .select_related("procedure", "sector")
        .annotate(is_implemented=Exists(implemented))
        .prefetch_related("components", "fees")
        .first()
    )
    if version is None or not getattr(version, "is_implemented", False):
        return open_version_for_submission(procedure_code, agency, at)
    return version


def validate_form_data(version: ProcedureVersion, data: dict[str, Any]) -> dict[str, Any]:
    """Validate e-form data against the version's schema (draft 2020-12, formats checked);
    strings come back NFC-normalised and trimmed, blank fields dropped."""
    return eforms.validate_form(version.form_schema, version.form_ui, data)


def search_procedures(
    query: str | None = None,
    *,
    sector: str | None = None,
    agency: str | Agency | None = None,
    level: str | None = None,
    online_mode: str | None = None,
    on: dt.date | None = None,
    effective_only: bool = True,
) -> QuerySet[ProcedureVersion]:
    """Versions matching the query, diacritic-insensitively ("dang ky khai sinh" finds "Đăng ký
    khai sinh"), every word anywhere in the name, or by code. By default only versions in force
    on ``on`` (today), one per procedure; with ``effective_only=False`` every version."""
    versions = ProcedureVersion.objects.select_related("procedure", "sector")
    if effective_only:
        day = on or today()
        versions = versions.filter(_in_force(day)).exclude(procedure__retired_on__lte=day)
    if query and query.strip():
        # Words only: punctuation typed around them ("khai sinh,", "(bản sao)") is ignored.
        words = re.findall(r"\w+", fold_text(query))
        by_name = Q()
        for word in words:
            by_name &= Q(name_folded__contains=word)
        code = query.strip().upper()
        versions = versions.filter(
            by_name | Q(procedure__code__startswith=code) | Q(procedure__national_code=code)
        )
    if sector:
        versions = versions.filter(sector__code=sector.strip())
    if agency is not None:
        if isinstance(agency, Agency):
            versions = versions.filter(implementing_agencies=agency)
        else:
            versions = versions.filter(implementing_agencies__code=agency.strip().upper())
    if level:
        versions = versions.filter(level=level)
    if online_mode:
        versions = versions.filter(online_mode=online_mode)
    return versions.order_by("name_folded", "procedure__code", "-number")


def sectors_in_use(on: dt.date | None = None) -> QuerySet[Sector]:
    """Sectors with at least one procedure in force on ``on`` (today)."""
    day = on or today()
    ids = ProcedureVersion.objects.filter(_in_force(day)).values("sector_id")
    return Sector.objects.filter(pk__in=ids).order_by("code")
