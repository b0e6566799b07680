"""The two ceiling views of the benchmark: what the stack (gunicorn, Django, the middleware, one
database round trip) can serve at best, so that every endpoint is reported as a share of it.
Mounted under ``/bench/`` only when ``TINHSO_BENCH=true`` (see docs/performance.md)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from tinhso.dossiers.models import Dossier


@require_GET
def trivial(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def one_row(request: HttpRequest, pk: int) -> JsonResponse:
    row = Dossier.objects.filter(pk=pk).values("code", "status").first()
    if row is None:
        raise Http404
    return JsonResponse(row)
