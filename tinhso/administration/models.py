"""The administration pages' own bookkeeping: nothing of the domain lives here."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FormSubmission(models.Model):
    """One accepted submission of an administration form, keyed by the idempotency key the
    form carried in a hidden field: submitting the same form twice (double click, back button,
    a retry after a network error) leads to the first result instead of doing the work again."""

    key = models.CharField("khoá chống gửi trùng", max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True
    )
    result_url = models.CharField("trang kết quả", max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lần gửi biểu mẫu quản lý"
        verbose_name_plural = "lần gửi biểu mẫu quản lý"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="unique_form_submission_key")
        ]

    def __str__(self) -> str:
        return self.key


class PendingImport(models.Model):
    """A catalogue file uploaded for import, kept between the diff report and the confirmation
    so that it is uploaded once; removed when the import is applied."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    file_name = models.CharField("tên tệp", max_length=255)
    file_format = models.CharField("định dạng", max_length=10)
    content = models.BinaryField("nội dung")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp danh mục chờ nhập"
        verbose_name_plural = "tệp danh mục chờ nhập"

    def __str__(self) -> str:
        return self.file_name
