"""The deadline scanner: warns the handlers when a dossier or an active step falls due within
one working day, and escalates to the agency's leader once it is overdue. Idempotent (one alert
per deadline and kind, guaranteed by unique constraints), so any number of scanner processes
may run and re-run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from tinhso.calendar.services import add_working_hours, working_hours_per_day
from tinhso.dossiers.models import DeadlineAlert, Dossier, DossierStep, Status
from tinhso.dossiers.notifications import DeadlineNotice, emit
from tinhso.identity.access import staff_of
from tinhso.identity.models import Role, User
from tinhso.organizations.models import Agency

RUNNING = [Status.RECEIVED, Status.PROCESSING, Status.AWAITING_PAYMENT]  # paused ones excluded


@dataclass(frozen=True)
class ScanReport:
    due_soon: int
    overdue: int


def scan_deadlines(now: dt.datetime | None = None) -> ScanReport:
    now = now or timezone.now()
    horizon = add_working_hours(now, working_hours_per_day())
    alerts: list[DeadlineAlert] = []

    def alert(
        dossier_id: int, step_id: int | None, agency_id: int, role: str, due_at: dt.datetime | None
    ) -> None:
        if due_at is None:  # excluded by the queries' due_at__lte; keeps the types honest
            return
        kind = DeadlineAlert.Kind.OVERDUE if due_at <= now else DeadlineAlert.Kind.DUE_SOON
        alerts.append(
            DeadlineAlert(
                dossier_id=dossier_id,
                step_id=step_id,
                kind=kind,
                agency_id=agency_id,
                role=Role.LEADER if kind == DeadlineAlert.Kind.OVERDUE else role,
                due_at=due_at,
                created_at=now,
            )
        )

    dossiers = Dossier.objects.filter(status__in=RUNNING, due_at__lte=horizon).values_list(
        "pk", "agency_id", "due_at"
    )
    for pk, agency_id, due_at in dossiers.iterator(chunk_size=2000):
        alert(pk, None, agency_id, Role.ONE_STOP_OFFICER, due_at)
    steps = DossierStep.objects.filter(
        state=DossierStep.State.ACTIVE, due_at__lte=horizon, dossier__status__in=RUNNING
    ).values_list("dossier_id", "pk", "agency_id", "role", "due_at")
    for dossier_id, pk, agency_id, role, due_at in steps.iterator(chunk_size=2000):
        alert(dossier_id, pk, agency_id, role, due_at)
    before = _counts()
    with transaction.atomic():
        DeadlineAlert.objects.bulk_create(alerts, batch_size=1000, ignore_conflicts=True)
        # Rows that already existed keep their own created_at: these are this scan's. Telling
        # the handlers is idempotent (one outbox key per alert and person, see
        # tinhso.notifications), so a repeat changes nothing.
        for new_alert in DeadlineAlert.objects.filter(created_at=now).select_related(
            "dossier", "step", "agency"
        ):
            emit(DeadlineNotice(new_alert, _handlers(new_alert.agency, new_alert.role)))
    after = _counts()
    return ScanReport(
        due_soon=after[DeadlineAlert.Kind.DUE_SOON] - before[DeadlineAlert.Kind.DUE_SOON],
        overdue=after[DeadlineAlert.Kind.OVERDUE] - before[DeadlineAlert.Kind.OVERDUE],
    )


def _handlers(agency: Agency, role: str) -> list[User]:
    """The staff holding ``role`` in ``agency``, or in the nearest agency above that has any
    (an escalation of a division's step goes to its department's leader)."""
    current: Agency | None = agency
    while current is not None:
        people = staff_of(current, role)
        if people:
            return people
        current = current.parent
    return []


def _counts() -> dict[str, int]:
    counts = dict.fromkeys(DeadlineAlert.Kind.values, 0)
    rows = DeadlineAlert.objects.values("kind").annotate(n=Count("pk")).values_list("kind", "n")
    counts.update(rows)
    return counts
