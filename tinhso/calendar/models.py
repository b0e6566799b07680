"""The province's own calendar data: day overrides and office hours.

National holidays come from the ``holidays`` package (see :mod:`tinhso.calendar.services`); the
province only stores what the package cannot know: its own decisions about single days, and the
hours its offices are open. Change these only through the service functions, which audit.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q


class DayOverride(models.Model):
    """A province decision about one date; it always wins over national holidays and weekends."""

    date = models.DateField("ngày", unique=True)
    is_working_day = models.BooleanField("là ngày làm việc")
    reason = models.CharField("lý do", max_length=500, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    created_by = models.CharField("người tạo", max_length=255, blank=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)
    updated_by = models.CharField("người sửa", max_length=255, blank=True)

    class Meta:
        verbose_name = "ngày điều chỉnh"
        verbose_name_plural = "ngày điều chỉnh"
        ordering = ["date"]

    def __str__(self) -> str:
        status = "làm việc" if self.is_working_day else "nghỉ"
        label = f"{self.date.isoformat()} {status}"
        return f"{label} — {self.reason}" if self.reason else label


class WorkingPeriod(models.Model):
    """One span of office hours, the same for every working day (e.g. 07:30–11:30). The set is
    replaced as a whole by ``set_working_periods``, which refuses overlaps (hence equal starts)
    under a lock; a unique index on the start would trip over rows shifted one by one."""

    start_time = models.TimeField("bắt đầu")
    end_time = models.TimeField("kết thúc")

    class Meta:
        verbose_name = "khoảng giờ làm việc"
        verbose_name_plural = "giờ làm việc"
        ordering = ["start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="working_period_starts_before_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_time:%H:%M}-{self.end_time:%H:%M}"
