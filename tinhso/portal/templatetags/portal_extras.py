"""Small display filters for the portal templates."""

from __future__ import annotations

import datetime as dt
import math

from django import template

register = template.Library()


@register.filter
def whole_minutes(value: dt.timedelta | None) -> int:
    """A cool-off period as whole minutes, rounded up (so "1 phút" is never "0 phút")."""
    if value is None:
        return 0
    return max(1, math.ceil(value.total_seconds() / 60))


@register.filter
def lowerfirst(value: str) -> str:
    """ "Tỉnh Đồng Tháp" → "tỉnh Đồng Tháp", for use inside a sentence."""
    return value[:1].lower() + value[1:] if value else value
