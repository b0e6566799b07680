"""The outbox: one row per message that leaves the platform, written in the transaction of the
change that causes it and delivered later by a worker (see docs/outbox.md)."""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.models import Q

MESSAGE_ID_DOMAIN = "tinhso"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    ZALO = "zalo", "Zalo"
    WEBHOOK = "webhook", "Webhook"


class State(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENDING = "sending", "Đang gửi"
    SENT = "sent", "Đã gửi"
    DEAD = "dead", "Hỏng (cần xử lý)"


def message_id_for(idempotency_key: str) -> str:
    """The RFC 5322 ``Message-ID`` of an e-mail: the same key always gives the same id, so a
    resent copy can be recognised (and collapsed by most mail stores) as the same message."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}@{MESSAGE_ID_DOMAIN}>"


class OutboxMessage(models.Model):
    channel = models.CharField(max_length=16, choices=Channel.choices)
    recipient = models.CharField(max_length=2000)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    payload = models.JSONField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    # Set just before the transport's irrevocable step (SMTP DATA, the HTTP request); a message
    # found in `sending` with this set may or may not have reached the receiver.
    handed_over_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "thư đi"
        verbose_name_plural = "hộp thư đi"
        indexes = [
            # The worker's two claim queries; partial, so they stay small as sent rows pile up.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="outbox_pending_due_idx",
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(state="sending"), name="outbox_sending_lease_idx"
            ),
            models.Index(fields=["state", "created_at"], name="outbox_state_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=State.values), name="outbox_state_valid"),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="outbox_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel} → {self.recipient}"

    @property
    def message_id(self) -> str:
        return message_id_for(self.idempotency_key)
