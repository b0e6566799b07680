"""``tinhso outbox list|retry|purge|work`` — the operators' view of the outbox and its worker."""

from __future__ import annotations

import datetime as dt
import signal
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.utils import timezone

from tinhso.core.commands import OperatorCommand
from tinhso.outbox import services
from tinhso.outbox.models import State
from tinhso.outbox.transports import describe_configuration
from tinhso.outbox.worker import (
    Report,
    default_worker_id,
    drain,
    lease_seconds,
    max_attempts,
    run_forever,
    uncertain_policy,
)


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S") if value else "—"


class Command(OperatorCommand):
    help = "Hộp thư đi: xem, gửi lại, dọn dẹp và chạy tiến trình gửi."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        listing = sub.add_parser("list", help="liệt kê thư (mới nhất trước)")
        listing.add_argument("--state", choices=State.values, help="chỉ thư ở trạng thái này")
        listing.add_argument("--limit", type=int, default=50, help="số thư tối đa (mặc định 50)")
        retry = sub.add_parser("retry", help="gửi lại một thư dead (hoặc gửi ngay thư pending)")
        target = retry.add_mutually_exclusive_group(required=True)
        target.add_argument("id", nargs="?", type=int, help="số thư")
        target.add_argument("--all-dead", action="store_true", help="mọi thư dead")
        purge = sub.add_parser("purge", help="xoá thư đã gửi cũ")
        purge.add_argument("--sent-older-than-days", type=int, required=True, metavar="N")
        work = sub.add_parser("work", help="tiến trình gửi thư")
        work.add_argument("--once", action="store_true", help="gửi những thư đến hạn rồi dừng")
        work.add_argument(
            "--every", type=float, default=5.0, help="giây giữa hai lượt (mặc định 5)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(options)

    def _list(self, options: dict[str, Any]) -> None:
        rows = list(services.messages(options["state"])[: max(options["limit"], 1)])
        if not rows:
            self.stdout.write("Không có thư nào.")
            return
        for message in rows:
            when = message.sent_at if message.state == State.SENT else message.next_attempt_at
            line = (
                f"#{message.pk}\t{message.state}\t{message.channel}\t{message.recipient}\t"
                f"lần {message.attempts}\t{_local(when)}\t{message.idempotency_key}"
            )
            if message.last_error and message.state != State.SENT:
                line += f"\n\t{message.last_error[:300]}"
            self.stdout.write(line)

    def _retry(self, options: dict[str, Any]) -> None:
        if options["all_dead"]:
            count = services.retry_all_dead()
            self.stdout.write(f"Đã đưa {count} thư dead về hàng chờ gửi.")
            return
        message = services.retry_message(options["id"])
        self.stdout.write(f"Thư #{message.pk} sẽ được gửi lại ở lượt tới.")

    def _purge(self, options: dict[str, Any]) -> None:
        count = services.purge_sent(older_than_days=options["sent_older_than_days"])
        self.stdout.write(f"Đã xoá {count} thư đã gửi.")

    def _work(self, options: dict[str, Any]) -> None:
        try:
            configuration = describe_configuration()
            configuration.append(
                f"thử tối đa {max_attempts()} lần, thời hạn giữ thư {lease_seconds()} giây, "
                f"thư không chắc đã gửi: {uncertain_policy()}"
            )
        except ImproperlyConfigured as exc:
            raise CommandError(f"Lỗi cấu hình hộp thư đi: {exc}") from None
        worker_id = default_worker_id()
        stopping = False

        def on_signal(*_: Any) -> None:
            nonlocal stopping
            stopping = True  # finish the message in hand, then leave

        def should_stop() -> bool:
            return stopping

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)

        def show(report: Report) -> None:
            self.stdout.write(f"{timezone.localtime():%H:%M:%S} {report}")
            self.stdout.flush()

        if options["once"]:
            show(drain(worker_id, should_stop=should_stop))
            return
        every = max(options["every"], 0.5)
        self.stdout.write(f"Tiến trình gửi {worker_id}, mỗi {every:g} giây:")
        for line in configuration:
            self.stdout.write(f"  {line}")
        self.stdout.flush()
        run_forever(worker_id, every=every, should_stop=should_stop, on_report=show)
        self.stdout.write("Đã dừng.")
