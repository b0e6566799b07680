from django.contrib import admin

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.dossiers.models import DeadlineAlert, Dossier, DossierEvent, DossierStep


class DossierStepInline(admin.TabularInline):
    model = DossierStep
    extra = 0
    can_delete = False
    fields = [
        "position",
        "name",
        "agency",
        "state",
        "started_at",
        "due_at",
        "completed_at",
        "given_by",
        "taken_by",
        "result",
    ]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class DossierEventInline(DossierStepInline):
    model = DossierEvent  # type: ignore[assignment]
    fields = ["occurred_at", "action", "from_status", "to_status", "actor_label", "note"]


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "applicant_name",
        "agency",
        "status",
        "channel",
        "received_at",
        "due_at",
        "timeliness",
    ]
    list_filter = ["status", "channel", "timeliness"]
    search_fields = ["code", "applicant_name", "applicant_id_number"]
    list_select_related = ["agency"]
    date_hierarchy = "received_at"
    inlines = [DossierStepInline, DossierEventInline]


@admin.register(DeadlineAlert)
class DeadlineAlertAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "kind", "agency", "role", "due_at", "acknowledged_at"]
    list_filter = ["kind"]
    list_select_related = ["dossier", "agency"]
