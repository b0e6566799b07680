"""The applicant's data store ("kho dữ liệu điện tử"): every document a citizen or business has
supplied once, or that an agency issued to them, kept for reuse in later dossiers."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


def document_path(instance: Any, filename: str) -> str:
    """``documents/<yyyy>/<mm>/<uuid>.<ext>``: never the client's name, which is kept in
    ``original_name`` only (no path tricks, no personal data in storage keys)."""
    today = timezone.localdate()
    extension = PurePosixPath(filename).suffix.lower()
    return f"documents/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{extension}"


class StoredDocument(models.Model):
    class Source(models.TextChoices):
        UPLOAD = "upload", "Người nộp tải lên"
        DESK_SCAN = "desk_scan", "Số hoá tại Bộ phận Một cửa"
        RESULT = "result", "Kết quả giải quyết do cơ quan cấp"

    holder_id_number = models.CharField(
        "số định danh/mã số thuế của chủ giấy tờ",
        max_length=14,
        help_text="Kho dữ liệu được khoá theo số này, nên giấy tờ số hoá tại quầy cho người chưa "
        "có tài khoản vẫn tìm lại được khi họ đăng nhập.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản sở hữu",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stored_documents",
    )
    title = models.CharField("tên giấy tờ", max_length=300)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    content_type = models.CharField("kiểu nội dung (đã nhận dạng)", max_length=100)
    size = models.PositiveBigIntegerField("kích thước (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    file = models.FileField("tệp", upload_to=document_path, max_length=200)
    source = models.CharField("nguồn", max_length=10, choices=Source.choices)
    issued_by_agency_code = models.CharField("cơ quan cấp", max_length=20, blank=True)
    created_at = models.DateTimeField("thời điểm lưu", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người lưu",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "giấy tờ trong kho"
        verbose_name_plural = "kho giấy tờ điện tử"
        constraints = [
            # "Provide once": the same bytes are kept once per holder, also under concurrency.
            models.UniqueConstraint(
                fields=["holder_id_number", "sha256"], name="one_document_per_holder_and_checksum"
            ),
        ]
        indexes = [
            models.Index(
                fields=["holder_id_number", "-created_at"], name="document_holder_recent_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.holder_id_number})"
