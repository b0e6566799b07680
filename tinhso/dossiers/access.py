"""Chokepoint for dossiers: the only way views and API endpoints obtain a dossier. Staff see the
dossiers of the agencies they work in and those routed to them through a process step;
applicants see their own; anyone else gets NotFound, exactly as for a code that does not exist."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple, Protocol

from django.db.models import Q, QuerySet

from tinhso.dossiers.models import Dossier, DossierStep
from tinhso.dossiers.workflow import APPLICANT, TRANSITIONS, Transition
from tinhso.identity.access import active_assignments, is_provincial_administrator
from tinhso.identity.models import Role
from tinhso.lib.errors import NotFound, PermissionDenied
from tinhso.organizations.models import Agency
from tinhso.organizations.services import descendant_ids, parent_map


class AgencyNode(Protocol):
    """What the role checks need of an agency: itself and its parent (an ``Agency`` or an
    :class:`AgencyRef` read by plain SQL)."""

    @property
    def pk(self) -> Any: ...

    @property
    def parent_id(self) -> int | None: ...


class AgencyRef(NamedTuple):
    pk: int
    parent_id: int | None


class StepRef(NamedTuple):
    """What visibility and the allowed actions need of a process step."""

    agency: AgencyNode
    role: str
    is_inter_agency: bool
    state: str


ROUTED_STATES = frozenset({DossierStep.State.ACTIVE, DossierStep.State.DONE})


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


def visible_dossiers(user: Any, received_by: list[int] | None = None) -> QuerySet[Dossier]:
    """Applicants see their own dossiers; staff those received by their agencies (or units
    below) and those whose internal process runs through them — an inter-agency step only once
    it has been routed to them. ``received_by`` keeps only the dossiers received by those
    agencies; when the user works in all of them, that alone decides (no routed-steps
    condition, whose cost estimate at a million dossiers made PostgreSQL start parallel
    workers for a 2 000-row count)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    if received_by is not None:
        if is_provincial_administrator(user) or set(received_by) <= work_agency_ids(user):
            return Dossier.objects.filter(agency_id__in=received_by)
        return visible_dossiers(user).filter(agency_id__in=received_by)
    if is_provincial_administrator(user):
        return Dossier.objects.all()
    agency_ids = work_agency_ids(user)
    condition = Q(applicant=user)
    if agency_ids:
        # Known limit (docs/performance.md, finding 1): for a large department this subquery
        # grows past what PostgreSQL hashes in work_mem; filters by receiving agency avoid it.
        routed = (
            DossierStep.objects.filter(agency_id__in=agency_ids)
            .filter(Q(is_inter_agency=False) | Q(state__in=ROUTED_STATES))
            .values("dossier_id")
        )
        condition |= Q(agency_id__in=agency_ids) | Q(pk__in=routed)
    return Dossier.objects.filter(condition)


def may_see(
    user: Any,
    *,
    applicant_id: int | None,
    agency: AgencyNode,
    steps: Iterable[StepRef],
    tree: AgencyTree | None = None,
) -> bool:
    """:func:`visible_dossiers` for one dossier already read: the same rule, evaluated in
    Python on its receiving agency and steps (a test keeps the two in agreement)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if applicant_id is not None and applicant_id == user.pk:
        return True
    if is_provincial_administrator(user):
        return True
    direct = {a.agency_id for a in active_assignments(user)}
    if not direct:
        return False
    tree = tree or AgencyTree()
    return tree.within(agency, direct) or any(
        (not step.is_inter_agency or step.state in ROUTED_STATES)
        and tree.within(step.agency, direct)
        for step in steps
    )


def received_by_my_agencies(user: Any) -> QuerySet[Dossier]:
    """Dossiers received by the agencies the user works in (all for a provincial
    administrator): the scope of an agency's statistics, which count by receiving agency."""
    if is_provincial_administrator(user):
        return Dossier.objects.all()
    return Dossier.objects.filter(agency_id__in=work_agency_ids(user))


def get_dossier_for(user: Any, code: str, *, for_write: bool = False) -> Dossier:
    """The dossier with ``code`` if ``user`` may see it (:func:`may_see`, the rule of
    :func:`visible_dossiers`), else NotFound. Read by its unique code, then checked: the steps
    are read only when the receiving agency does not already decide."""
    queryset = Dossier.objects.select_related("agency__parent", "procedure_version__procedure")
    if for_write:
        queryset = queryset.select_for_update(of=("self",), no_key=True)
    dossier = next(iter(queryset.filter(code=code.strip().upper()).order_by()[:1]), None)
    if dossier is None or not may_see(
        user,
        applicant_id=dossier.applicant_id,
        agency=dossier.agency,
        steps=_step_refs(dossier),
    ):
        raise _not_found(code)
    return dossier


def _step_refs(dossier: Dossier) -> Iterator[StepRef]:
    """The dossier's steps, read when first iterated."""
    rows = DossierStep.objects.filter(dossier=dossier).values_list(
        "agency_id", "agency__parent_id", "role", "is_inter_agency", "state"
    )
    for agency_id, parent_id, role, is_inter_agency, state in rows:
        yield StepRef(AgencyRef(agency_id, parent_id), role, is_inter_agency, state)


class AgencyTree:
    """Walks up the agency tree from a node whose parent is known, reading the whole tree
    (``parent_map``) only when a walk goes beyond that parent, and at most once."""

    def __init__(self) -> None:
        self._parents: dict[int, int | None] | None = None

    def chain(self, node: AgencyNode) -> Iterator[int]:
        """``node`` and the agencies above it, nearest first."""
        yield node.pk
        seen = {node.pk}
        current = node.parent_id
        while current is not None and current not in seen:
            yield current
            seen.add(current)
            if self._parents is None:
                self._parents = parent_map()
            current = self._parents.get(current)

    def within(self, node: AgencyNode, roots: set[int]) -> bool:
        """Whether ``node`` is one of ``roots`` or below one of them."""
        return any(agency_id in roots for agency_id in self.chain(node))


def roles_in(user: Any, agency: AgencyNode, tree: AgencyTree | None = None) -> set[str]:
    """Roles the user holds in ``agency`` or in an agency above it (a department's leader leads
    its divisions too)."""
    assignments = active_assignments(user)
    if not assignments:
        return set()
    remaining = {a.agency_id for a in assignments}
    chain = set()
    for agency_id in (tree or AgencyTree()).chain(agency):
        if agency_id in remaining:
            chain.add(agency_id)
            remaining.discard(agency_id)
            if not remaining:  # every agency the user works in is placed: stop walking
                break
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


def permitted_actions(
    user: Any,
    *,
    status: str,
    rating: int | None,
    applicant_id: int | None,
    agency: AgencyNode,
    steps: Iterable[StepRef],
    has_extension: Callable[[], bool],
    tree: AgencyTree | None = None,
) -> list[str]:
    """The actions of the state machine ``user`` may take now on a dossier described by these
    values (``has_extension`` is asked only when "extend" is otherwise possible)."""
    memo: dict[int, set[str]] = {}
    tree = tree or AgencyTree()

    def roles(node: AgencyNode) -> set[str]:
        if node.pk not in memo:
            memo[node.pk] = roles_in(user, node, tree)
        return memo[node.pk]

    active = [s for s in steps if s.state == DossierStep.State.ACTIVE]
    actions = []
    for action, rule in TRANSITIONS.items():
        if status not in rule.sources:
            continue
        if action == "rate" and rating is not None:
            continue
        if action == "complete_step":
            if any(roles(s.agency) & {s.role, Role.HEAD_OF_UNIT, Role.LEADER} for s in active):
                actions.append(action)
            continue
        applicant_may = (
            APPLICANT in rule.actors and applicant_id is not None and applicant_id == user.pk
        )
        if (
            applicant_may
            or roles(agency) & rule.actors
            or (
                action in {"request_supplement", "require_payment", "stop"}
                and any(roles(s.agency) & rule.actors for s in active)
            )
        ) and not (action == "extend" and has_extension()):
            actions.append(action)
    return actions
