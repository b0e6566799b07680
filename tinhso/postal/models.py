"""The public postal channel (dịch vụ bưu chính công ích, BCCI): the applicant's choice to send a
dossier and/or receive its result by post, and the shipments that carry them, with every state
change as an event. The dossier itself is not changed: this app references it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class PostalChoice(models.Model):
    """What the applicant chose for one dossier, and where the post should deliver."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="postal_choice"
    )
    submit_by_post = models.BooleanField("nộp hồ sơ qua bưu chính", default=False)
    receive_by_post = models.BooleanField("nhận kết quả qua bưu chính", default=False)
    recipient_name = models.CharField("người nhận", max_length=200)
    recipient_phone = models.CharField("điện thoại người nhận", max_length=15)
    address = models.CharField("địa chỉ nhận", max_length=500)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "đăng ký bưu chính"
        verbose_name_plural = "đăng ký bưu chính"

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.address}"


class Direction(models.TextChoices):
    INBOUND = "in", "Người nộp gửi hồ sơ đến cơ quan"
    OUTBOUND = "out", "Cơ quan gửi kết quả cho người nộp"


class ShipmentState(models.TextChoices):
    CREATED = "created", "Đã tạo bưu gửi"
    HANDED_OVER = "handed_over", "Đã giao cho bưu chính"
    IN_TRANSIT = "in_transit", "Đang vận chuyển"
    DELIVERED = "delivered", "Đã phát thành công"
    RETURNED = "returned", "Chuyển hoàn"


#: How far along a state is: a shipment only moves forward; the last two are final.
STATE_ORDER = {
    ShipmentState.CREATED: 0,
    ShipmentState.HANDED_OVER: 1,
    ShipmentState.IN_TRANSIT: 2,
    ShipmentState.DELIVERED: 3,
    ShipmentState.RETURNED: 3,
}
FINAL_STATES = (ShipmentState.DELIVERED, ShipmentState.RETURNED)


class Shipment(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="shipments"
    )
    direction = models.CharField("chiều", max_length=3, choices=Direction.choices)
    carrier = models.CharField("đơn vị bưu chính", max_length=20)
    tracking_number = models.CharField("số hiệu bưu gửi", max_length=40)
    state = models.CharField(
        "trạng thái", max_length=12, choices=ShipmentState.choices, default=ShipmentState.CREATED
    )
    recipient_name = models.CharField("người nhận", max_length=200)
    recipient_phone = models.CharField("điện thoại", max_length=15, blank=True)
    address = models.CharField("địa chỉ", max_length=500)
    version = models.PositiveIntegerField(default=1)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "bưu gửi"
        verbose_name_plural = "bưu gửi"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="postal_unique_tracking_number"
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="postal_unique_shipment_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier}:{self.tracking_number}"


class ShipmentEvent(models.Model):
    class Source(models.TextChoices):
        OFFICER = "officer", "Cán bộ ghi nhận"
        CARRIER = "carrier", "Đơn vị bưu chính báo"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    state = models.CharField("trạng thái", max_length=12, choices=ShipmentState.choices)
    occurred_at = models.DateTimeField("thời điểm")
    recorded_at = models.DateTimeField("ghi nhận lúc", auto_now_add=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    location = models.CharField("địa điểm", max_length=200, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    #: The carrier's event id, or ``form:<key>`` for an officer's submission: the same event
    #: twice is recorded once.
    external_id = models.CharField(max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "diễn biến bưu gửi"
        verbose_name_plural = "diễn biến bưu gửi"
        ordering = ["pk"]  # as recorded: a shipment only moves forward
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "external_id"], name="postal_unique_event_per_shipment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.state}"
