"""``tinhso calendar …`` — read and set the working-day calendar (holidays, overrides, hours).

Outputs are meant for scripts as well as people: ``is-working-day`` prints ``yes``/``no``,
``due`` prints one ISO 8601 instant, ``list`` prints one day per line (date first)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from tinhso.calendar import parsing, services
from tinhso.core.commands import OperatorCommand

OVERRIDE_MARK = "[điều chỉnh]"


def format_day(info: services.DayInfo) -> str:
    """``2026-02-17 Thứ Ba nghỉ — Tết Nguyên đán``; province overrides end in ``[điều chỉnh]``."""
    status = "làm việc" if info.is_working_day else "nghỉ"
    line = f"{info.date.isoformat()} {info.weekday_name} {status}"
    if info.reason:
        line += f" — {info.reason}"
    if info.is_override:
        line += f" {OVERRIDE_MARK}"
    return line


def day_as_dict(info: services.DayInfo) -> dict[str, Any]:
    """The same shape as the API's ``/days/{date}``."""
    return {
        "date": info.date.isoformat(),
        "is_working_day": info.is_working_day,
        "reason": info.reason,
        "source": str(info.source),
    }


class Command(OperatorCommand):
    help = (
        "Lịch làm việc: ngày nghỉ lễ, ngày điều chỉnh của tỉnh, giờ làm việc và tính hạn "
        "theo ngày/giờ làm việc."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        check = sub.add_parser("is-working-day", help="in yes nếu là ngày làm việc, no nếu không")
        check.add_argument("date", help="YYYY-MM-DD")
        info = sub.add_parser("day", help="một ngày: làm việc hay nghỉ, và lý do")
        info.add_argument("date", help="YYYY-MM-DD")
        due = sub.add_parser("due", help="tính hạn: thời điểm sau N ngày (giờ) làm việc")
        due.add_argument(
            "--from",
            dest="start",
            required=True,
            help="thời điểm bắt đầu, ví dụ 2025-01-24T10:00 (không ghi múi giờ là giờ Việt Nam)",
        )
        due.add_argument("--working-days", help="số ngày làm việc (số nguyên ≥ 0)")
        due.add_argument("--working-hours", help="số giờ làm việc (có thể lẻ, ví dụ 1.5)")
        set_day = sub.add_parser("set-day", help="tỉnh cho nghỉ (--off) hoặc làm việc (--working)")
        set_day.add_argument("date", help="YYYY-MM-DD")
        set_day.add_argument("--off", action="store_true", help="ngày nghỉ (cần --reason)")
        set_day.add_argument("--working", action="store_true", help="ngày làm việc")
        set_day.add_argument("--reason", default="", help="lý do, ví dụ số quyết định của tỉnh")
        unset_day = sub.add_parser("unset-day", help="bỏ điều chỉnh, trả ngày về lịch quốc gia")
        unset_day.add_argument("date", help="YYYY-MM-DD")
        listing = sub.add_parser(
            "list", help="các ngày thường được nghỉ và ngày cuối tuần phải làm việc trong năm"
        )
        listing.add_argument("year", help="năm, ví dụ 2026")
        listing.add_argument("--json", action="store_true", help="in dạng JSON")
        sub.add_parser("hours", help="in giờ làm việc, mỗi khoảng một dòng")
        set_hours = sub.add_parser(
            "set-hours", help="đặt giờ làm việc, ví dụ 07:30-11:30 13:30-17:00"
        )
        set_hours.add_argument("periods", nargs="+", metavar="HH:MM-HH:MM")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, "_" + options["subcommand"].replace("-", "_"))
        handler(options)

    def _is_working_day(self, options: dict[str, Any]) -> None:
        day = parsing.parse_date(options["date"])
        self.stdout.write("yes" if services.is_working_day(day) else "no")

    def _day(self, options: dict[str, Any]) -> None:
        self.stdout.write(format_day(services.day_info(parsing.parse_date(options["date"]))))

    def _due(self, options: dict[str, Any]) -> None:
        days, hours = options["working_days"], options["working_hours"]
        if (days is None) == (hours is None):
            raise CommandError("Cần đúng một trong hai: --working-days N hoặc --working-hours N.")
        start = parsing.parse_moment(options["start"])
        if days is not None:
            due = services.add_working_days(start, parsing.parse_working_days(days))
        else:
            due = services.add_working_hours(start, parsing.parse_working_hours(hours))
        self.stdout.write(due.isoformat())

    def _set_day(self, options: dict[str, Any]) -> None:
        if options["off"] == options["working"]:
            raise CommandError(
                "Cần đúng một trong hai: --off (ngày nghỉ) hoặc --working (ngày làm việc)."
            )
        day = parsing.parse_date(options["date"])
        before = services.day_info(day)
        services.set_override(day, is_working_day=options["working"], reason=options["reason"])
        after = services.day_info(day)
        if before == after:
            self.stdout.write(f"Không có gì thay đổi: {format_day(after)}")
        else:
            self.stdout.write(f"Đã điều chỉnh: {format_day(after)}")

    def _unset_day(self, options: dict[str, Any]) -> None:
        day = parsing.parse_date(options["date"])
        services.remove_override(day)
        self.stdout.write(
            f"Đã bỏ điều chỉnh, nay theo lịch quốc gia: {format_day(services.day_info(day))}"
        )

    def _list(self, options: dict[str, Any]) -> None:
        days = services.list_exceptions(parsing.parse_year(options["year"]))
        if options["json"]:
            payload = [day_as_dict(info) for info in days]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for info in days:
            self.stdout.write(format_day(info))

    def _hours(self, options: dict[str, Any]) -> None:
        for period in services.working_periods():
            self.stdout.write(services.format_period(period))

    def _set_hours(self, options: dict[str, Any]) -> None:
        periods = [parsing.parse_period(text) for text in options["periods"]]
        saved = services.set_working_periods(periods)
        self.stdout.write("Giờ làm việc: " + " ".join(str(period) for period in saved))
