"""Read-only data of the citizen pages: the procedure search and page, "Hồ sơ của tôi" and a
dossier's page. Templates get plain values (dataclasses), never querysets, so the queries of each
page are all here and their number does not grow with the rows shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from tinhso.attachments.services import documents_visible_to
from tinhso.catalog.models import Procedure, ProcedureVersion
from tinhso.catalog.services import (
    CHANNELS,
    TARGET_GROUPS,
    decimal_text,
    effective_version,
    search_procedures,
    sectors_in_use,
)
from tinhso.dossiers.access import visible_dossiers
from tinhso.dossiers.models import (
    Channel,
    Dossier,
    DossierDocument,
    DossierEvent,
    ReturnMethod,
    Status,
    Timeliness,
)
from tinhso.dossiers.services import RESULT_COMPONENT
from tinhso.dossiers.workflow import TRANSITIONS
from tinhso.lib.errors import NotFound
from tinhso.organizations.models import Agency

# --- shared display helpers -----------------------------------------------------------------

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
# Statuses in which the dossier waits for the citizen: shown first in "Hồ sơ của tôi".
WAITING_FOR_APPLICANT = {Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT}
ONLINE_TONES: dict[str, str] = {
    ProcedureVersion.OnlineMode.FULL: "success",
    ProcedureVersion.OnlineMode.PARTIAL: "info",
    ProcedureVersion.OnlineMode.NONE: "neutral",
}
# Actions of the history that are not transitions of the state machine.
EVENT_LABELS = {
    "submit": "Nộp hồ sơ trực tuyến",
    "receive": "Tiếp nhận hồ sơ",
    "attach_result": "Có kết quả điện tử",
}


def money_text(amount: int) -> str:
    """200000 → "200.000 đồng" (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".") + " " + _("đồng")


def processing_time_text(version: ProcedureVersion) -> str:
    """ "10 ngày làm việc", "7,5 giờ làm việc"."""
    amount = decimal_text(Decimal(version.processing_time)).replace(".", ",")
    unit = version.get_processing_time_unit_display().lower()
    return f"{amount} {_(unit)}"


def status_label(status: str) -> str:
    return _(Status(status).label)


# --- procedure search -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureRow:
    code: str
    national_code: str
    name: str
    sector_name: str
    level_label: str
    online_mode: str
    online_mode_label: str
    online_tone: str
    processing_time: str


def procedure_row(version: ProcedureVersion) -> ProcedureRow:
    return ProcedureRow(
        code=version.procedure.code,
        national_code=version.procedure.national_code,
        name=version.name,
        sector_name=version.sector.name,
        level_label=_(version.get_level_display()),
        online_mode=version.online_mode,
        online_mode_label=_(version.get_online_mode_display()),
        online_tone=ONLINE_TONES.get(version.online_mode, "neutral"),
        processing_time=processing_time_text(version),
    )


def find_procedures(
    query: str | None,
    *,
    sector: str | None = None,
    agency: str | None = None,
    online_mode: str | None = None,
) -> QuerySet[ProcedureVersion]:
    """The versions in force that match, through the catalogue's own search (diacritic- and
    đ/d-insensitive, every word anywhere in the name, or the code)."""
    return search_procedures(
        query or None,
        sector=sector or None,
        agency=agency or None,
        online_mode=online_mode or None,
    )


def sector_choices() -> list[tuple[str, str]]:
    """Sectors with a procedure in force today, by name."""
    return sorted(
        ((sector.code, sector.name) for sector in sectors_in_use()), key=lambda pair: pair[1]
    )


def implementing_agency_choices() -> list[tuple[str, str]]:
    """Agencies that implement at least one procedure in force today, by name."""
    in_force = search_procedures(None).values("pk")
    agencies = (
        Agency.objects.filter(procedure_versions__in=in_force)
        .distinct()
        .order_by("name", "code")
        .values_list("code", "name")
    )
    return list(agencies)


# --- procedure page -------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentEntry:
    name: str
    originals: int
    copies: int
    is_required: bool
    template_url: str
    note: str


@dataclass(frozen=True)
class FeeEntry:
    description: str
    amount: str
    is_free: bool
    note: str


@dataclass(frozen=True)
class AgencyEntry:
    code: str
    name: str


@dataclass(frozen=True)
class ProcedurePage:
    code: str
    national_code: str
    name: str
    version_number: int
    valid_from: dt.date
    valid_to: dt.date | None
    sector_name: str
    level_label: str
    online_mode: str
    online_mode_label: str
    online_tone: str
    accepts_online: bool
    processing_time: str
    target_groups: list[str]
    channels: list[str]
    legal_basis: str
    conditions: str
    results: list[str]
    components: list[ComponentEntry]
    fees: list[FeeEntry]
    agencies: list[AgencyEntry]


@dataclass(frozen=True)
class ClosedProcedure:
    """A procedure that exists but takes no dossiers today (retired, withdrawn, ended or not
    yet in force): its last known name and the catalogue's reason."""

    code: str
    name: str
    reason: str


def procedure_page(code: str) -> ProcedurePage | ClosedProcedure:
    """The page of the version in force today. NotFound for an unknown (or never published)
    code; a :class:`ClosedProcedure` when the procedure exists but is closed."""
    try:
        version = effective_version(code)
    except NotFound as exc:
        if exc.code != "procedure_closed":
            raise
        procedure = Procedure.objects.get(code=(code or "").strip().upper())
        last = (
            procedure.versions.exclude(status=ProcedureVersion.Status.DRAFT)
            .order_by("-number")
            .first()
        )
        return ClosedProcedure(
            code=procedure.code, name=last.name if last else procedure.code, reason=exc.detail
        )
    return ProcedurePage(
        code=version.procedure.code,
        national_code=version.procedure.national_code,
        name=version.name,
        version_number=version.number,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        sector_name=version.sector.name,
        level_label=_(version.get_level_display()),
        online_mode=version.online_mode,
        online_mode_label=_(version.get_online_mode_display()),
        online_tone=ONLINE_TONES.get(version.online_mode, "neutral"),
        accepts_online=version.online_mode != ProcedureVersion.OnlineMode.NONE,
        processing_time=processing_time_text(version),
        target_groups=[_(TARGET_GROUPS[g]) for g in TARGET_GROUPS if g in version.target_groups],
        channels=[_(CHANNELS[c]) for c in sorted(version.channels) if c in CHANNELS],
        legal_basis=version.legal_basis,
        conditions=version.conditions,
        results=[str(result) for result in version.results],
        components=[
            ComponentEntry(
                name=c.name,
                originals=c.originals,
                copies=c.copies,
                is_required=c.is_required,
                template_url=c.template_url,
                note=c.note,
            )
            for c in version.components.all()
        ],
        fees=[
            FeeEntry(
                description=f.description,
                amount=money_text(int(f.amount)),
                is_free=f.amount == 0,
                note=f.note,
            )
            for f in version.fees.all()
        ],
        agencies=[
            AgencyEntry(code=a.code, name=a.name)
            for a in sorted(version.implementing_agencies.all(), key=lambda a: a.code)
        ],
    )


# --- my dossiers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierRow:
    code: str
    procedure_name: str
    status: str
    status_label: str
    status_tone: str
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    is_overdue: bool
    waits_for_me: bool


def my_dossiers(user: Any, *, status: str | None = None) -> QuerySet[Dossier]:
    """The dossiers the account submitted, newest first (through the access chokepoint)."""
    dossiers = (
        visible_dossiers(user)
        .filter(applicant=user)
        .select_related("procedure_version")
        .order_by("-submitted_at", "-pk")
    )
    if status:
        dossiers = dossiers.filter(status=status)
    return dossiers


def my_status_counts(user: Any) -> dict[str, int]:
    rows = visible_dossiers(user).filter(applicant=user).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def _is_overdue(dossier: Dossier, now: dt.datetime) -> bool:
    return bool(
        dossier.due_at
        and dossier.finished_at is None
        and dossier.paused_at is None
        and dossier.status in (Status.RECEIVED, Status.PROCESSING, Status.AWAITING_PAYMENT)
        and dossier.due_at < now
    )


def dossier_rows(dossiers: Any, now: dt.datetime) -> list[DossierRow]:
    return [
        DossierRow(
            code=d.code,
            procedure_name=d.procedure_version.name,
            status=d.status,
            status_label=status_label(d.status),
            status_tone=STATUS_TONES.get(Status(d.status), "neutral"),
            submitted_at=d.submitted_at,
            received_at=d.received_at,
            due_at=d.due_at,
            is_overdue=_is_overdue(d, now),
            waits_for_me=d.status in WAITING_FOR_APPLICANT,
        )
        for d in dossiers
    ]


# --- one dossier ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EventEntry:
    label: str
    status_label: str
    occurred_at: dt.datetime
    by: str
    note: str


@dataclass(frozen=True)
class DocumentEntry:
    document_id: int
    component_name: str
    title: str
    original_name: str
    content_type: str
    size: int
    attached_at: dt.datetime


@dataclass(frozen=True)
class FormEntry:
    form_id: int
    number: str
    title: str
    issued_at: dt.datetime


@dataclass(frozen=True)
class SupplementEntry:
    requested_at: dt.datetime
    items: list[str]
    reason: str


@dataclass(frozen=True)
class DossierPage:
    code: str
    status: str
    status_label: str
    status_tone: str
    procedure_code: str
    procedure_name: str
    agency_name: str
    agency_address: str
    agency_phone: str
    applicant_name: str
    channel_label: str
    return_method_label: str
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    paused_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    is_overdue: bool
    timeliness_label: str
    fee_total: str
    has_fee: bool
    paid_online: bool
    rating: int | None
    rating_comment: str
    result_note: str
    expected_results: list[str]
    events: list[EventEntry]
    documents: list[DocumentEntry]
    results: list[DocumentEntry]
    forms: list[FormEntry]
    open_supplement: SupplementEntry | None
    components: list[tuple[str, str]] = field(default_factory=list)


def own_dossier(user: Any, code: str) -> Dossier:
    """The account's own dossier with what its page shows, through the access chokepoint:
    another person's dossier and an unknown code give the same NotFound."""
    dossier = (
        visible_dossiers(user)
        .filter(applicant=user, code=(code or "").strip().upper())
        .select_related("agency", "procedure_version__procedure")
        .prefetch_related(
            "steps__agency",
            Prefetch("events", DossierEvent.objects.select_related("agency")),
            Prefetch("documents", DossierDocument.objects.select_related("document")),
            "forms",
            "supplements",
            "procedure_version__components",
        )
        .first()
    )
    if dossier is None:
        raise NotFound(f"Không tìm thấy hồ sơ {code}.")
    return dossier


def _event_label(action: str) -> str:
    if action in EVENT_LABELS:
        return _(EVENT_LABELS[action])
    rule = TRANSITIONS.get(action)
    return _(rule.label) if rule else action


def _event_by(event: DossierEvent, user: Any) -> str:
    if event.actor_id is not None and event.actor_id == user.pk:
        return _("Bạn")
    if event.actor_id is None:
        return event.actor_label  # the system or the payment gateway, named as such
    return event.agency.name if event.agency else ""


def dossier_page(dossier: Dossier, user: Any, now: dt.datetime) -> DossierPage:
    version = dossier.procedure_version
    component_names = {c.code: c.name for c in version.components.all()}
    component_names[RESULT_COMPONENT] = _("Kết quả giải quyết")
    documents: list[DocumentEntry] = []
    results: list[DocumentEntry] = []
    for link in dossier.documents.all():
        entry = DocumentEntry(
            document_id=link.document_id,
            component_name=component_names.get(link.component_code, link.component_code),
            title=link.document.title,
            original_name=link.document.original_name,
            content_type=link.document.content_type,
            size=link.document.size,
            attached_at=link.attached_at,
        )
        (results if link.component_code == RESULT_COMPONENT else documents).append(entry)
    open_request = next((s for s in dossier.supplements.all() if s.completed_at is None), None)
    return DossierPage(
        code=dossier.code,
        status=dossier.status,
        status_label=status_label(dossier.status),
        status_tone=STATUS_TONES.get(Status(dossier.status), "neutral"),
        procedure_code=version.procedure.code,
        procedure_name=version.name,
        agency_name=dossier.agency.name,
        agency_address=dossier.agency.address,
        agency_phone=dossier.agency.phone,
        applicant_name=dossier.applicant_name,
        channel_label=_(Channel(dossier.channel).label),
        return_method_label=_(ReturnMethod(dossier.return_method).label),
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        paused_at=dossier.paused_at,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        is_overdue=_is_overdue(dossier, now),
        timeliness_label=_(Timeliness(dossier.timeliness).label) if dossier.timeliness else "",
        fee_total=money_text(dossier.fee_total),
        has_fee=dossier.fee_total > 0,
        paid_online=dossier.paid_online,
        rating=dossier.rating,
        rating_comment=dossier.rating_comment,
        result_note=dossier.result_note,
        expected_results=[str(r) for r in version.results],
        events=[
            EventEntry(
                label=_event_label(event.action),
                status_label=status_label(event.to_status) if event.to_status else "",
                occurred_at=event.occurred_at,
                by=_event_by(event, user),
                note=event.note,
            )
            for event in reversed(list(dossier.events.all()))
        ],
        documents=documents,
        results=results,
        forms=[
            FormEntry(form_id=f.pk, number=f.number, title=f.title, issued_at=f.issued_at)
            for f in dossier.forms.all()
        ],
        open_supplement=(
            SupplementEntry(
                requested_at=open_request.requested_at,
                items=[str(item) for item in open_request.items],
                reason=open_request.reason,
            )
            if open_request is not None
            else None
        ),
        components=[(c.code, c.name) for c in version.components.all()],
    )


STORE_CHOICES = 50


def stored_document_choices(user: Any) -> list[tuple[str, str]]:
    """The newest documents of the account's store, to be chosen instead of uploaded again."""
    return [
        (str(pk), f"{title} — {name} ({created:%d/%m/%Y})")
        for pk, title, name, created in documents_visible_to(user).values_list(
            "pk", "title", "original_name", "created_at"
        )[:STORE_CHOICES]
    ]
