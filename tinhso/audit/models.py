"""The append-only audit trail.

Each entry is chained to the previous one by an HMAC over its content and the previous hash, so
editing, inserting or removing a row breaks the chain at that row (``tinhso audit verify``).
Rows cannot be updated through the ORM, and database triggers refuse UPDATE (and DELETE on
PostgreSQL) even for raw SQL; an attacker with DDL rights can drop the triggers, which is why
the chain exists.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Nhật ký kiểm toán chỉ được ghi thêm, không được sửa.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Nhật ký kiểm toán chỉ được ghi thêm, không được xoá.")


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField("số thứ tự", unique=True)
    occurred_at = models.DateTimeField("thời điểm", db_index=True)
    actor_id = models.BigIntegerField("mã người thực hiện", null=True, blank=True, db_index=True)
    actor_label = models.CharField("người thực hiện", max_length=255)
    action = models.CharField("hành động", max_length=100, db_index=True)
    object_type = models.CharField("loại đối tượng", max_length=100)
    object_id = models.CharField("mã đối tượng", max_length=100)
    object_label = models.CharField("đối tượng", max_length=500, blank=True)
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)
    reason = models.TextField("lý do", blank=True)
    request_id = models.CharField("mã yêu cầu", max_length=64, blank=True)
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects: ClassVar[AuditEntryQuerySet] = AuditEntryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "bản ghi nhật ký"
        verbose_name_plural = "nhật ký kiểm toán"
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Nhật ký kiểm toán chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Nhật ký kiểm toán chỉ được ghi thêm, không được xoá.")


class AuditChainHead(models.Model):
    """One row: the last sequence and hash. Locking it serialises appends to the chain."""

    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = "đầu chuỗi nhật ký"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.entry_hash[:12]}"
