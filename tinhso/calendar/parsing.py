"""Reading calendar input typed by people (command line, query strings) into values for the
services, with Vietnamese messages. Shared by the CLI and the API so both accept the same text."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from tinhso.calendar.services import MAX_YEAR, MIN_YEAR, Period
from tinhso.lib.errors import InvalidInput

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}:\d{2})?"
)
_PERIOD = re.compile(r"(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})")
_WHOLE_NUMBER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")


def parse_date(text: str) -> dt.date:
    value = (text or "").strip()
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"Ngày không hợp lệ: {text!r} (cần dạng YYYY-MM-DD, ví dụ 2025-04-26)."
        ) from None


def parse_year(text: str) -> int:
    value = (text or "").strip()
    if not re.fullmatch(r"\d{4}", value) or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise InvalidInput(f"Năm không hợp lệ: {text!r} (cần từ {MIN_YEAR} đến {MAX_YEAR}).")
    return int(value)


def parse_moment(text: str) -> dt.datetime:
    """ISO 8601 date and time; without an offset it is local time (Asia/Ho_Chi_Minh), with an
    offset it is converted to local time."""
    value = (text or "").strip()
    try:
        if not _DATETIME.fullmatch(value):
            raise ValueError
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"Thời điểm không hợp lệ: {text!r} (cần dạng YYYY-MM-DDTHH:MM, có thể kèm múi giờ, "
            "ví dụ 2025-01-24T10:00 hoặc 2025-01-24T10:00+07:00)."
        ) from None
    zone = timezone.get_default_timezone()
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def parse_working_days(text: str) -> int:
    value = (text or "").strip()
    if not _WHOLE_NUMBER.fullmatch(value):
        raise InvalidInput(f"Số ngày làm việc không hợp lệ: {text!r} (cần số nguyên, ví dụ 3).")
    number = int(value)
    if number < 0:
        raise InvalidInput(f"Số ngày làm việc không được âm: {text!r}.")
    return number


def parse_working_hours(text: str) -> Decimal:
    """A decimal number of hours; a comma is accepted as the decimal separator (1,5 = 1.5)."""
    value = (text or "").strip()
    try:
        if not _NUMBER.fullmatch(value):
            raise InvalidOperation
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(
            f"Số giờ làm việc không hợp lệ: {text!r} (cần một số, ví dụ 8 hoặc 1.5)."
        ) from None
    if number < 0:
        raise InvalidInput(f"Số giờ làm việc không được âm: {text!r}.")
    return number


def parse_period(text: str) -> Period:
    match = _PERIOD.fullmatch((text or "").strip())
    try:
        if match is None:
            raise ValueError
        start_hour, start_minute, end_hour, end_minute = (int(part) for part in match.groups())
        return dt.time(start_hour, start_minute), dt.time(end_hour, end_minute)
    except ValueError:
        raise InvalidInput(
            f"Khoảng giờ không hợp lệ: {text!r} (cần dạng HH:MM-HH:MM, ví dụ 07:30-11:30)."
        ) from None
