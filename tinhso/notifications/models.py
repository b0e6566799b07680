"""The province's own wording of a notice (an override of the shipped default) and each person's
choice of channels. Changes go through ``services`` (audited)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class NotificationTemplate(models.Model):
    """One override per (event, channel); without one, or while it is switched off, the text
    shipped in ``catalogue.EVENTS`` is used. ``version`` guards against two administrators
    overwriting each other (compare-and-set)."""

    event = models.CharField("sự kiện", max_length=40)
    channel = models.CharField("kênh", max_length=16)
    subject = models.CharField("tiêu đề", max_length=255, blank=True)
    body = models.TextField("nội dung")
    is_active = models.BooleanField("đang dùng", default=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "mẫu thông báo"
        verbose_name_plural = "mẫu thông báo"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel"], name="notifications_one_template_per_event_channel"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "sms", "zalo"]),
                name="notifications_template_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}/{self.channel}"


class NotificationPreference(models.Model):
    """The channels a person chose. No row: the defaults of ``services.preferences_for``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField("nhận qua e-mail", default=True)
    sms_enabled = models.BooleanField("nhận qua SMS", default=False)
    sms_phone = models.CharField("số điện thoại nhận SMS", max_length=15, blank=True)
    zalo_enabled = models.BooleanField("nhận qua Zalo", default=False)
    zalo_recipient = models.CharField("số điện thoại Zalo hoặc mã Zalo", max_length=40, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "lựa chọn nhận thông báo"
        verbose_name_plural = "lựa chọn nhận thông báo"
        constraints = [
            models.CheckConstraint(
                condition=Q(sms_enabled=False) | ~Q(sms_phone=""),
                name="notifications_sms_needs_phone",
            ),
            models.CheckConstraint(
                condition=Q(zalo_enabled=False) | ~Q(zalo_recipient=""),
                name="notifications_zalo_needs_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"thông báo của {self.user_id}"
