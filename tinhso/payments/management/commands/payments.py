"""``tinhso payments reconcile --date YYYY-MM-DD [--report FILE]``: compare a day with the
gateway's report; ``tinhso payments expire``: expire stale open intents."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError

from tinhso.core.commands import OperatorCommand
from tinhso.payments.providers import GatewayUnavailable, get_provider
from tinhso.payments.reconciliation import reconcile
from tinhso.payments.services import PROVIDER, expire_stale_intents
from tinhso.payments.vnpay import parse_report

MISMATCH_EXIT_CODE = 3


class Command(OperatorCommand):
    help = "Thanh toán trực tuyến: đối soát với báo cáo của cổng; hết hạn giao dịch treo."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rec = sub.add_parser("reconcile", help="đối soát một ngày với báo cáo của cổng thanh toán")
        rec.add_argument("--date", required=True, help="ngày (giờ Việt Nam), YYYY-MM-DD")
        rec.add_argument(
            "--report", help="tệp CSV báo cáo của cổng; không có thì tải từ TINHSO_VNPAY_REPORT_URL"
        )
        sub.add_parser("expire", help="chuyển các giao dịch mở quá hạn sang 'hết hạn'")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "expire":
            count = expire_stale_intents()
            self.stdout.write(f"Đã chuyển {count} giao dịch sang trạng thái hết hạn.")
            return
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(
                f"Ngày không hợp lệ: {options['date']!r} (dùng YYYY-MM-DD)."
            ) from None
        try:
            if options.get("report"):
                rows = parse_report(Path(options["report"]).read_text(encoding="utf-8"))
            else:
                rows = get_provider(PROVIDER).transaction_report(day)
        except (OSError, ValueError, GatewayUnavailable, ImproperlyConfigured) as exc:
            raise CommandError(f"Không đọc được báo cáo của cổng thanh toán: {exc}") from None
        mismatches = reconcile(day, rows, provider=PROVIDER)
        self.stdout.write(f"Đối soát ngày {day:%d/%m/%Y}: {len(rows)} dòng báo cáo của cổng.")
        for mismatch in mismatches:
            self.stdout.write(mismatch.line())
        if mismatches:
            raise CommandError(
                f"{len(mismatches)} chênh lệch cần xử lý.", returncode=MISMATCH_EXIT_CODE
            )
        self.stdout.write("Khớp: không có chênh lệch.")
