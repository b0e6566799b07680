from django.contrib import admin

from tinhso.audit.models import AuditEntry
from tinhso.core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "sequence",
        "occurred_at",
        "actor_label",
        "action",
        "object_type",
        "object_label",
        "ip_address",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "object_label", "actor_label", "request_id"]
    date_hierarchy = "occurred_at"
