"""The agency dashboard: the early / on-time / late table per procedure for an agency and a
period, as the province's one-stop reports print it, with the XLSX and register downloads of
the statistics API (the browser's session signs those requests in)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from tinhso.identity.models import User
from tinhso.lib.errors import InvalidInput
from tinhso.printing.schemas import MAX_REGISTER_ROWS
from tinhso.workspace import desk_queries as queries
from tinhso.workspace.desk_forms import DashboardForm

FIELDS = ("agency", "period", "year", "month", "quarter", "date_from", "date_to")


def _download_links(table: queries.StatisticsTable) -> dict[str, str]:
    period = {"from": table.start.isoformat(), "to": table.end.isoformat()}
    xlsx = (
        reverse("api:dossier_statistics_view")
        + "?"
        + urlencode(
            {**period, "agency": table.agency_code, "group_by": "procedure", "format": "xlsx"}
        )
    )
    register = (
        reverse("api:register_pdf") + "?" + urlencode({"agency": table.agency_code, **period})
    )
    return {"xlsx": xlsx, "register": register}


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or user.kind != User.Kind.STAFF:
        raise PermissionDenied
    agencies = queries.dashboard_agencies(user)
    if not agencies:
        raise PermissionDenied
    asked = any(name in request.GET for name in FIELDS)
    form = DashboardForm(
        request.GET if asked else DashboardForm.defaults(agencies), agencies=agencies
    )
    table: queries.StatisticsTable | None = None
    if form.is_valid() and "start" in form.cleaned_data:
        try:
            table = queries.statistics_table(
                user,
                form.cleaned_data["agency"],
                form.cleaned_data["start"],
                form.cleaned_data["end"],
            )
        except InvalidInput as exc:
            fields = (exc.extra.get("errors") or {}).keys()
            form.add_error("date_to" if "to" in fields else None, exc.detail)
    context: dict[str, Any] = {
        "form": form,
        "table": table,
        "failed": bool(form.errors),
        "links": _download_links(table) if table else {},
        "max_register_rows": MAX_REGISTER_ROWS,
    }
    return render(
        request, "workspace/dashboard/index.html", context, status=422 if form.errors else 200
    )
