"""Agencies: the tree of the agencies an administrator manages, creating one, editing one
(optimistic concurrency: a form based on an old version is refused with a clear message) and,
for a provincial administrator, merging one into another after a confirmation page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tinhso.administration import idempotency
from tinhso.administration.access import (
    administrator_required,
    provincial_administrator_required,
    signed_in_user,
)
from tinhso.administration.forms import AgencyCreateForm, AgencyEditForm, MergeForm
from tinhso.administration.queries import agency_tree, managed_agencies, today
from tinhso.administration.views import form_key, page, show_domain_error, with_key
from tinhso.identity.access import (
    get_agency_for,
    is_provincial_administrator,
    manageable_agency_ids,
)
from tinhso.lib.errors import DomainError, NotFound
from tinhso.organizations.models import Agency
from tinhso.organizations.services import create_agency, merge_agencies, update_agency

EDIT_FIELDS = (
    "name",
    "short_name",
    "kind",
    "level",
    "parent_code",
    "administrative_unit_code",
    "email",
    "phone",
    "address",
)


def _agency(user: Any, code: str) -> Agency:
    try:
        return get_agency_for(user, code, for_write=True)
    except NotFound:
        raise Http404 from None


def agency_url(agency: Agency) -> str:
    return reverse("administration:agency", args=[agency.code])


@administrator_required
def agency_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    show_retired = request.GET.get("da_giai_the") == "1"
    return page(
        request,
        "administration/agency_list.html",
        {
            "rows": agency_tree(manageable_agency_ids(user), include_retired=show_retired),
            "show_retired": show_retired,
            "provincial": is_provincial_administrator(user),
        },
    )


def _parents(user: Any, agency: Agency | None = None) -> list[Agency]:
    """Possible parents: the active agencies the user manages (all of them for a provincial
    administrator) except the agency itself, plus its current parent (an agency administrator
    keeps the parent they cannot manage). The service refuses loops in the tree."""
    agencies = [
        candidate
        for candidate in managed_agencies(manageable_agency_ids(user))
        if agency is None or candidate.pk != agency.pk
    ]
    parent = agency.parent if agency is not None else None
    if parent is not None and all(candidate.pk != parent.pk for candidate in agencies):
        agencies.insert(0, parent)
    return agencies


@administrator_required
@require_http_methods(["GET", "POST"])
def agency_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    parents = _parents(user)
    provincial = is_provincial_administrator(user)
    if request.method != "POST":
        form = AgencyCreateForm(initial=with_key({"level": "province"}), parents=parents)
        return page(request, "administration/agency_form.html", {"form": form, "agency": None})
    form = AgencyCreateForm(request.POST, parents=parents)
    if form.is_valid() and not provincial and not form.cleaned_data["parent_code"]:
        form.add_error("parent_code", _("Chọn cơ quan cấp trên trong số các cơ quan bạn quản lý."))
    if not form.is_valid():
        return page(
            request,
            "administration/agency_form.html",
            {"form": form, "agency": None},
            failed=True,
        )
    data = form.cleaned_data

    def create() -> str:
        agency = create_agency(
            actor=user,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            level=data["level"],
            parent_code=data["parent_code"] or None,
            short_name=data["short_name"],
            administrative_unit_code=data["administrative_unit_code"] or None,
            email=data["email"],
            phone=data["phone"],
            address=data["address"],
            valid_from=data["valid_from"],
        )
        return agency_url(agency)

    try:
        url, done = idempotency.run_once(user, form_key(form), create)
    except DomainError as error:
        show_domain_error(form, error)
        return page(
            request,
            "administration/agency_form.html",
            {"form": form, "agency": None},
            failed=True,
        )
    if done:
        messages.success(request, _("Đã thêm cơ quan, đơn vị."))
    return redirect(url)


@administrator_required
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = signed_in_user(request)
    agency = _agency(user, code)
    parents = _parents(user, agency)
    context: dict[str, Any] = {"agency": agency, "provincial": is_provincial_administrator(user)}
    if request.method != "POST":
        initial = {
            "name": agency.name,
            "short_name": agency.short_name,
            "kind": agency.kind,
            "level": agency.level,
            "parent_code": agency.parent.code if agency.parent else "",
            "administrative_unit_code": agency.administrative_unit.code
            if agency.administrative_unit
            else "",
            "email": agency.email,
            "phone": agency.phone,
            "address": agency.address,
            "version": agency.version,
        }
        form = AgencyEditForm(initial=with_key(initial), parents=parents)
        return page(request, "administration/agency_form.html", {**context, "form": form})
    form = AgencyEditForm(request.POST, parents=parents)
    if not form.is_valid():
        return page(
            request, "administration/agency_form.html", {**context, "form": form}, failed=True
        )
    data = form.cleaned_data
    changes = {name: data[name] for name in EDIT_FIELDS}
    changes["parent_code"] = changes["parent_code"] or None
    changes["administrative_unit_code"] = changes["administrative_unit_code"] or None

    def update() -> str:
        update_agency(
            agency,
            actor=user,
            expected_version=data["version"],
            changes=changes,
            effective_on=data["effective_on"],
        )
        return agency_url(agency)

    try:
        url, done = idempotency.run_once(user, form_key(form), update)
    except DomainError as error:
        if error.code == "stale_version":
            form.add_error(
                None,
                _(
                    "Trong lúc bạn sửa, người khác đã lưu thay đổi cơ quan này. Thông tin dưới "
                    "đây là bản bạn đã nhập; hãy mở lại trang để xem bản mới nhất rồi sửa lại."
                ),
            )
        else:
            show_domain_error(form, error)
        return page(
            request, "administration/agency_form.html", {**context, "form": form}, failed=True
        )
    if done:
        messages.success(request, _("Đã lưu thông tin cơ quan."))
    return redirect(url)


@provincial_administrator_required
@require_http_methods(["GET", "POST"])
def agency_merge(request: HttpRequest, code: str) -> HttpResponse:
    """Two steps: the form, then a confirmation page that says what will happen; only the
    confirmed submission merges."""
    user = signed_in_user(request)
    if not is_provincial_administrator(user):
        raise PermissionDenied
    agency = _agency(user, code)
    successors = [a for a in Agency.objects.active().order_by("code") if a.pk != agency.pk]
    context: dict[str, Any] = {"agency": agency}
    if request.method != "POST":
        form = MergeForm(initial=with_key({"effective_on": today()}), successors=successors)
        return page(request, "administration/agency_merge.html", {**context, "form": form})
    form = MergeForm(request.POST, successors=successors)
    if not form.is_valid():
        return page(
            request, "administration/agency_merge.html", {**context, "form": form}, failed=True
        )
    data = form.cleaned_data
    successor = next(a for a in successors if a.code == data["successor"])
    if not data["confirmed"]:
        confirm = MergeForm(
            initial={**data, "confirmed": True, "idempotency_key": form_key(form)},
            successors=successors,
        )
        return page(
            request,
            "administration/agency_merge_confirm.html",
            {**context, "form": confirm, "successor": successor, "data": data},
        )

    def merge() -> str:
        merge_agencies(
            actor=user,
            predecessor_codes=[agency.code],
            successor_code=successor.code,
            effective_on=data["effective_on"],
            reason=data["reason"],
        )
        return agency_url(successor)

    try:
        url, done = idempotency.run_once(user, form_key(form), merge)
    except DomainError as error:
        show_domain_error(form, error)
        return page(
            request, "administration/agency_merge.html", {**context, "form": form}, failed=True
        )
    if done:
        messages.success(
            request,
            _("Đã sáp nhập %(old)s vào %(new)s.") % {"old": agency.name, "new": successor.name},
        )
    return redirect(url)
