"""Agency services: create, update (optimistic concurrency), merge, resolve old codes.

Callers obtain the right to write an agency through ``tinhso.identity.access.get_agency_for``
(web and API) or are operators at the console (CLI); these functions record who acted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tinhso.audit.services import record, snapshot
from tinhso.lib.errors import Conflict, InvalidInput, NotFound
from tinhso.lib.sql import fetch, table
from tinhso.lib.text import normalize_text
from tinhso.organizations import handover
from tinhso.organizations.codes import (
    is_qcvn102,
    is_qd20,
    normalize_code,
    qd20_from_qcvn102,
)
from tinhso.organizations.locks import lock_agencies
from tinhso.organizations.models import (
    AdministrativeUnit,
    Agency,
    AgencyName,
    AgencySuccession,
)

AUDITED_FIELDS = [
    "code",
    "identifier",
    "name",
    "short_name",
    "kind",
    "level",
    "parent",
    "administrative_unit",
    "email",
    "phone",
    "address",
    "status",
    "valid_from",
    "valid_to",
    "version",
]
EDITABLE_FIELDS = {
    "name",
    "short_name",
    "kind",
    "level",
    "parent_code",
    "administrative_unit_code",
    "email",
    "phone",
    "address",
}


def today() -> dt.date:
    return timezone.localdate()


# --- lookups ---------------------------------------------------------------------------------


def find_agency(code: str) -> Agency:
    """An agency by either identifier form, current or retired; NotFound otherwise."""
    normalized = normalize_code(code or "")
    agency = (
        Agency.objects.filter(code=normalized).first()
        or Agency.objects.filter(identifier=normalized).first()
    )
    if agency is None:
        raise NotFound(f"Không có cơ quan, đơn vị mang mã {code!r}.")
    return agency


@dataclass(frozen=True)
class Resolution:
    agency: Agency
    current: list[Agency] = field(default_factory=list)

    @property
    def is_retired(self) -> bool:
        return not self.agency.is_active


def resolve_agency(code: str) -> Resolution:
    """Resolve a code that may belong to a retired agency to the agencies now doing its work."""
    agency = find_agency(code)
    if agency.is_active:
        return Resolution(agency, [agency])
    current: list[Agency] = []
    seen: set[int] = {agency.pk}
    frontier = [agency.pk]
    while frontier:
        links = AgencySuccession.objects.filter(predecessor_id__in=frontier).select_related(
            "successor"
        )
        frontier = []
        for link in links:
            successor = link.successor
            if successor.pk in seen:
                continue
            seen.add(successor.pk)
            if successor.is_active:
                current.append(successor)
            else:
                frontier.append(successor.pk)
    return Resolution(agency, sorted(current, key=lambda a: a.code))


def parent_map() -> dict[int, int | None]:
    """Every agency's parent (the whole tree: a few hundred rows in a province)."""
    return dict(fetch(f"SELECT id, parent_id FROM {table(Agency)}"))  # noqa: S608


def descendant_ids(agency_id: int, parents: dict[int, int | None] | None = None) -> set[int]:
    parents = parent_map() if parents is None else parents
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found: set[int] = set()
    stack = [agency_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def ancestors(agency: Agency) -> list[Agency]:
    """Parent, grandparent, … up to the root."""
    parents = parent_map()
    chain: list[int] = []
    current = parents.get(agency.pk)
    while current is not None and current not in chain and current != agency.pk:
        chain.append(current)
        current = parents.get(current)
    by_id = Agency.objects.in_bulk(chain)
    return [by_id[pk] for pk in chain]


# --- validation ------------------------------------------------------------------------------


def _choice(value: str, choices: Any, field_name: str, errors: dict[str, str]) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        errors[field_name] = f"Giá trị {value!r} không hợp lệ; chọn một trong: {allowed}."
    return value


def _unit(code: str | None, errors: dict[str, str]) -> AdministrativeUnit | None:
    if not code:
        return None
    unit = AdministrativeUnit.objects.filter(
        era=AdministrativeUnit.Era.CURRENT, code=code.strip()
    ).first()
    if unit is None:
        errors["administrative_unit_code"] = f"Không có đơn vị hành chính hiện hành mã {code!r}."
    return unit


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        detail = "; ".join(f"{name}: {message}" for name, message in errors.items())
        raise InvalidInput(f"Dữ liệu cơ quan không hợp lệ — {detail}", errors=errors)


# --- create / update -------------------------------------------------------------------------


def create_agency(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    level: str,
    parent_code: str | None = None,
    identifier: str | None = None,
    short_name: str = "",
    administrative_unit_code: str | None = None,
    email: str = "",
    phone: str = "",
    address: str = "",
    valid_from: dt.date | None = None,
) -> Agency:
    errors: dict[str, str] = {}
    code = normalize_code(code or "")
    if not is_qcvn102(code):
        errors["code"] = (
            f"Mã {code!r} không đúng dạng QCVN 102 (ví dụ 000.00.12.H56: "
            "3 số.2 số.2 số.chữ cái + 2 số)."
        )
    identifier = normalize_code(identifier) if identifier else None
    if identifier is None and "code" not in errors:
        identifier = qd20_from_qcvn102(code)
    if identifier is not None and not is_qd20(identifier):
        errors["identifier"] = f"Mã {identifier!r} không đúng dạng QĐ 20/2020 (ví dụ H56.12)."
    name = normalize_text(name or "")
    if not name:
        errors["name"] = "Tên cơ quan không được để trống."
    _choice(kind, Agency.Kind, "kind", errors)
    _choice(level, Agency.Level, "level", errors)
    parent = None
    if parent_code:
        try:
            parent = find_agency(parent_code)
        except NotFound:
            errors["parent_code"] = f"Không có cơ quan cấp trên mang mã {parent_code!r}."
        else:
            if not parent.is_active:
                errors["parent_code"] = f"Cơ quan cấp trên {parent.code} đã giải thể/sáp nhập."
    unit = _unit(administrative_unit_code, errors)
    _raise_if(errors)
    assert identifier is not None
    if (
        Agency.objects.filter(code=code).exists()
        or Agency.objects.filter(identifier=identifier).exists()
    ):
        raise Conflict(f"Mã {code} hoặc {identifier} đã được dùng cho một cơ quan khác.")
    start = valid_from or today()
    try:
        with transaction.atomic():
            agency = Agency.objects.create(
                code=code,
                identifier=identifier,
                name=name,
                short_name=normalize_text(short_name),
                kind=kind,
                level=level,
                parent=parent,
                administrative_unit=unit,
                email=email.strip(),
                phone=phone.strip(),
                address=normalize_text(address),
                valid_from=start,
            )
            AgencyName.objects.create(agency=agency, name=name, valid_from=start)
            record(
                "organizations.agency.create",
                actor=actor,
                target=agency,
                after=snapshot(agency, AUDITED_FIELDS),
            )
    except IntegrityError:
        raise Conflict(f"Mã {code} hoặc {identifier} vừa được dùng cho một cơ quan khác.") from None
    return agency


def update_agency(
    agency: Agency,
    *,
    actor: Any,
    expected_version: int,
    changes: dict[str, Any],
    effective_on: dt.date | None = None,
) -> Agency:
    """Apply ``changes`` if nobody changed the agency since ``expected_version`` (else 409)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(
            "Không sửa được các trường: "
            + ", ".join(sorted(unknown))
            + " (mã định danh không thay đổi; sáp nhập dùng lệnh merge).",
            errors=dict.fromkeys(sorted(unknown), "không sửa được"),
        )
    if not agency.is_active:
        raise Conflict(f"Cơ quan {agency.code} đã giải thể/sáp nhập; không sửa được.")
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if "name" in changes:
        values["name"] = normalize_text(changes["name"] or "")
        if not values["name"]:
            errors["name"] = "Tên cơ quan không được để trống."
    for text_field in ("short_name", "address"):
        if text_field in changes:
            values[text_field] = normalize_text(changes[text_field] or "")
    for plain in ("email", "phone"):
        if plain in changes:
            values[plain] = (changes[plain] or "").strip()
    if "kind" in changes:
        values["kind"] = _choice(changes["kind"], Agency.Kind, "kind", errors)
    if "level" in changes:
        values["level"] = _choice(changes["level"], Agency.Level, "level", errors)
    if "administrative_unit_code" in changes:
        values["administrative_unit"] = _unit(changes["administrative_unit_code"], errors)
    if "parent_code" in changes:
        values["parent"] = _new_parent(agency, changes["parent_code"], errors)
    _raise_if(errors)
    before = snapshot(agency, AUDITED_FIELDS)
    with transaction.atomic():
        updated = Agency.objects.filter(
            pk=agency.pk, version=expected_version, status=Agency.Status.ACTIVE
        ).update(**values, version=F("version") + 1, updated_at=timezone.now())
        if updated != 1:
            raise Conflict(
                f"Cơ quan {agency.code} đã được người khác sửa (phiên bản bạn có: "
                f"{expected_version}). Tải lại rồi thử lại.",
                code="stale_version",
            )
        agency.refresh_from_db()
        if "name" in values and values["name"] != before["name"]:
            _rename(agency, values["name"], effective_on or today())
        record(
            "organizations.agency.update",
            actor=actor,
            target=agency,
            before=before,
            after=snapshot(agency, AUDITED_FIELDS),
        )
    return agency


def _new_parent(agency: Agency, parent_code: str | None, errors: dict[str, str]) -> Agency | None:
    if not parent_code:
        return None
    try:
        parent = find_agency(parent_code)
    except NotFound:
        errors["parent_code"] = f"Không có cơ quan cấp trên mang mã {parent_code!r}."
        return None
    if not parent.is_active:
        errors["parent_code"] = f"Cơ quan cấp trên {parent.code} đã giải thể/sáp nhập."
    elif parent.pk == agency.pk or parent.pk in descendant_ids(agency.pk):
        errors["parent_code"] = (
            f"Không thể đặt {parent.code} làm cấp trên của {agency.code}: tạo vòng lặp trong cây."
        )
    return parent


def _rename(agency: Agency, name: str, effective_on: dt.date) -> None:
    current = AgencyName.objects.filter(agency=agency, valid_to__isnull=True).first()
    if current is not None:
        if current.valid_from >= effective_on:
            current.name = name
            current.save(update_fields=["name"])
            return
        current.valid_to = effective_on - dt.timedelta(days=1)
        current.save(update_fields=["valid_to"])
    AgencyName.objects.create(agency=agency, name=name, valid_from=effective_on)


# --- merger ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeReport:
    successor: Agency
    predecessors: list[Agency]
    moved_children: int
    handovers: dict[str, dict[str, int]]


def merge_agencies(
    *,
    actor: Any,
    predecessor_codes: list[str],
    successor_code: str,
    effective_on: dt.date | None = None,
    reason: str = "",
) -> MergeReport:
    """Merge agencies into a successor: predecessors retire (keeping their codes and names),
    their sub-units and open work move to the successor, and old codes resolve to it."""
    if not predecessor_codes:
        raise InvalidInput("Cần ít nhất một cơ quan bị sáp nhập.")
    successor = find_agency(successor_code)
    predecessors = [find_agency(code) for code in predecessor_codes]
    effective_on = effective_on or today()
    if len({p.pk for p in predecessors}) != len(predecessors):
        raise InvalidInput("Một cơ quan được nêu hai lần trong danh sách sáp nhập.")
    for predecessor in predecessors:
        if predecessor.pk == successor.pk:
            raise InvalidInput(f"Không thể sáp nhập cơ quan {successor.code} vào chính nó.")
    if not successor.is_active:
        raise Conflict(
            f"Cơ quan nhận sáp nhập {successor.code} đã giải thể/sáp nhập; "
            "hãy sáp nhập vào cơ quan đang hoạt động."
        )
    parents = parent_map()
    for predecessor in predecessors:
        if not predecessor.is_active:
            raise Conflict(f"Cơ quan {predecessor.code} đã giải thể/sáp nhập trước đó.")
        if successor.pk in descendant_ids(predecessor.pk, parents):
            raise InvalidInput(
                f"{successor.code} là đơn vị trực thuộc {predecessor.code}; không thể sáp nhập "
                "cơ quan cấp trên vào đơn vị cấp dưới của nó."
            )
        if effective_on <= predecessor.valid_from:
            raise InvalidInput(
                f"Ngày hiệu lực {effective_on.isoformat()} phải sau ngày thành lập "
                f"{predecessor.code} ({predecessor.valid_from.isoformat()})."
            )
    reason = normalize_text(reason)
    moved_children = 0
    handovers: dict[str, dict[str, int]] = {}
    with transaction.atomic():
        locked = lock_agencies([successor.pk, *(p.pk for p in predecessors)])
        if not locked[successor.pk].is_active:
            raise Conflict(f"Cơ quan nhận sáp nhập {successor.code} vừa bị giải thể/sáp nhập.")
        end = effective_on - dt.timedelta(days=1)
        for predecessor in predecessors:
            before = snapshot(predecessor, AUDITED_FIELDS)
            retired = Agency.objects.filter(pk=predecessor.pk, status=Agency.Status.ACTIVE).update(
                status=Agency.Status.RETIRED,
                valid_to=end,
                version=F("version") + 1,
                updated_at=timezone.now(),
            )
            if retired != 1:
                raise Conflict(f"Cơ quan {predecessor.code} vừa bị người khác sáp nhập.")
            children = Agency.objects.filter(parent_id=predecessor.pk, status=Agency.Status.ACTIVE)
            child_codes = list(children.values_list("code", flat=True))
            children.update(
                parent_id=successor.pk, version=F("version") + 1, updated_at=timezone.now()
            )
            moved_children += len(child_codes)
            AgencyName.objects.filter(agency=predecessor, valid_to__isnull=True).update(
                valid_to=end
            )
            AgencySuccession.objects.create(
                predecessor=predecessor,
                successor=successor,
                kind=AgencySuccession.Kind.MERGER,
                effective_on=effective_on,
                reason=reason,
            )
            predecessor.refresh_from_db()
            results = handover.run_handlers(
                predecessor=predecessor,
                successor=successor,
                effective_on=effective_on,
                actor=actor,
            )
            for name, counts in results.items():
                total = handovers.setdefault(name, {})
                for key, value in counts.items():
                    total[key] = total.get(key, 0) + value
            record(
                "organizations.agency.merge",
                actor=actor,
                target=predecessor,
                before=before,
                after={
                    **snapshot(predecessor, AUDITED_FIELDS),
                    "successor": successor.code,
                    "moved_children": child_codes,
                    "handover": results,
                },
                reason=reason,
            )
    successor.refresh_from_db()
    return MergeReport(successor, predecessors, moved_children, handovers)
