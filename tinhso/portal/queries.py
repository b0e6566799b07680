"""Read-only queries behind the portal pages. Templates receive plain values, never querysets,
so that the number of queries per page is fixed and visible here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tinhso.identity.access import active_assignments
from tinhso.identity.models import User
from tinhso.organizations.models import AdministrativeUnit, Agency

_COMMITTEE_PREFIXES = ("Ủy ban nhân dân ", "Uỷ ban nhân dân ", "UBND ")


@dataclass(frozen=True)
class PortalStatistics:
    active_agency_count: int
    commune_count: int


@dataclass(frozen=True)
class AgencyEntry:
    name: str
    code: str


@dataclass(frozen=True)
class RoleEntry:
    role_label: str
    agency_name: str
    agency_code: str
    valid_from: dt.date


def root_agency() -> Agency | None:
    """The province's people's committee: the active agency at the top of the tree."""
    return (
        Agency.objects.active()
        .filter(parent__isnull=True, kind=Agency.Kind.PEOPLES_COMMITTEE)
        .select_related("administrative_unit")
        .order_by("code")
        .first()
    )


def province_name(agency: Agency | None) -> str:
    """ "Tỉnh Tiền Giang" from the root agency's territory, else from its name."""
    if agency is None:
        return ""
    if agency.administrative_unit is not None:
        name = agency.administrative_unit.name
    else:
        name = agency.name
        for prefix in _COMMITTEE_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
                break
    name = name.strip()
    return name[:1].upper() + name[1:]


def portal_statistics() -> PortalStatistics:
    return PortalStatistics(
        active_agency_count=Agency.objects.active().count(),
        commune_count=AdministrativeUnit.objects.filter(
            era=AdministrativeUnit.Era.CURRENT,
            level=AdministrativeUnit.Level.COMMUNE,
            valid_to__isnull=True,
        ).count(),
    )


def top_level_agencies(root: Agency | None) -> list[AgencyEntry]:
    """Active agencies directly under the root agency, in code order (QCVN 102)."""
    if root is None:
        return []
    return [
        AgencyEntry(name=name, code=code)
        for name, code in Agency.objects.active()
        .filter(parent=root)
        .order_by("code")
        .values_list("name", "code")
    ]


def active_role_assignments(user: User, *, today: dt.date | None = None) -> list[RoleEntry]:
    """The roles ``user`` holds today, as the access chokepoint sees them."""
    assignments = sorted(active_assignments(user, on=today), key=lambda a: (a.agency.code, a.role))
    return [
        RoleEntry(
            role_label=assignment.get_role_display(),
            agency_name=assignment.agency.name,
            agency_code=assignment.agency.code,
            valid_from=assignment.valid_from,
        )
        for assignment in assignments
    ]
