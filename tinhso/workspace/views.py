"""The staff worklist: tabs per role with counts, filters, sorting, pagination."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tinhso.identity.models import User
from tinhso.portal.queries import active_role_assignments
from tinhso.workspace.dossier_views import staff_only
from tinhso.workspace.forms import WorklistFilterForm
from tinhso.workspace.queries import (
    Scope,
    WorklistFilters,
    due_soon_horizon,
    procedure_choices,
    tab_slugs,
    worklist_page,
    worklist_tabs,
)

FILTER_NAMES = ("q", "procedure", "status", "received_from", "received_to", "sort")


@require_GET
@staff_only
def worklist(request: HttpRequest, user: User) -> HttpResponse:
    now = timezone.now()
    horizon = due_soon_horizon(now)
    scope = Scope.of(user)
    slugs = tab_slugs(scope)
    current = request.GET.get("danh-sach", "")
    if current not in slugs:
        # The first tab of the person's roles; without one (an administrator), everything.
        current = slugs[0] if slugs[0] not in ("due_soon", "overdue") else "all"
    form = WorklistFilterForm(
        request.GET if any(name in request.GET for name in FILTER_NAMES) else None,
        procedures=procedure_choices(user),
    )
    filters = WorklistFilters()
    if form.is_bound:
        # Fields in error are left out of cleaned_data: the valid ones still apply.
        form.is_valid()
        data = form.cleaned_data
        filters = WorklistFilters(
            procedure=data.get("procedure") or "",
            status=data.get("status") or "",
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            text=(data.get("q") or "").strip(),
            sort=data.get("sort") or "due",
        )
    tabs = worklist_tabs(user, scope, current, now, horizon)
    result = worklist_page(
        user,
        scope,
        current,
        filters,
        page_number=request.GET.get("trang"),
        now=now,
        horizon=horizon,
    )
    query = request.GET.copy()
    query.pop("trang", None)
    tab_query = query.copy()
    tab_query.pop("danh-sach", None)
    return render(
        request,
        "workspace/worklist.html",
        {
            "account": user,
            "assignments": active_role_assignments(user),
            "tabs": tabs,
            "current_tab": next(tab for tab in tabs if tab.current),
            "current": current,
            "form": form,
            "failed": form.is_bound and not form.is_valid(),
            "filtered": filters != WorklistFilters(),
            "result": result,
            "page_query": query.urlencode(),
            "tab_query": tab_query.urlencode(),
        },
    )
