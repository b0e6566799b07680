"""The SMS and Zalo HTTP providers deliver to a gateway on loopback, through the real outbox
worker; a provider that is down delays a message, it never loses it."""

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from tinhso.notifications.tests.conftest import Gateway, closed_port_url
from tinhso.outbox.models import OutboxMessage, State
from tinhso.outbox.services import enqueue
from tinhso.outbox.worker import deliver_due

pytestmark = pytest.mark.django_db


def queue(channel: str, recipient: str, key: str, body: str = "Hồ sơ H99-1 đã có kết quả") -> int:
    with transaction.atomic():
        return enqueue(
            channel=channel, recipient=recipient, subject="", body=body, idempotency_key=key
        ).pk


@pytest.fixture
def sms_gateway(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> Gateway:
    monkeypatch.setenv("TINHSO_SMS_PROVIDER", "http")
    monkeypatch.setenv("TINHSO_SMS_URL", gateway.url)
    monkeypatch.setenv("TINHSO_SMS_API_KEY", "sms-key")
    monkeypatch.setenv("TINHSO_SMS_SENDER", "TINHSO")
    return gateway


@pytest.fixture
def zalo_gateway(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> Gateway:
    monkeypatch.setenv("TINHSO_ZALO_PROVIDER", "http")
    monkeypatch.setenv("TINHSO_ZALO_URL", gateway.url)
    monkeypatch.setenv("TINHSO_ZALO_ACCESS_TOKEN", "zalo-token")
    return gateway


def test_the_sms_http_provider_delivers_to_the_gateway(sms_gateway: Gateway) -> None:
    pk = queue("sms", "+84912000111", "dossier:H99-1:accept:2:sms", "Ho so H99-1 da tiep nhan")
    assert deliver_due("w1").sent == 1
    [arrival] = sms_gateway.arrivals
    assert arrival.path == "/send"
    assert arrival.body == {
        "to": "0912000111",
        "text": "Ho so H99-1 da tiep nhan",
        "sender": "TINHSO",
        "idempotency_key": "dossier:H99-1:accept:2:sms",
    }
    assert arrival.headers["authorization"] == "Bearer sms-key"
    assert arrival.headers["idempotency-key"] == "dossier:H99-1:accept:2:sms"
    assert OutboxMessage.objects.get(pk=pk).state == State.SENT


def test_the_zalo_http_provider_sends_oa_messages_to_a_user_id_or_a_phone(
    zalo_gateway: Gateway,
) -> None:
    queue("zalo", "2468458835296117922", "k:zalo:1")
    queue("zalo", "0912000111", "k:zalo:2")
    assert deliver_due("w1").sent == 2
    first, second = zalo_gateway.arrivals
    assert first.headers["access_token"] == "zalo-token"
    assert first.body == {
        "recipient": {"user_id": "2468458835296117922"},
        "message": {"text": "Hồ sơ H99-1 đã có kết quả"},
    }
    assert second.body["recipient"] == {"phone": "84912000111"}


def test_a_zalo_refusal_inside_a_200_is_a_failure(zalo_gateway: Gateway) -> None:
    zalo_gateway.answers = [
        (200, {"error": -216, "message": "Access token is invalid"}),
        (200, {"error": -213, "message": "User has not followed the OA"}),
    ]
    temporary = queue("zalo", "2468458835296117922", "k:zalo:1")
    permanent = queue("zalo", "1111111111111111111", "k:zalo:2")
    report = deliver_due("w1")
    assert (report.retried, report.dead) == (1, 1)
    waiting = OutboxMessage.objects.get(pk=temporary)
    assert (waiting.state, waiting.attempts) == (State.PENDING, 1)
    assert waiting.last_error.endswith(", lần 1: Zalo từ chối: lỗi -216 Access token is invalid")
    dead = OutboxMessage.objects.get(pk=permanent)
    assert dead.state == State.DEAD
    assert dead.last_error.endswith("Zalo từ chối: lỗi -213 User has not followed the OA")


@pytest.mark.parametrize("channel", ["sms", "zalo"])
def test_a_provider_that_is_down_delays_the_message_until_it_is_back(
    channel: str, gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    variable = "TINHSO_SMS_URL" if channel == "sms" else "TINHSO_ZALO_URL"
    monkeypatch.setenv(f"TINHSO_{channel.upper()}_PROVIDER", "http")
    monkeypatch.setenv("TINHSO_ZALO_ACCESS_TOKEN", "zalo-token")
    monkeypatch.setenv(variable, closed_port_url())
    pk = queue(channel, "0912000111", f"k:{channel}:down")
    now = timezone.now()
    report = deliver_due("w1", now=now)
    assert (report.claimed, report.retried) == (1, 1)
    message = OutboxMessage.objects.get(pk=pk)
    assert (message.state, message.attempts) == (State.PENDING, 1)
    assert "không gửi được tới 127.0.0.1" in message.last_error
    assert message.next_attempt_at > now
    assert deliver_due("w1", now=now).claimed == 0  # not before its back-off
    monkeypatch.setenv(variable, gateway.url)  # the provider is back
    assert deliver_due("w1", now=message.next_attempt_at + dt.timedelta(seconds=1)).sent == 1
    assert OutboxMessage.objects.get(pk=pk).state == State.SENT
    assert len(gateway.arrivals) == 1


def test_zalo_without_an_access_token_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINHSO_ZALO_PROVIDER", "http")
    monkeypatch.delenv("TINHSO_ZALO_ACCESS_TOKEN", raising=False)
    pk = queue("zalo", "0912000111", "k:zalo:no-token")
    deliver_due("w1")
    message: Any = OutboxMessage.objects.get(pk=pk)
    assert message.state == State.PENDING
    assert message.last_error.endswith("lần 1: chưa đặt TINHSO_ZALO_ACCESS_TOKEN")
