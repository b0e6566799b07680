"""Chokepoints for authorised access. Views, API endpoints and admin pages obtain domain objects
only through these functions; "not allowed" and "does not exist" give the same answer."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tinhso.identity.models import Role, RoleAssignment, User
from tinhso.lib.errors import NotFound
from tinhso.lib.sql import Loader, fetch, table
from tinhso.organizations.models import Agency
from tinhso.organizations.services import descendant_ids, find_agency, parent_map


def active_assignments(user: Any, on: dt.date | None = None) -> list[RoleAssignment]:
    """The user's role assignments valid today, each with its agency (cached on the user object
    per request). One plain query: every staff request runs it (decision 0009)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    day = on or timezone.localdate()
    cache_key = f"_tinhso_assignments_{day.isoformat()}"
    cached = getattr(user, cache_key, None)
    if cached is None:
        assignments, agencies, sql = _assignments_query()
        width = len(assignments.fields)
        cached = []
        for row in fetch(sql, [user.pk, day, day, Agency.Status.ACTIVE]):
            assignment = assignments.load(row[:width])
            assignment.agency = agencies.load(row[width:])
            cached.append(assignment)
        setattr(user, cache_key, cached)
    return cached


@cache
def _assignments_query() -> tuple[Loader, Loader, str]:
    assignments, agencies = Loader(RoleAssignment), Loader(Agency)
    return (
        assignments,
        agencies,
        f"SELECT {assignments.columns('ra')}, {agencies.columns('a')} "  # noqa: S608
        f"FROM {table(RoleAssignment)} ra JOIN {table(Agency)} a ON a.id = ra.agency_id "
        "WHERE ra.user_id = %s AND ra.valid_from <= %s "
        "AND (ra.valid_to IS NULL OR ra.valid_to >= %s) AND a.status = %s "
        "ORDER BY ra.id",
    )


def has_role(user: Any, role: Role | str, agency: Agency | None = None) -> bool:
    return any(
        a.role == role and (agency is None or a.agency_id == agency.pk)
        for a in active_assignments(user)
    )


def is_provincial_administrator(user: Any) -> bool:
    return has_role(user, Role.PROVINCIAL_ADMINISTRATOR)


def agency_ids_with_role(user: Any, *roles: Role | str) -> set[int]:
    return {a.agency_id for a in active_assignments(user) if not roles or a.role in roles}


def manageable_agency_ids(user: Any) -> set[int]:
    """Agencies whose data the user may change: all for a provincial administrator; for an
    agency administrator, the agency and its sub-units."""
    if is_provincial_administrator(user):
        return set(Agency.objects.values_list("pk", flat=True))
    roots = agency_ids_with_role(user, Role.AGENCY_ADMINISTRATOR)
    if not roots:
        return set()
    parents = parent_map()
    result = set(roots)
    for root in roots:
        result |= descendant_ids(root, parents)
    return result


def get_agency_for(user: Any, code: str, *, for_write: bool = False) -> Agency:
    """The agency with ``code``; for writing, only if ``user`` may manage it (else NotFound).
    The agency directory itself is public information."""
    agency = find_agency(code)
    if not for_write:
        return agency
    if agency.pk not in manageable_agency_ids(user):
        raise NotFound(f"Không có cơ quan, đơn vị mang mã {code!r}.")
    return agency


def can_see_work_of(user: Any, agency: Agency) -> bool:
    """Whether the user works in ``agency`` (work routed from elsewhere is granted by the
    owning app's own chokepoint, e.g. a dossier step assigned to the user's agency)."""
    return agency.pk in agency_ids_with_role(user) or is_provincial_administrator(user)


def staff_of(agency: Agency, role: Role | str | None = None) -> list[User]:
    today = timezone.localdate()
    assignments = RoleAssignment.objects.filter(agency=agency, valid_from__lte=today).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    if role is not None:
        assignments = assignments.filter(role=role)
    return list(User.objects.filter(role_assignments__in=assignments, is_active=True).distinct())
