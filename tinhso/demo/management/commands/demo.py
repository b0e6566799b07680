"""``tinhso demo load`` — load the demo province (idempotent) and print the demo accounts."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from tinhso.core.commands import OperatorCommand
from tinhso.demo.province import ACCOUNTS, DEMO_PASSWORD, load_demo_province


class Command(OperatorCommand):
    help = "Nạp tỉnh mẫu (Đồng Tháp) với cơ quan, cán bộ mọi vai trò, công dân, doanh nghiệp."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("load", help="nạp (chạy lại không tạo trùng)")
        sub.add_parser("accounts", help="in danh sách tài khoản mẫu")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "load":
            from tinhso.catalog.demo import load_demo_catalog
            from tinhso.organizations.units import load_administrative_units

            units = load_administrative_units()
            self.stdout.write(
                f"Đơn vị hành chính: thêm {units.created}, cập nhật {units.updated} "
                f"(dữ liệu {units.data_version})."
            )
            report = load_demo_province()
            catalog = load_demo_catalog()
            self.stdout.write(
                f"Tỉnh mẫu: thêm {report.agencies_created} cơ quan, "
                f"{report.accounts_created} tài khoản, {report.roles_assigned} vai trò."
            )
            self.stdout.write(f"Thủ tục mẫu: thêm {catalog.procedures_created} thủ tục.")
        self.print_accounts()

    def print_accounts(self) -> None:
        self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD})")
        width = max(len(a.username) for a in ACCOUNTS)
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username.ljust(width)}  {account.description}")
