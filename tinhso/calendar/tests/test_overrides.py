"""Province overrides and office hours: they win, take effect at once, are audited once per
change, and bad input changes nothing."""

import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

import pytest

from tinhso.audit.context import AuditContext, bind
from tinhso.audit.models import AuditEntry
from tinhso.calendar.models import DayOverride, WorkingPeriod
from tinhso.calendar.services import (
    DaySource,
    add_working_days,
    day_info,
    is_working_day,
    list_exceptions,
    remove_override,
    set_override,
    set_working_periods,
    working_periods,
)
from tinhso.lib.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def state() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]:
    return (
        list(DayOverride.objects.values_list("date", "is_working_day", "reason")),
        list(WorkingPeriod.objects.values_list("start_time", "end_time")),
        AuditEntry.objects.count(),
    )


def test_saturday_made_working_day() -> None:
    saturday = dt.date(2025, 3, 15)
    assert not is_working_day(saturday)
    set_override(saturday, is_working_day=True, reason="Làm bù theo Quyết định 12/QĐ-UBND")
    info = day_info(saturday)
    assert info.is_working_day
    assert info.source == DaySource.OVERRIDE
    assert info.is_override
    assert info.reason == "Làm bù theo Quyết định 12/QĐ-UBND"
    assert saturday in [day.date for day in list_exceptions(2025)]


def test_holiday_made_working_day() -> None:
    set_override(dt.date(2025, 9, 2), is_working_day=True)
    info = day_info(dt.date(2025, 9, 2))
    assert (info.is_working_day, info.source) == (True, DaySource.OVERRIDE)
    assert info.reason == "Ngày làm việc theo điều chỉnh của tỉnh"
    assert dt.date(2025, 9, 2) not in [day.date for day in list_exceptions(2025)]


def test_swap_saturday_made_day_off() -> None:
    set_override(dt.date(2025, 4, 26), is_working_day=False, reason="Tỉnh không làm bù")
    assert not is_working_day(dt.date(2025, 4, 26))


def test_ordinary_weekday_made_day_off_takes_effect_immediately() -> None:
    start = dt.datetime(2031, 1, 1, 9, 0, tzinfo=HANOI)  # New Year's Day, a Wednesday
    assert add_working_days(start, 1).date() == dt.date(2031, 1, 3)
    set_override(dt.date(2031, 1, 2), is_working_day=False, reason="Nghỉ bù Tết Dương lịch")
    assert add_working_days(start, 0).date() == dt.date(2031, 1, 3)
    assert add_working_days(start, 1).date() == dt.date(2031, 1, 6)
    remove_override(dt.date(2031, 1, 2))
    assert add_working_days(start, 1).date() == dt.date(2031, 1, 3)
    assert day_info(dt.date(2031, 1, 2)).source == DaySource.REGULAR


def test_each_override_change_writes_exactly_one_audit_entry() -> None:
    day = dt.date(2031, 1, 2)
    with bind(AuditContext(actor_label="cli:tester")):
        set_override(day, is_working_day=False, reason="  Nghỉ bù   Tết ")
        assert AuditEntry.objects.count() == 1
        created = AuditEntry.objects.get()
        assert created.action == "calendar.override.set"
        assert created.object_type == "calendar.dayoverride"
        assert created.actor_label == "cli:tester"
        assert created.before is None
        assert created.after == {
            "date": "2031-01-02",
            "is_working_day": False,
            "reason": "Nghỉ bù Tết",
        }

        set_override(day, is_working_day=False, reason="Nghỉ bù Tết")  # the same again
        assert AuditEntry.objects.count() == 1

        set_override(day, is_working_day=True, reason="Đổi ý")
        assert AuditEntry.objects.count() == 2
        changed = AuditEntry.objects.order_by("-sequence").first()
        assert changed is not None
        assert changed.before == created.after
        assert changed.after == {"date": "2031-01-02", "is_working_day": True, "reason": "Đổi ý"}

        remove_override(day)
        assert AuditEntry.objects.count() == 3
        removed = AuditEntry.objects.order_by("-sequence").first()
        assert removed is not None
        assert removed.action == "calendar.override.remove"
        assert removed.before == changed.after
        assert removed.object_id == created.object_id
    assert not DayOverride.objects.exists()


def test_override_records_who_and_normalises_text() -> None:
    decomposed = unicodedata.normalize("NFD", "Nghỉ lễ")
    assert decomposed != "Nghỉ lễ"
    with bind(AuditContext(actor_label="cli:operator")):
        override = set_override(dt.date(2031, 5, 5), is_working_day=False, reason=decomposed)
    assert override.reason == "Nghỉ lễ"
    assert (override.created_by, override.updated_by) == ("cli:operator", "cli:operator")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: set_override(dt.date(2031, 1, 2), is_working_day=False), "lý do"),
        (
            lambda: set_override(dt.date(2031, 1, 2), is_working_day=False, reason="   "),
            "lý do",
        ),
        (lambda: set_override(dt.date(2031, 1, 2), is_working_day="no", reason="x"), "chọn"),
        (
            lambda: set_override(dt.date(2200, 1, 2), is_working_day=False, reason="x"),
            "phạm vi",
        ),
        (
            lambda: set_override(dt.date(2031, 1, 2), is_working_day=False, reason="x" * 501),
            "dài quá",
        ),
        (lambda: set_working_periods([]), "ít nhất"),
        (
            lambda: set_working_periods([(dt.time(11, 30), dt.time(7, 30))]),
            "bắt đầu phải trước",
        ),
        (
            lambda: set_working_periods(
                [(dt.time(7, 30), dt.time(11, 30)), (dt.time(11, 0), dt.time(17, 0))]
            ),
            "chồng lên nhau",
        ),
        (
            lambda: set_working_periods(
                [(dt.time(7, 30), dt.time(11, 30)), (dt.time(7, 30), dt.time(11, 30))]
            ),
            "chồng lên nhau",
        ),
        (lambda: set_working_periods([(dt.time(7, 30, 15), dt.time(11, 30))]), "phút"),
        (lambda: set_working_periods([("07:30", "11:30")]), "giờ bắt đầu"),
    ],
)
def test_bad_input_changes_nothing_and_is_not_audited(call: object, message: str) -> None:
    set_override(dt.date(2031, 1, 2), is_working_day=True, reason="Có sẵn")
    before = state()
    with pytest.raises(InvalidInput, match=message):
        call()  # type: ignore[operator]
    assert state() == before


def test_removing_a_missing_override_is_not_found_and_changes_nothing() -> None:
    before = state()
    with pytest.raises(NotFound):
        remove_override(dt.date(2031, 1, 2))
    assert state() == before


def test_setting_office_hours_is_audited_once_and_idempotent() -> None:
    periods = [(dt.time(13, 0), dt.time(17, 0)), (dt.time(7, 0), dt.time(11, 0))]
    set_working_periods(periods)
    assert working_periods() == ((dt.time(7, 0), dt.time(11, 0)), (dt.time(13, 0), dt.time(17, 0)))
    entry = AuditEntry.objects.get()
    assert entry.action == "calendar.hours.set"
    assert entry.before == ["07:30-11:30", "13:30-17:00"]
    assert entry.after == ["07:00-11:00", "13:00-17:00"]
    set_working_periods(periods)
    assert AuditEntry.objects.count() == 1


def test_touching_periods_are_allowed() -> None:
    set_working_periods([(dt.time(7, 30), dt.time(11, 30)), (dt.time(11, 30), dt.time(16, 30))])
    start = dt.datetime(2025, 3, 10, 11, 30, tzinfo=HANOI)
    assert add_working_days(start, 0) == start


@pytest.mark.parametrize(
    "periods",
    [
        [("09:00", "09:30"), ("11:00", "12:00")],
        [("13:30", "17:00")],
        [("07:30", "11:30"), ("13:30", "17:00"), ("18:00", "20:00")],
        [("06:00", "07:30"), ("07:30", "11:30"), ("11:30", "13:30"), ("13:30", "17:00")],
    ],
)
def test_office_hours_can_be_replaced_by_any_valid_set(periods: list[tuple[str, str]]) -> None:
    wanted = tuple((dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in periods)
    set_working_periods(wanted)
    assert working_periods() == wanted
    set_working_periods([(dt.time(7, 0), dt.time(8, 0)), (dt.time(9, 0), dt.time(10, 0))])
    assert working_periods() == ((dt.time(7, 0), dt.time(8, 0)), (dt.time(9, 0), dt.time(10, 0)))
