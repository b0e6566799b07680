"""Drafts of online submissions (hồ sơ đang soạn): what a citizen has filled in so far, step by
step, before the dossier exists. A draft has no legal effect; the dossier is created only by
:func:`tinhso.dossiers.services.submit_dossier` with the draft's idempotency key."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


def new_idempotency_key() -> str:
    return f"draft-{uuid.uuid4().hex}"


class SubmissionDraft(models.Model):
    class Step(models.TextChoices):
        AGENCY = "agency", "Nơi nộp hồ sơ"
        APPLICANT = "applicant", "Người nộp"
        FORM = "form", "Tờ khai"
        DOCUMENTS = "documents", "Giấy tờ"
        RETURN_METHOD = "return_method", "Nhận kết quả"
        REVIEW = "review", "Kiểm tra và nộp"

    reference = models.UUIDField("mã hồ sơ đang soạn", default=uuid.uuid4, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.CASCADE,
        related_name="submission_drafts",
    )
    procedure_code = models.CharField("mã thủ tục", max_length=60)
    version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name="phiên bản thủ tục",
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name="cơ quan tiếp nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Contact details the applicant may change (name and ID number come from the account).
    applicant = models.JSONField("thông tin liên hệ người nộp", default=dict)
    form_data = models.JSONField("nội dung tờ khai", default=dict)
    # Component code → ids of documents in the applicant's store ("provide once").
    documents = models.JSONField("giấy tờ đã chọn", default=dict)
    return_method = models.CharField("hình thức nhận kết quả", max_length=10, blank=True)
    # The furthest step reached ("form:2" for the second page of the e-form).
    current_step = models.CharField("bước đang làm", max_length=30, default=Step.APPLICANT)
    idempotency_key = models.CharField(max_length=100, unique=True, default=new_idempotency_key)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name="hồ sơ đã nộp",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("thời điểm nộp", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hồ sơ đang soạn"
        verbose_name_plural = "hồ sơ đang soạn"
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "procedure_code"],
                condition=Q(submitted_at__isnull=True),
                name="one_open_draft_per_owner_and_procedure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_code} — {self.reference}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None
