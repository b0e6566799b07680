"""Read-only queries behind the worklist and the dossier page. Templates receive plain values
(dataclasses, lists), never querysets, so that the number of queries of a page is fixed and
visible here: the worklist costs the same whether a page shows 1 row or 25.

Access goes through ``tinhso.dossiers.access``: every tab is a subset of
``visible_dossiers(user)`` and the dossier page loads its dossier through the same rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.calendar.services import add_working_hours, working_hours_per_day
from tinhso.catalog.models import ProcedureVersion
from tinhso.dossiers.access import visible_dossiers, work_agency_ids
from tinhso.dossiers.models import (
    FINISHED_STATUSES,
    Channel,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStep,
    IssuedForm,
    Status,
    Timeliness,
)
from tinhso.dossiers.services import allowed_actions
from tinhso.identity.access import active_assignments, is_provincial_administrator
from tinhso.identity.models import Role
from tinhso.lib.errors import NotFound
from tinhso.organizations.services import descendant_ids, parent_map

PAGE_SIZE = 25
# The clock runs for these statuses; a dossier waiting for a supplement is paused.
RUNNING = (Status.RECEIVED, Status.PROCESSING, Status.AWAITING_PAYMENT)

STATUS_TONES = {
    Status.SUBMITTED: "info",
    Status.RECEIVED: "info",
    Status.PROCESSING: "info",
    Status.SUPPLEMENT_REQUESTED: "warning",
    Status.AWAITING_PAYMENT: "warning",
    Status.PROCESSED: "success",
    Status.RETURNED: "success",
    Status.REFUSED: "danger",
    Status.STOPPED: "danger",
    Status.WITHDRAWN: "neutral",
}
TIMELINESS_TONES = {
    Timeliness.EARLY: "success",
    Timeliness.ON_TIME: "success",
    Timeliness.LATE: "danger",
}

# Worklist tabs, in the order they are shown. Which ones a person sees depends on their roles.
TAB_LABELS = {
    "receive": gettext_lazy("Chờ tiếp nhận"),
    "return": gettext_lazy("Chờ trả kết quả"),
    "process": gettext_lazy("Chờ xử lý"),
    "approve": gettext_lazy("Chờ phê duyệt"),
    "due_soon": gettext_lazy("Sắp đến hạn"),
    "overdue": gettext_lazy("Quá hạn"),
    "all": gettext_lazy("Tất cả hồ sơ"),
}
PROCESS_ROLES = (Role.SPECIALIST, Role.HEAD_OF_UNIT, Role.ONE_STOP_OFFICER, Role.CLERK)
SORTS = {
    "due": ("due_at", "pk"),
    "-due": ("-due_at", "-pk"),
    "received": ("-received_at", "-pk"),
    "-received": ("received_at", "pk"),
}


# --- badges ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    tone: str
    text: str


def status_badge(status: str) -> Badge:
    value = Status(status)
    return Badge(STATUS_TONES[value], _(value.label))


def due_badge(
    *,
    status: str,
    due_at: dt.datetime | None,
    timeliness: str,
    now: dt.datetime,
    horizon: dt.datetime,
) -> Badge | None:
    """The appointment as colour AND words: "Còn 2 ngày", "Hạn hôm nay", "Quá hạn 3 ngày" (days
    are calendar days between local dates; the exact instant is shown next to the badge).
    Finished dossiers show how they ended (early / on time / late); a paused one says so."""
    if status in FINISHED_STATUSES:
        if timeliness:
            value = Timeliness(timeliness)
            return Badge(TIMELINESS_TONES[value], _(value.label))
        return None
    if status == Status.SUPPLEMENT_REQUESTED and due_at is not None:
        return Badge("neutral", _("Tạm dừng tính hạn"))
    if due_at is None:
        return None
    days = (timezone.localdate(due_at) - timezone.localdate(now)).days
    if due_at < now:
        if days == 0:
            return Badge("danger", _("Quá hạn hôm nay"))
        return Badge("danger", _("Quá hạn %(days)d ngày") % {"days": -days})
    tone = "warning" if due_at <= horizon else "info"
    if days == 0:
        return Badge(tone, _("Hạn hôm nay"))
    return Badge(tone, _("Còn %(days)d ngày") % {"days": days})


def due_soon_horizon(now: dt.datetime) -> dt.datetime:
    """Due soon = within one working day, as the deadline scanner warns."""
    return add_working_hours(now, working_hours_per_day())


# --- tabs ------------------------------------------------------------------------------------


@dataclass
class Scope:
    """Where the user holds each role: the agencies of the assignment and every unit below."""

    by_role: dict[str, set[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, user: Any) -> Scope:
        assignments = active_assignments(user)
        if not assignments:
            return cls()
        parents = parent_map()
        by_role: dict[str, set[int]] = {}
        for assignment in assignments:
            agencies = by_role.setdefault(assignment.role, set())
            agencies.add(assignment.agency_id)
            agencies |= descendant_ids(assignment.agency_id, parents)
        return cls(by_role)

    def agencies(self, *roles: str) -> set[int]:
        result: set[int] = set()
        for role in roles:
            result |= self.by_role.get(role, set())
        return result

    def holds(self, *roles: str) -> bool:
        return any(role in self.by_role for role in roles)


def tab_slugs(scope: Scope) -> list[str]:
    slugs = []
    if scope.holds(Role.ONE_STOP_OFFICER):
        slugs.append("receive")
    # Steps of an internal process may be given to any of these roles (the demo's commune
    # procedures start with a one-stop officer's check and end with the return).
    if scope.holds(*PROCESS_ROLES):
        slugs.append("process")
    if scope.holds(Role.ONE_STOP_OFFICER):
        slugs.append("return")
    if scope.holds(Role.LEADER):
        slugs.append("approve")
    return [*slugs, "due_soon", "overdue", "all"]


def _active_steps(condition: Q) -> Any:
    """The dossiers (ids) with an active step matching ``condition``, as a subquery."""
    return DossierStep.objects.filter(condition, state=DossierStep.State.ACTIVE).values(
        "dossier_id"
    )


def tab_condition(slug: str, scope: Scope, now: dt.datetime, horizon: dt.datetime) -> Q:
    """The tab as a condition on dossiers (applied to ``visible_dossiers``)."""
    if slug == "receive":
        return Q(
            status__in=[Status.SUBMITTED, Status.RECEIVED],
            agency_id__in=scope.agencies(Role.ONE_STOP_OFFICER),
        )
    if slug == "return":
        return Q(status=Status.PROCESSED, agency_id__in=scope.agencies(Role.ONE_STOP_OFFICER))
    if slug == "process":
        # The step is for my role in my unit; a head of unit also sees the unit's other steps
        # (they may complete them), except the leaders' approvals.
        condition = Q(pk__in=[])
        for role in (Role.SPECIALIST, Role.ONE_STOP_OFFICER, Role.CLERK):
            if scope.holds(role):
                condition |= Q(role=role, agency_id__in=scope.agencies(role))
        if scope.holds(Role.HEAD_OF_UNIT):
            condition |= Q(agency_id__in=scope.agencies(Role.HEAD_OF_UNIT)) & ~Q(role=Role.LEADER)
        if not scope.holds(*PROCESS_ROLES):
            return Q(pk__in=[])
        return Q(status=Status.PROCESSING, pk__in=_active_steps(condition))
    if slug == "approve":
        if not scope.holds(Role.LEADER):
            return Q(pk__in=[])
        steps = _active_steps(Q(role=Role.LEADER, agency_id__in=scope.agencies(Role.LEADER)))
        return Q(status=Status.PROCESSING, pk__in=steps)
    if slug == "due_soon":
        return Q(status__in=RUNNING, due_at__gte=now, due_at__lte=horizon)
    if slug == "overdue":
        return Q(status__in=RUNNING, due_at__lt=now)
    return Q()


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str
    count: int
    current: bool


def worklist_tabs(
    user: Any, scope: Scope, current: str, now: dt.datetime, horizon: dt.datetime
) -> list[Tab]:
    """All the tabs' counts in one query (conditional counts over the visible dossiers)."""
    slugs = tab_slugs(scope)
    counts = visible_dossiers(user).aggregate(
        **{slug: Count("pk", filter=tab_condition(slug, scope, now, horizon)) for slug in slugs}
    )
    return [Tab(slug, str(TAB_LABELS[slug]), counts[slug] or 0, slug == current) for slug in slugs]


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorklistRow:
    code: str
    applicant_name: str
    procedure_name: str
    channel_label: str
    status: Badge
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    due: Badge | None


@dataclass(frozen=True)
class WorklistFilters:
    procedure: str = ""
    status: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    text: str = ""
    sort: str = "due"


@dataclass(frozen=True)
class WorklistPage:
    rows: list[WorklistRow]
    page: Page
    total: int


def worklist_page(
    user: Any,
    scope: Scope,
    slug: str,
    filters: WorklistFilters,
    *,
    page_number: Any,
    now: dt.datetime,
    horizon: dt.datetime,
) -> WorklistPage:
    """One page of a tab: a count query and a page query, whatever the page size."""
    dossiers = (
        visible_dossiers(user)
        .filter(tab_condition(slug, scope, now, horizon))
        .select_related("procedure_version")
        .only(
            "code",
            "applicant_name",
            "channel",
            "status",
            "received_at",
            "due_at",
            "timeliness",
            "procedure_version__name",
        )
    )
    if filters.procedure:
        dossiers = dossiers.filter(procedure_version__procedure__code=filters.procedure)
    if filters.status:
        dossiers = dossiers.filter(status=filters.status)
    if filters.received_from:
        dossiers = dossiers.filter(received_at__date__gte=filters.received_from)
    if filters.received_to:
        dossiers = dossiers.filter(received_at__date__lte=filters.received_to)
    if filters.text:
        dossiers = dossiers.filter(
            Q(code__icontains=filters.text) | Q(applicant_name__icontains=filters.text)
        )
    dossiers = dossiers.order_by(*SORTS.get(filters.sort, SORTS["due"]))
    paginator = Paginator(dossiers, PAGE_SIZE)
    page = paginator.get_page(page_number)
    rows = [
        WorklistRow(
            code=dossier.code,
            applicant_name=dossier.applicant_name,
            procedure_name=dossier.procedure_version.name,
            channel_label=_(Channel(dossier.channel).label),
            status=status_badge(dossier.status),
            received_at=dossier.received_at,
            due_at=dossier.due_at,
            due=due_badge(
                status=dossier.status,
                due_at=dossier.due_at,
                timeliness=dossier.timeliness,
                now=now,
                horizon=horizon,
            ),
        )
        for dossier in page.object_list
    ]
    return WorklistPage(rows=rows, page=page, total=paginator.count)


def procedure_choices(user: Any) -> list[tuple[str, str]]:
    """Procedures offered by the agencies the user works in (code, latest name), by name."""
    versions = ProcedureVersion.objects.order_by("procedure__code", "number")
    if not is_provincial_administrator(user):
        versions = versions.filter(implementing_agencies__in=work_agency_ids(user))
    # Later versions come last and overwrite the name of earlier ones.
    names = dict(versions.values_list("procedure__code", "name"))
    return sorted(names.items(), key=lambda item: item[1])


# --- the dossier page ------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentEntry:
    id: int
    title: str
    content_type: str
    size: int
    reused: bool

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


@dataclass(frozen=True)
class ComponentEntry:
    code: str
    name: str
    is_required: bool
    documents: list[DocumentEntry]


@dataclass(frozen=True)
class StepEntry:
    position: int
    code: str
    name: str
    agency_name: str
    role_label: str
    is_inter_agency: bool
    state: Badge
    is_active: bool
    started_at: dt.datetime | None
    due_at: dt.datetime | None
    due: Badge | None
    completed_at: dt.datetime | None
    given_by: str
    taken_by: str
    result: str


@dataclass(frozen=True)
class EventEntry:
    label: str
    actor_label: str
    occurred_at: dt.datetime
    note: str
    status: Badge | None


@dataclass(frozen=True)
class FormEntry:
    id: int
    number: str
    title: str
    issued_at: dt.datetime


@dataclass(frozen=True)
class FieldEntry:
    label: str
    value: str


@dataclass(frozen=True)
class DossierPage:
    dossier: Dossier
    status: Badge
    due: Badge | None
    procedure_code: str
    procedure_name: str
    channel_label: str
    return_method_label: str
    form_fields: list[FieldEntry]
    components: list[ComponentEntry]
    steps: list[StepEntry]
    events: list[EventEntry]
    forms: list[FormEntry]
    actions: list[str]
    may_print_control_sheet: bool
    open_supplement_items: list[str]

    @property
    def fee_text(self) -> str:
        """200.000: Vietnamese thousands separators."""
        return f"{self.dossier.fee_total:,}".replace(",", ".")


STEP_TONES = {
    DossierStep.State.PENDING: "neutral",
    DossierStep.State.ACTIVE: "info",
    DossierStep.State.DONE: "success",
    DossierStep.State.CANCELLED: "neutral",
}
EVENT_LABELS = {
    "submit": gettext_lazy("Nộp hồ sơ trực tuyến"),
    "receive": gettext_lazy("Tiếp nhận tại Bộ phận Một cửa"),
    "accept": gettext_lazy("Tiếp nhận"),
    "refuse": gettext_lazy("Từ chối tiếp nhận"),
    "request_supplement": gettext_lazy("Yêu cầu bổ sung"),
    "supplement": gettext_lazy("Bổ sung hồ sơ"),
    "start_processing": gettext_lazy("Chuyển xử lý"),
    "complete_step": gettext_lazy("Hoàn thành bước"),
    "require_payment": gettext_lazy("Yêu cầu thực hiện nghĩa vụ tài chính"),
    "settle_payment": gettext_lazy("Xác nhận đã nộp / miễn phí"),
    "extend": gettext_lazy("Gia hạn, xin lỗi"),
    "stop": gettext_lazy("Dừng xử lý"),
    "withdraw": gettext_lazy("Rút hồ sơ"),
    "return_result": gettext_lazy("Trả kết quả"),
    "attach_result": gettext_lazy("Đính kèm kết quả điện tử"),
    "rate": gettext_lazy("Đánh giá"),
}


def _form_fields(version: ProcedureVersion, data: dict[str, Any]) -> list[FieldEntry]:
    """The declaration in the order of its schema, with the schema's titles as labels."""
    properties = (version.form_schema or {}).get("properties", {}) or {}
    entries = []
    seen = set()
    for name, spec in properties.items():
        if name in data:
            title = spec.get("title") if isinstance(spec, dict) else None
            entries.append(FieldEntry(str(title or name), _display(data[name])))
            seen.add(name)
    entries += [
        FieldEntry(name, _display(value)) for name, value in data.items() if name not in seen
    ]
    return entries


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, list):
        return ", ".join(_display(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_display(item)}" for key, item in value.items())
    return "" if value is None else str(value)


def _components(
    version: ProcedureVersion, links: Iterable[DossierDocument]
) -> list[ComponentEntry]:
    by_code: dict[str, list[DocumentEntry]] = {}
    for link in links:
        document = link.document
        by_code.setdefault(link.component_code, []).append(
            DocumentEntry(
                document.pk, document.title, document.content_type, document.size, link.reused
            )
        )
    entries = [
        ComponentEntry(c.code, c.name, c.is_required, by_code.pop(c.code, []))
        for c in version.components.all()
    ]
    from tinhso.dossiers.services import RESULT_COMPONENT

    for code, documents in sorted(by_code.items()):
        name = _("Kết quả giải quyết") if code == RESULT_COMPONENT else code
        entries.append(ComponentEntry(code, name, False, documents))
    return entries


def _person(user: Any) -> str:
    return (user.full_name or user.username) if user is not None else ""


def dossier_page(user: Any, code: str, *, now: dt.datetime | None = None) -> DossierPage:
    """Everything the dossier page shows, through the visibility rule of ``get_dossier_for``
    (another agency's dossier: NotFound)."""
    now = now or timezone.now()
    dossier = (
        visible_dossiers(user)
        .select_related("agency__parent", "procedure_version__procedure", "received_by")
        .prefetch_related(
            Prefetch(
                "steps",
                DossierStep.objects.select_related("agency", "given_by", "taken_by").order_by(
                    "position", "code"
                ),
            ),
            Prefetch("events", DossierEvent.objects.order_by("occurred_at", "pk")),
            Prefetch(
                "documents",
                DossierDocument.objects.select_related("document").order_by("component_code", "pk"),
            ),
            Prefetch(
                "forms",
                IssuedForm.objects.only(
                    "pk", "dossier_id", "number", "title", "issued_at"
                ).order_by("issued_at", "pk"),
            ),
            "procedure_version__components",
        )
        .filter(code=code.strip().upper())
        .first()
    )
    if dossier is None:
        raise NotFound(f"Không tìm thấy hồ sơ {code}.")
    horizon = due_soon_horizon(now)
    version = dossier.procedure_version
    steps = list(dossier.steps.all())
    role_labels = dict(Role.choices)
    step_entries = [
        StepEntry(
            position=step.position,
            code=step.code,
            name=step.name,
            agency_name=step.agency.name,
            role_label=str(role_labels.get(step.role, step.role)),
            is_inter_agency=step.is_inter_agency,
            state=Badge(STEP_TONES[DossierStep.State(step.state)], _(step.get_state_display())),
            is_active=step.state == DossierStep.State.ACTIVE,
            started_at=step.started_at,
            due_at=step.due_at,
            due=(
                due_badge(
                    status=Status.PROCESSING,
                    due_at=step.due_at,
                    timeliness="",
                    now=now,
                    horizon=horizon,
                )
                if step.state == DossierStep.State.ACTIVE
                else (
                    Badge(
                        TIMELINESS_TONES[Timeliness(step.timeliness)],
                        _(Timeliness(step.timeliness).label),
                    )
                    if step.timeliness
                    else None
                )
            ),
            completed_at=step.completed_at,
            given_by=_person(step.given_by),
            taken_by=_person(step.taken_by),
            result=step.result,
        )
        for step in steps
    ]
    events = [
        EventEntry(
            label=str(EVENT_LABELS.get(event.action, event.action)),
            actor_label=event.actor_label,
            occurred_at=event.occurred_at,
            note=event.note,
            status=status_badge(event.to_status) if event.from_status else None,
        )
        for event in dossier.events.all()
    ]
    open_items: list[str] = []
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        request = dossier.supplements.filter(completed_at__isnull=True).first()
        open_items = list(request.items) if request else []
    return DossierPage(
        dossier=dossier,
        status=status_badge(dossier.status),
        due=due_badge(
            status=dossier.status,
            due_at=dossier.due_at,
            timeliness=dossier.timeliness,
            now=now,
            horizon=horizon,
        ),
        procedure_code=version.procedure.code,
        procedure_name=version.name,
        channel_label=_(Channel(dossier.channel).label),
        return_method_label=_(dossier.get_return_method_display()),
        form_fields=_form_fields(version, dossier.form_data or {}),
        components=_components(version, dossier.documents.all()),
        steps=step_entries,
        events=events,
        forms=[FormEntry(f.pk, f.number, f.title, f.issued_at) for f in dossier.forms.all()],
        actions=allowed_actions(user, dossier),
        may_print_control_sheet=bool(
            dossier.received_at
            and dossier.due_at
            and any(step.state != DossierStep.State.PENDING for step in steps)
        ),
        open_supplement_items=open_items,
    )
