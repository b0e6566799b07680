"""Accounts (staff, citizens, businesses) and the roles staff hold in agencies."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class User(AbstractUser):
    class Kind(models.TextChoices):
        STAFF = "staff", "Cán bộ, công chức, viên chức"
        CITIZEN = "citizen", "Công dân"
        BUSINESS = "business", "Doanh nghiệp, tổ chức"

    kind = models.CharField("loại tài khoản", max_length=10, choices=Kind.choices)
    full_name = models.CharField("họ và tên", max_length=200)
    citizen_id = models.CharField(
        "số định danh cá nhân", max_length=12, null=True, blank=True, unique=True
    )
    tax_code = models.CharField("mã số thuế", max_length=14, null=True, blank=True, unique=True)
    phone = models.CharField("số điện thoại", max_length=15, blank=True)

    REQUIRED_FIELDS = ["email", "full_name", "kind"]

    class Meta:
        verbose_name = "tài khoản"
        verbose_name_plural = "tài khoản"
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="business") | Q(tax_code__isnull=False),
                name="business_has_tax_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", "Cán bộ Bộ phận Một cửa"
    SPECIALIST = "specialist", "Chuyên viên"
    HEAD_OF_UNIT = "head_of_unit", "Trưởng phòng, đơn vị"
    LEADER = "leader", "Lãnh đạo cơ quan"
    CLERK = "clerk", "Văn thư"
    AGENCY_ADMINISTRATOR = "agency_administrator", "Quản trị cơ quan"
    PROVINCIAL_ADMINISTRATOR = "provincial_administrator", "Quản trị hệ thống cấp tỉnh"


class RoleAssignment(models.Model):
    """A staff account holding a role in an agency, for a period."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField("vai trò", max_length=30, choices=Role.choices)
    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến ngày", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phân công vai trò"
        verbose_name_plural = "phân công vai trò"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(valid_to__isnull=True),
                name="one_active_assignment_per_role",
            )
        ]
        indexes = [models.Index(fields=["agency", "role"], name="assignment_agency_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency.code}"


class ApiToken(models.Model):
    """A bearer token for machine clients (integrations). Only a SHA-256 of the secret is kept;
    the secret is shown once, when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("tên", max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "khoá API"
        verbose_name_plural = "khoá API"

    def __str__(self) -> str:
        return f"{self.user.username}: {self.name} ({self.prefix}…)"
