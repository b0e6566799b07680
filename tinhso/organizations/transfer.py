"""Import and export of the agency tree as CSV or JSON.

An import is validated as a whole before anything is written (unknown parents, bad codes,
duplicates, cycles): either every row applies or none does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tinhso.lib.errors import InvalidInput
from tinhso.lib.text import normalize_text
from tinhso.organizations.codes import is_qcvn102, is_qd20, normalize_code, qd20_from_qcvn102
from tinhso.organizations.models import AdministrativeUnit, Agency
from tinhso.organizations.services import EDITABLE_FIELDS, create_agency, update_agency

COLUMNS = [
    "code",
    "identifier",
    "name",
    "short_name",
    "kind",
    "level",
    "parent_code",
    "administrative_unit_code",
    "email",
    "phone",
    "address",
    "status",
    "valid_from",
    "valid_to",
]
REQUIRED = ["code", "name", "kind", "level"]
UPDATABLE = sorted(EDITABLE_FIELDS)


def agency_row(agency: Agency) -> dict[str, str]:
    """One agency as a flat row of text (the CSV/JSON exchange format)."""
    return {
        "code": agency.code,
        "identifier": agency.identifier,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "level": agency.level,
        "parent_code": agency.parent.code if agency.parent else "",
        "administrative_unit_code": (
            agency.administrative_unit.code if agency.administrative_unit else ""
        ),
        "email": agency.email,
        "phone": agency.phone,
        "address": agency.address,
        "status": agency.status,
        "valid_from": agency.valid_from.isoformat(),
        "valid_to": agency.valid_to.isoformat() if agency.valid_to else "",
    }


def agency_rows() -> list[dict[str, str]]:
    agencies = Agency.objects.select_related("parent", "administrative_unit").order_by("code")
    return _parents_first([agency_row(agency) for agency in agencies])


def _parents_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_code = {row["code"]: row for row in rows}
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()

    def place(row: dict[str, Any], trail: tuple[str, ...]) -> None:
        code = row["code"]
        if code in placed or code in trail:
            return
        parent = row.get("parent_code") or ""
        if parent in by_code:
            place(by_code[parent], (*trail, code))
        placed.add(code)
        ordered.append(row)

    for row in rows:
        place(row, ())
    return ordered


def export_agencies(fmt: str) -> str:
    rows = agency_rows()
    if fmt == "json":
        return (
            json.dumps(
                {"format": "tinhso.agencies/1", "agencies": rows}, ensure_ascii=False, indent=2
            )
            + "\n"
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    raise InvalidInput(f"Định dạng {fmt!r} không hỗ trợ; dùng csv hoặc json.")


def parse_agencies(content: str, fmt: str) -> list[dict[str, str]]:
    if fmt == "json":
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"Tệp JSON không hợp lệ (dòng {exc.lineno}): {exc.msg}.") from None
        items = data.get("agencies") if isinstance(data, dict) else data
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise InvalidInput('Tệp JSON phải là danh sách cơ quan hoặc {"agencies": [...]}.')
        return [
            {key: "" if value is None else str(value) for key, value in item.items()}
            for item in items
        ]
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
        missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput("Tệp CSV thiếu cột: " + ", ".join(missing) + ".")
        return [{key: (value or "") for key, value in row.items() if key} for row in reader]
    raise InvalidInput(f"Định dạng {fmt!r} không hỗ trợ; dùng csv hoặc json.")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _parse_date(value: str, label: str, errors: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(f"{label}: ngày {value!r} không hợp lệ (dạng YYYY-MM-DD).")
        return None


def _validate(rows: list[dict[str, str]]) -> tuple[list[dict[str, Any]], list[str]]:
    errors: list[str] = []
    clean: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    existing = {a.code: a for a in Agency.objects.all()}
    units = set(
        AdministrativeUnit.objects.filter(era=AdministrativeUnit.Era.CURRENT).values_list(
            "code", flat=True
        )
    )
    for number, raw in enumerate(rows, start=2):
        label = f"dòng {number}"
        row: dict[str, Any] = {key: normalize_text(raw.get(key, "") or "") for key in COLUMNS}
        row["code"] = normalize_code(row["code"])
        row["parent_code"] = normalize_code(row["parent_code"])
        row["identifier"] = normalize_code(row["identifier"])
        for column in REQUIRED:
            if not row[column]:
                errors.append(f"{label}: thiếu {column}.")
        if row["code"] and not is_qcvn102(row["code"]):
            errors.append(f"{label}: mã {row['code']!r} không đúng dạng QCVN 102.")
        if row["identifier"] and not is_qd20(row["identifier"]):
            errors.append(f"{label}: mã {row['identifier']!r} không đúng dạng QĐ 20/2020.")
        if row["kind"] and row["kind"] not in Agency.Kind.values:
            errors.append(f"{label}: loại {row['kind']!r} không hợp lệ.")
        if row["level"] and row["level"] not in Agency.Level.values:
            errors.append(f"{label}: cấp {row['level']!r} không hợp lệ.")
        if row["administrative_unit_code"] and row["administrative_unit_code"] not in units:
            errors.append(
                f"{label}: không có đơn vị hành chính mã {row['administrative_unit_code']!r}."
            )
        row["valid_from_date"] = _parse_date(row["valid_from"], label, errors)
        _parse_date(row["valid_to"], label, errors)
        if row["code"] in seen:
            errors.append(f"{label}: mã {row['code']} trùng với dòng {seen[row['code']]}.")
        seen[row["code"]] = number
        current = existing.get(row["code"])
        status = row["status"] or Agency.Status.ACTIVE
        if current is None and status != Agency.Status.ACTIVE:
            errors.append(f"{label}: cơ quan mới phải ở trạng thái active.")
        if current is not None and status != current.status:
            errors.append(
                f"{label}: {row['code']} đang ở trạng thái {current.status}; "
                "đổi trạng thái bằng lệnh sáp nhập, không bằng nhập tệp."
            )
        if current is not None and row["identifier"] and row["identifier"] != current.identifier:
            errors.append(f"{label}: không đổi được mã QĐ 20 của {row['code']}.")
        row["line"] = number
        clean.append(row)
    # Parents must exist (in the file or the database) and the resulting tree must be acyclic.
    parents: dict[str, str] = {
        a.code: (a.parent.code if a.parent else "") for a in Agency.objects.select_related("parent")
    }
    for row in clean:
        if (
            row["parent_code"]
            and row["parent_code"] not in parents
            and row["parent_code"] not in seen
        ):
            errors.append(f"dòng {row['line']}: không có cơ quan cấp trên {row['parent_code']!r}.")
        parents[row["code"]] = row["parent_code"]
    for row in clean:
        trail = [row["code"]]
        current_code = parents.get(row["code"], "")
        while current_code:
            if current_code in trail:
                errors.append(
                    f"dòng {row['line']}: vòng lặp trong cây cơ quan: "
                    + " → ".join([*trail, current_code])
                )
                break
            trail.append(current_code)
            current_code = parents.get(current_code, "")
    return clean, errors


def import_agencies(
    rows: list[dict[str, str]], *, actor: Any, dry_run: bool = False
) -> ImportReport:
    clean, errors = _validate(rows)
    if errors:
        raise InvalidInput(
            f"Tệp có {len(errors)} lỗi, không nhập dòng nào:\n" + "\n".join(errors),
            errors=errors,
        )
    report = ImportReport()
    with transaction.atomic():
        for row in _parents_first(clean):
            agency = Agency.objects.filter(code=row["code"]).first()
            if agency is None:
                create_agency(
                    actor=actor,
                    code=row["code"],
                    identifier=row["identifier"] or qd20_from_qcvn102(row["code"]),
                    name=row["name"],
                    short_name=row["short_name"],
                    kind=row["kind"],
                    level=row["level"],
                    parent_code=row["parent_code"] or None,
                    administrative_unit_code=row["administrative_unit_code"] or None,
                    email=row["email"],
                    phone=row["phone"],
                    address=row["address"],
                    valid_from=row["valid_from_date"],
                )
                report.created.append(row["code"])
                continue
            current = agency_row(agency)
            changes = {key: row[key] for key in UPDATABLE if row[key] != current[key]}
            if not changes:
                report.unchanged.append(row["code"])
                continue
            update_agency(agency, actor=actor, expected_version=agency.version, changes=changes)
            report.updated.append(row["code"])
        if dry_run:
            transaction.set_rollback(True)
    return report
