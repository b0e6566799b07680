"""Dossiers (hồ sơ TTHC): what a citizen or business asked for, under which procedure version,
where it stands and when it is due. Status changes only through ``dossiers.workflow``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Mới đăng ký"
    RECEIVED = "received", "Đã tiếp nhận"
    PROCESSING = "processing", "Đang xử lý"
    SUPPLEMENT_REQUESTED = "supplement_requested", "Yêu cầu bổ sung giấy tờ"
    AWAITING_PAYMENT = "awaiting_payment", "Chờ thực hiện nghĩa vụ tài chính"
    PROCESSED = "processed", "Đã xử lý xong"
    RETURNED = "returned", "Đã trả kết quả"
    REFUSED = "refused", "Không được tiếp nhận"
    STOPPED = "stopped", "Dừng xử lý"
    WITHDRAWN = "withdrawn", "Công dân yêu cầu rút hồ sơ"


# Cổng DVCQG status codes (TrangThaiHoSo 1–10): the external contract.
NATIONAL_STATUS = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.REFUSED: 3,
    Status.PROCESSING: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.PROCESSED: 9,
    Status.RETURNED: 10,
}
FINISHED_STATUSES = {
    Status.PROCESSED,
    Status.RETURNED,
    Status.REFUSED,
    Status.STOPPED,
    Status.WITHDRAWN,
}


class Channel(models.IntegerChoices):
    """KenhThucHien."""

    DIRECT = 1, "Trực tiếp"
    ONLINE = 2, "Trực tuyến"
    POST = 3, "Bưu chính công ích"


class ReturnMethod(models.TextChoices):
    DESK = "desk", "Tại Bộ phận Một cửa"
    POST = "post", "Qua bưu chính công ích"
    ONLINE = "online", "Trực tuyến"


class Timeliness(models.TextChoices):
    EARLY = "early", "Trước hạn"
    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Trễ hạn"


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", "Công dân"
    ORGANISATION = "organisation", "Tổ chức, doanh nghiệp"


class Dossier(models.Model):
    code = models.CharField("mã hồ sơ", max_length=30, unique=True)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.PROTECT, related_name="dossiers"
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name="cơ quan tiếp nhận",
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản nộp",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_kind = models.CharField(max_length=15, choices=ApplicantKind.choices)
    applicant_name = models.CharField("chủ hồ sơ", max_length=300)
    applicant_id_number = models.CharField("số định danh / mã số thuế", max_length=20)
    applicant_phone = models.CharField("điện thoại", max_length=15, blank=True)
    applicant_email = models.EmailField("thư điện tử", blank=True)
    applicant_address = models.CharField("địa chỉ", max_length=500, blank=True)
    form_data = models.JSONField("nội dung tờ khai", default=dict)
    channel = models.PositiveSmallIntegerField("kênh", choices=Channel.choices)
    return_method = models.CharField(
        "hình thức nhận kết quả", max_length=10, choices=ReturnMethod.choices
    )
    status = models.CharField(max_length=25, choices=Status.choices, db_index=True)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField("ngày nộp")
    received_at = models.DateTimeField("ngày tiếp nhận", null=True, blank=True, db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_at = models.DateTimeField("ngày hẹn trả", null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField("tạm dừng tính thời hạn từ", null=True, blank=True)
    finished_at = models.DateTimeField("ngày kết thúc xử lý", null=True, blank=True)
    returned_at = models.DateTimeField("ngày trả kết quả", null=True, blank=True)
    timeliness = models.CharField(
        "kết quả đúng hạn", max_length=10, choices=Timeliness.choices, blank=True
    )
    supplement_count = models.PositiveSmallIntegerField(default=0)
    fee_total = models.PositiveBigIntegerField("phí, lệ phí (đồng)", default=0)
    paid_online = models.BooleanField("thanh toán trực tuyến", default=False)
    result_note = models.TextField("kết quả giải quyết", blank=True)
    rating = models.PositiveSmallIntegerField("đánh giá", null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["agency", "status"], name="dossier_agency_status_idx"),
            # The worklist reads pages of one agency and status in appointment order.
            models.Index(fields=["agency", "status", "due_at", "id"], name="dossier_worklist_idx"),
            models.Index(fields=["agency", "received_at"], name="dossier_agency_received_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="unique_submission_per_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="rating_between_1_and_5",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def national_status(self) -> int:
        return NATIONAL_STATUS[Status(self.status)]


class DossierStep(models.Model):
    """One step of the internal process for this dossier: the hand-over log (who gave, who
    took, when, result). Steps of the same ``position`` run in parallel."""

    class State(models.TextChoices):
        PENDING = "pending", "Chưa đến lượt"
        ACTIVE = "active", "Đang xử lý"
        DONE = "done", "Đã xong"
        CANCELLED = "cancelled", "Huỷ"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=300)
    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, related_name="dossier_steps"
    )
    role = models.CharField(max_length=30)
    is_inter_agency = models.BooleanField(default=False)
    allotted_hours = models.DecimalField(max_digits=7, decimal_places=2)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.TextField(blank=True)
    timeliness = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)

    class Meta:
        verbose_name = "bước xử lý hồ sơ"
        verbose_name_plural = "các bước xử lý hồ sơ"
        ordering = ["dossier", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "code"], name="unique_dossier_step_code"),
        ]
        indexes = [models.Index(fields=["agency", "state"], name="step_agency_state_idx")]

    def __str__(self) -> str:
        return f"{self.dossier.code} — {self.name}"


class DossierEvent(models.Model):
    """The dossier's own history (every transition), shown on its timeline and in lookup."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=25, blank=True)
    to_status = models.CharField(max_length=25)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=255)
    agency = models.ForeignKey(
        "organizations.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField()
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = "lịch sử hồ sơ"
        verbose_name_plural = "lịch sử hồ sơ"
        ordering = ["dossier", "occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier.code} {self.action}"


class SupplementRequest(models.Model):
    class Stage(models.TextChoices):
        RECEPTION = "reception", "Khi tiếp nhận"
        APPRAISAL = "appraisal", "Khi thẩm định"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    items = models.JSONField("giấy tờ cần bổ sung", default=list)
    reason = models.TextField("lý do")
    restarts_clock = models.BooleanField(default=False)
    previous_due_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "yêu cầu bổ sung"
        verbose_name_plural = "yêu cầu bổ sung"
        ordering = ["dossier", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(completed_at__isnull=True),
                name="one_open_supplement_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier.code} bổ sung {self.requested_at:%d/%m/%Y}"


class Extension(models.Model):
    """The one extension the law allows, with its apology (NgayHenTraTruoc → NgayHenTraMoi)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="extension")
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    previous_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        verbose_name = "gia hạn"
        verbose_name_plural = "gia hạn"

    def __str__(self) -> str:
        return f"{self.dossier.code}: {self.previous_due_at:%d/%m/%Y} → {self.new_due_at:%d/%m/%Y}"


class DossierCounter(models.Model):
    """Last order number issued per receiving agency and reception day (gap-free: the counter
    is incremented in the transaction that creates the dossier)."""

    agency = models.ForeignKey("organizations.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="unique_counter_per_agency_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last_number}"


class IssuedForm(models.Model):
    """A standard form issued for a dossier (receipt, supplement request, …): the data snapshot
    is written in the transaction of the action that issued it; the PDF is rendered from it
    (deterministically) on first download and kept in storage with its checksum."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="forms")
    kind = models.CharField("loại", max_length=30)
    form_set = models.CharField("bộ biểu mẫu", max_length=20)
    title = models.CharField(max_length=300)
    number = models.CharField("số mẫu", max_length=30)
    data = models.JSONField("dữ liệu")
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(upload_to="dossiers/forms/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "biểu mẫu đã cấp"
        verbose_name_plural = "biểu mẫu đã cấp"
        ordering = ["dossier", "issued_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier.code} {self.number}"


class DeadlineAlert(models.Model):
    """A warning that a dossier or one of its steps falls due soon, or an escalation once it is
    overdue. Created idempotently by the deadline scanner; delivered by the notification
    channels (outbox) and shown in the officers' worklists."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Sắp đến hạn"
        OVERDUE = "overdue", "Quá hạn"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="alerts")
    step = models.ForeignKey(
        DossierStep, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, related_name="deadline_alerts"
    )
    role = models.CharField("vai trò nhận", max_length=30)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "cảnh báo thời hạn"
        verbose_name_plural = "cảnh báo thời hạn"
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "kind", "due_at"],
                condition=Q(step__isnull=True),
                name="one_dossier_alert_per_deadline",
            ),
            models.UniqueConstraint(
                fields=["step", "kind", "due_at"],
                condition=Q(step__isnull=False),
                name="one_step_alert_per_deadline",
            ),
        ]
        indexes = [models.Index(fields=["agency", "acknowledged_at"], name="alert_agency_idx")]

    def __str__(self) -> str:
        return f"{self.dossier.code} {self.kind}"


class DossierDocument(models.Model):
    """A document of the holder's store attached to a dossier as one of its components.
    ``reused`` when the same document was already supplied with an earlier dossier ("provide
    once"; counted by the 766 index as re-used digitised data)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    component_code = models.CharField("thành phần", max_length=50)
    document = models.ForeignKey(
        "attachments.StoredDocument", on_delete=models.PROTECT, related_name="dossier_links"
    )
    reused = models.BooleanField("dùng lại từ kho", default=False)
    attached_at = models.DateTimeField()
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "giấy tờ của hồ sơ"
        verbose_name_plural = "giấy tờ của hồ sơ"
        ordering = ["dossier", "component_code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "component_code", "document"], name="unique_dossier_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier.code} {self.component_code}"
