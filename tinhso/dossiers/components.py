"""Components of a dossier: which documents from the holder's store answer which required
component, checked against the procedure version ("provide once": a document already in the
store is attached again, not uploaded again)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tinhso.attachments.services import get_document_for
from tinhso.catalog.models import ProcedureVersion
from tinhso.dossiers.models import Dossier, DossierDocument
from tinhso.lib.errors import InvalidInput, NotFound

MAX_DOCUMENTS_PER_COMPONENT = 20


def resolve_components(
    version: ProcedureVersion,
    components: dict[str, list[int]] | None,
    *,
    actor: Any,
    holder_id_number: str,
    required: bool,
    staff: bool = False,
) -> dict[str, list[Any]]:
    """Check the mapping component code → document ids: unknown components, documents the actor
    may not use, documents of another holder and (when ``required``) missing required components
    are all refused at once, each named."""
    errors: dict[str, str] = {}
    known = {c.code: c for c in version.components.all()}
    resolved: dict[str, list[Any]] = {}
    for code, ids in (components or {}).items():
        key = f"components.{code}"
        if code not in known:
            errors[key] = "Thủ tục không có thành phần hồ sơ này."
            continue
        if not isinstance(ids, list) or not ids or len(ids) > MAX_DOCUMENTS_PER_COMPONENT:
            errors[key] = f"Cần từ 1 đến {MAX_DOCUMENTS_PER_COMPONENT} giấy tờ."
            continue
        documents = []
        for document_id in ids:
            try:
                document = get_document_for(actor, document_id, allow_staff=staff)
            except NotFound:
                errors[key] = f"Không có giấy tờ số {document_id} trong kho của bạn."
                break
            if document.holder_id_number != holder_id_number:
                errors[key] = f"Giấy tờ số {document_id} không thuộc người nộp hồ sơ này."
                break
            documents.append(document)
        resolved[code] = documents
    if required:
        for code, component in known.items():
            if (
                component.is_required
                and not resolved.get(code)
                and f"components.{code}" not in errors
            ):
                errors[f"components.{code}"] = f"Thiếu «{component.name}»."
    if errors:
        raise InvalidInput(
            "Thành phần hồ sơ chưa đủ hoặc chưa hợp lệ: "
            + "; ".join(f"{k}: {v.rstrip('.')}" for k, v in errors.items())
            + ".",
            errors=errors,
        )
    return resolved


def attach(dossier: Dossier, resolved: dict[str, list[Any]], *, actor: Any) -> int:
    now = timezone.now()
    wanted = [document.pk for documents in resolved.values() for document in documents]
    # Which documents are already in another dossier ("provide once"): one query for all.
    used_elsewhere = (
        set(
            DossierDocument.objects.filter(document_id__in=wanted)
            .exclude(dossier=dossier)
            .values_list("document_id", flat=True)
        )
        if wanted
        else set()
    )
    links = []
    for code, documents in resolved.items():
        for document in documents:
            reused = document.pk in used_elsewhere
            links.append(
                DossierDocument(
                    dossier=dossier,
                    component_code=code,
                    document=document,
                    reused=reused,
                    attached_at=now,
                    attached_by=actor if getattr(actor, "pk", None) else None,
                )
            )
    DossierDocument.objects.bulk_create(links, ignore_conflicts=True)
    return len(links)
