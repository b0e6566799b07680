"""Workers running at the same time: real concurrent clients on PostgreSQL (SQLite serialises
writers, so the race test is skipped there) and the embedded worker thread of `make run`."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from tinhso.outbox.models import OutboxMessage, State
from tinhso.outbox.services import enqueue
from tinhso.outbox.tests.conftest import SmtpServer
from tinhso.outbox.worker import Report, deliver_due, start_embedded_worker, stop_embedded_worker


def enqueue_many(count: int) -> list[str]:
    with transaction.atomic():
        return [
            enqueue(
                channel="email",
                recipient=f"nguoi{n}@example.vn",
                subject="Thông báo",
                body=f"Hồ sơ số {n}",
                idempotency_key=f"race:{n}",
            ).message_id
            for n in range(count)
        ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_workers_claiming_at_once_never_send_a_message_twice(running_smtp: SmtpServer) -> None:
    assert connection.vendor == "postgresql"
    message_ids = enqueue_many(24)
    barrier = threading.Barrier(4)
    reports: list[Report | BaseException] = []

    def work(worker: int) -> None:
        try:
            barrier.wait(timeout=20)
            reports.append(deliver_due(f"w{worker}", limit=24))
        except BaseException as exc:  # collected and asserted below
            reports.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(report, Report) for report in reports), reports
    assert sum(report.sent for report in reports if isinstance(report, Report)) == 24
    assert running_smtp.message_id_counts() == dict.fromkeys(message_ids, 1)
    assert OutboxMessage.objects.filter(state=State.SENT, attempts=1).count() == 24


@pytest.mark.django_db(transaction=True)
def test_the_embedded_worker_delivers_in_the_background(running_smtp: SmtpServer) -> None:
    message_ids = enqueue_many(3)
    thread = start_embedded_worker(every=0.05)
    try:
        assert start_embedded_worker() is thread  # one per process
        for _ in range(400):  # waits for the outcome; asserts nothing about speed
            if len(running_smtp.received) >= 3:
                break
            time.sleep(0.05)
    finally:
        stop_embedded_worker()
    assert not thread.is_alive()
    assert running_smtp.message_id_counts() == dict.fromkeys(message_ids, 1)
    assert OutboxMessage.objects.filter(state=State.SENT).count() == 3
