"""Public lookup by dossier code and a second factor (the applicant's phone number or ID number).
Answers the same "not found" for a wrong code and a wrong factor, and returns no personal data."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.utils import timezone

from tinhso.dossiers.models import Dossier, DossierStep, Status
from tinhso.lib.errors import InvalidInput, NotFound


def lookup_dossier(code: str, factor: str) -> dict[str, Any]:
    code = (code or "").strip().upper()
    factor = "".join((factor or "").split())
    if not code or not factor:
        raise InvalidInput(
            "Cần mã hồ sơ và số điện thoại hoặc số giấy tờ của người nộp.",
            errors={"code": "trống"} if not code else {"factor": "trống"},
        )
    dossier = (
        Dossier.objects.select_related("agency", "procedure_version").filter(code=code).first()
    )
    matches = dossier is not None and any(
        value and hmac.compare_digest(value, factor)
        for value in (dossier.applicant_phone, dossier.applicant_id_number)
    )
    if dossier is None or not matches:
        raise NotFound("Không tìm thấy hồ sơ với mã và thông tin đã nhập.")
    steps = dossier.steps.select_related("agency").exclude(state=DossierStep.State.PENDING)
    return {
        "code": dossier.code,
        "status": dossier.status,
        "status_label": Status(dossier.status).label,
        "national_status": dossier.national_status,
        "procedure_name": dossier.procedure_version.name,
        "agency_name": dossier.agency.name,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "finished_at": dossier.finished_at,
        "returned_at": dossier.returned_at,
        "steps": [
            {
                "name": step.name,
                "agency_name": step.agency.name,
                "state": step.state,
                "started_at": step.started_at,
                "completed_at": step.completed_at,
            }
            for step in steps
        ],
        "looked_up_at": timezone.now(),
    }


def allow_lookup(client_key: str) -> bool:
    """A fixed-window limit per client (the page's counterpart of the API's throttle)."""
    from django.core.cache import cache

    key = f"tinhso:lookup:{client_key}:{int(timezone.now().timestamp() // 60)}"
    if cache.add(key, 1, timeout=70):
        return True
    try:
        return bool(cache.incr(key) <= settings.LOOKUP_RATE_PER_MINUTE)
    except ValueError:  # expired between add and incr
        return cache.add(key, 1, timeout=70)
