"""``tinhso serve`` — what ``make run`` runs: migrate, optionally load the demo province, then
serve (Django's development server; production uses gunicorn, see docs/operations.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def valid_port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise CommandError(f"PORT={value!r} không phải số cổng hợp lệ (1–65535).") from None
    if not 1 <= port <= 65535:
        raise CommandError(f"PORT={value!r} không phải số cổng hợp lệ (1–65535).")
    return port


class Command(BaseCommand):
    help = "Khởi tạo cơ sở dữ liệu, nạp dữ liệu mẫu (tuỳ chọn) và chạy máy chủ."
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--with-demo", action="store_true", help="nạp tỉnh mẫu (idempotent)")
        parser.add_argument("--no-serve", action="store_true", help="chỉ chuẩn bị, không chạy")

    def handle(self, *args: Any, **options: Any) -> None:
        host = options["host"].strip()
        if not host or any(ch.isspace() for ch in host):
            raise CommandError(f"HOST={options['host']!r} không hợp lệ.")
        port = valid_port(str(options["port"]))
        self.stdout.write("Cập nhật cơ sở dữ liệu…")
        call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        if options["with_demo"]:
            call_command("demo", "load", stdout=self.stdout, stderr=self.stderr)
        address = f"[{host}]" if ":" in host else host
        self.stdout.write(
            f"\nTỉnh số đang chạy tại http://{address}:{port}/ — API: "
            f"http://{address}:{port}/api/v1/docs — dừng bằng Ctrl+C.\n"
        )
        if options["no_serve"]:
            return
        # Messages leaving the platform are delivered by a worker thread in development; in
        # production `tinhso outbox work` runs as its own service (docs/outbox.md).
        from tinhso.outbox.worker import start_embedded_worker

        start_embedded_worker()
        call_command("runserver", f"{address}:{port}", use_reloader=False)
