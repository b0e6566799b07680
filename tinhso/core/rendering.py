"""How the API writes JSON: instants in Vietnamese local time. Shared by the NinjaAPI (every
schema's answer) and :func:`api_response` (documents built by hand, decision 0009), so that
both look the same to an integrator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class LocalTimeEncoder(NinjaJSONEncoder):
    """Instants leave the API in Vietnamese local time (+07:00), as people read them."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime) and timezone.is_aware(o):
            return timezone.localtime(o).isoformat()
        return super().default(o)


class LocalTimeRenderer(JSONRenderer):
    encoder_class = LocalTimeEncoder


RENDERER = LocalTimeRenderer()


def api_response(request: HttpRequest, document: Any, status: int = 200) -> HttpResponse:
    """A JSON answer built by hand, rendered exactly as the schemas' answers."""
    content = RENDERER.render(request, document, response_status=status)
    return HttpResponse(
        content, status=status, content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}"
    )
