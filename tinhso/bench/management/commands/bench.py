"""``tinhso bench seed`` and ``tinhso bench run`` — see docs/performance.md."""

from __future__ import annotations

import json
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from tinhso.core.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Đo hiệu năng: sinh dữ liệu tỉnh mẫu (seed) và đo máy chủ sản xuất (run)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="sinh tỉnh H91 với N hồ sơ (COPY trên PostgreSQL)")
        seed.add_argument("--dossiers", type=int, required=True)
        seed.add_argument("--procedures", type=int, default=2000)
        seed.add_argument("--citizens", type=int, default=3000)
        seed.add_argument("--years", type=float, default=4.0)
        seed.add_argument("--seed", type=int, default=2026, help="hạt giống ngẫu nhiên")
        seed.add_argument(
            "--reset", action="store_true", help="xoá dữ liệu đo hiệu năng cũ rồi sinh lại"
        )
        seed.add_argument("--quiet", action="store_true", help="không in thanh tiến độ")
        run = sub.add_parser("run", help="chạy gunicorn và đo (in JSON)")
        run.add_argument("--output", type=Path, help="ghi JSON vào tệp này")
        run.add_argument("--workers", type=int, default=4)
        run.add_argument("--threads", type=int, default=1)
        run.add_argument("--connections", type=int, default=16)
        run.add_argument("--duration", type=float, default=10.0, help="giây đo bão hoà")
        run.add_argument("--warmup", type=float, default=2.0)
        run.add_argument("--rate", type=float, default=100.0, help="tải cố định (yêu cầu/giây)")
        run.add_argument("--rate-duration", type=float, default=15.0)
        run.add_argument("--serial", type=int, default=20, help="số yêu cầu tuần tự (1 client)")
        run.add_argument(
            "--client-cpu", default="1", help="CPU dành cho wrk (taskset -c); rỗng: không ghim"
        )
        run.add_argument("--only", default="", help="chỉ đo các mục này (phân cách bằng dấu phẩy)")
        run.add_argument("--port", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seed":
            self._seed(options)
        else:
            self._run(options)

    def _seed(self, options: dict[str, Any]) -> None:
        from tinhso.bench import seed

        if options["dossiers"] < 0:
            raise CommandError("--dossiers phải ≥ 0.")
        if options["reset"]:
            deleted = seed.reset()
            self.stderr.write(f"Đã xoá dữ liệu đo hiệu năng cũ: {sum(deleted.values())} dòng.")
        progress = None if options["quiet"] else ProgressBar(sys.stderr)
        report = seed.seed(
            dossiers=options["dossiers"],
            years=options["years"],
            seed_value=options["seed"],
            procedures=options["procedures"],
            citizens=options["citizens"],
            progress=progress,
        )
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))

    def _run(self, options: dict[str, Any]) -> None:
        from tinhso.bench.runner import RunOptions, run

        only = {name.strip() for name in options["only"].split(",") if name.strip()}
        result = run(
            RunOptions(
                workers=options["workers"],
                threads=options["threads"],
                connections=options["connections"],
                duration=options["duration"],
                warmup=options["warmup"],
                rate=options["rate"],
                rate_duration=options["rate_duration"],
                serial=options["serial"],
                client_cpu=options["client_cpu"],
                only=only,
                port=options["port"],
            ),
            log=lambda message: self.stderr.write(message),
        )
        text = json.dumps(result, ensure_ascii=False, indent=2)
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
        self.stdout.write(text)


class ProgressBar:
    """``[#####-----]  45%  450000/1000000  12 345/s  ETA 40 s`` on one line of stderr."""

    def __init__(self, stream: Any, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate else 0.0
        filled = int(self.width * fraction)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(
            f"\r[{bar}] {fraction:4.0%} {done}/{total} {rate:,.0f}/s ETA {eta:,.0f} s",
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
