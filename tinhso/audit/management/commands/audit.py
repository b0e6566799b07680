"""``tinhso audit verify|head|list`` — check and read the audit trail."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from tinhso.audit.models import AuditEntry
from tinhso.audit.services import chain_head, verify_chain
from tinhso.core.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Kiểm tra và xem nhật ký kiểm toán (verify: kiểm tra chuỗi băm)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="kiểm tra toàn bộ chuỗi; báo liên kết hỏng đầu tiên")
        sub.add_parser("head", help="in số thứ tự và mã băm cuối (để lưu đối chiếu bên ngoài)")
        listing = sub.add_parser("list", help="liệt kê các bản ghi gần nhất")
        listing.add_argument("--limit", type=int, default=20)
        listing.add_argument("--action", default="")
        listing.add_argument("--object", default="", help="loại:mã, ví dụ organizations.agency:3")

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "verify":
            report = verify_chain(
                progress=lambda n: self.stderr.write(f"… đã kiểm tra {n} bản ghi")
            )
            if report.is_intact:
                self.stdout.write(f"OK: chuỗi nhật ký nguyên vẹn ({report.checked} bản ghi).")
                return
            raise CommandError(
                f"HỎNG tại bản ghi #{report.broken_sequence}: {report.problem}. "
                f"{report.checked} bản ghi trước đó hợp lệ."
            )
        if subcommand == "head":
            sequence, entry_hash = chain_head()
            self.stdout.write(f"{sequence} {entry_hash}")
            return
        entries = AuditEntry.objects.order_by("-sequence")
        if options["action"]:
            entries = entries.filter(action=options["action"])
        if options["object"]:
            object_type, _, object_id = options["object"].partition(":")
            entries = entries.filter(object_type=object_type)
            if object_id:
                entries = entries.filter(object_id=object_id)
        for entry in entries[: max(1, options["limit"])]:
            when = timezone.localtime(entry.occurred_at).isoformat(timespec="seconds")
            self.stdout.write(
                f"#{entry.sequence} {when} {entry.actor_label} {entry.action} "
                f"{entry.object_type}:{entry.object_id} {entry.object_label}"
            )
