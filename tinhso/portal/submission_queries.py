"""Read-only data of the online submission pages, as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from tinhso.attachments.services import documents_visible_to
from tinhso.catalog.models import ProcedureVersion
from tinhso.dossiers.models import Dossier, IssuedForm
from tinhso.printing.services import FormKind

STORE_LIMIT = 30


@dataclass(frozen=True)
class DocumentChoice:
    id: int
    title: str
    original_name: str
    size_label: str
    created_at: Any
    url: str


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{max(size // 1024, 1)} KB"
    return f"{size} B"


def document_choice(document: Any) -> DocumentChoice:
    return DocumentChoice(
        id=document.pk,
        title=document.title,
        original_name=document.original_name,
        size_label=size_label(document.size),
        created_at=document.created_at,
        url=f"/api/v1/documents/{document.pk}/content",
    )


def store_documents(user: Any, chosen_ids: set[int]) -> list[DocumentChoice]:
    """The most recent documents of the user's store, and every chosen one."""
    recent = list(documents_visible_to(user)[:STORE_LIMIT])
    seen = {document.pk for document in recent}
    missing = chosen_ids - seen
    if missing:
        recent += list(documents_visible_to(user).filter(pk__in=missing))
    return [document_choice(document) for document in recent]


def components_of(version: ProcedureVersion) -> list[Any]:
    return list(version.components.all().order_by("position"))


def money(amount: int) -> str:
    """Đồng as Vietnamese write it: 200.000."""
    return f"{amount:,}".replace(",", ".")


def fees_of(version: ProcedureVersion) -> list[dict[str, Any]]:
    return [
        {
            "description": fee.description,
            "amount": fee.amount,
            "amount_text": money(fee.amount),
            "note": fee.note,
        }
        for fee in version.fees.all().order_by("position")
    ]


def receipt_of(dossier: Dossier) -> IssuedForm | None:
    """The receipt (giấy tiếp nhận và hẹn trả kết quả) if one has been issued: an online
    dossier gets it when the one-stop desk receives it, not at submission."""
    return dossier.forms.filter(kind=FormKind.RECEIPT).order_by("issued_at").first()


def my_dossier_url(code: str) -> str | None:
    """The citizen's dossier page, when the portal has it installed."""
    try:
        return reverse("portal:my_dossier", args=[code])
    except NoReverseMatch:
        return None
