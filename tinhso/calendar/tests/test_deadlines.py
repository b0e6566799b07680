"""Deadlines in working days and working hours, with the default office hours (07:30–11:30,
13:30–17:00) seeded by the migration."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tinhso.calendar.services import (
    add_working_days,
    add_working_hours,
    set_override,
    set_working_periods,
    working_days_between,
    working_periods,
    working_time_between,
)
from tinhso.lib.errors import InvalidInput

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=HANOI)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def test_default_office_hours_are_seeded() -> None:
    assert working_periods() == (
        (dt.time(7, 30), dt.time(11, 30)),
        (dt.time(13, 30), dt.time(17, 0)),
    )


def test_three_working_days_over_tet_2025() -> None:
    assert iso(add_working_days(at("2025-01-24T10:00"), 3)) == "2025-02-05T10:00:00+07:00"


def test_result_keeps_the_clock_time() -> None:
    assert iso(add_working_days(at("2025-03-10T14:45:30"), 1)) == "2025-03-11T14:45:30+07:00"
    assert iso(add_working_days(at("2025-03-14T08:00"), 1)) == "2025-03-17T08:00:00+07:00"


def test_start_in_another_time_zone_is_converted() -> None:
    start = dt.datetime(2025, 1, 24, 3, 0, tzinfo=dt.UTC)  # 10:00 in Hanoi
    due = add_working_days(start, 3)
    assert iso(due) == "2025-02-05T10:00:00+07:00"
    assert due.utcoffset() == dt.timedelta(hours=7)


@pytest.mark.parametrize(
    ("start", "normalised"),
    [
        ("2025-03-10T06:00", "2025-03-10T07:30:00+07:00"),  # before the first period
        ("2025-03-10T07:30", "2025-03-10T07:30:00+07:00"),  # at a period's start: inside
        ("2025-03-10T11:29:59", "2025-03-10T11:29:59+07:00"),
        ("2025-03-10T11:30", "2025-03-10T13:30:00+07:00"),  # at a period's end: outside
        ("2025-03-10T12:15", "2025-03-10T13:30:00+07:00"),  # lunch break
        ("2025-03-10T17:00", "2025-03-11T07:30:00+07:00"),  # at the last period's end
        ("2025-03-14T18:00", "2025-03-17T07:30:00+07:00"),  # Friday evening
        ("2025-03-15T09:00", "2025-03-17T07:30:00+07:00"),  # Saturday
        ("2025-01-24T17:30", "2025-02-03T07:30:00+07:00"),  # the evening before Tết
        ("2025-04-25T17:00", "2025-04-26T07:30:00+07:00"),  # to a swap Saturday
    ],
)
def test_zero_working_days_returns_the_normalised_start(start: str, normalised: str) -> None:
    assert iso(add_working_days(at(start), 0)) == normalised
    assert iso(add_working_hours(at(start), 0)) == normalised


def test_friday_evening_plus_one_working_day_is_tuesday_morning() -> None:
    assert iso(add_working_days(at("2025-03-14T18:00"), 1)) == "2025-03-18T07:30:00+07:00"


def test_lunch_break_plus_one_working_day() -> None:
    assert iso(add_working_days(at("2025-03-10T12:00"), 1)) == "2025-03-11T13:30:00+07:00"


def test_working_hours_consume_office_time_only() -> None:
    assert iso(add_working_hours(at("2025-03-10T10:00"), 8)) == "2025-03-11T10:30:00+07:00"
    assert iso(add_working_hours(at("2025-03-10T10:00"), 1)) == "2025-03-10T11:00:00+07:00"
    assert iso(add_working_hours(at("2025-03-10T10:00"), 2)) == "2025-03-10T14:00:00+07:00"
    # Friday afternoon over the weekend.
    assert iso(add_working_hours(at("2025-03-14T16:00"), 2)) == "2025-03-17T08:30:00+07:00"


def test_working_hours_ending_at_a_period_end_stay_there() -> None:
    assert iso(add_working_hours(at("2025-03-10T10:00"), 1.5)) == "2025-03-10T11:30:00+07:00"
    assert iso(add_working_hours(at("2025-03-10T07:30"), 7.5)) == "2025-03-10T17:00:00+07:00"
    assert iso(add_working_hours(at("2025-03-10T07:30"), 15)) == "2025-03-11T17:00:00+07:00"


def test_working_hours_accept_decimal_float_int_and_timedelta() -> None:
    start = at("2025-03-10T08:00")
    expected = "2025-03-10T09:30:00+07:00"
    assert iso(add_working_hours(start, Decimal("1.5"))) == expected
    assert iso(add_working_hours(start, 1.5)) == expected
    assert iso(add_working_hours(start, dt.timedelta(minutes=90))) == expected
    assert iso(add_working_hours(start, 0.25)) == "2025-03-10T08:15:00+07:00"


def test_working_hours_skip_holidays() -> None:
    # Friday 24 January 2025, 16:00; Tết until Sunday 2 February.
    assert iso(add_working_hours(at("2025-01-24T16:00"), 2)) == "2025-02-03T08:30:00+07:00"


@pytest.mark.parametrize("n", [-1, -100])
def test_negative_working_days_are_refused(n: int) -> None:
    with pytest.raises(InvalidInput, match="không được âm"):
        add_working_days(at("2025-03-10T08:00"), n)


@pytest.mark.parametrize("hours", [-1, Decimal("-0.5"), -0.1, dt.timedelta(minutes=-1)])
def test_negative_working_hours_are_refused(hours: object) -> None:
    with pytest.raises(InvalidInput, match="không được âm"):
        add_working_hours(at("2025-03-10T08:00"), hours)  # type: ignore[arg-type]


@pytest.mark.parametrize("hours", [Decimal("NaN"), float("inf"), "8", True])
def test_nonsense_working_hours_are_refused(hours: object) -> None:
    with pytest.raises(InvalidInput):
        add_working_hours(at("2025-03-10T08:00"), hours)  # type: ignore[arg-type]


def test_naive_and_date_starts_are_refused() -> None:
    with pytest.raises(InvalidInput, match="múi giờ"):
        add_working_days(dt.datetime(2025, 3, 10, 8, 0), 1)
    with pytest.raises(InvalidInput):
        add_working_days(dt.date(2025, 3, 10), 1)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        add_working_days(at("2025-03-10T08:00"), 1.5)  # type: ignore[arg-type]


def test_deadlines_beyond_the_supported_years_are_refused() -> None:
    with pytest.raises(InvalidInput, match="phạm vi"):
        add_working_days(at("2099-12-30T08:00"), 5)
    with pytest.raises(InvalidInput, match="phạm vi"):
        add_working_days(at("1990-01-02T08:00"), 1)


def test_custom_office_hours_are_used() -> None:
    set_working_periods([(dt.time(8, 0), dt.time(12, 0)), (dt.time(13, 0), dt.time(17, 0))])
    assert iso(add_working_days(at("2025-03-10T07:45"), 0)) == "2025-03-10T08:00:00+07:00"
    assert iso(add_working_hours(at("2025-03-10T10:00"), 8)) == "2025-03-11T10:00:00+07:00"
    assert iso(add_working_days(at("2025-03-10T12:30"), 1)) == "2025-03-11T13:00:00+07:00"


def test_working_days_between() -> None:
    assert working_days_between(dt.date(2025, 1, 24), dt.date(2025, 2, 5)) == 3
    assert working_days_between(dt.date(2025, 2, 5), dt.date(2025, 1, 24)) == -3
    assert working_days_between(dt.date(2025, 3, 10), dt.date(2025, 3, 10)) == 0
    assert working_days_between(dt.date(2025, 3, 14), dt.date(2025, 3, 16)) == 0
    assert working_days_between(at("2025-03-14T18:00"), at("2025-03-18T07:00")) == 2


def test_overrides_are_read_in_one_query_not_per_day() -> None:
    set_override(dt.date(2025, 6, 2), is_working_day=False, reason="Nghỉ theo quyết định của tỉnh")
    start = at("2025-03-10T08:00")
    with CaptureQueriesContext(connection) as queries:
        due = add_working_days(start, 100)
    assert len(queries) == 2  # the office hours, the overrides of the window
    # 7/4, 30/4, 1/5, 2/5 and the override skipped; Saturday 26/4 counted.
    assert due.date() == dt.date(2025, 8, 1)
    with CaptureQueriesContext(connection) as queries:
        add_working_hours(start, 750)
    assert len(queries) == 2


def test_working_time_between_inverts_add_working_hours() -> None:
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    start = dt.datetime(2025, 1, 24, 10, 0, tzinfo=zone)  # Friday before Tết 2025
    for hours in (Decimal("0.5"), Decimal(3), Decimal("7.5"), Decimal(20), Decimal(60)):
        end = add_working_hours(start, hours)
        assert working_time_between(start, end) == dt.timedelta(hours=float(hours))
    # Over Tết (25 Jan – 2 Feb) nothing elapses.
    assert working_time_between(
        dt.datetime(2025, 1, 24, 17, 0, tzinfo=zone), dt.datetime(2025, 2, 3, 7, 30, tzinfo=zone)
    ) == dt.timedelta(0)
    assert working_time_between(start, start - dt.timedelta(hours=1)) == dt.timedelta(0)
