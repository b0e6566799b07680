"""Small helpers shared by the pages and the API: PDF answers and "this form was already
submitted" (the idempotency key a page puts in a hidden field, remembered in the session)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

DONE_KEYS = "done_form_keys"
KEPT_KEYS = 50


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (print or save from there); never cached by proxies."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def already_done(request: HttpRequest, key: str) -> bool:
    """The form carrying ``key`` was already applied in this session (a double click, the
    back button, a resent page): the view shows the result instead of acting again."""
    return bool(key) and key in request.session.get(DONE_KEYS, [])


def remember(request: HttpRequest, key: str) -> None:
    if not key:
        return
    done = [k for k in request.session.get(DONE_KEYS, []) if k != key]
    request.session[DONE_KEYS] = [*done, key][-KEPT_KEYS:]
