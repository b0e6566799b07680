"""Admin pages for the province's calendar data. Saving and deleting go through the service
functions, so every change is validated the same way as on the command line and audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from tinhso.calendar import services
from tinhso.calendar.models import DayOverride, WorkingPeriod
from tinhso.lib.errors import InvalidInput


class DayOverrideForm(forms.ModelForm):
    class Meta:
        model = DayOverride
        fields = ["date", "is_working_day", "reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("date", self.instance.date if self.instance.pk else None)
        if day is None:
            return cleaned
        try:
            _, cleaned["reason"] = services.validate_override(
                day,
                is_working_day=bool(cleaned.get("is_working_day")),
                reason=cleaned.get("reason") or "",
            )
        except InvalidInput as exc:
            raise forms.ValidationError({exc.extra.get("field") or "date": exc.detail}) from None
        return cleaned


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    form = DayOverrideForm
    list_display = ["date", "weekday", "is_working_day", "reason", "updated_by", "updated_at"]
    list_filter = ["is_working_day"]
    search_fields = ["reason"]
    date_hierarchy = "date"
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]

    @admin.display(description="thứ")
    def weekday(self, obj: DayOverride) -> str:
        return services.WEEKDAY_NAMES[obj.date.weekday()]

    def get_readonly_fields(self, request: HttpRequest, obj: DayOverride | None = None) -> Any:
        # Moving an override to another date is a removal plus a new override: do it as such.
        fields = list(super().get_readonly_fields(request, obj))
        return ["date", *fields] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: DayOverride, form: Any, change: bool) -> None:
        saved = services.set_override(
            obj.date, is_working_day=obj.is_working_day, reason=obj.reason, actor=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: DayOverride) -> None:
        services.remove_override(obj.date, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DayOverride]) -> None:
        for day in list(queryset.values_list("date", flat=True)):
            services.remove_override(day, actor=request.user)


class WorkingPeriodForm(forms.ModelForm):
    class Meta:
        model = WorkingPeriod
        fields = ["start_time", "end_time"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start is None or end is None:
            return cleaned
        try:
            services.validate_working_periods(periods_with(self.instance, (start, end)))
        except InvalidInput as exc:
            raise forms.ValidationError(exc.detail) from None
        return cleaned


def periods_with(instance: WorkingPeriod, period: services.Period | None) -> list[services.Period]:
    """All stored periods with ``instance`` replaced by ``period`` (or removed when None)."""
    others = WorkingPeriod.objects.order_by("start_time")
    if instance.pk is not None:
        others = others.exclude(pk=instance.pk)
    result = list(others.values_list("start_time", "end_time"))
    return [*result, period] if period is not None else result


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(admin.ModelAdmin):
    form = WorkingPeriodForm
    list_display = ["__str__", "start_time", "end_time"]

    def has_delete_permission(self, request: HttpRequest, obj: WorkingPeriod | None = None) -> bool:
        if WorkingPeriod.objects.count() <= 1:
            return False  # at least one period must remain
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: WorkingPeriod, form: Any, change: bool) -> None:
        services.set_working_periods(
            periods_with(obj, (obj.start_time, obj.end_time)), actor=request.user
        )
        obj.pk = WorkingPeriod.objects.get(start_time=obj.start_time, end_time=obj.end_time).pk

    def delete_model(self, request: HttpRequest, obj: WorkingPeriod) -> None:
        services.set_working_periods(periods_with(obj, None), actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WorkingPeriod]) -> None:
        remaining = WorkingPeriod.objects.exclude(pk__in=queryset.values("pk")).order_by(
            "start_time"
        )
        periods = list(remaining.values_list("start_time", "end_time"))
        if not periods:
            self.message_user(
                request, "Phải giữ lại ít nhất một khoảng giờ làm việc.", level=messages.ERROR
            )
            return
        services.set_working_periods(periods, actor=request.user)
