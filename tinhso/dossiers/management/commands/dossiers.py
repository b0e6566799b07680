"""``tinhso dossiers scan [--every SECONDS]`` — the deadline scanner."""

from __future__ import annotations

import signal
import time
from argparse import ArgumentParser
from typing import Any

from django.db import close_old_connections

from tinhso.core.commands import OperatorCommand
from tinhso.dossiers.scanner import scan_deadlines


class Command(OperatorCommand):
    help = "Quét thời hạn hồ sơ: cảnh báo sắp đến hạn, báo quá hạn cho lãnh đạo."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        scan = sub.add_parser("scan", help="quét một lần, hoặc lặp lại với --every")
        scan.add_argument("--every", type=int, default=0, help="lặp lại sau mỗi N giây (≥ 30)")

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        if every and every < 30:
            every = 30
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        while True:
            report = scan_deadlines()
            self.stdout.write(
                f"Cảnh báo mới: {report.due_soon} sắp đến hạn, {report.overdue} quá hạn."
            )
            if not every or stopping:
                return
            for _ in range(every):
                if stopping:
                    return
                time.sleep(1)
            close_old_connections()
