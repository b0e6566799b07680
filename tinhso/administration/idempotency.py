"""Double submission of a form must not do the work twice.

Every form that creates or changes something carries a random key in a hidden field
(``idempotency_key``). :func:`run_once` records the key in the same transaction as the work: a
second submission with the same key (even a concurrent one, which waits on the unique index)
gets the first submission's result page instead of a second change. A submission that fails
validation records nothing, so the corrected form can be sent again with the same key.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from tinhso.administration.models import FormSubmission
from tinhso.identity.models import User

KEY_FIELD = "idempotency_key"
# A form left open longer than this and sent again is treated as new (and old keys are pruned).
KEY_LIFETIME = dt.timedelta(days=30)


def new_key() -> str:
    return secrets.token_urlsafe(24)


def clean_key(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    return text if 16 <= len(text) <= 64 else ""


def previous_result(user: User, key: str) -> str | None:
    if not key:
        return None
    return (
        FormSubmission.objects.filter(user=user, key=key)
        .values_list("result_url", flat=True)
        .first()
    )


def run_once(user: User, key: str, action: Callable[[], str]) -> tuple[str, bool]:
    """Run ``action`` (which returns the URL of its result) unless ``key`` was already used by
    ``user``; returns the result URL and whether the work was done now."""
    if not key:
        return action(), True
    done = previous_result(user, key)
    if done is not None:
        return done, False
    try:
        with transaction.atomic():
            FormSubmission.objects.filter(
                user=user, created_at__lt=timezone.now() - KEY_LIFETIME
            ).delete()
            submission = FormSubmission.objects.create(user=user, key=key, result_url="")
            url = action()
            FormSubmission.objects.filter(pk=submission.pk).update(result_url=url[:500])
    except IntegrityError:
        done = previous_result(user, key)
        if done is None:
            raise
        return done, False
    return url, True
