"""A payment intent: one attempt to pay a dossier's fee through an online gateway. The dossier
keeps its own truth (``status``, ``paid_online``); the intent records what the gateway saw."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class PaymentIntent(models.Model):
    class State(models.TextChoices):
        CREATED = "created", "Mới tạo"
        REDIRECTED = "redirected", "Đã chuyển sang cổng thanh toán"
        PAID = "paid", "Đã thanh toán"
        FAILED = "failed", "Thanh toán không thành công"
        CANCELLED = "cancelled", "Đã huỷ"
        REFUNDED = "refunded", "Đã hoàn tiền"
        EXPIRED = "expired", "Hết hạn"

    OPEN_STATES = (State.CREATED, State.REDIRECTED)

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="payment_intents"
    )
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    currency = models.CharField("đơn vị tiền", max_length=3, default="VND")
    state = models.CharField(
        "trạng thái", max_length=16, choices=State.choices, default=State.CREATED
    )
    provider = models.CharField("cổng thanh toán", max_length=20, default="vnpay")
    order_ref = models.CharField("mã giao dịch gửi cổng", max_length=64, unique=True)
    provider_transaction_no = models.CharField(
        "mã giao dịch tại cổng", max_length=64, blank=True, default=""
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    paid_at = models.DateTimeField("thanh toán lúc", null=True, blank=True)
    last_callback = models.JSONField("thông báo cuối của cổng", null=True, blank=True)
    expired_at = models.DateTimeField("hết hạn lúc", null=True, blank=True)
    refunded_at = models.DateTimeField("hoàn tiền lúc", null=True, blank=True)
    refunded_by = models.ForeignKey(
        "identity.User",
        verbose_name="người quyết định hoàn tiền",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refund_reason = models.TextField("lý do hoàn tiền", blank=True)
    refund_transaction_no = models.CharField(
        "mã giao dịch hoàn tiền tại cổng", max_length=64, blank=True, default=""
    )
    dossier_settled = models.BooleanField(
        "đã ghi nhận vào hồ sơ",
        default=False,
        help_text="Sai khi tiền đã nhận nhưng hồ sơ không còn chờ nộp phí: cần đối soát.",
    )

    class Meta:
        verbose_name = "giao dịch thanh toán"
        verbose_name_plural = "giao dịch thanh toán"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(state__in=["created", "redirected"]),
                name="payments_one_open_intent_per_dossier",
            ),
        ]

    def __str__(self) -> str:
        return self.order_ref

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES
