"""Putting messages in the outbox: inside the caller's transaction, once per key, validated."""

from typing import Any

import pytest
from django.db import transaction

from tinhso.lib.errors import Conflict, InvalidInput
from tinhso.outbox.models import OutboxMessage, State
from tinhso.outbox.services import enqueue
from tinhso.outbox.tests.conftest import SmtpServer
from tinhso.outbox.worker import deliver_due

EMAIL = {
    "channel": "email",
    "recipient": "an.nguyen@example.vn",
    "subject": "Hồ sơ đã được tiếp nhận",
    "body": "Hồ sơ H99-261122-0001 đã được tiếp nhận.",
    "idempotency_key": "dossier:H99-261122-0001:accepted:email",
}


def enqueue_email(**changes: Any) -> OutboxMessage:
    with transaction.atomic():
        return enqueue(**{**EMAIL, **changes})


@pytest.mark.django_db(transaction=True)
def test_enqueue_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        enqueue(**EMAIL)
    assert OutboxMessage.objects.count() == 0


def test_a_rolled_back_change_sends_nothing(db: Any, running_smtp: SmtpServer) -> None:
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        enqueue(**EMAIL)
        raise Refused

    assert OutboxMessage.objects.count() == 0
    assert deliver_due("w1").claimed == 0
    assert running_smtp.received == []


def test_the_same_key_twice_gives_one_message(db: Any) -> None:
    first = enqueue_email()
    again = enqueue_email(subject="Khác", body="Nội dung khác")

    assert again.pk == first.pk
    assert again.subject == "Hồ sơ đã được tiếp nhận"
    assert OutboxMessage.objects.count() == 1
    message = OutboxMessage.objects.get()
    assert (message.state, message.attempts, message.next_attempt_at) == (
        State.PENDING,
        0,
        message.created_at,
    )
    assert message.message_id == message.message_id.strip()
    assert message.message_id.endswith("@tinhso>")


def test_the_same_key_for_another_recipient_is_a_conflict(db: Any) -> None:
    enqueue_email()
    with pytest.raises(Conflict):
        enqueue_email(recipient="binh@example.vn")
    assert OutboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recipient": "not-an-address"}, "recipient"),
        ({"recipient": "a@b@c.vn"}, "recipient"),
        ({"channel": "sms", "recipient": "091200011"}, "recipient"),
        ({"channel": "sms", "recipient": "abc"}, "recipient"),
        ({"channel": "webhook", "recipient": "ftp://x.vn/", "payload": {}}, "recipient"),
        ({"channel": "webhook", "recipient": "https://x.vn/hook"}, "payload"),
        ({"channel": "fax"}, "channel"),
        ({"idempotency_key": "có dấu cách"}, "idempotency_key"),
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"idempotency_key": "k" * 201}, "idempotency_key"),
        ({"subject": ""}, "body"),
        ({"channel": "sms", "recipient": "0912000111", "html": "<p>x</p>"}, "html"),
        ({"payload": {"when": object()}}, "payload"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    db: Any, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        enqueue_email(**changes)
    assert raised.value.extra["field"] == field
    assert OutboxMessage.objects.count() == 0


def test_phone_numbers_are_stored_in_the_national_form(db: Any) -> None:
    message = enqueue_email(channel="sms", recipient="+84 912.000.111", subject="")
    assert message.recipient == "0912000111"


def test_subject_line_breaks_cannot_inject_headers(db: Any) -> None:
    message = enqueue_email(subject="Chào\r\nBcc: ke-xau@example.vn")
    assert message.subject == "Chào Bcc: ke-xau@example.vn"
