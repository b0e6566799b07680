"""Gives every request an id (kept from a well-formed ``X-Request-ID`` or generated) and binds
it, with the client address, to the audit context."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tinhso.audit.context import AuditContext, bind

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    if proxies:
        forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        with bind(AuditContext(request_id=request_id, ip_address=client_ip(request))):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
