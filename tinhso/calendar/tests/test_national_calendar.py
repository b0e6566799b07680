"""Exact answers for 2024–2027 from the pinned ``holidays`` package, with no province overrides."""

import datetime as dt

import pytest

from tinhso.calendar.services import DaySource, day_info, is_working_day, list_exceptions

pytestmark = pytest.mark.django_db


def days(first: str, last: str) -> list[dt.date]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def off(*dates: str) -> None:
    for text in dates:
        assert not is_working_day(dt.date.fromisoformat(text)), text


def working(*dates: str) -> None:
    for text in dates:
        assert is_working_day(dt.date.fromisoformat(text)), text


@pytest.mark.parametrize(
    ("first", "last", "before", "after"),
    [
        ("2024-02-08", "2024-02-14", "2024-02-07", "2024-02-15"),
        ("2025-01-25", "2025-02-02", "2025-01-24", "2025-02-03"),
        ("2026-02-16", "2026-02-20", "2026-02-13", "2026-02-23"),
        ("2027-02-04", "2027-02-10", "2027-02-03", "2027-02-11"),
    ],
)
def test_tet_is_off_and_the_days_around_it_are_working(
    first: str, last: str, before: str, after: str
) -> None:
    for day in days(first, last):
        assert not is_working_day(day), day
    working(before, after)


def test_tet_2025_weekdays_off_are_27_to_31_january() -> None:
    tet = [info.date for info in list_exceptions(2025) if info.date.month in (1, 2)]
    assert tet == [dt.date(2025, 1, 1), *days("2025-01-27", "2025-01-31")]
    assert day_info(dt.date(2025, 1, 29)).reason == "Tết Nguyên đán"


def test_hung_kings_day() -> None:
    off("2024-04-18", "2025-04-07", "2026-04-27", "2027-04-16")
    info = day_info(dt.date(2026, 4, 27))  # 26 April 2026 is a Sunday: observed on Monday
    assert (info.is_working_day, info.source) == (False, DaySource.HOLIDAY)
    assert info.reason == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    working("2026-04-28")


def test_reunification_and_labour_day_with_the_2025_swap() -> None:
    off("2025-04-30", "2025-05-01", "2025-05-02")
    working("2025-04-29", "2025-05-05")
    saturday = day_info(dt.date(2025, 4, 26))
    assert (saturday.is_working_day, saturday.source) == (True, DaySource.SWAP)
    assert saturday.reason == "Làm bù cho ngày nghỉ 02/05/2025"
    assert day_info(dt.date(2025, 5, 2)).reason == "Ngày nghỉ (thay cho ngày 26/04/2025)"


def test_reunification_and_labour_day_with_the_2024_swap() -> None:
    off("2024-04-29", "2024-04-30", "2024-05-01")
    working("2024-05-02", "2024-05-04")
    assert day_info(dt.date(2024, 5, 4)).reason == "Làm bù cho ngày nghỉ 29/04/2024"


def test_no_swap_saturdays_without_a_government_decision() -> None:
    off("2027-05-01", "2027-05-03")  # 1 May 2027 is a Saturday, observed on Monday
    off("2024-04-27", "2026-04-25", "2027-05-08")


def test_national_day_with_its_adjacent_day() -> None:
    off("2024-09-02", "2024-09-03")
    working("2024-08-30", "2024-09-04")
    off("2025-09-01", "2025-09-02")
    working("2025-08-29", "2025-09-03")
    off("2026-08-31", "2026-09-01", "2026-09-02")
    working("2026-08-22", "2026-09-03")
    off("2027-09-02", "2027-09-03")
    working("2027-09-01", "2027-09-06")


def test_ordinary_weekends_and_weekdays() -> None:
    off("2025-03-08", "2025-03-09")
    working("2025-03-10", "2025-03-14")
    info = day_info(dt.date(2025, 3, 8))
    assert (info.reason, info.source) == ("Nghỉ cuối tuần", DaySource.WEEKEND)
    info = day_info(dt.date(2025, 3, 10))
    assert (info.is_working_day, info.reason, info.source) == (True, "", DaySource.REGULAR)


def test_exceptions_of_2026_exactly() -> None:
    lines = [
        (info.date.isoformat(), info.is_working_day, info.reason, str(info.source))
        for info in list_exceptions(2026)
    ]
    assert lines == [
        ("2026-01-01", False, "Tết Dương lịch", "holiday"),
        ("2026-02-16", False, "Giao thừa Tết Nguyên đán", "holiday"),
        ("2026-02-17", False, "Tết Nguyên đán", "holiday"),
        ("2026-02-18", False, "Mùng hai Tết Nguyên đán", "holiday"),
        ("2026-02-19", False, "Mùng ba Tết Nguyên đán", "holiday"),
        ("2026-02-20", False, "Mùng bốn Tết Nguyên đán", "holiday"),
        ("2026-04-27", False, "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)", "holiday"),
        ("2026-04-30", False, "Ngày Chiến thắng", "holiday"),
        ("2026-05-01", False, "Ngày Quốc tế Lao động", "holiday"),
        ("2026-08-22", True, "Làm bù cho ngày nghỉ 31/08/2026", "swap"),
        ("2026-08-31", False, "Ngày nghỉ (thay cho ngày 22/08/2026)", "holiday"),
        ("2026-09-01", False, "Quốc khánh", "holiday"),
        ("2026-09-02", False, "Quốc khánh", "holiday"),
        # Vietnam Culture Day, a public holiday from 2026 in holidays 0.109.
        ("2026-11-24", False, "Ngày Văn hóa Việt Nam", "holiday"),
    ]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            2024,
            [
                "2024-01-01", "2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13",
                "2024-02-14", "2024-04-18", "2024-04-29", "2024-04-30", "2024-05-01",
                "2024-05-04", "2024-09-02", "2024-09-03",
            ],
        ),
        (
            2025,
            [
                "2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30",
                "2025-01-31", "2025-04-07", "2025-04-26", "2025-04-30", "2025-05-01",
                "2025-05-02", "2025-09-01", "2025-09-02",
            ],
        ),
        (
            2027,
            [
                "2027-01-01", "2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09",
                "2027-02-10", "2027-04-16", "2027-04-30", "2027-05-03", "2027-09-02",
                "2027-09-03", "2027-11-24",
            ],
        ),
    ],
)  # fmt: skip
def test_exception_dates_per_year(year: int, expected: list[str]) -> None:
    assert [info.date.isoformat() for info in list_exceptions(year)] == expected
