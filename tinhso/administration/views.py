"""The administration index and the helpers every administration page shares.

Views are thin: they parse a form, call a service function (catalog, organizations, identity,
calendar), and turn its ``DomainError`` into errors next to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from tinhso.administration import idempotency
from tinhso.administration.access import administrator_required, signed_in_user
from tinhso.administration.forms import apply_errors
from tinhso.administration.queries import index_counts
from tinhso.identity.access import is_provincial_administrator, manageable_agency_ids
from tinhso.lib.errors import DomainError


def optional_url(name: str, *args: Any) -> str:
    """The URL of a page another part of the platform may not have installed (else "")."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def show_domain_error(form: forms.Form, error: DomainError, aliases: Any = None) -> None:
    """A service refused: its per-field messages go next to the fields, anything else (and
    every conflict) at the top of the form."""
    before = sum(len(messages) for messages in form.errors.values())
    apply_errors(form, error.extra.get("errors"), aliases)
    if sum(len(messages) for messages in form.errors.values()) == before:
        form.add_error(None, error.detail)


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    failed: bool = False,
) -> HttpResponse:
    """Render an administration page; a failed form answers 422 and its title starts with
    "Lỗi: " (the templates read ``failed``)."""
    return render(request, template, {**context, "failed": failed}, status=422 if failed else 200)


def form_key(form: forms.Form) -> str:
    return idempotency.clean_key(form.data.get(idempotency.KEY_FIELD) if form.is_bound else "")


def with_key(initial: dict[str, Any] | None = None) -> dict[str, Any]:
    return {**(initial or {}), idempotency.KEY_FIELD: idempotency.new_key()}


@administrator_required
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    provincial = is_provincial_administrator(user)
    return page(
        request,
        "administration/index.html",
        {
            "provincial": provincial,
            "counts": index_counts(manageable_agency_ids(user), provincial=provincial),
            "notification_templates_url": optional_url("notifications:templates"),
        },
    )
