"""Read-only data behind the desk (in-person reception) and the agency dashboard. Pages receive
plain values from here; every dossier is reached through the access chokepoints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.attachments.models import StoredDocument
from tinhso.catalog.models import ProcedureVersion
from tinhso.catalog.services import open_version_for_submission, search_procedures
from tinhso.dossiers.access import get_dossier_for, received_by_my_agencies, work_agency_ids
from tinhso.dossiers.models import ApplicantKind, Channel, Dossier, IssuedForm, ReturnMethod
from tinhso.dossiers.standard_forms import form_pdf
from tinhso.dossiers.statistics import Row, dossier_statistics
from tinhso.identity.access import active_assignments, is_provincial_administrator
from tinhso.identity.models import Role, User
from tinhso.lib.errors import NotFound
from tinhso.organizations.models import Agency
from tinhso.printing.schemas import MAX_REGISTER_ROWS
from tinhso.printing.services import FormKind

MAX_SEARCH_RESULTS = 30

# The words the desk pages use (translatable; the models' labels are not).
APPLICANT_KINDS = {
    ApplicantKind.CITIZEN: _("Cá nhân"),
    ApplicantKind.ORGANISATION: _("Tổ chức, doanh nghiệp"),
}
CHANNELS = {
    Channel.DIRECT: _("Nộp trực tiếp tại quầy"),
    Channel.ONLINE: _("Nộp trực tuyến"),
    Channel.POST: _("Gửi qua bưu chính công ích"),
}
RETURN_METHODS = {
    ReturnMethod.DESK: _("Nhận tại Bộ phận Một cửa"),
    ReturnMethod.POST: _("Nhận qua bưu chính công ích"),
    ReturnMethod.ONLINE: _("Nhận trực tuyến"),
}


# --- the desk ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyChoice:
    code: str
    name: str


def desk_agencies(user: Any) -> list[AgencyChoice]:
    """The agencies at whose one-stop desk ``user`` receives dossiers (where they hold the
    one-stop officer role), by name."""
    if not isinstance(user, User) or user.kind != User.Kind.STAFF:
        return []
    agencies = {
        a.agency.code: a.agency.name
        for a in active_assignments(user)
        if a.role == Role.ONE_STOP_OFFICER
    }
    return sorted(
        (AgencyChoice(code, name) for code, name in agencies.items()), key=lambda a: a.name
    )


@dataclass(frozen=True)
class ProcedureEntry:
    code: str
    name: str
    sector: str
    processing_time: str
    online_mode: str


def money(amount: int) -> str:
    """Đồng with dots between thousands, as Vietnamese forms print them: 200.000."""
    return f"{amount:,}".replace(",", ".")


def _processing_time(version: ProcedureVersion) -> str:
    amount = f"{version.processing_time.normalize():f}".replace(".", ",")
    return f"{amount} {version.get_processing_time_unit_display().lower()}"


def find_procedures(query: str, agency_code: str) -> tuple[list[ProcedureEntry], int]:
    """Procedures in force that ``agency_code`` receives, matching ``query`` without regard to
    diacritics; at most :data:`MAX_SEARCH_RESULTS`, with the total count."""
    versions = search_procedures(query or None, agency=agency_code)
    total = versions.count()
    entries = [
        ProcedureEntry(
            code=version.procedure.code,
            name=version.name,
            sector=version.sector.name,
            processing_time=_processing_time(version),
            online_mode=version.get_online_mode_display(),
        )
        for version in versions[:MAX_SEARCH_RESULTS]
    ]
    return entries, total


@dataclass(frozen=True)
class ComponentEntry:
    code: str
    name: str
    originals: int
    copies: int
    is_required: bool
    note: str


@dataclass(frozen=True)
class ProcedureSheet:
    """What the officer needs of the procedure while receiving: name, time, fee, components,
    the e-form's schema and hints."""

    code: str
    name: str
    agency_code: str
    agency_name: str
    processing_time: str
    fee_total: str
    components: list[ComponentEntry]
    form_schema: dict[str, Any]
    form_ui: dict[str, Any]
    version: ProcedureVersion = field(repr=False)


def procedure_sheet(procedure_code: str, agency_code: str) -> ProcedureSheet:
    """The version a dossier received now by the agency is processed under (NotFound, or
    Conflict for a closed procedure, or InvalidInput if the agency does not receive it)."""
    from tinhso.organizations.services import find_agency

    agency = find_agency(agency_code)
    version = open_version_for_submission(procedure_code, agency, timezone.now())
    first_fee = next(iter(version.fees.all()), None)
    return ProcedureSheet(
        code=version.procedure.code,
        name=version.name,
        agency_code=agency.code,
        agency_name=agency.name,
        processing_time=_processing_time(version),
        fee_total=money(int(first_fee.amount)) if first_fee and first_fee.amount else "",
        components=[
            ComponentEntry(
                code=c.code,
                name=c.name,
                originals=c.originals,
                copies=c.copies,
                is_required=c.is_required,
                note=c.note,
            )
            for c in version.components.all()
        ],
        form_schema=version.form_schema or {},
        form_ui=version.form_ui or {},
        version=version,
    )


@dataclass(frozen=True)
class ScanEntry:
    id: int
    title: str
    original_name: str
    content_type: str
    size: int


def scans(document_ids: list[int], holder_id_number: str) -> list[ScanEntry]:
    """The desk scans of this draft (kept in the document store under the applicant's ID)."""
    if not document_ids:
        return []
    documents = StoredDocument.objects.filter(
        pk__in=document_ids, holder_id_number=holder_id_number
    ).order_by("pk")
    return [ScanEntry(d.pk, d.title, d.original_name, d.content_type, d.size) for d in documents]


def received_with_key(user: Any, key: str) -> str | None:
    """The code of the dossier ``user`` received at the desk with this idempotency key."""
    if not key:
        return None
    return (
        Dossier.objects.filter(received_by=user, applicant__isnull=True, idempotency_key=key)
        .order_by("pk")
        .values_list("code", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Confirmation:
    code: str
    procedure_name: str
    agency_name: str
    applicant_name: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    return_method: str
    channel: str
    fee_total: str
    document_count: int
    has_receipt: bool


def confirmation(user: Any, code: str) -> Confirmation:
    """The received dossier as the confirmation page shows it (NotFound if not visible)."""
    dossier = get_dossier_for(user, code)
    return Confirmation(
        code=dossier.code,
        procedure_name=dossier.procedure_version.name,
        agency_name=dossier.agency.name,
        applicant_name=dossier.applicant_name,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        return_method=str(RETURN_METHODS[ReturnMethod(dossier.return_method)]),
        channel=str(CHANNELS[Channel(dossier.channel)]),
        fee_total=money(dossier.fee_total) if dossier.fee_total else "",
        document_count=dossier.documents.count(),
        has_receipt=dossier.forms.filter(kind=FormKind.RECEIPT).exists(),
    )


def receipt_pdf(user: Any, code: str) -> tuple[str, bytes]:
    """The latest receipt issued for the dossier, as (dossier code, PDF bytes)."""
    dossier = get_dossier_for(user, code)
    form = (
        IssuedForm.objects.filter(dossier=dossier, kind=FormKind.RECEIPT)
        .select_related("dossier")
        .order_by("-issued_at", "-pk")
        .first()
    )
    if form is None:
        raise NotFound(f"Hồ sơ {dossier.code} chưa có giấy tiếp nhận.")
    return dossier.code, form_pdf(form)


# --- the dashboard ----------------------------------------------------------------------------


def dashboard_agencies(user: Any) -> list[AgencyChoice]:
    """The agencies whose statistics ``user`` may see: where they work and the units below
    (every agency for a provincial administrator)."""
    if not isinstance(user, User) or user.kind != User.Kind.STAFF:
        return []
    agencies = Agency.objects.all()
    if not is_provincial_administrator(user):
        agencies = agencies.filter(pk__in=work_agency_ids(user))
    return [AgencyChoice(code, name) for code, name in agencies.values_list("code", "name")]


@dataclass(frozen=True)
class StatisticsTable:
    agency_code: str
    agency_name: str
    start: dt.date
    end: dt.date
    rows: list[Row]
    totals: Row
    register_possible: bool
    register_problem: str


def statistics_table(user: Any, agency_code: str, start: dt.date, end: dt.date) -> StatisticsTable:
    """The early / on-time / late table per procedure for one agency the user may see (the
    caller has checked ``agency_code`` against :func:`dashboard_agencies`)."""
    agency = Agency.objects.get(code=agency_code)
    dossiers = received_by_my_agencies(user).filter(Q(agency=agency))
    rows = dossier_statistics(dossiers, start=start, end=end, group_by="procedure")
    counts = {
        name: sum(getattr(row, name) for row in rows)
        for name in (
            "received",
            "received_direct",
            "received_online",
            "received_post",
            "finished_early",
            "finished_on_time",
            "finished_late",
            "in_progress_on_time",
            "in_progress_overdue",
        )
    }
    totals = Row(key="", name="", **counts)
    problem = ""
    if start.year != end.year:
        problem = "span_years"
    elif totals.received == 0:
        problem = "empty"
    elif totals.received > MAX_REGISTER_ROWS:
        problem = "too_many"
    return StatisticsTable(
        agency_code=agency.code,
        agency_name=agency.name,
        start=start,
        end=end,
        rows=rows,
        totals=totals,
        register_possible=not problem,
        register_problem=problem,
    )
