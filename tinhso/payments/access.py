"""Chokepoint for payment intents: the applicant of the dossier and the staff of the receiving
agency (and units above it... and below: as the dossier chokepoint counts work agencies) see an
intent; anyone else gets NotFound, exactly as for an order reference that does not exist."""

from __future__ import annotations

from typing import Any

from tinhso.dossiers.access import work_agency_ids
from tinhso.identity.access import is_provincial_administrator
from tinhso.lib.errors import NotFound
from tinhso.payments.models import PaymentIntent


def may_see(user: Any, intent: PaymentIntent) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    dossier = intent.dossier
    if dossier.applicant_id and dossier.applicant_id == user.pk:
        return True
    return is_provincial_administrator(user) or dossier.agency_id in work_agency_ids(user)


def get_intent_for(user: Any, order_ref: str) -> PaymentIntent:
    reference = (order_ref or "").strip().upper()[:64]
    intent = (
        PaymentIntent.objects.select_related(
            "dossier__agency__parent", "dossier__procedure_version"
        )
        .filter(order_ref=reference)
        .first()
    )
    if intent is None or not may_see(user, intent):
        raise NotFound(f"Không tìm thấy giao dịch {reference}.")
    return intent
