"""Putting messages in the outbox and the operators' actions on it. Services call
:func:`enqueue` inside their own transaction, so a message exists if and only if the change that
causes it commits; the worker (:mod:`tinhso.outbox.worker`) delivers it afterwards."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from tinhso.audit.services import record
from tinhso.lib.errors import Conflict, InvalidInput, NotFound
from tinhso.lib.sql import placeholders, table
from tinhso.lib.text import normalize_text
from tinhso.outbox.models import Channel, OutboxMessage, State

MAX_KEY_LENGTH = 200
MAX_SHORT_TEXT = 1000  # SMS (several segments) and Zalo text
_KEY = re.compile(r"[\x21-\x7e]+")  # visible ASCII: it travels in an HTTP header
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_url_validator = URLValidator(schemes=["http", "https"])


def _problem(detail: str, field: str) -> InvalidInput:
    return InvalidInput(detail, code="invalid", field=field)


def _clean_recipient(channel: str, recipient: str) -> str:
    value = recipient.strip()
    if channel == Channel.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise _problem(f"Địa chỉ e-mail {value!r} không hợp lệ.", "recipient") from None
        return value
    if channel == Channel.ZALO and re.fullmatch(r"[1-9]\d{5,31}", value):
        return value  # a Zalo user id (a follower of the province's Official Account)
    if channel in {Channel.SMS, Channel.ZALO}:
        phone = _PHONE_SEPARATORS.sub("", value)
        if phone.startswith("+84"):
            phone = "0" + phone[3:]
        if not re.fullmatch(r"0\d{9}", phone):
            raise _problem(
                f"Số điện thoại {value!r} không hợp lệ: cần 10 chữ số, bắt đầu bằng 0 (hoặc +84).",
                "recipient",
            )
        return phone
    try:
        _url_validator(value)
    except ValidationError:
        raise _problem(f"Địa chỉ webhook {value!r} không phải http(s)://…", "recipient") from None
    return value


def enqueue(
    *,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    idempotency_key: str,
    payload: Any = None,
    html: str | None = None,
) -> OutboxMessage:
    """Put one message in the outbox, inside the caller's transaction. The same
    ``idempotency_key`` again returns the message already there (a key names one event and one
    recipient, e.g. ``dossier:<code>:accepted:email``)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue must run inside the transaction of the change it announces")
    if channel not in Channel.values:
        raise _problem(f"Kênh {channel!r} không có; chọn: {', '.join(Channel.values)}.", "channel")
    key = idempotency_key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise _problem(
            f"Khoá chống trùng phải gồm 1–{MAX_KEY_LENGTH} ký tự ASCII nhìn thấy được "
            "(không dấu cách).",
            "idempotency_key",
        )
    clean_recipient = _clean_recipient(channel, recipient)
    clean_subject = normalize_text(subject)  # also removes line breaks (header injection)
    clean_body = unicodedata.normalize("NFC", body).strip()
    clean_html = unicodedata.normalize("NFC", html or "").strip()
    if len(clean_subject) > 255:
        raise _problem("Tiêu đề dài quá 255 ký tự.", "subject")
    if channel == Channel.EMAIL and not (clean_subject and clean_body):
        raise _problem("E-mail cần tiêu đề và nội dung.", "body")
    if channel != Channel.EMAIL and clean_html:
        raise _problem("Chỉ e-mail mới có nội dung HTML.", "html")
    if channel in {Channel.SMS, Channel.ZALO}:
        if not clean_body:
            raise _problem("Tin nhắn cần nội dung.", "body")
        if len(clean_body) > MAX_SHORT_TEXT:
            raise _problem(f"Tin nhắn dài quá {MAX_SHORT_TEXT} ký tự.", "body")
    if channel == Channel.WEBHOOK and payload is None:
        raise _problem("Webhook cần payload (JSON).", "payload")
    if payload is not None:
        try:
            payload = json.loads(json.dumps(payload, ensure_ascii=False, allow_nan=False))
        except (TypeError, ValueError):
            raise _problem("payload phải là dữ liệu JSON.", "payload") from None

    now = timezone.now()
    message = OutboxMessage(
        channel=channel,
        recipient=clean_recipient,
        subject=clean_subject,
        body=clean_body,
        html=clean_html,
        payload=payload,
        idempotency_key=key,
        next_attempt_at=now,
        created_at=now,
    )
    if _insert_unless_key_taken(message):
        return message
    existing = OutboxMessage.objects.get(idempotency_key=key)
    if existing.channel != channel or existing.recipient != clean_recipient:
        raise Conflict(
            f"Khoá chống trùng {key!r} đã dùng cho thư khác ({existing.channel} tới "
            f"{existing.recipient})."
        )
    return existing


def _insert_unless_key_taken(message: OutboxMessage) -> bool:
    """Insert ``message`` unless its idempotency key is taken, in one statement (``INSERT … ON
    CONFLICT DO NOTHING RETURNING``, PostgreSQL and SQLite ≥ 3.35) instead of a look-up, a
    savepoint, the insert and its release: the common case on every dossier change. False when
    the key is taken, by a committed message or by a concurrent transaction that commits
    (PostgreSQL waits for it on the unique index, as the plain insert did)."""
    meta = OutboxMessage._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    values = [field.get_db_prep_save(field.pre_save(message, True), connection) for field in fields]
    key_column = quote(meta.get_field("idempotency_key").column)
    # Only quoted names from the model's metadata in the text; the values are parameters.
    values_list = placeholders(len(fields))
    sql = (
        f"INSERT INTO {table(OutboxMessage)} ({columns}) VALUES ({values_list}) "  # noqa: S608
        f"ON CONFLICT ({key_column}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    message.pk = row[0]
    message._state.adding = False
    message._state.db = connection.alias
    return True


def messages(state: str | None = None) -> QuerySet[OutboxMessage]:
    queryset = OutboxMessage.objects.order_by("-created_at", "-pk")
    if state is not None:
        if state not in State.values:
            raise InvalidInput(f"Trạng thái {state!r} không có; chọn: {', '.join(State.values)}.")
        queryset = queryset.filter(state=state)
    return queryset


def _revive(queryset: QuerySet[OutboxMessage], now: dt.datetime) -> int:
    return queryset.update(
        state=State.PENDING,
        attempts=0,
        next_attempt_at=now,
        claimed_at=None,
        claimed_by="",
        handed_over_at=None,
    )


def retry_message(message_id: int, *, actor: Any = None) -> OutboxMessage:
    """Send a dead message again from scratch, or a waiting one now instead of after its
    back-off. The operator accepts that a message that died as "uncertain" may arrive twice."""
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        raise NotFound(f"Không có thư #{message_id}.")
    if message.state not in {State.DEAD, State.PENDING}:
        raise Conflict(
            f"Thư #{message_id} đang ở trạng thái {message.state}: chỉ gửi lại được thư "
            "dead hoặc pending."
        )
    with transaction.atomic():
        now = timezone.now()
        changed = _revive(OutboxMessage.objects.filter(pk=message.pk, state=message.state), now)
        if changed != 1:
            raise Conflict(f"Thư #{message_id} vừa thay đổi trạng thái; thử lại.")
        record(
            "outbox.retry",
            actor=actor,
            target=message,
            before={"state": message.state, "attempts": message.attempts},
            after={"state": State.PENDING, "attempts": 0},
        )
    message.refresh_from_db()
    return message


def retry_all_dead(*, actor: Any = None) -> int:
    with transaction.atomic():
        count = _revive(OutboxMessage.objects.filter(state=State.DEAD), timezone.now())
        if count:
            record(
                "outbox.retry_all_dead",
                actor=actor,
                object_type="outbox.outboxmessage",
                object_label="hộp thư đi",
                after={"count": count},
            )
    return count


def purge_sent(*, older_than_days: int, actor: Any = None, batch_size: int = 5000) -> int:
    """Delete messages sent more than ``older_than_days`` ago, in batches so a large purge does
    not hold one long transaction. Only ``sent`` messages: dead ones wait for an operator."""
    if older_than_days < 1:
        raise InvalidInput("Số ngày phải từ 1 trở lên.")
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    old = OutboxMessage.objects.filter(state=State.SENT, sent_at__lt=cutoff)
    total = 0
    while True:
        batch = list(old.values_list("pk", flat=True)[:batch_size])
        if not batch:
            break
        total += OutboxMessage.objects.filter(pk__in=batch, state=State.SENT).delete()[0]
    if total:
        with transaction.atomic():
            record(
                "outbox.purge",
                actor=actor,
                object_type="outbox.outboxmessage",
                object_label="hộp thư đi",
                after={"deleted": total, "sent_before": cutoff.isoformat()},
            )
    return total
