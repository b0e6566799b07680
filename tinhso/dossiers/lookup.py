"""Public lookup by dossier code and a second factor (the applicant's phone number or ID number).
Answers the same "not found" for a wrong code and a wrong factor, and returns no personal data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from tinhso.dossiers.reads import lookup_document


def lookup_dossier(code: str, factor: str) -> dict[str, Any]:
    """The public answer (``reads.lookup_document``) with the instant it was given."""
    return {**lookup_document(code, factor), "looked_up_at": timezone.now()}


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
