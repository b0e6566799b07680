"""``tinhso documents sweep|verify`` — keep the document store and its files consistent."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from tinhso.attachments.services import sweep_orphaned_files, verify_documents
from tinhso.core.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Kho giấy tờ: dọn tệp không thuộc giấy tờ nào (sweep), kiểm tra mã SHA-256 (verify)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sweep = sub.add_parser("sweep", help="xoá tệp mồ côi (không có bản ghi) đã cũ")
        sweep.add_argument(
            "--older-than-hours",
            type=int,
            default=24,
            help="chỉ xoá tệp cũ hơn số giờ này (mặc định 24)",
        )
        sweep.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không xoá")
        sub.add_parser("verify", help="đọc lại mọi tệp và đối chiếu mã SHA-256")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "sweep":
            hours = options["older_than_hours"]
            if hours < 1:
                raise CommandError("--older-than-hours phải từ 1 trở lên.")
            orphans = sweep_orphaned_files(
                older_than=dt.timedelta(hours=hours), dry_run=options["dry_run"]
            )
            for name in orphans:
                self.stdout.write(name)
            verb = "Sẽ xoá" if options["dry_run"] else "Đã xoá"
            self.stdout.write(f"{verb} {len(orphans)} tệp mồ côi.")
            return
        problems = 0
        for document, detail in verify_documents():
            problems += 1
            self.stdout.write(f"#{document.pk} {document.file.name}: {detail}")
        if problems:
            raise CommandError(f"HỎNG: {problems} giấy tờ không khớp mã kiểm tra.")
        self.stdout.write("OK: mọi tệp trong kho khớp mã kiểm tra.")
