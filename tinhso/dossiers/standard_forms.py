"""Standard forms of a dossier: the data each form prints, taken from the dossier at the moment
of the action, stored as an ``IssuedForm`` snapshot in the same transaction; the PDF itself is
rendered from that snapshot when first asked for (WeasyPrint output is deterministic), so a
rolled-back action never leaves a file behind and a lost file can always be re-created."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tinhso.dossiers.models import Dossier, DossierStep, IssuedForm, ReturnMethod, Timeliness
from tinhso.lib.errors import Conflict, InvalidInput
from tinhso.organizations.models import Agency
from tinhso.printing.schemas import MAX_REGISTER_ROWS
from tinhso.printing.services import FormKind, PreparedForm, prepare_form, render_form

RETURN_PLACES = {
    ReturnMethod.DESK: "Bộ phận Một cửa",
    ReturnMethod.POST: "Qua dịch vụ bưu chính công ích",
    ReturnMethod.ONLINE: "Trực tuyến, trên Cổng dịch vụ công",
}
CONTROL_RESULT = {
    Timeliness.EARLY: "trước hạn",
    Timeliness.ON_TIME: "đúng hạn",
    Timeliness.LATE: "quá hạn",
}


def lookup_url(code: str) -> str:
    return f"{settings.PUBLIC_URL}/tra-cuu/?ma={code}"


def _root(agency: Agency) -> Agency:
    """The top of the agency's tree, through the parents already loaded (the dossier chokepoint
    selects ``agency__parent``), loading the others one by one."""
    seen = {agency.pk}
    current = agency
    while current.parent_id is not None and current.parent_id not in seen:
        seen.add(current.parent_id)
        parent = current.parent
        assert parent is not None
        current = parent
    return current


def _place(agency: Agency) -> str:
    root = _root(agency)
    name = root.administrative_unit.name if root.administrative_unit else root.name
    for prefix in ("Ủy ban nhân dân ", "UBND ", "Thành phố ", "Tỉnh ", "tỉnh ", "thành phố "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name


def _header(dossier: Dossier) -> dict[str, Any]:
    agency = dossier.agency
    parent = agency.parent
    return {
        "agency_name": agency.name,
        "parent_agency_name": parent.name if parent else None,
        "place": _place(agency),
        "issued_at": timezone.now(),
        "dossier_code": dossier.code,
        "lookup_url": lookup_url(dossier.code),
        "applicant": {
            "name": dossier.applicant_name,
            "address": dossier.applicant_address or None,
            "phone": dossier.applicant_phone or None,
            "email": dossier.applicant_email or None,
            "id_number": dossier.applicant_id_number or None,
        },
        "procedure_name": dossier.procedure_version.name,
    }


def _processing_time(dossier: Dossier) -> str:
    version = dossier.procedure_version
    amount = f"{version.processing_time.normalize():f}".replace(".", ",")
    return f"{amount} {version.get_processing_time_unit_display().lower()}"


def receipt_data(
    dossier: Dossier,
    officer_name: str,
    *,
    received_at: dt.datetime | None = None,
    due_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """``received_at`` and ``due_at`` default to the dossier's (given when the receipt is
    prepared before the reception is stored)."""
    received_at = received_at or dossier.received_at
    due_at = due_at or dossier.due_at
    assert received_at is not None and due_at is not None
    return {
        **_header(dossier),
        "components": [
            {"name": c.name, "originals": c.originals, "copies": c.copies}
            for c in dossier.procedure_version.components.all()
        ],
        "processing_time": _processing_time(dossier),
        "received_at": received_at,
        "due_at": due_at,
        "return_method": RETURN_PLACES[ReturnMethod(dossier.return_method)],
        "officer_name": officer_name,
    }


def supplement_data(
    dossier: Dossier, *, items: list[str], reason: str, officer_name: str
) -> dict[str, Any]:
    return {
        **_header(dossier),
        "received_at": dossier.received_at,
        "items": [{"name": item, "originals": 1} for item in items],
        "reason": reason,
        "guidance_contact": f"{officer_name}, {dossier.agency.name}"
        + (f", điện thoại {dossier.agency.phone}" if dossier.agency.phone else ""),
        "officer_name": officer_name,
    }


def refusal_data(dossier: Dossier, *, reason: str, officer_name: str) -> dict[str, Any]:
    return {
        **_header(dossier),
        "received_at": dossier.received_at,
        "reasons": [reason],
        "officer_name": officer_name,
    }


def apology_data(
    dossier: Dossier, *, previous_due_at: Any, new_due_at: Any, reason: str, signer_name: str
) -> dict[str, Any]:
    return {
        **_header(dossier),
        "received_at": dossier.received_at,
        "previous_due_at": previous_due_at,
        "new_due_at": new_due_at,
        "reason": reason,
        "signer_title": "Thủ trưởng cơ quan",
        "signer_name": signer_name,
    }


def stop_data(dossier: Dossier, *, reason: str, signer_name: str) -> dict[str, Any]:
    return {
        **_header(dossier),
        "received_at": dossier.received_at,
        "reason": reason,
        "legal_basis": "Nghị định số 118/2025/NĐ-CP",
        "signer_title": "Thủ trưởng cơ quan",
        "signer_name": signer_name,
    }


def control_sheet_data(dossier: Dossier) -> dict[str, Any]:
    assert dossier.received_at is not None and dossier.due_at is not None
    rows = []
    for step in dossier.steps.exclude(state=DossierStep.State.PENDING).select_related(
        "agency", "given_by", "taken_by"
    ):
        rows.append(
            {
                "step": step.name,
                "agency": step.agency.name,
                "given_at": step.started_at,
                "given_by": step.given_by.full_name if step.given_by else "Bộ phận Một cửa",
                "taken_at": step.completed_at,
                "taken_by": step.taken_by.full_name if step.taken_by else None,
                "result": CONTROL_RESULT.get(Timeliness(step.timeliness))
                if step.timeliness
                else None,
                "note": step.result or None,
            }
        )
    if not rows:
        raise Conflict(f"Hồ sơ {dossier.code} chưa được chuyển xử lý; chưa có phiếu kiểm soát.")
    return {
        **_header(dossier),
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "rows": rows,
    }


def issue_form(dossier: Dossier, kind: FormKind, data: dict[str, Any], *, actor: Any) -> IssuedForm:
    """Validate ``data`` against the form's schema and store the snapshot (cheap; the PDF is
    produced on first download). Runs inside the caller's transaction."""
    return store_form(dossier, prepare(kind, data), actor=actor)


def prepare(kind: FormKind, data: dict[str, Any]) -> PreparedForm:
    """The validated snapshot, for a caller that validates before its transaction and stores
    inside it with :func:`store_form`."""
    return prepare_form(kind, data)


def store_form(dossier: Dossier, prepared: PreparedForm, *, actor: Any) -> IssuedForm:
    """Store a prepared snapshot as issued, inside the action's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_form must run inside the action's transaction")
    return IssuedForm.objects.create(
        dossier=dossier,
        kind=prepared.kind,
        form_set=prepared.form_set,
        title=prepared.title,
        number=prepared.number,
        data=prepared.data,
        issued_at=timezone.now(),
        issued_by=actor if getattr(actor, "pk", None) else None,
    )


def form_pdf(form: IssuedForm) -> bytes:
    """The PDF of an issued form, from storage, or rendered from its snapshot and stored."""
    if form.file:
        with form.file.open("rb") as handle:
            content: bytes = handle.read()
        if hashlib.sha256(content).hexdigest() == form.sha256:
            return content
    rendered = render_form(form.kind, form.data, form_set=form.form_set)
    digest = hashlib.sha256(rendered.pdf).hexdigest()
    if form.sha256 and digest != form.sha256:
        raise Conflict(
            f"Bản PDF tạo lại của {form.number} hồ sơ {form.dossier.code} không khớp "
            "mã kiểm tra đã lưu.",
            code="form_checksum_mismatch",
        )
    name = f"{form.dossier.code}-{form.kind}-{form.pk}.pdf"
    form.file.save(name, ContentFile(rendered.pdf), save=False)
    form.sha256 = digest
    IssuedForm.objects.filter(pk=form.pk).update(file=form.file.name, sha256=digest)
    return rendered.pdf


def register_data(agency: Agency, *, start: dt.date, dossiers: list[Dossier]) -> dict[str, Any]:
    """Sổ theo dõi hồ sơ of one receiving agency for a period (in reception order)."""
    if len(dossiers) > MAX_REGISTER_ROWS:
        raise InvalidInput(
            f"Kỳ này có {len(dossiers)} hồ sơ, quá {MAX_REGISTER_ROWS} dòng của một lần in sổ; "
            "hãy in theo từng tháng hoặc khoảng ngày ngắn hơn.",
            errors={"to": "kỳ quá dài"},
        )
    parent = agency.parent
    return {
        "agency_name": agency.name,
        "parent_agency_name": parent.name if parent else None,
        "place": _place(agency),
        "issued_at": timezone.now(),
        "year": start.year,
        "book_number": 1,
        "rows": [
            {
                "order_number": number,
                "dossier_code": dossier.code,
                "applicant": dossier.applicant_name,
                "procedure_name": dossier.procedure_version.name,
                "received_at": dossier.received_at,
                "due_at": dossier.due_at,
                "returned_at": dossier.returned_at,
                "status": dossier.get_status_display(),
            }
            for number, dossier in enumerate(dossiers, start=1)
        ],
    }
