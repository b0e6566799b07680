"""The working-day calendar: which days are working days and when deadlines counted in working
days or working hours fall. Legal deadlines come only from here.

Which days are working days, first rule that applies:

1. a province override (:class:`DayOverride`) for the date;
2. a national holiday, or a day off the government swapped against a weekend day (the
   ``holidays`` package, pinned) is a day off; a weekend day the government made a working day
   is a working day;
3. Saturday and Sunday are days off; every other day is a working day.

Deadlines count from the first working instant at or after the start; see
docs/decisions/0002-working-day-rules.md for why.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import holidays
from django.db import IntegrityError, transaction
from django.utils import timezone

from tinhso.audit.services import actor_label_for, record, snapshot
from tinhso.calendar.locks import lock_working_periods
from tinhso.calendar.models import DayOverride, WorkingPeriod
from tinhso.lib.errors import Conflict, InvalidInput, NotFound
from tinhso.lib.text import normalize_text

# The years the holidays package covers with its lunar calendar and our observance rules.
MIN_YEAR = 1995
MAX_YEAR = 2099
MAX_WORKING_DAYS = 10_000
MAX_WORKING_HOURS = 80_000
MAX_PERIODS = 10
REASON_MAX_LENGTH = 500
DEFAULT_PERIODS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(7, 30), dt.time(11, 30)),
    (dt.time(13, 30), dt.time(17, 0)),
)
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
WEEKEND = frozenset({5, 6})
WEEKEND_REASON = "Nghỉ cuối tuần"
OVERRIDE_WORKING_REASON = "Ngày làm việc theo điều chỉnh của tỉnh"
OVERRIDE_OFF_REASON = "Ngày nghỉ theo điều chỉnh của tỉnh"
SWAP_REASON = "Làm bù theo quyết định của Chính phủ"
OVERRIDE_FIELDS = ("date", "is_working_day", "reason")

Period = tuple[dt.time, dt.time]


class DaySource(StrEnum):
    """Which rule decided a day."""

    OVERRIDE = "override"  # a province decision
    HOLIDAY = "holiday"  # a national holiday, or a day off swapped against a weekend day
    SWAP = "swap"  # a weekend day the government made a working day
    WEEKEND = "weekend"
    REGULAR = "regular"


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_working_day: bool
    reason: str
    source: DaySource

    @property
    def is_override(self) -> bool:
        return self.source is DaySource.OVERRIDE

    @property
    def weekday_name(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()]


@dataclass(frozen=True)
class _NationalYear:
    days_off: dict[dt.date, str]
    weekend_workdays: dict[dt.date, str]


def _spelling(name: str) -> str:
    # Vietnamese style (Decree 30/2020) capitalises only the first syllable after "Tết".
    return name.replace("Nguyên Đán", "Nguyên đán")


@functools.lru_cache(maxsize=64)
def _national_year(year: int) -> _NationalYear:
    """The package's answer for one year, computed once per process (it never changes while the
    package version is pinned). Neighbouring years are included to name swaps across New Year."""
    calendar = holidays.VN(years=(year - 1, year, year + 1), language="vi")
    days_off = {day: _spelling(name) for day, name in calendar.items() if day.year == year}
    weekend_workdays: dict[dt.date, str] = {}
    for day in calendar.weekend_workdays:
        if day.year != year:
            continue
        stamp = f"{day:%d/%m/%Y}"
        compensated = sorted(other for other, name in calendar.items() if stamp in name)
        weekend_workdays[day] = (
            f"Làm bù cho ngày nghỉ {compensated[0]:%d/%m/%Y}" if compensated else SWAP_REASON
        )
    return _NationalYear(days_off, weekend_workdays)


def _check_year(day: dt.date) -> None:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidInput(
            f"Ngày {day.isoformat()} nằm ngoài phạm vi lịch hỗ trợ (năm {MIN_YEAR}–{MAX_YEAR}).",
            code="out_of_range",
        )


def _classify(day: dt.date, override: DayOverride | None) -> DayInfo:
    if override is not None:
        default = OVERRIDE_WORKING_REASON if override.is_working_day else OVERRIDE_OFF_REASON
        return DayInfo(day, override.is_working_day, override.reason or default, DaySource.OVERRIDE)
    national = _national_year(day.year)
    name = national.days_off.get(day)
    if name is not None:
        return DayInfo(day, False, name, DaySource.HOLIDAY)
    swap = national.weekend_workdays.get(day)
    if swap is not None:
        return DayInfo(day, True, swap, DaySource.SWAP)
    if day.weekday() in WEEKEND:
        return DayInfo(day, False, WEEKEND_REASON, DaySource.WEEKEND)
    return DayInfo(day, True, "", DaySource.REGULAR)


class _Days:
    """Classifies days from ``first`` onwards. Overrides are read a window at a time (one query
    per window, never per day) and never kept beyond one computation, so a change made by the
    province takes effect on the very next call."""

    def __init__(self, first: dt.date, expected_span: int) -> None:
        self._first = first
        self._loaded_until = first
        self._window = max(expected_span, 31)
        self._overrides: dict[dt.date, DayOverride] = {}

    def info(self, day: dt.date) -> DayInfo:
        _check_year(day)
        if day < self._first:
            raise ValueError("_Days only looks forward")
        while day >= self._loaded_until:
            self._load_next_window()
        return _classify(day, self._overrides.get(day))

    def is_working_day(self, day: dt.date) -> bool:
        return self.info(day).is_working_day

    def next_working_day(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def _load_next_window(self) -> None:
        start = self._loaded_until
        end = start + dt.timedelta(days=self._window)
        rows = DayOverride.objects.filter(date__gte=start, date__lt=end)
        self._overrides.update({row.date: row for row in rows})
        self._loaded_until = end
        self._window *= 2


def _local_zone() -> dt.tzinfo:
    return timezone.get_default_timezone()


def _to_local(moment: dt.datetime) -> dt.datetime:
    if not isinstance(moment, dt.datetime):
        raise InvalidInput("Cần một thời điểm (ngày và giờ), không phải một ngày.")
    if timezone.is_naive(moment):
        raise InvalidInput("Thời điểm phải kèm múi giờ (ví dụ +07:00).")
    local = moment.astimezone(_local_zone())
    _check_year(local.date())
    return local


def _as_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        value = _to_local(value).date()
    elif not isinstance(value, dt.date):
        raise InvalidInput("Cần một ngày (YYYY-MM-DD).")
    _check_year(value)
    return value


def _combine(day: dt.date, clock: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=_local_zone())


def _length(start: dt.time, end: dt.time) -> dt.timedelta:
    return dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)


def _first_working_instant(
    local: dt.datetime, days: _Days, periods: tuple[Period, ...]
) -> dt.datetime:
    """The start itself if it lies inside a period of a working day (a period's end is outside),
    else the start of the next period on a working day."""
    day, clock = local.date(), local.time()
    if days.is_working_day(day):
        for start, end in periods:
            if clock < end:
                return _combine(day, max(clock, start))
    return _combine(days.next_working_day(day), periods[0][0])


def _as_duration(hours: Decimal | int | float | dt.timedelta) -> dt.timedelta:
    if isinstance(hours, dt.timedelta):
        duration = hours
    elif isinstance(hours, bool) or not isinstance(hours, int | float | Decimal):
        raise InvalidInput("Số giờ làm việc phải là một số.")
    else:
        try:
            value = Decimal(str(hours)) if isinstance(hours, float) else Decimal(hours)
        except InvalidOperation:
            raise InvalidInput("Số giờ làm việc phải là một số.") from None
        if not value.is_finite():
            raise InvalidInput("Số giờ làm việc phải là một số hữu hạn.")
        if value < 0:
            raise InvalidInput("Số giờ làm việc không được âm.")
        if value > MAX_WORKING_HOURS:
            raise InvalidInput(f"Số giờ làm việc tối đa là {MAX_WORKING_HOURS}.")
        microseconds = (value * 3_600_000_000).to_integral_value(rounding=ROUND_HALF_UP)
        duration = dt.timedelta(microseconds=int(microseconds))
    if duration < dt.timedelta(0):
        raise InvalidInput("Số giờ làm việc không được âm.")
    if duration > dt.timedelta(hours=MAX_WORKING_HOURS):
        raise InvalidInput(f"Số giờ làm việc tối đa là {MAX_WORKING_HOURS}.")
    return duration


# Reading ------------------------------------------------------------------------------------


def working_periods() -> tuple[Period, ...]:
    """The office hours, sorted; the defaults if the table was emptied behind our back."""
    rows = WorkingPeriod.objects.order_by("start_time").values_list("start_time", "end_time")
    return tuple(rows) or DEFAULT_PERIODS


def format_period(period: Period) -> str:
    return f"{period[0]:%H:%M}-{period[1]:%H:%M}"


def day_info(day: dt.date) -> DayInfo:
    """Working or not, why, and which rule decided. A datetime counts by its local date."""
    day = _as_date(day)
    return _classify(day, DayOverride.objects.filter(date=day).first())


def is_working_day(day: dt.date) -> bool:
    return day_info(day).is_working_day


def list_exceptions(year: int) -> list[DayInfo]:
    """The year's weekdays that are days off and weekend days that are working days, sorted."""
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(f"Năm phải nằm trong khoảng {MIN_YEAR}–{MAX_YEAR}.")
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    overrides = {
        row.date: row for row in DayOverride.objects.filter(date__gte=first, date__lte=last)
    }
    result = []
    day = first
    while day <= last:
        info = _classify(day, overrides.get(day))
        if info.is_working_day == (day.weekday() in WEEKEND):
            result.append(info)
        day += dt.timedelta(days=1)
    return result


def add_working_days(start: dt.datetime, n: int) -> dt.datetime:
    """``n`` working days after ``start``, at the same clock time.

    A start outside office hours (before the first period, in a break, at or after a period's
    end, on a day off) first moves to the start of the next period on a working day; ``n = 0``
    returns that normalised start. The result is aware, in Asia/Ho_Chi_Minh.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise InvalidInput("Số ngày làm việc phải là số nguyên.")
    if n < 0:
        raise InvalidInput("Số ngày làm việc không được âm.")
    if n > MAX_WORKING_DAYS:
        raise InvalidInput(f"Số ngày làm việc tối đa là {MAX_WORKING_DAYS}.")
    local = _to_local(start)
    periods = working_periods()
    days = _Days(local.date(), n * 7 // 5 + 31)
    begin = _first_working_instant(local, days, periods)
    day = begin.date()
    for _ in range(n):
        day = days.next_working_day(day)
    return _combine(day, begin.time())


def add_working_hours(
    start: dt.datetime, hours: Decimal | int | float | dt.timedelta
) -> dt.datetime:
    """The instant when ``hours`` of office time have elapsed after ``start`` (normalised as in
    :func:`add_working_days`). Time is consumed inside the periods only; a deadline that ends
    exactly at a period's end is that end, not the next period's start."""
    remaining = _as_duration(hours)
    local = _to_local(start)
    periods = working_periods()
    per_day = sum((_length(a, b) for a, b in periods), dt.timedelta())
    days = _Days(local.date(), int(remaining / per_day) * 7 // 5 + 31)
    begin = _first_working_instant(local, days, periods)
    day, clock = begin.date(), begin.time()
    while True:
        for period_start, period_end in periods:
            if clock >= period_end:
                continue
            clock = max(clock, period_start)
            available = _length(clock, period_end)
            if remaining <= available:
                return _combine(day, clock) + remaining
            remaining -= available
            clock = period_end
        day = days.next_working_day(day)
        clock = dt.time.min


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (negative when
    ``end`` is earlier), so that ``working_days_between(d, add_working_days(d, n)) == n`` for a
    start inside office hours. Datetimes count by their local date."""
    first, last = _as_date(start), _as_date(end)
    if last < first:
        return -working_days_between(last, first)
    days = _Days(first, (last - first).days + 1)
    count = 0
    day = first + dt.timedelta(days=1)
    while day <= last:
        count += days.is_working_day(day)
        day += dt.timedelta(days=1)
    return count


def working_time_between(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Office time elapsed from ``start`` to ``end`` (zero when ``end`` is not later): the
    inverse of :func:`add_working_hours` for a start inside office hours."""
    first, last = _to_local(start), _to_local(end)
    if last <= first:
        return dt.timedelta(0)
    periods = working_periods()
    days = _Days(first.date(), (last.date() - first.date()).days + 1)
    total = dt.timedelta(0)
    day = first.date()
    while day <= last.date():
        if days.is_working_day(day):
            for period_start, period_end in periods:
                begin = max(_combine(day, period_start), first)
                finish = min(_combine(day, period_end), last)
                if finish > begin:
                    total += finish - begin
        day += dt.timedelta(days=1)
    return total


def working_hours_per_day() -> dt.timedelta:
    """Length of one working day's office hours (7 h 30 min with the default periods)."""
    return sum((_length(a, b) for a, b in working_periods()), dt.timedelta())


# Changing ------------------------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    if not isinstance(reason, str):
        raise InvalidInput("Lý do phải là văn bản.")
    cleaned = normalize_text(reason)
    if len(cleaned) > REASON_MAX_LENGTH:
        raise InvalidInput(f"Lý do dài quá {REASON_MAX_LENGTH} ký tự.")
    return cleaned


def _concurrent_change(day: dt.date) -> str:
    return f"Ngày {day.isoformat()} vừa được người khác điều chỉnh; hãy xem lại và thử lại."


def validate_override(day: dt.date, *, is_working_day: bool, reason: str) -> tuple[dt.date, str]:
    """The date and the normalised reason, or InvalidInput (for forms that validate first)."""
    day = _as_date(day)
    if not isinstance(is_working_day, bool):
        raise InvalidInput("Cần chọn ngày làm việc hoặc ngày nghỉ.")
    reason = _clean_reason(reason)
    if not is_working_day and not reason:
        raise InvalidInput(f"Cần ghi lý do khi cho nghỉ ngày {day.isoformat()}.", field="reason")
    return day, reason


def set_override(
    day: dt.date, *, is_working_day: bool, reason: str = "", actor: Any = None
) -> DayOverride:
    """Make ``day`` a working day or a day off whatever the national calendar says. A day off
    needs a reason (it is shown to citizens waiting on a deadline). Setting the same value again
    changes nothing and writes no audit entry."""
    day, reason = validate_override(day, is_working_day=is_working_day, reason=reason)
    label = actor_label_for(actor)[:255]
    with transaction.atomic():
        existing = DayOverride.objects.filter(date=day).first()
        if existing is None:
            try:
                with transaction.atomic():
                    override = DayOverride.objects.create(
                        date=day,
                        is_working_day=is_working_day,
                        reason=reason,
                        created_by=label,
                        updated_by=label,
                    )
            except IntegrityError:
                raise Conflict(_concurrent_change(day)) from None
            record(
                "calendar.override.set",
                actor=actor,
                target=override,
                after=snapshot(override, OVERRIDE_FIELDS),
                reason=reason,
            )
            return override
        if existing.is_working_day == is_working_day and existing.reason == reason:
            return existing
        before = snapshot(existing, OVERRIDE_FIELDS)
        changed = DayOverride.objects.filter(
            pk=existing.pk, is_working_day=existing.is_working_day, reason=existing.reason
        ).update(
            is_working_day=is_working_day,
            reason=reason,
            updated_by=label,
            updated_at=timezone.now(),
        )
        if changed != 1:
            raise Conflict(_concurrent_change(day))
        existing.refresh_from_db()
        record(
            "calendar.override.set",
            actor=actor,
            target=existing,
            before=before,
            after=snapshot(existing, OVERRIDE_FIELDS),
            reason=reason,
        )
        return existing


def remove_override(day: dt.date, actor: Any = None) -> None:
    """Give ``day`` back to the national calendar."""
    day = _as_date(day)
    with transaction.atomic():
        override = DayOverride.objects.filter(date=day).first()
        if override is None:
            raise NotFound(f"Ngày {day.isoformat()} không có điều chỉnh nào của tỉnh.")
        before = snapshot(override, OVERRIDE_FIELDS)
        record(
            "calendar.override.remove",
            actor=actor,
            target=override,
            before=before,
            reason=override.reason,
        )
        deleted, _ = DayOverride.objects.filter(pk=override.pk).delete()
        if deleted != 1:
            raise Conflict(f"Điều chỉnh ngày {day.isoformat()} vừa bị người khác bỏ.")


def validate_working_periods(periods: Iterable[Period]) -> tuple[Period, ...]:
    """Sorted periods, or InvalidInput: whole minutes, start before end, no overlaps (touching
    is allowed), between one and :data:`MAX_PERIODS`."""
    cleaned: list[Period] = []
    for period in periods:
        if (
            not isinstance(period, tuple | list)
            or len(period) != 2
            or not all(isinstance(value, dt.time) for value in period)
        ):
            raise InvalidInput("Mỗi khoảng giờ làm việc gồm giờ bắt đầu và giờ kết thúc.")
        start, end = period
        if start.tzinfo is not None or end.tzinfo is not None:
            raise InvalidInput("Giờ làm việc là giờ địa phương, không kèm múi giờ.")
        if start.second or start.microsecond or end.second or end.microsecond:
            raise InvalidInput("Giờ làm việc tính theo phút (HH:MM).")
        if start >= end:
            raise InvalidInput(
                f"Khoảng {format_period((start, end))}: giờ bắt đầu phải trước giờ kết thúc."
            )
        cleaned.append((start, end))
    if not cleaned:
        raise InvalidInput("Cần ít nhất một khoảng giờ làm việc.")
    if len(cleaned) > MAX_PERIODS:
        raise InvalidInput(f"Tối đa {MAX_PERIODS} khoảng giờ làm việc.")
    cleaned.sort()
    for previous, current in itertools.pairwise(cleaned):
        if current[0] < previous[1]:
            raise InvalidInput(
                f"Các khoảng {format_period(previous)} và {format_period(current)} chồng lên nhau."
            )
    return tuple(cleaned)


def set_working_periods(periods: Iterable[Period], actor: Any = None) -> list[WorkingPeriod]:
    """Replace the office hours (the same for every working day). Deadlines computed from now on
    use the new hours; stored deadlines are not recomputed."""
    cleaned = validate_working_periods(periods)
    with transaction.atomic():
        lock_working_periods()
        rows = list(WorkingPeriod.objects.order_by("start_time"))
        current = tuple((row.start_time, row.end_time) for row in rows)
        if current != cleaned:
            # Unchanged periods keep their rows and changed ones reuse rows in order, so that an
            # edited period keeps its id (the admin redirects to it).
            spare_rows = [row for row in rows if (row.start_time, row.end_time) not in cleaned]
            new_periods = [period for period in cleaned if period not in current]
            for row, (start, end) in zip(spare_rows, new_periods, strict=False):
                row.start_time, row.end_time = start, end
                row.save(update_fields=["start_time", "end_time"])
            WorkingPeriod.objects.filter(
                pk__in=[row.pk for row in spare_rows[len(new_periods) :]]
            ).delete()
            WorkingPeriod.objects.bulk_create(
                [
                    WorkingPeriod(start_time=start, end_time=end)
                    for start, end in new_periods[len(spare_rows) :]
                ]
            )
            record(
                "calendar.hours.set",
                actor=actor,
                object_type="calendar.workingperiod",
                object_id="all",
                object_label="Giờ làm việc",
                before=[format_period(period) for period in current],
                after=[format_period(period) for period in cleaned],
            )
    return list(WorkingPeriod.objects.order_by("start_time"))
