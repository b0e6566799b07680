"""The desk officer's postal page of a dossier: create a shipment, record its states. Thin: forms
are parsed here, rules live in :mod:`tinhso.postal.services`, data comes from queries."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tinhso.dossiers.access import get_dossier_for
from tinhso.dossiers.models import Dossier
from tinhso.lib.errors import DomainError, NotFound
from tinhso.postal import queries, services
from tinhso.postal.forms import ShipmentForm, StateForm

#: What the officer most likely records next (the form's preselected state).
NEXT_STATE = {"created": "handed_over", "handed_over": "in_transit", "in_transit": "delivered"}


def _fail(form: forms.Form, exc: DomainError) -> None:
    placed = False
    for name, message in (exc.extra.get("errors") or {}).items():
        if name in form.fields:
            form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


def _done(dossier: Dossier, what: str, number: str) -> HttpResponse:
    """Post/redirect/get. The confirmation travels in the query string rather than through
    django.contrib.messages: base.html lists messages in a <ul role="status">, which axe
    rejects (listitem), so this page shows its own notice."""
    url = reverse("postal:shipments", kwargs={"code": dossier.code})
    return redirect(f"{url}?{urlencode({'xong': what, 'so': number})}")


def _confirmation(request: HttpRequest) -> str:
    number = request.GET.get("so", "")
    if not services.TRACKING.match(number):
        return ""
    if request.GET.get("xong") == "tao":
        return _("Đã tạo bưu gửi %(number)s.") % {"number": number}
    if request.GET.get("xong") == "ghi":
        return _("Đã ghi nhận trạng thái bưu gửi %(number)s.") % {"number": number}
    return ""


def _key() -> dict[str, str]:
    return {"idempotency_key": uuid.uuid4().hex}


def _dossier(request: HttpRequest, code: str) -> Dossier:
    try:
        dossier = get_dossier_for(request.user, code)
    except NotFound:
        raise Http404 from None
    if not services.is_desk_officer(request.user, dossier):
        raise PermissionDenied
    return dossier


@login_required
def shipments(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _dossier(request, code)
    summary = queries.postal_summary(dossier)
    create_form = ShipmentForm(prefix="new", initial=_key())
    state_forms = {
        s["id"]: StateForm(
            prefix=f"s{s['id']}", initial={**_key(), "state": NEXT_STATE.get(s["state"])}
        )
        for s in summary["shipments"]
    }
    failed: forms.Form | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            create_form = ShipmentForm(request.POST, prefix="new")
            if create_form.is_valid():
                try:
                    shipment, _created = services.create_shipment(
                        actor=request.user, dossier=dossier, **create_form.cleaned_data
                    )
                except DomainError as exc:
                    _fail(create_form, exc)
                else:
                    return _done(dossier, "tao", shipment.tracking_number)
            failed = create_form
        elif action == "record":
            try:
                shipment_id = int(request.POST.get("shipment", ""))
                shipment = services.get_shipment(dossier, shipment_id)
            except (ValueError, NotFound):
                raise Http404 from None
            form = StateForm(request.POST, prefix=f"s{shipment_id}")
            state_forms[shipment_id] = form
            if form.is_valid():
                try:
                    services.record_state(
                        actor=request.user, shipment=shipment, **form.cleaned_data
                    )
                except DomainError as exc:
                    _fail(form, exc)
                else:
                    return _done(dossier, "ghi", shipment.tracking_number)
            failed = form
        else:
            return HttpResponse(status=400)
    context: dict[str, Any] = {
        "dossier": dossier,
        "postal": summary,
        "create_form": create_form,
        "state_forms": state_forms,
        "form": failed,
        "confirmation": "" if failed else _confirmation(request),
    }
    for item in summary["shipments"]:
        item["form"] = state_forms.get(item["id"])
    return render(request, "postal/shipments.html", context, status=422 if failed else 200)
