"""Chokepoint for dossiers: the only way views and API endpoints obtain a dossier. Staff see the
dossiers of the agencies they work in and those routed to them through a process step;
applicants see their own; anyone else gets NotFound, exactly as for a code that does not exist."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tinhso.dossiers.models import Dossier, DossierStep
from tinhso.dossiers.workflow import APPLICANT, Transition
from tinhso.identity.access import active_assignments, is_provincial_administrator
from tinhso.lib.errors import NotFound, PermissionDenied
from tinhso.organizations.models import Agency
from tinhso.organizations.services import descendant_ids, parent_map


def _not_found(code: str) -> NotFound:
    return NotFound(f"Không tìm thấy hồ sơ {code}.")


def work_agency_ids(user: Any) -> set[int]:
    """Agencies whose work the user handles: where they hold a role, and the units below."""
    direct = {a.agency_id for a in active_assignments(user)}
    if not direct:
        return set()
    parents = parent_map()
    result = set(direct)
    for agency_id in direct:
        result |= descendant_ids(agency_id, parents)
    return result


def visible_dossiers(user: Any) -> QuerySet[Dossier]:
    """Applicants see their own dossiers; staff those received by their agencies (or units
    below) and those whose internal process runs through them — an inter-agency step only once
    it has been routed to them."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    if is_provincial_administrator(user):
        return Dossier.objects.all()
    agency_ids = work_agency_ids(user)
    condition = Q(applicant=user)
    if agency_ids:
        # Known limit (docs/performance.md, finding 1): for a large department this subquery
        # grows past what PostgreSQL hashes in work_mem; filters by receiving agency avoid it.
        routed = (
            DossierStep.objects.filter(agency_id__in=agency_ids)
            .filter(
                Q(is_inter_agency=False)
                | Q(state__in=[DossierStep.State.ACTIVE, DossierStep.State.DONE])
            )
            .values("dossier_id")
        )
        condition |= Q(agency_id__in=agency_ids) | Q(pk__in=routed)
    return Dossier.objects.filter(condition)


def received_by_my_agencies(user: Any) -> QuerySet[Dossier]:
    """Dossiers received by the agencies the user works in (all for a provincial
    administrator): the scope of an agency's statistics, which count by receiving agency."""
    if is_provincial_administrator(user):
        return Dossier.objects.all()
    return Dossier.objects.filter(agency_id__in=work_agency_ids(user))


def get_dossier_for(user: Any, code: str, *, for_write: bool = False) -> Dossier:
    queryset = visible_dossiers(user).select_related(
        "agency__parent", "procedure_version__procedure"
    )
    if for_write:
        queryset = queryset.select_for_update(of=("self",), no_key=True)
    dossier = queryset.filter(code=code.strip().upper()).first()
    if dossier is None:
        raise _not_found(code)
    return dossier


def roles_in(user: Any, agency: Agency) -> set[str]:
    """Roles the user holds in ``agency`` or in an agency above it (a department's leader leads
    its divisions too)."""
    assignments = active_assignments(user)
    if not assignments:
        return set()
    held = {a.agency_id for a in assignments}
    if agency.pk in held:  # the common case needs no walk up the tree
        chain = {agency.pk}
        if agency.parent_id is not None:
            chain |= _chain_above(agency.parent_id)
    else:
        chain = {agency.pk} | _chain_above(agency.parent_id)
    return {a.role for a in assignments if a.agency_id in chain}


def role_holding_agency(user: Any, agency: Agency, allowed: set[str]) -> Agency | None:
    """The agency — ``agency`` itself or the nearest one above it — in which the user holds one
    of the ``allowed`` roles (the leader of a department acts as the department even on a step
    of its division)."""
    by_agency: dict[int, Any] = {}
    for assignment in active_assignments(user):
        if assignment.role in allowed:
            by_agency.setdefault(assignment.agency_id, assignment.agency)
    if not by_agency:
        return None
    if agency.pk in by_agency:
        return agency
    parents = parent_map()
    current = agency.parent_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        if current in by_agency:
            return by_agency[current]
        seen.add(current)
        current = parents.get(current)
    return None


def _chain_above(agency_id: int | None) -> set[int]:
    if agency_id is None:
        return set()
    parents = parent_map()
    chain: set[int] = set()
    current: int | None = agency_id
    while current is not None and current not in chain:
        chain.add(current)
        current = parents.get(current)
    return chain


def may_act(user: Any, dossier: Dossier, rule: Transition, agency: Agency | None = None) -> bool:
    """Whether ``user`` may take ``rule`` on ``dossier`` (at ``agency``, default the receiving
    agency): the applicant for applicant actions, otherwise a matching role there."""
    if APPLICANT in rule.actors and dossier.applicant_id and dossier.applicant_id == user.pk:
        return True
    return bool(roles_in(user, agency or dossier.agency) & set(rule.actors))


def require_may_act(
    user: Any, dossier: Dossier, rule: Transition, agency: Agency | None = None
) -> None:
    if not may_act(user, dossier, rule, agency):
        # The caller can see the dossier (it came through get_dossier_for) but holds no role
        # for this action: say so plainly.
        raise PermissionDenied(
            f"Bạn không có vai trò để «{rule.label.lower()}» hồ sơ {dossier.code}."
        )
