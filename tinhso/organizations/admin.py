from django.contrib import admin

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.organizations.models import AdministrativeUnit, Agency, AgencyName, AgencySuccession


class AgencyNameInline(admin.TabularInline):
    model = AgencyName
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["code", "identifier", "name", "kind", "level", "parent", "status"]
    list_filter = ["status", "level", "kind"]
    search_fields = ["code", "identifier", "name", "short_name"]
    inlines = [AgencyNameInline]


@admin.register(AgencySuccession)
class AgencySuccessionAdmin(ReadOnlyAdmin):
    list_display = ["predecessor", "successor", "kind", "effective_on", "reason"]


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "division_type", "level", "era", "parent"]
    list_filter = ["era", "level", "division_type"]
    search_fields = ["code", "name", "codename"]
    list_select_related = ["parent"]
