"""Delivery by the worker: to a real local SMTP server and HTTP server; retries with back-off,
dead letters, taking over from a worker that died, and the operator commands."""

import datetime as dt
import logging
import random
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from tinhso.audit.models import AuditEntry
from tinhso.outbox.models import OutboxMessage, State, message_id_for
from tinhso.outbox.services import enqueue, purge_sent
from tinhso.outbox.tests.conftest import HttpServer, SmtpServer
from tinhso.outbox.worker import deliver_due, retry_delay

START = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def enqueue_email(n: int = 1, **changes: Any) -> OutboxMessage:
    with transaction.atomic():
        return enqueue(
            **{
                "channel": "email",
                "recipient": f"nguoi{n}@example.vn",
                "subject": "Hồ sơ đã được tiếp nhận",
                "body": f"Kính gửi ông/bà, hồ sơ số {n} đã được tiếp nhận.",
                "idempotency_key": f"dossier:{n}:accepted:email",
                **changes,
            }
        )


def fresh(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


def test_email_is_delivered_once_with_a_message_id_from_the_key(
    db: Any, running_smtp: SmtpServer
) -> None:
    message = enqueue_email(html="<p>Hồ sơ <b>số 1</b></p>")

    report = deliver_due("w1")
    again = deliver_due("w1")

    assert (report.claimed, report.sent, again.claimed) == (1, 1, 0)
    [received] = running_smtp.received
    assert received.recipients == ["nguoi1@example.vn"]
    assert received.sender == "no-reply@tinhso.example.vn"
    assert received.message["Subject"] == "Hồ sơ đã được tiếp nhận"
    assert received.message["Message-ID"] == message_id_for("dossier:1:accepted:email")
    assert received.message["Auto-Submitted"] == "auto-generated"
    text = received.message.get_body(("plain",))
    html = received.message.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content().strip() == "Kính gửi ông/bà, hồ sơ số 1 đã được tiếp nhận."
    assert html.get_content().strip() == "<p>Hồ sơ <b>số 1</b></p>"
    sent = fresh(message)
    assert (sent.state, sent.attempts, sent.last_error) == (State.SENT, 1, "")
    assert sent.sent_at is not None and sent.handed_over_at is not None


def test_smtp_down_the_message_waits_then_is_delivered_once(
    db: Any, smtp_server: SmtpServer
) -> None:
    with time_machine.travel(START, tick=False):
        message = enqueue_email()
        report = deliver_due("w1")
        waiting = fresh(message)
        assert (report.claimed, report.retried) == (1, 1)
        assert (waiting.state, waiting.attempts) == (State.PENDING, 1)
        assert waiting.next_attempt_at > START
        assert waiting.handed_over_at is None
        assert "không kết nối được máy chủ SMTP" in waiting.last_error
        assert deliver_due("w1").claimed == 0  # not before its back-off

    smtp_server.start()
    with time_machine.travel(START + dt.timedelta(minutes=2), tick=False):
        assert deliver_due("w1").sent == 1
        assert deliver_due("w1").claimed == 0
    assert smtp_server.message_id_counts() == {message.message_id: 1}
    delivered = fresh(message)
    assert (delivered.state, delivered.attempts, delivered.last_error) == (State.SENT, 2, "")


def test_after_the_last_attempt_the_message_is_dead_and_retry_revives_it(
    db: Any, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("TINHSO_OUTBOX_MAX_ATTEMPTS", "3")
    message = enqueue_email()
    now = START
    for _ in range(3):
        with time_machine.travel(now, tick=False):
            deliver_due("w1")
        now += dt.timedelta(hours=7)  # past any back-off
    dead = fresh(message)
    assert (dead.state, dead.attempts) == (State.DEAD, 3)
    assert "lần 3: không kết nối được máy chủ SMTP" in dead.last_error
    with time_machine.travel(now, tick=False):
        assert deliver_due("w1").claimed == 0  # dead stays dead

    call_command("outbox", "list", "--state", "dead")
    listing = capsys.readouterr().out
    assert f"#{message.pk}\tdead\temail\tnguoi1@example.vn\tlần 3" in listing

    call_command("outbox", "retry", str(message.pk))
    assert f"Thư #{message.pk} sẽ được gửi lại" in capsys.readouterr().out
    revived = fresh(message)
    assert (revived.state, revived.attempts) == (State.PENDING, 0)
    entry = AuditEntry.objects.get(action="outbox.retry")
    assert entry.object_id == str(message.pk)
    assert entry.before == {"state": "dead", "attempts": 3}

    smtp_server.start()
    assert deliver_due("w1").sent == 1
    assert smtp_server.message_id_counts() == {message.message_id: 1}


def test_retry_refuses_sent_and_unknown_messages(db: Any, running_smtp: SmtpServer) -> None:
    message = enqueue_email()
    deliver_due("w1")
    with pytest.raises(CommandError, match="chỉ gửi lại được"):
        call_command("outbox", "retry", str(message.pk))
    with pytest.raises(CommandError, match="Không có thư #999"):
        call_command("outbox", "retry", "999")
    assert fresh(message).state == State.SENT


def test_retry_all_dead(db: Any, smtp_server: SmtpServer, capsys: Any) -> None:
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("TINHSO_OUTBOX_MAX_ATTEMPTS", "1")
    first, second, waiting = enqueue_email(1), enqueue_email(2), enqueue_email(3)
    deliver_due("w1", limit=2)
    monkeypatch.undo()
    assert [fresh(m).state for m in (first, second, waiting)] == ["dead", "dead", "pending"]

    call_command("outbox", "retry", "--all-dead")

    assert "Đã đưa 2 thư dead về hàng chờ gửi." in capsys.readouterr().out
    assert [fresh(m).state for m in (first, second, waiting)] == ["pending"] * 3
    assert AuditEntry.objects.get(action="outbox.retry_all_dead").after == {"count": 2}


def test_an_unknown_mailbox_is_dead_at_once(db: Any, running_smtp: SmtpServer) -> None:
    message = enqueue_email(recipient="unknown@example.vn")
    report = deliver_due("w1")
    dead = fresh(message)
    assert (report.dead, dead.state, dead.attempts) == (1, State.DEAD, 1)
    assert "550" in dead.last_error
    assert running_smtp.received == []


def test_back_off_doubles_with_jitter_and_is_capped() -> None:
    rng = random.Random(4)
    seconds = [retry_delay(n, rng).total_seconds() for n in range(1, 12)]
    for attempts, value in enumerate(seconds, start=1):
        base = min(60 * 2 ** (attempts - 1), 6 * 3600)
        assert 0.8 * base <= value <= min(1.2 * base, 6 * 3600)
    assert seconds[-1] <= 6 * 3600


def take_over_setup(message: OutboxMessage, *, handed_over: bool) -> None:
    """What a worker killed mid-delivery leaves behind."""
    claimed_at = timezone.now() - dt.timedelta(minutes=10)
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=State.SENDING,
        claimed_by="dead-worker:1",
        claimed_at=claimed_at,
        attempts=1,
        handed_over_at=claimed_at if handed_over else None,
    )


def test_a_message_left_in_sending_is_taken_over_after_the_lease(
    db: Any, running_smtp: SmtpServer
) -> None:
    abandoned, recent = enqueue_email(1), enqueue_email(2)
    take_over_setup(abandoned, handed_over=False)
    OutboxMessage.objects.filter(pk=recent.pk).update(
        state=State.SENDING, claimed_by="busy-worker:2", claimed_at=timezone.now(), attempts=1
    )

    report = deliver_due("w1")

    assert (report.claimed, report.sent) == (1, 1)
    assert running_smtp.message_id_counts() == {abandoned.message_id: 1}
    assert (fresh(abandoned).state, fresh(abandoned).attempts) == (State.SENT, 2)
    assert fresh(recent).claimed_by == "busy-worker:2"  # still within its lease


def test_a_possibly_delivered_message_is_resent_by_default(
    db: Any, running_smtp: SmtpServer, caplog: Any
) -> None:
    message = enqueue_email()
    take_over_setup(message, handed_over=True)
    with caplog.at_level(logging.WARNING, logger="tinhso.outbox"):
        assert deliver_due("w1").sent == 1
    assert "may already have been delivered" in caplog.text
    assert running_smtp.message_id_counts() == {message.message_id: 1}


def test_a_possibly_delivered_message_is_held_for_the_operator_with_hold(
    db: Any, running_smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TINHSO_OUTBOX_UNCERTAIN", "hold")
    message = enqueue_email()
    take_over_setup(message, handed_over=True)

    assert deliver_due("w1").dead == 1

    held = fresh(message)
    assert held.state == State.DEAD
    assert "Không chắc thư đã tới người nhận" in held.last_error
    assert f"tinhso outbox retry {message.pk}" in held.last_error
    assert running_smtp.received == []


def test_webhook_is_posted_with_its_idempotency_key(db: Any, http_server: HttpServer) -> None:
    http_server.statuses = [503]
    with transaction.atomic():
        message = enqueue(
            channel="webhook",
            recipient=f"{http_server.url}/hooks/dossiers",
            subject="dossier.accepted",
            body="",
            idempotency_key="dossier:H99-1:accepted:webhook",
            payload={"code": "H99-1", "status": "accepted", "ten": "Nguyễn Văn An"},
        )
    with time_machine.travel(START, tick=False):
        assert deliver_due("w1").retried == 1
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        assert deliver_due("w1").sent == 1

    assert len(http_server.requests) == 2
    for request in http_server.requests:
        assert request.path == "/hooks/dossiers"
        assert request.headers["Idempotency-Key"] == "dossier:H99-1:accepted:webhook"
        assert request.headers["Content-Type"] == "application/json; charset=utf-8"
        assert request.body == {"code": "H99-1", "status": "accepted", "ten": "Nguyễn Văn An"}
    assert fresh(message).state == State.SENT


def test_a_webhook_refused_with_4xx_is_dead_at_once(db: Any, http_server: HttpServer) -> None:
    http_server.statuses = [410]
    with transaction.atomic():
        message = enqueue(
            channel="webhook",
            recipient=f"{http_server.url}/gone",
            subject="",
            body="",
            idempotency_key="k-410",
            payload=[1, 2],
        )
    assert deliver_due("w1").dead == 1
    assert "HTTP 410" in fresh(message).last_error


def test_sms_through_the_http_provider(
    db: Any, http_server: HttpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TINHSO_SMS_PROVIDER", "http")
    monkeypatch.setenv("TINHSO_SMS_URL", f"{http_server.url}/sms/send")
    monkeypatch.setenv("TINHSO_SMS_API_KEY", "khoa-bi-mat")
    monkeypatch.setenv("TINHSO_SMS_SENDER", "TINHSO")
    with transaction.atomic():
        message = enqueue(
            channel="sms",
            recipient="0912000111",
            subject="",
            body="Ho so H99-1 da duoc tiep nhan.",
            idempotency_key="dossier:H99-1:accepted:sms",
        )
    assert deliver_due("w1").sent == 1
    [request] = http_server.requests
    assert request.path == "/sms/send"
    assert request.headers["Authorization"] == "Bearer khoa-bi-mat"
    assert request.headers["Idempotency-Key"] == "dossier:H99-1:accepted:sms"
    assert request.body == {
        "to": "0912000111",
        "text": "Ho so H99-1 da duoc tiep nhan.",
        "sender": "TINHSO",
        "idempotency_key": "dossier:H99-1:accepted:sms",
    }
    assert fresh(message).state == State.SENT


def test_sms_and_zalo_go_to_the_log_in_debug_mode(
    db: Any, settings: Any, caplog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = True
    monkeypatch.delenv("TINHSO_SMS_PROVIDER", raising=False)
    with transaction.atomic():
        for channel in ("sms", "zalo"):
            enqueue(
                channel=channel,
                recipient="0912000111",
                subject="",
                body=f"Tin {channel}",
                idempotency_key=f"k-{channel}",
            )
    with caplog.at_level(logging.INFO, logger="tinhso.outbox"):
        assert deliver_due("w1").sent == 2
    assert "SMS (log) to 0912000111: Tin sms" in caplog.text
    assert "Zalo (log) to 0912000111: Tin zalo" in caplog.text


def test_without_a_provider_in_production_messages_wait(
    db: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = False
    monkeypatch.delenv("TINHSO_SMTP_URL", raising=False)
    message = enqueue_email()
    assert deliver_due("w1").retried == 1
    waiting = fresh(message)
    assert waiting.state == State.PENDING
    assert "chưa đặt TINHSO_SMTP_URL" in waiting.last_error


def test_a_malformed_smtp_url_stops_the_worker_at_start(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TINHSO_SMTP_URL", "smtp://mail.example.vn:587?starttls=maybe")
    with pytest.raises(CommandError, match="TINHSO_SMTP_URL"):
        call_command("outbox", "work", "--once")


def test_work_once_delivers_what_is_due(db: Any, running_smtp: SmtpServer, capsys: Any) -> None:
    for n in range(1, 4):
        enqueue_email(n)
    call_command("outbox", "work", "--once")
    assert "đã nhận 3: gửi được 3, hẹn gửi lại 0, hỏng 0" in capsys.readouterr().out
    assert len(running_smtp.message_id_counts()) == 3


def test_purge_deletes_only_old_sent_messages(db: Any, running_smtp: SmtpServer) -> None:
    with time_machine.travel(START, tick=False):
        old = enqueue_email(1)
        deliver_due("w1")
        dead = enqueue_email(2, recipient="unknown@example.vn")
        deliver_due("w1")
    with time_machine.travel(START + dt.timedelta(days=29), tick=False):
        recent = enqueue_email(3)
        deliver_due("w1")
    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        assert purge_sent(older_than_days=30) == 1
        call_command("outbox", "purge", "--sent-older-than-days", "30")
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()
    assert [fresh(m).state for m in (dead, recent)] == [State.DEAD, State.SENT]
    assert AuditEntry.objects.get(action="outbox.purge").after["deleted"] == 1
