"""Concurrent changes from real clients (PostgreSQL only: SQLite admits one writer at a time)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from tinhso.audit.models import AuditEntry
from tinhso.calendar.services import set_override, set_working_periods, working_periods
from tinhso.lib.errors import Conflict

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent clients on PostgreSQL"
    ),
]


def in_parallel(*calls: object) -> list[BaseException | None]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[BaseException | None] = [None] * len(calls)

    def run(index: int, call: object) -> None:
        try:
            barrier.wait()
            call()  # type: ignore[operator]
        except BaseException as exc:  # recorded for the assertion below
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_concurrent_office_hours_never_mix() -> None:
    morning = ((dt.time(7, 0), dt.time(11, 0)), (dt.time(13, 0), dt.time(16, 0)))
    evening = ((dt.time(8, 0), dt.time(12, 0)), (dt.time(14, 0), dt.time(18, 0)))
    for _ in range(5):
        outcomes = in_parallel(
            lambda: set_working_periods(morning), lambda: set_working_periods(evening)
        )
        assert outcomes == [None, None]
        assert working_periods() in (morning, evening)


def test_concurrent_overrides_of_one_date_leave_one_row_and_honest_audit() -> None:
    day = dt.date(2031, 1, 2)
    outcomes = in_parallel(
        lambda: set_override(day, is_working_day=False, reason="Một"),
        lambda: set_override(day, is_working_day=False, reason="Hai"),
    )
    assert all(outcome is None or isinstance(outcome, Conflict) for outcome in outcomes)
    succeeded = sum(outcome is None for outcome in outcomes)
    assert AuditEntry.objects.filter(action="calendar.override.set").count() == succeeded >= 1
