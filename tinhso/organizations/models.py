"""Administrative units (the state's territorial divisions) and agencies (the bodies that act).

Both are effective-dated: nothing is deleted or renamed in place. Retired units and agencies stay,
linked to their successors, so that old codes in stored dossiers and documents keep resolving.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q


class AdministrativeUnit(models.Model):
    """A province, a (pre-2025) district or a commune/ward/special zone, with its NSO code."""

    class Era(models.TextChoices):
        CURRENT = "current", "Từ 01/7/2025 (hai cấp)"
        LEGACY = "legacy", "Trước 01/7/2025 (ba cấp)"

    class Level(models.TextChoices):
        PROVINCE = "province", "Tỉnh, thành phố"
        DISTRICT = "district", "Quận, huyện, thị xã"
        COMMUNE = "commune", "Xã, phường, thị trấn, đặc khu"

    era = models.CharField("thời kỳ", max_length=10, choices=Era.choices)
    level = models.CharField("cấp", max_length=10, choices=Level.choices)
    code = models.CharField("mã", max_length=10)
    name = models.CharField("tên", max_length=200)
    division_type = models.CharField("loại", max_length=60, blank=True)
    codename = models.CharField("tên mã", max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="thuộc",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)

    class Meta:
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"
        ordering = ["era", "level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["era", "level", "code"], name="unique_unit_code_per_era"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AdministrativeUnitSuccession(models.Model):
    """Old (pre-2025) unit -> new unit; ``is_partial`` when only part of the old unit moved."""

    predecessor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="successions_as_predecessor"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="successions_as_successor"
    )
    is_partial = models.BooleanField("sáp nhập một phần", default=False)
    effective_on = models.DateField("hiệu lực", default=dt.date(2025, 7, 1))

    class Meta:
        verbose_name = "chuyển đổi đơn vị hành chính"
        verbose_name_plural = "chuyển đổi đơn vị hành chính"
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unique_unit_succession"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id}"


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self) -> AgencyQuerySet:
        return self.filter(status=Agency.Status.ACTIVE)


class Agency(models.Model):
    """A state body (cơ quan, đơn vị) with its two identifiers (QCVN 102 and QĐ 20/2020)."""

    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", "Ủy ban nhân dân"
        OFFICE = "office", "Văn phòng"
        DEPARTMENT = "department", "Sở, ban, ngành"
        SERVICE_CENTRE = "service_centre", "Trung tâm Phục vụ hành chính công"
        DIVISION = "division", "Phòng, ban chuyên môn"
        PUBLIC_SERVICE_UNIT = "public_service_unit", "Đơn vị sự nghiệp công lập"
        CENTRAL_BRANCH = "central_branch", "Cơ quan ngành dọc"
        OTHER = "other", "Khác"

    class Level(models.TextChoices):
        CENTRAL = "central", "Trung ương"
        PROVINCE = "province", "Cấp tỉnh"
        COMMUNE = "commune", "Cấp xã"

    class Status(models.TextChoices):
        ACTIVE = "active", "Đang hoạt động"
        RETIRED = "retired", "Đã giải thể, sáp nhập"

    code = models.CharField("mã định danh QCVN 102", max_length=13, unique=True)
    identifier = models.CharField("mã định danh QĐ 20/2020", max_length=35, unique=True)
    name = models.CharField("tên", max_length=300)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    kind = models.CharField("loại", max_length=30, choices=Kind.choices)
    level = models.CharField("cấp", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="cơ quan cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name="địa bàn",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    email = models.EmailField("thư điện tử", blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    valid_from = models.DateField("hiệu lực từ")
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(status="active", valid_to__isnull=True)
                | Q(status="retired", valid_to__isnull=False),
                name="agency_retired_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def name_on(self, day: dt.date) -> str:
        """The name the agency bore on ``day`` (documents print the name of their date)."""
        for entry in self.names.all():
            if entry.valid_from <= day and (entry.valid_to is None or day <= entry.valid_to):
                return entry.name
        return self.name


class AgencyName(models.Model):
    """Name history: one row per name the agency has borne, with its period."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="names")
    name = models.CharField("tên", max_length=300)
    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "tên qua các thời kỳ"
        verbose_name_plural = "tên qua các thời kỳ"
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"], condition=Q(valid_to__isnull=True), name="one_current_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AgencySuccession(models.Model):
    """Predecessor -> successor link created by a merger, split or transfer."""

    class Kind(models.TextChoices):
        MERGER = "merger", "Sáp nhập, hợp nhất"
        SPLIT = "split", "Chia, tách"
        TRANSFER = "transfer", "Chuyển giao chức năng"

    predecessor = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="successions_as_predecessor"
    )
    successor = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="successions_as_successor"
    )
    kind = models.CharField("hình thức", max_length=10, choices=Kind.choices)
    effective_on = models.DateField("hiệu lực")
    reason = models.TextField("căn cứ, lý do", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kế thừa cơ quan"
        verbose_name_plural = "kế thừa cơ quan"
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unique_agency_succession"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor.code} → {self.successor.code} ({self.effective_on})"
