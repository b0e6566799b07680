from django.contrib import admin
from django.db import models

from tinhso.catalog.models import (
    Component,
    FeeLine,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from tinhso.core.admin import ReadOnlyAdmin


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ComponentInline(_ReadOnlyInline):
    model = Component
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class FeeLineInline(_ReadOnlyInline):
    model = FeeLine


class ProcessStepInline(_ReadOnlyInline):
    model = ProcessStep


class ProcedureVersionInline(_ReadOnlyInline):
    model = ProcedureVersion
    fields = ["number", "status", "name", "valid_from", "valid_to", "published_at"]
    show_change_link = True


@admin.register(Sector)
class SectorAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ["code", "national_code", "retired_on", "created_at"]
    search_fields = ["code", "national_code"]
    inlines = [ProcedureVersionInline]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ReadOnlyAdmin):
    list_display = ["procedure", "number", "name", "status", "level", "valid_from", "valid_to"]
    list_filter = ["status", "level", "online_mode", "sector"]
    search_fields = ["procedure__code", "name", "name_folded"]
    list_select_related = ["procedure", "sector"]
    inlines = [ComponentInline, FeeLineInline, ProcessStepInline]
