"""Public, read-only calendar API (``/api/v1/calendar``): anyone may ask whether a day is a
working day or when a deadline falls; changes go through the CLI and the admin."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tinhso.calendar import parsing, services
from tinhso.lib.errors import InvalidInput

router = Router(tags=["lịch làm việc"])

Source = Literal["override", "holiday", "swap", "weekend", "regular"]


class DayOut(Schema):
    date: dt.date
    is_working_day: bool
    reason: str = Field(description="tên ngày lễ hoặc lý do; rỗng với ngày làm việc bình thường")
    source: Source = Field(
        description=(
            "override: tỉnh điều chỉnh; holiday: ngày lễ, Tết hoặc ngày nghỉ hoán đổi; "
            "swap: ngày cuối tuần làm bù theo quyết định của Chính phủ; weekend: nghỉ cuối tuần; "
            "regular: ngày làm việc bình thường"
        )
    )


class DueOut(Schema):
    start: dt.datetime = Field(alias="from", description="thời điểm bắt đầu, giờ Việt Nam")
    due: dt.datetime = Field(description="hạn, giờ Việt Nam")


class DueQuery(Schema):
    start: str = Field(
        alias="from",
        description="ISO 8601, ví dụ 2025-01-24T10:00 (không ghi múi giờ là giờ Việt Nam)",
    )
    working_days: str | None = Field(None, description="số ngày làm việc (số nguyên ≥ 0)")
    working_hours: str | None = Field(None, description="số giờ làm việc (có thể lẻ)")


def _day_out(info: services.DayInfo) -> DayOut:
    return DayOut(
        date=info.date,
        is_working_day=info.is_working_day,
        reason=info.reason,
        source=info.source.value,
    )


@router.get("/days/{day}", response=DayOut, auth=None, summary="Một ngày là ngày làm việc?")
def get_day(request: HttpRequest, day: str) -> DayOut:
    return _day_out(services.day_info(parsing.parse_date(day)))


@router.get(
    "/due", response=DueOut, by_alias=True, auth=None, summary="Tính hạn theo ngày/giờ làm việc"
)
def get_due(request: HttpRequest, query: Query[DueQuery]) -> DueOut:
    if (query.working_days is None) == (query.working_hours is None):
        raise InvalidInput("Cần đúng một trong hai tham số: working_days hoặc working_hours.")
    start = parsing.parse_moment(query.start)
    if query.working_days is not None:
        due = services.add_working_days(start, parsing.parse_working_days(query.working_days))
    else:
        assert query.working_hours is not None
        due = services.add_working_hours(start, parsing.parse_working_hours(query.working_hours))
    return DueOut.model_validate({"from": start, "due": due})


@router.get(
    "/years/{year}",
    response=list[DayOut],
    auth=None,
    summary="Ngày thường được nghỉ và ngày cuối tuần phải làm việc trong năm",
)
def get_year(request: HttpRequest, year: str) -> list[DayOut]:
    return [_day_out(info) for info in services.list_exceptions(parsing.parse_year(year))]
