"""Filters that write dates, times and counts the way Vietnamese administrative documents do.

Decree 30/2020 (Phụ lục I): in the date line, days below 10 and the months 1 and 2 take a
leading zero ("ngày 05 tháng 02 năm 2025", "ngày 15 tháng 3 năm 2025").
"""

from __future__ import annotations

import datetime as dt

from django import template

from tinhso.printing.schemas import DISPLAY_TIMEZONE

register = template.Library()


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime):
        return value.astimezone(DISPLAY_TIMEZONE)
    return value


@register.filter
def long_date(value: dt.date | dt.datetime | None) -> str:
    """``ngày 05 tháng 02 năm 2025``."""
    if value is None:
        return ""
    day = _local(value)
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@register.filter
def long_datetime(value: dt.datetime | None) -> str:
    """``10 giờ 30 phút, ngày 05 tháng 02 năm 2025``."""
    if value is None:
        return ""
    moment = value.astimezone(DISPLAY_TIMEZONE)
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, {long_date(moment)}"


@register.filter
def short_date(value: dt.date | dt.datetime | None) -> str:
    """``05/02/2025`` for table cells."""
    if value is None:
        return ""
    return _local(value).strftime("%d/%m/%Y")


@register.filter
def short_datetime(value: dt.datetime | None) -> str:
    """``10:30 05/02/2025`` for table cells."""
    if value is None:
        return ""
    return value.astimezone(DISPLAY_TIMEZONE).strftime("%H:%M %d/%m/%Y")


@register.filter
def clock(value: dt.datetime | None) -> str:
    """``10:30``."""
    if value is None:
        return ""
    return value.astimezone(DISPLAY_TIMEZONE).strftime("%H:%M")


@register.filter
def two_digits(value: int | None) -> str:
    """Counts on forms are written with two digits: ``01 bộ``, ``Quyển số 01``."""
    if value is None:
        return ""
    return f"{value:02d}"
