"""Import and export of the procedure catalogue (JSON and XLSX), with a diff report.

The exchange format is one object per procedure: ``code`` and ``national_code`` plus the version
content of :func:`tinhso.catalog.services.clean_version_data` (field names are the English meaning
of the national database's fields; docs/catalog.md has the table). ``export`` writes exactly what
``import`` reads, so a province can round-trip the catalogue through a spreadsheet.

An import is validated as a whole before anything is written and applies all-or-nothing: every
error is reported with its place in the file (sheet and row for XLSX).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from tinhso.audit.services import record
from tinhso.catalog.models import Procedure, ProcedureVersion
from tinhso.catalog.services import (
    check_codes,
    clean_version_data,
    create_version,
    format_date,
    publish_version,
    retire_procedure,
    today,
    version_content,
    with_details,
)
from tinhso.lib.errors import DomainError, InvalidInput

FORMAT = "tinhso.catalog/1"
Status = ProcedureVersion.Status
PROCEDURE_COLUMNS = [
    "code",
    "national_code",
    "name",
    "sector_code",
    "sector_name",
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
]
COMPONENT_COLUMNS = [
    "procedure_code",
    "code",
    "name",
    "originals",
    "copies",
    "is_required",
    "template_url",
    "note",
]
FEE_COLUMNS = ["procedure_code", "description", "amount", "note"]
STEP_COLUMNS = [
    "procedure_code",
    "position",
    "code",
    "name",
    "responsible_role",
    "responsible_agency",
    "is_inter_agency",
    "allotted_hours",
]
FORM_COLUMNS = ["procedure_code", "form_schema", "form_ui"]
SHEETS: dict[str, list[str]] = {
    "procedures": PROCEDURE_COLUMNS,
    "components": COMPONENT_COLUMNS,
    "fees": FEE_COLUMNS,
    "steps": STEP_COLUMNS,
    "forms": FORM_COLUMNS,
}
# Required columns per sheet; the others may be left out of a hand-made workbook.
REQUIRED_COLUMNS: dict[str, list[str]] = {
    "procedures": ["code", "national_code", "name", "sector_code", "sector_name", "level"],
    "components": ["procedure_code", "code", "name"],
    "fees": ["procedure_code", "description", "amount"],
    "steps": ["procedure_code", "position", "code", "name", "responsible_role", "allotted_hours"],
    "forms": ["procedure_code", "form_schema"],
}
MAX_CELL = 32_767  # Excel's limit on the characters in one cell
MAX_FILE_BYTES = 50 * 1024 * 1024
TRUE_WORDS = {"true", "1", "x", "có", "co", "yes", "đúng"}
FALSE_WORDS = {"false", "0", "không", "khong", "no", "sai"}
LIST_SEPARATORS = re.compile(r"[;,\n]+")
CHILD_KEYS = {"components": "components", "fees": "fees", "process_steps": "steps"}


# --- export ------------------------------------------------------------------------------------


def catalog_items(on: dt.date | None = None) -> list[dict[str, Any]]:
    """The catalogue in force on ``on`` (today) in the exchange format, ordered by code."""
    day = on or today()
    versions = with_details(
        ProcedureVersion.objects.filter(
            status=Status.PUBLISHED,
            valid_from__lte=day,
        )
        .exclude(valid_to__lt=day)
        .exclude(procedure__retired_on__lte=day)
    ).order_by("procedure__code")
    return [
        {
            "code": version.procedure.code,
            "national_code": version.procedure.national_code,
            **version_content(version),
        }
        for version in versions
    ]


def export_json(on: dt.date | None = None) -> str:
    document = {
        "format": FORMAT,
        "exported_on": (on or today()).isoformat(),
        "procedures": catalog_items(on),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _lines(values: list[Any]) -> str:
    return "\n".join(str(value) for value in values)


def _check_cell(value: Any, code: str, column: str) -> Any:
    if isinstance(value, str) and len(value) > MAX_CELL:
        raise InvalidInput(
            f"Thủ tục {code}: {column} dài {len(value)} ký tự, vượt giới hạn một ô Excel "
            f"({MAX_CELL}); hãy xuất dạng JSON."
        )
    return value


def export_xlsx(on: dt.date | None = None) -> bytes:
    workbook = Workbook()
    sheets = {}
    for index, (title, columns) in enumerate(SHEETS.items()):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        assert sheet is not None
        sheet.title = title
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheets[title] = sheet
    for item in catalog_items(on):
        code = item["code"]
        row = {
            "code": code,
            "national_code": item["national_code"],
            "name": item["name"],
            "sector_code": item["sector"]["code"],
            "sector_name": item["sector"]["name"],
            "level": item["level"],
            "implementing_agencies": _lines(item["implementing_agencies"]),
            "target_groups": _lines(item["target_groups"]),
            "channels": _lines(item["channels"]),
            "online_mode": item["online_mode"],
            "processing_time": item["processing_time"],
            "processing_time_unit": item["processing_time_unit"],
            "legal_basis": item["legal_basis"],
            "conditions": item["conditions"],
            "results": _lines(item["results"]),
        }
        sheets["procedures"].append(
            [_check_cell(row[column], code, column) for column in PROCEDURE_COLUMNS]
        )
        for component in item["components"]:
            sheets["components"].append(
                [code, *(component[column] for column in COMPONENT_COLUMNS[1:])]
            )
        for fee in item["fees"]:
            sheets["fees"].append([code, *(fee[column] for column in FEE_COLUMNS[1:])])
        for step in item["process_steps"]:
            sheets["steps"].append([code, *(step[column] for column in STEP_COLUMNS[1:])])
        if item["form_schema"] or item["form_ui"]:
            sheets["forms"].append(
                [
                    code,
                    _check_cell(
                        json.dumps(item["form_schema"], ensure_ascii=False), code, "form_schema"
                    ),
                    _check_cell(json.dumps(item["form_ui"], ensure_ascii=False), code, "form_ui"),
                ]
            )
    for sheet in sheets.values():
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
                    if "\n" in cell.value:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- parsing -----------------------------------------------------------------------------------


@dataclass
class ImportItem:
    """One procedure read from a file, with a way to say where an error of it is."""

    code: str
    national_code: str
    data: dict[str, Any]
    locate: Callable[[str], str]


def _json_locator(index: int, code: str) -> Callable[[str], str]:
    def locate(key: str) -> str:
        return f"thủ tục thứ {index + 1} ({code or 'không có mã'}), {key}"

    return locate


def parse_json(content: bytes | str) -> list[ImportItem]:
    try:
        document = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" (dòng {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InvalidInput(f"Tệp JSON không hợp lệ{where}: {exc}.") from None
    if isinstance(document, dict):
        if document.get("format", FORMAT) != FORMAT:
            raise InvalidInput(
                f"Định dạng {document.get('format')!r} không hỗ trợ; cần {FORMAT!r}."
            )
        document = document.get("procedures")
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        raise InvalidInput(
            'Tệp JSON phải là danh sách thủ tục hoặc {"format": "tinhso.catalog/1", '
            '"procedures": [...]}.'
        )
    items: list[ImportItem] = []
    for index, raw in enumerate(document):
        data = dict(raw)
        code = data.pop("code", "")
        national = data.pop("national_code", "")
        code_text = "" if code is None else str(code)
        items.append(
            ImportItem(
                code=code_text,
                national_code="" if national is None else str(national),
                data=data,
                locate=_json_locator(index, code_text),
            )
        )
    return items


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _split(value: Any) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(_cell_text(value)) if part.strip()]


def _split_lines(value: Any) -> list[str]:
    return [line.strip() for line in _cell_text(value).split("\n") if line.strip()]


def _flag(value: Any, default: bool) -> Any:
    if isinstance(value, bool):
        return value
    text = _cell_text(value).lower()
    if not text:
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return text  # the service reports it


def _number(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int | float):
        return value
    return _cell_text(value)


@dataclass
class _Rows:
    procedure: int
    components: list[int] = field(default_factory=list)
    fees: list[int] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    form: int | None = None


CHILD_INDEX = re.compile(r"^(components|fees|process_steps)\[(\d+)\](?:\.(\w+))?$")


def _xlsx_locator(rows: _Rows) -> Callable[[str], str]:
    def locate(key: str) -> str:
        match = CHILD_INDEX.match(key)
        if match:
            kind, index, column = match.group(1), int(match.group(2)), match.group(3)
            sheet = CHILD_KEYS[kind]
            row_list = getattr(rows, sheet)
            where = f"trang tính {sheet}, dòng {row_list[index]}"
            return f"{where}, cột {column}" if column else where
        if key.startswith("process_steps"):
            if rows.steps:
                return f"trang tính steps, dòng {rows.steps[0]}–{rows.steps[-1]}"
            return f"trang tính procedures, dòng {rows.procedure} (trang tính steps)"
        if key.startswith(("form_schema", "form_ui")) and rows.form is not None:
            return f"trang tính forms, dòng {rows.form}, {key}"
        column = {"sector.code": "sector_code", "sector.name": "sector_name"}.get(
            key, key.split("[", 1)[0]
        )
        return f"trang tính procedures, dòng {rows.procedure}, cột {column}"

    return locate


def _read_sheet(workbook: Any, title: str, errors: list[str]) -> list[tuple[int, dict[str, Any]]]:
    if title not in workbook.sheetnames:
        if title == "procedures":
            errors.append("Thiếu trang tính procedures.")
        return []
    sheet = workbook[title]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    columns = [_cell_text(value) for value in (header or ())]
    missing = [column for column in REQUIRED_COLUMNS[title] if column not in columns]
    if missing:
        errors.append(f"Trang tính {title}, dòng 1: thiếu cột {', '.join(missing)}.")
        return []
    unknown = [c for c in columns if c and c not in SHEETS[title]]
    if unknown:
        errors.append(f"Trang tính {title}, dòng 1: cột không hỗ trợ {', '.join(unknown)}.")
    result: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(value is None or _cell_text(value) == "" for value in values):
            continue
        result.append(
            (
                number,
                {column: value for column, value in zip(columns, values, strict=False) if column},
            )
        )
    return result


def parse_xlsx(content: bytes) -> list[ImportItem]:
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput("Tệp XLSX quá lớn (tối đa 50 MB).")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput(f"Không đọc được tệp XLSX: {exc}.") from None
    errors: list[str] = []
    sheets = {title: _read_sheet(workbook, title, errors) for title in SHEETS}
    workbook.close()
    items: dict[str, tuple[ImportItem, _Rows]] = {}
    for number, row in sheets["procedures"]:
        code = _cell_text(row.get("code")).upper()
        rows = _Rows(procedure=number)
        data: dict[str, Any] = {
            "name": _cell_text(row.get("name")),
            "sector": {
                "code": _cell_text(row.get("sector_code")),
                "name": _cell_text(row.get("sector_name")),
            },
            "level": _cell_text(row.get("level")),
            "implementing_agencies": _split(row.get("implementing_agencies")),
            "target_groups": _split(row.get("target_groups")),
            "channels": _split(row.get("channels")),
            "online_mode": _cell_text(row.get("online_mode")),
            "processing_time": _number(row.get("processing_time")),
            "processing_time_unit": _cell_text(row.get("processing_time_unit")) or "working_day",
            "legal_basis": _cell_text(row.get("legal_basis")),
            "conditions": _cell_text(row.get("conditions")),
            "results": _split_lines(row.get("results")),
            "components": [],
            "fees": [],
            "process_steps": [],
            "form_schema": {},
            "form_ui": {},
        }
        item = ImportItem(
            code=code,
            national_code=_cell_text(row.get("national_code")),
            data=data,
            locate=_xlsx_locator(rows),
        )
        if code in items:
            errors.append(
                f"Trang tính procedures, dòng {number}: mã {code} trùng với dòng "
                f"{items[code][1].procedure}."
            )
            continue
        items[code] = (item, rows)

    def owner(sheet: str, number: int, row: dict[str, Any]) -> tuple[ImportItem, _Rows] | None:
        code = _cell_text(row.get("procedure_code")).upper()
        if code not in items:
            errors.append(
                f"Trang tính {sheet}, dòng {number}: không có thủ tục {code or '(trống)'} "
                "trong trang tính procedures."
            )
            return None
        return items[code]

    for number, row in sheets["components"]:
        found = owner("components", number, row)
        if found:
            found[0].data["components"].append(
                {
                    "code": _cell_text(row.get("code")),
                    "name": _cell_text(row.get("name")),
                    "originals": _number(row.get("originals"))
                    if row.get("originals") is not None
                    else 1,
                    "copies": _number(row.get("copies")) if row.get("copies") is not None else 0,
                    "is_required": _flag(row.get("is_required"), default=True),
                    "template_url": _cell_text(row.get("template_url")),
                    "note": _cell_text(row.get("note")),
                }
            )
            found[1].components.append(number)
    for number, row in sheets["fees"]:
        found = owner("fees", number, row)
        if found:
            found[0].data["fees"].append(
                {
                    "description": _cell_text(row.get("description")),
                    "amount": _number(row.get("amount")),
                    "note": _cell_text(row.get("note")),
                }
            )
            found[1].fees.append(number)
    for number, row in sheets["steps"]:
        found = owner("steps", number, row)
        if found:
            found[0].data["process_steps"].append(
                {
                    "position": _number(row.get("position")),
                    "code": _cell_text(row.get("code")),
                    "name": _cell_text(row.get("name")),
                    "responsible_role": _cell_text(row.get("responsible_role")),
                    "responsible_agency": _cell_text(row.get("responsible_agency")),
                    "is_inter_agency": _flag(row.get("is_inter_agency"), default=False),
                    "allotted_hours": _number(row.get("allotted_hours")),
                }
            )
            found[1].steps.append(number)
    for number, row in sheets["forms"]:
        found = owner("forms", number, row)
        if not found:
            continue
        if found[1].form is not None:
            errors.append(
                f"Trang tính forms, dòng {number}: thủ tục {found[0].code} đã có biểu mẫu ở "
                f"dòng {found[1].form}."
            )
            continue
        found[1].form = number
        for column in ("form_schema", "form_ui"):
            text = _cell_text(row.get(column))
            if not text:
                continue
            try:
                found[0].data[column] = json.loads(text)
            except json.JSONDecodeError as exc:
                errors.append(
                    f"Trang tính forms, dòng {number}, cột {column}: JSON không hợp lệ "
                    f"({exc.msg}, ký tự {exc.pos})."
                )
    if errors:
        raise InvalidInput(
            f"Tệp có {len(errors)} lỗi, không nhập thủ tục nào:\n" + "\n".join(errors),
            errors=errors,
        )
    return [item for item, _ in items.values()]


def parse_catalog(content: bytes, fmt: str) -> list[ImportItem]:
    if fmt == "json":
        return parse_json(content)
    if fmt == "xlsx":
        return parse_xlsx(content)
    raise InvalidInput(f"Định dạng {fmt!r} không hỗ trợ; dùng json hoặc xlsx.")


# --- import ------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    effective_from: dt.date
    publish: bool
    dry_run: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # in force but not in the file
    retired: list[str] = field(default_factory=list)  # absent and retired (--retire-missing)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "absent": len(self.absent),
            "retired": len(self.retired),
        }


def _validate(items: list[ImportItem]) -> tuple[list[tuple[ImportItem, Any]], list[str]]:
    errors: list[str] = []
    valid: list[tuple[ImportItem, Any]] = []
    seen: dict[str, int] = {}
    existing = dict(Procedure.objects.values_list("code", "national_code"))
    for index, item in enumerate(items):
        code, national, code_errors = check_codes(item.code, item.national_code)
        item.code, item.national_code = code, national
        for key, message in code_errors.items():
            errors.append(f"{item.locate(key)}: {message}")
        if code and code in seen:
            errors.append(
                f"{item.locate('code')}: mã {code} trùng với thủ tục thứ {seen[code] + 1}."
            )
        seen.setdefault(code, index)
        if code in existing and existing[code] != national and "national_code" not in code_errors:
            errors.append(
                f"{item.locate('national_code')}: thủ tục {code} đã có với mã quốc gia "
                f"{existing[code]}, không phải {national}."
            )
        clean, data_errors = clean_version_data(item.data)
        for key, message in data_errors.items():
            errors.append(f"{item.locate(key)}: {message}")
        valid.append((item, clean))
    return valid, errors


def _reference(procedure: Procedure, day: dt.date) -> ProcedureVersion | None:
    """The published version the file is compared with: in force on ``day``, else the latest."""
    published = procedure.versions.filter(status=Status.PUBLISHED)
    in_force = (
        published.filter(valid_from__lte=day).exclude(valid_to__lt=day).order_by("-number").first()
    )
    return in_force or published.order_by("-valid_from").first()


def import_catalog(
    items: list[ImportItem],
    *,
    actor: Any,
    effective_from: dt.date | None = None,
    publish: bool = False,
    retire_missing: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Compare the file with the catalogue and apply the differences from ``effective_from``
    (today): new procedures and changed ones get a new version (draft, or published with
    ``publish``); with ``retire_missing``, procedures in force but absent from the file are
    retired. All or nothing; ``dry_run`` computes the report and writes nothing."""
    day = effective_from or today()
    valid, errors = _validate(items)
    if errors:
        raise InvalidInput(
            f"Tệp có {len(errors)} lỗi, không nhập thủ tục nào:\n" + "\n".join(errors),
            errors=errors,
        )
    report = ImportReport(effective_from=day, publish=publish, dry_run=dry_run)
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=[i.code for i, _ in valid])}
    plan: list[tuple[ImportItem, Any, ProcedureVersion | None]] = []
    for item, clean in valid:
        procedure = procedures.get(item.code)
        reference = _reference(procedure, day) if procedure else None
        if reference is None:
            report.added.append(item.code)
        elif reference.content_hash != clean.content_hash or procedure.retired_on is not None:  # type: ignore[union-attr]
            report.changed.append(item.code)
        else:
            report.unchanged.append(item.code)
            continue
        reusable = None
        if procedure is not None:
            reusable = (
                procedure.versions.filter(status=Status.DRAFT, content_hash=clean.content_hash)
                .order_by("-number")
                .first()
            )
        plan.append((item, clean, reusable))
    in_file = {item.code for item, _ in valid}
    in_force = (
        ProcedureVersion.objects.filter(status=Status.PUBLISHED, valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .exclude(procedure__retired_on__lte=day)
        .values_list("procedure__code", flat=True)
        .distinct()
    )
    report.absent = sorted(set(in_force) - in_file)
    if retire_missing:
        report.retired = list(report.absent)
    report.added.sort()
    report.changed.sort()
    report.unchanged.sort()
    current = ""
    try:
        with transaction.atomic():
            for item, _clean, reusable in plan:
                current = item.code
                version = reusable
                if version is None:
                    version = create_version(
                        actor=actor,
                        procedure_code=item.code,
                        national_code=item.national_code,
                        data={**item.data, "valid_from": day.isoformat()},
                    )
                if publish:
                    publish_version(actor=actor, version=version, valid_from=day)
            for code in report.retired:
                current = code
                retire_procedure(
                    actor=actor,
                    procedure_code=code,
                    on=day,
                    reason=f"Không còn trong danh mục thủ tục nhập ngày {format_date(today())}.",
                )
            current = ""
            record(
                "catalog.import",
                actor=actor,
                object_type="catalog.catalogue",
                object_id=day.isoformat(),
                object_label=f"Nhập danh mục thủ tục hiệu lực từ {format_date(day)}",
                after={
                    **report.counts(),
                    "publish": publish,
                    "retire_missing": retire_missing,
                    "added_codes": report.added,
                    "changed_codes": report.changed,
                    "retired_codes": report.retired,
                },
            )
            if dry_run:
                transaction.set_rollback(True)
    except DomainError as exc:
        where = f"Thủ tục {current}: " if current else ""
        raise InvalidInput(
            f"Không nhập được, không thay đổi gì — {where}{exc.detail}",
            errors=[f"{where}{exc.detail}"],
        ) from None
    return report
