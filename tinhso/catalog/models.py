"""The procedure catalogue (danh mục thủ tục hành chính).

A ``Procedure`` is the stable identity (national code + the province's agency suffix); what the law
says about it lives in ``ProcedureVersion`` rows with effective dates. A dossier keeps the version
it was received under, so later amendments never change dossiers in flight.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from tinhso.identity.models import Role


class Sector(models.Model):
    """Field / sector (lĩnh vực), e.g. "Hộ tịch"."""

    code = models.CharField("mã lĩnh vực", max_length=30, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=300)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    national_code = models.CharField("mã TTHC quốc gia", max_length=30, db_index=True)
    code = models.CharField("mã TTHC của tỉnh", max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Retirement (bãi bỏ) closes the procedure to new dossiers from this date; dossiers in flight
    # keep the version they were received under. Cleared when a new version is published.
    retired_on = models.DateField("ngừng tiếp nhận từ ngày", null=True, blank=True)
    retirement_reason = models.TextField("lý do ngừng tiếp nhận", blank=True)

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(models.Model):
    """What the law says about a procedure for a period. Published versions of one procedure
    never overlap in time (checked by the publishing service)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Dự thảo"
        PUBLISHED = "published", "Đang công bố"
        RETIRED = "retired", "Đã bãi bỏ, thay thế"

    class OnlineMode(models.TextChoices):
        FULL = "full", "Toàn trình"
        PARTIAL = "partial", "Một phần"
        NONE = "none", "Không trực tuyến"

    class TimeUnit(models.TextChoices):
        WORKING_DAY = "working_day", "Ngày làm việc"
        WORKING_HOUR = "working_hour", "Giờ làm việc"

    class Level(models.TextChoices):
        PROVINCE = "province", "Cấp tỉnh"
        COMMUNE = "commune", "Cấp xã"

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("phiên bản")
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    name = models.CharField("tên thủ tục", max_length=1000)
    name_folded = models.CharField(max_length=1000, db_index=True, editable=False)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="versions")
    level = models.CharField("cấp thực hiện", max_length=10, choices=Level.choices)
    implementing_agencies = models.ManyToManyField(
        "organizations.Agency", verbose_name="cơ quan thực hiện", related_name="procedure_versions"
    )
    target_groups = models.JSONField("đối tượng thực hiện", default=list)
    channels = models.JSONField("cách thức thực hiện", default=list)
    online_mode = models.CharField(
        "dịch vụ công trực tuyến", max_length=10, choices=OnlineMode.choices
    )
    processing_time = models.DecimalField(
        "thời hạn giải quyết", max_digits=7, decimal_places=2, default=Decimal(0)
    )
    processing_time_unit = models.CharField(
        "đơn vị thời hạn", max_length=15, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAY
    )
    legal_basis = models.TextField("căn cứ pháp lý", blank=True)
    conditions = models.TextField("yêu cầu, điều kiện", blank=True)
    results = models.JSONField("kết quả thực hiện", default=list)
    form_schema = models.JSONField("biểu mẫu điện tử (JSON Schema)", default=dict)
    form_ui = models.JSONField("gợi ý hiển thị biểu mẫu", default=dict)
    valid_from = models.DateField("hiệu lực từ")
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField("thời điểm rút công bố", null=True, blank=True)
    withdrawal_reason = models.TextField("lý do rút công bố", blank=True)

    class Meta:
        verbose_name = "phiên bản thủ tục"
        verbose_name_plural = "phiên bản thủ tục"
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_version_number"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="version_valid_range",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_from", "valid_to"], name="version_effective_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} — {self.name}"


class Component(models.Model):
    """A required document (thành phần hồ sơ)."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components"
    )
    position = models.PositiveSmallIntegerField("thứ tự")
    code = models.CharField("mã", max_length=50)
    name = models.CharField("tên giấy tờ", max_length=1000)
    originals = models.PositiveSmallIntegerField("bản chính", default=1)
    copies = models.PositiveSmallIntegerField("bản sao", default=0)
    is_required = models.BooleanField("bắt buộc", default=True)
    template_url = models.URLField("mẫu đơn, tờ khai", blank=True)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "thành phần hồ sơ"
        verbose_name_plural = "thành phần hồ sơ"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_component_code")
        ]

    def __str__(self) -> str:
        return self.name


class FeeLine(models.Model):
    """A fee or charge (phí, lệ phí) in Vietnamese đồng."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField("thứ tự")
    description = models.CharField("nội dung", max_length=500)
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "phí, lệ phí"
        verbose_name_plural = "phí, lệ phí"
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount} đồng"


class ProcessStep(models.Model):
    """A step of the internal process (quy trình nội bộ). Steps with the same ``position`` run
    in parallel; ``responsible_agency`` empty means the receiving agency itself."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="process_steps"
    )
    position = models.PositiveSmallIntegerField("bước")
    code = models.CharField("mã bước", max_length=50)
    name = models.CharField("tên bước", max_length=300)
    responsible_role = models.CharField("vai trò thực hiện", max_length=30, choices=Role.choices)
    responsible_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name="cơ quan thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="process_steps",
    )
    is_inter_agency = models.BooleanField("liên thông", default=False)
    allotted_hours = models.DecimalField("thời gian (giờ làm việc)", max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = "bước xử lý"
        verbose_name_plural = "quy trình nội bộ"
        ordering = ["version", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_step_code")]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"
