from django.contrib import admin

from tinhso.attachments.models import StoredDocument
from tinhso.core.admin import ReadOnlyAdmin


@admin.register(StoredDocument)
class StoredDocumentAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "holder_id_number",
        "content_type",
        "size",
        "source",
        "issued_by_agency_code",
        "created_at",
    )
    list_filter = ("source", "content_type")
    search_fields = ("holder_id_number", "title", "original_name", "sha256")
    date_hierarchy = "created_at"
    list_select_related = ("owner", "created_by")
    readonly_fields = ("sha256", "file")
