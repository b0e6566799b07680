"""Properties of deadline arithmetic that must hold for every start, 2024–2027."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from tinhso.calendar.services import (
    add_working_days,
    add_working_hours,
    is_working_day,
    set_override,
    working_days_between,
    working_periods,
)

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
STARTS = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2027, 10, 31, 23, 59),
    timezones=st.just(HANOI),
)
COUNTS = st.integers(min_value=0, max_value=40)
HOURS = st.decimals(min_value=0, max_value=120, places=2)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


def is_inside_office_hours(moment: dt.datetime, *, allow_end: bool = False) -> bool:
    clock = moment.time()
    return is_working_day(moment.date()) and any(
        start <= clock < end or (allow_end and clock == end) for start, end in working_periods()
    )


@PROPERTY_SETTINGS
@given(start=STARTS, n=COUNTS)
def test_result_is_a_working_day_at_the_normalised_clock_time(start: dt.datetime, n: int) -> None:
    normalised = add_working_days(start, 0)
    due = add_working_days(start, n)
    assert normalised >= start
    assert is_inside_office_hours(normalised)
    assert is_working_day(due.date())
    assert due.time() == normalised.time()
    assert due.utcoffset() == dt.timedelta(hours=7)
    assert working_days_between(normalised.date(), due.date()) == n


@PROPERTY_SETTINGS
@given(start=STARTS, m=COUNTS, n=COUNTS)
def test_working_days_compose(start: dt.datetime, m: int, n: int) -> None:
    assert add_working_days(start, m + n) == add_working_days(add_working_days(start, m), n)


@PROPERTY_SETTINGS
@given(start=STARTS, first=HOURS, second=HOURS)
def test_working_hours_are_monotonic_and_additive(
    start: dt.datetime, first: Decimal, second: Decimal
) -> None:
    low, high = sorted((first, second))
    early, late = add_working_hours(start, low), add_working_hours(start, high)
    assert add_working_hours(start, 0) <= early <= late
    assert is_inside_office_hours(late, allow_end=True)
    if second > 0:  # a zero tail would move a deadline that ends at a period end
        after_first = add_working_hours(start, first)
        assert add_working_hours(start, first + second) == add_working_hours(after_first, second)


@PROPERTY_SETTINGS
@given(start=STARTS, days=st.integers(min_value=0, max_value=20))
def test_a_full_day_of_hours_from_a_period_start_is_one_working_day(
    start: dt.datetime, days: int
) -> None:
    normalised = add_working_days(start, 0)
    first_start = working_periods()[0][0]
    day_start = normalised.replace(
        hour=first_start.hour, minute=first_start.minute, second=0, microsecond=0
    )
    per_day = Decimal("7.5")  # the seeded office hours
    end_of_day = add_working_hours(day_start, per_day * (days + 1))
    assert end_of_day.time() == dt.time(17, 0)
    assert end_of_day.date() == add_working_days(day_start, days).date()


@settings(max_examples=60, deadline=None)
@given(
    start=st.datetimes(
        min_value=dt.datetime(2025, 1, 1),
        max_value=dt.datetime(2025, 10, 31),
        timezones=st.just(HANOI),
    ),
    n=COUNTS,
    overrides=st.dictionaries(
        st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2025, 12, 31)),
        st.booleans(),
        max_size=25,
    ),
)
def test_overrides_always_win(start: dt.datetime, n: int, overrides: dict[dt.date, bool]) -> None:
    with transaction.atomic():
        for day, working in overrides.items():
            set_override(day, is_working_day=working, reason="Điều chỉnh thử nghiệm")
        for day, working in overrides.items():
            assert is_working_day(day) is working
        due = add_working_days(start, n)
        assert is_working_day(due.date())
        assert add_working_days(start, n + 1) == add_working_days(due, 1)
        transaction.set_rollback(True)
