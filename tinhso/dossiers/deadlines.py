"""Deadlines of dossiers, only from the calendar service (working days and hours)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tinhso.calendar.services import (
    add_working_days,
    add_working_hours,
    working_hours_per_day,
    working_time_between,
)
from tinhso.catalog.models import ProcedureVersion
from tinhso.dossiers.models import Timeliness

# NĐ 61/2018 Art. 19: a supplement requested within 3 working days of reception restarts the
# time limit from zero once the dossier is complete; a later one only pauses it.
RESTART_WINDOW_WORKING_DAYS = 3


def legal_due(version: ProcedureVersion, start: dt.datetime) -> dt.datetime:
    amount = Decimal(version.processing_time)
    if version.processing_time_unit == ProcedureVersion.TimeUnit.WORKING_HOUR:
        return add_working_hours(start, amount)
    if amount == amount.to_integral_value():
        return add_working_days(start, int(amount))
    hours = amount * Decimal(working_hours_per_day().total_seconds()) / 3600
    return add_working_hours(start, hours)


def step_due(start: dt.datetime, allotted_hours: Decimal) -> dt.datetime:
    return add_working_hours(start, allotted_hours)


def restarts_clock(received_at: dt.datetime, requested_at: dt.datetime) -> bool:
    """Whether a supplement requested at ``requested_at`` falls within the restart window."""
    return requested_at <= add_working_days(received_at, RESTART_WINDOW_WORKING_DAYS)


def resume_due(
    *, previous_due: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime
) -> dt.datetime:
    """The appointment after a pause: the office time that was left when the clock stopped is
    counted again from the moment it restarts."""
    remaining = working_time_between(paused_at, previous_due)
    return add_working_hours(resumed_at, remaining)


def classify(
    *, finished_at: dt.datetime, due_at: dt.datetime, appraisal_supplements: int
) -> Timeliness:
    """Early / on time / late as the 766 index counts them: on time when processing ended no
    later than the appointment; early when it ended on an earlier calendar day; more than one
    supplement request during appraisal makes a dossier late."""
    if appraisal_supplements > 1 or finished_at > due_at:
        return Timeliness.LATE
    if timezone.localdate(finished_at) < timezone.localdate(due_at):
        return Timeliness.EARLY
    return Timeliness.ON_TIME
