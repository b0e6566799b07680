from django.contrib import admin

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "state",
        "channel",
        "recipient",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "created_at",
    ]
    list_filter = ["state", "channel"]
    search_fields = ["recipient", "idempotency_key"]
    date_hierarchy = "created_at"
