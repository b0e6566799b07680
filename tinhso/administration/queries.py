"""Read-only queries behind the administration pages. Pages receive plain values; the number of
queries per page is fixed (lists are paginated, details prefetched)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tinhso.calendar.models import DayOverride
from tinhso.calendar.services import DayInfo, list_exceptions, working_periods
from tinhso.catalog.models import Procedure, ProcedureVersion, Sector
from tinhso.catalog.services import (
    legal_time_in_working_hours,
    process_hours,
    version_content,
    with_details,
)
from tinhso.identity.models import Role, RoleAssignment, User
from tinhso.lib.errors import NotFound
from tinhso.lib.text import fold_text
from tinhso.organizations.models import Agency

Status = ProcedureVersion.Status
PAGE_SIZE = 50


def today() -> dt.date:
    return timezone.localdate()


# --- index ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexCounts:
    procedures_in_force: int
    draft_versions: int
    agencies: int
    staff: int
    overrides_this_year: int


def _in_force(day: dt.date) -> Q:
    return (
        Q(status=Status.PUBLISHED)
        & Q(valid_from__lte=day)
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )


def index_counts(agency_ids: set[int], *, provincial: bool) -> IndexCounts:
    day = today()
    procedures = drafts = overrides = 0
    if provincial:
        procedures = (
            ProcedureVersion.objects.filter(_in_force(day))
            .exclude(procedure__retired_on__lte=day)
            .values("procedure_id")
            .distinct()
            .count()
        )
        drafts = ProcedureVersion.objects.filter(status=Status.DRAFT).count()
        overrides = DayOverride.objects.filter(date__year=day.year).count()
    return IndexCounts(
        procedures_in_force=procedures,
        draft_versions=drafts,
        agencies=Agency.objects.active().filter(pk__in=agency_ids).count(),
        staff=_current_assignments(day)
        .filter(agency_id__in=agency_ids)
        .values("user_id")
        .distinct()
        .count(),
        overrides_this_year=overrides,
    )


# --- procedures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureRow:
    code: str
    name: str
    sector: str
    status: str  # in_force / upcoming / draft_only / closed
    status_label: str
    version_number: int | None
    has_draft: bool


def sector_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {name}") for code, name in Sector.objects.values_list("code", "name")]


def procedure_page(
    query: str = "", status: str = "", sector: str = "", page: Any = 1
) -> tuple[Page[Any], list[ProcedureRow]]:
    day = today()
    procedures = Procedure.objects.all()
    if query.strip():
        by_name = Q()
        for word in fold_text(query).split():
            by_name &= Q(name_folded__contains=word)
        matching = ProcedureVersion.objects.filter(by_name).values("procedure_id")
        code = query.strip().upper()
        procedures = procedures.filter(
            Q(pk__in=matching) | Q(code__startswith=code) | Q(national_code=code)
        )
    if sector:
        procedures = procedures.filter(
            pk__in=ProcedureVersion.objects.filter(sector__code=sector).values("procedure_id")
        )
    in_force = ProcedureVersion.objects.filter(_in_force(day), procedure=OuterRef("pk"))
    drafts = ProcedureVersion.objects.filter(status=Status.DRAFT, procedure=OuterRef("pk"))
    procedures = procedures.annotate(in_force=Exists(in_force), has_draft=Exists(drafts))
    if status == "in_force":
        procedures = procedures.filter(in_force=True).exclude(retired_on__lte=day)
    elif status == "draft":
        procedures = procedures.filter(has_draft=True)
    elif status == "retired":
        procedures = procedures.filter(retired_on__isnull=False)
    paginator = Paginator(procedures.order_by("code"), PAGE_SIZE)
    current = paginator.get_page(page)
    items = list(current.object_list)
    versions: dict[int, list[ProcedureVersion]] = {}
    for version in (
        ProcedureVersion.objects.filter(procedure__in=items)
        .select_related("sector")
        .order_by("-number")
    ):
        versions.setdefault(version.procedure_id, []).append(version)
    rows = []
    for procedure in items:
        own = versions.get(procedure.pk, [])
        force = next(
            (
                v
                for v in own
                if v.status == Status.PUBLISHED
                and v.valid_from <= day
                and (v.valid_to is None or v.valid_to >= day)
            ),
            None,
        )
        upcoming = next(
            (v for v in own if v.status == Status.PUBLISHED and v.valid_from > day), None
        )
        shown = force or upcoming or (own[0] if own else None)
        if procedure.retired_on is not None and procedure.retired_on <= day:
            status_key, label = "closed", "Ngừng tiếp nhận"
        elif force is not None:
            status_key, label = "in_force", "Đang hiệu lực"
        elif upcoming is not None:
            status_key, label = "upcoming", "Sắp có hiệu lực"
        elif any(v.status == Status.DRAFT for v in own):
            status_key, label = "draft_only", "Chỉ có dự thảo"
        else:
            status_key, label = "closed", "Không hiệu lực"
        rows.append(
            ProcedureRow(
                code=procedure.code,
                name=shown.name if shown else "",
                sector=shown.sector.name if shown else "",
                status=status_key,
                status_label=label,
                version_number=shown.number if shown else None,
                has_draft=any(v.status == Status.DRAFT for v in own),
            )
        )
    return current, rows


@dataclass(frozen=True)
class VersionRow:
    number: int
    name: str
    status: str
    status_label: str
    valid_from: dt.date
    valid_to: dt.date | None
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str
    in_force: bool
    has_ended: bool
    can_publish: bool
    can_unpublish: bool


def version_rows(procedure: Procedure) -> list[VersionRow]:
    day = today()
    rows = []
    for version in procedure.versions.order_by("-number"):
        in_force = (
            version.status == Status.PUBLISHED
            and version.valid_from <= day
            and (version.valid_to is None or version.valid_to >= day)
        )
        rows.append(
            VersionRow(
                number=version.number,
                name=version.name,
                status=version.status,
                status_label=version.get_status_display(),
                valid_from=version.valid_from,
                valid_to=version.valid_to,
                published_at=version.published_at,
                withdrawn_at=version.withdrawn_at,
                withdrawal_reason=version.withdrawal_reason,
                in_force=in_force,
                has_ended=version.valid_to is not None and version.valid_to < day,
                can_publish=version.status == Status.DRAFT,
                can_unpublish=version.status == Status.PUBLISHED
                and (version.valid_to is None or version.valid_to >= day),
            )
        )
    return rows


def get_version(procedure: Procedure, number: int) -> ProcedureVersion:
    version = with_details(procedure.versions.filter(number=number)).first()
    if version is None:
        raise NotFound(f"Thủ tục {procedure.code} không có phiên bản {number}.")
    return version


@dataclass
class VersionView:
    version: ProcedureVersion
    content: dict[str, Any]
    legal_hours: Decimal
    process_hours: Decimal
    steps: list[dict[str, Any]] = field(default_factory=list)
    fees: list[dict[str, Any]] = field(default_factory=list)
    schema_json: str = ""
    ui_json: str = ""


def version_view(version: ProcedureVersion) -> VersionView:
    content = version_content(version)
    steps = list(version.process_steps.all())
    return VersionView(
        version=version,
        content=content,
        legal_hours=legal_time_in_working_hours(version),
        process_hours=process_hours([(s.position, Decimal(s.allotted_hours)) for s in steps]),
        steps=[
            {
                **item,
                "role_label": Role(item["responsible_role"]).label,
                "parallel": sum(1 for s in steps if s.position == item["position"]) > 1,
            }
            for item in content["process_steps"]
        ],
        fees=[
            {**fee, "amount_text": f"{fee['amount']:,}".replace(",", ".")}
            for fee in content["fees"]
        ],
        schema_json=json.dumps(content["form_schema"], ensure_ascii=False, indent=2),
        ui_json=json.dumps(content["form_ui"], ensure_ascii=False, indent=2),
    )


def latest_version(procedure: Procedure) -> ProcedureVersion | None:
    return procedure.versions.order_by("-number").first()


# --- calendar ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarYear:
    year: int
    exceptions: list[DayInfo]
    overrides: list[DayOverride]
    periods: list[str]


def calendar_year(year: int) -> CalendarYear:
    return CalendarYear(
        year=year,
        exceptions=list_exceptions(year),
        overrides=list(DayOverride.objects.filter(date__year=year).order_by("date")),
        periods=[f"{start:%H:%M}-{end:%H:%M}" for start, end in working_periods()],
    )


# --- staff ------------------------------------------------------------------------------------


def _current_assignments(day: dt.date) -> Any:
    return RoleAssignment.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def managed_agencies(agency_ids: set[int]) -> list[Agency]:
    return list(Agency.objects.active().filter(pk__in=agency_ids).order_by("code"))


@dataclass(frozen=True)
class StaffRow:
    username: str
    full_name: str
    is_active: bool
    roles: list[str]


def staff_page(
    agency_ids: set[int], query: str = "", agency_code: str = "", page: Any = 1
) -> tuple[Page[Any], list[StaffRow]]:
    """Staff accounts with a role (current, past or future) in the agencies managed."""
    day = today()
    assignments = RoleAssignment.objects.filter(agency_id__in=agency_ids)
    if agency_code:
        assignments = assignments.filter(agency__code=agency_code)
    users = User.objects.filter(kind=User.Kind.STAFF, pk__in=assignments.values("user_id"))
    if query.strip():
        text = query.strip()
        users = users.filter(Q(full_name__icontains=text) | Q(username__icontains=text))
    paginator = Paginator(users.order_by("full_name", "username"), PAGE_SIZE)
    current = paginator.get_page(page)
    items = list(current.object_list)
    roles: dict[int, list[str]] = {}
    for assignment in (
        _current_assignments(day)
        .filter(user__in=items, agency_id__in=agency_ids)
        .select_related("agency")
        .order_by("agency__code", "role")
    ):
        roles.setdefault(assignment.user_id, []).append(
            f"{assignment.get_role_display()} — {assignment.agency.name}"
        )
    rows = [
        StaffRow(
            username=user.username,
            full_name=user.full_name,
            is_active=user.is_active,
            roles=roles.get(user.pk, []),
        )
        for user in items
    ]
    return current, rows


def get_staff_for(agency_ids: set[int], username: str) -> User:
    """A staff account with a role in one of the agencies managed (else NotFound)."""
    user = User.objects.filter(
        username=username,
        kind=User.Kind.STAFF,
        role_assignments__agency_id__in=agency_ids,
    ).first()
    if user is None:
        raise NotFound(f"Không có cán bộ mang tên đăng nhập {username!r}.")
    return user


@dataclass(frozen=True)
class AssignmentRow:
    pk: int
    role: str
    role_label: str
    agency_code: str
    agency_name: str
    valid_from: dt.date
    valid_to: dt.date | None
    is_current: bool
    can_end: bool


def assignment_rows(user: User, agency_ids: set[int]) -> list[AssignmentRow]:
    day = today()
    rows = []
    for assignment in (
        RoleAssignment.objects.filter(user=user, agency_id__in=agency_ids)
        .select_related("agency")
        .order_by("-valid_from", "agency__code")
    ):
        current = assignment.valid_from <= day and (
            assignment.valid_to is None or assignment.valid_to >= day
        )
        rows.append(
            AssignmentRow(
                pk=assignment.pk,
                role=assignment.role,
                role_label=assignment.get_role_display(),
                agency_code=assignment.agency.code,
                agency_name=assignment.agency.name,
                valid_from=assignment.valid_from,
                valid_to=assignment.valid_to,
                is_current=current,
                can_end=assignment.valid_to is None,
            )
        )
    return rows


def get_open_assignment(user: User, agency_ids: set[int], pk: int) -> RoleAssignment:
    assignment = (
        RoleAssignment.objects.filter(
            pk=pk, user=user, agency_id__in=agency_ids, valid_to__isnull=True
        )
        .select_related("agency")
        .first()
    )
    if assignment is None:
        raise NotFound("Không có phân công vai trò này.")
    return assignment


# --- agencies ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: str
    kind_label: str
    level_label: str
    depth: int
    is_active: bool
    valid_to: dt.date | None


def agency_tree(agency_ids: set[int], *, include_retired: bool = False) -> list[AgencyRow]:
    """Agencies managed, depth-first under their parents (roots: those whose parent is not
    managed)."""
    agencies = Agency.objects.filter(pk__in=agency_ids).order_by("code")
    if not include_retired:
        agencies = agencies.filter(status=Agency.Status.ACTIVE)
    items = list(agencies)
    by_parent: dict[int | None, list[Agency]] = {}
    present = {agency.pk for agency in items}
    for agency in items:
        parent = agency.parent_id if agency.parent_id in present else None
        by_parent.setdefault(parent, []).append(agency)
    rows: list[AgencyRow] = []

    def visit(parent: int | None, depth: int) -> None:
        for agency in by_parent.get(parent, []):
            rows.append(
                AgencyRow(
                    code=agency.code,
                    name=agency.name,
                    kind_label=agency.get_kind_display(),
                    level_label=agency.get_level_display(),
                    depth=min(depth, 6),
                    is_active=agency.is_active,
                    valid_to=agency.valid_to,
                )
            )
            visit(agency.pk, depth + 1)

    visit(None, 0)
    return rows
