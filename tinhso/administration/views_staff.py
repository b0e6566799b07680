"""Staff accounts and their roles in the agencies an administrator manages.

An agency administrator sees and changes only the staff of their agencies (and sub-units) and
cannot hand out the provincial administrator role; another agency's staff member is "not found".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.administration import idempotency
from tinhso.administration.access import administrator_required, signed_in_user
from tinhso.administration.forms import (
    AssignRoleForm,
    EndRoleForm,
    StaffCreateForm,
    StaffSearchForm,
)
from tinhso.administration.queries import (
    assignment_rows,
    get_open_assignment,
    get_staff_for,
    managed_agencies,
    staff_page,
    today,
)
from tinhso.administration.views import form_key, page, show_domain_error, with_key
from tinhso.identity.access import (
    get_agency_for,
    is_provincial_administrator,
    manageable_agency_ids,
)
from tinhso.identity.models import Role, User
from tinhso.identity.services import assign_role, create_user, revoke_role
from tinhso.lib.errors import DomainError, NotFound


def role_choices(user: User) -> list[tuple[str, str]]:
    """The roles ``user`` may hand out: all for a provincial administrator; an agency
    administrator cannot create provincial administrators."""
    if is_provincial_administrator(user):
        return list(Role.choices)
    return [
        (value, label) for value, label in Role.choices if value != Role.PROVINCIAL_ADMINISTRATOR
    ]


def _staff(agency_ids: set[int], username: str) -> User:
    try:
        return get_staff_for(agency_ids, username)
    except NotFound:
        raise Http404 from None


def staff_url(username: str) -> str:
    return reverse("administration:staff_member", args=[username])


@administrator_required
def staff_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    agency_ids = manageable_agency_ids(user)
    agencies = managed_agencies(agency_ids)
    form = StaffSearchForm(request.GET or None, agencies=agencies)
    values: dict[str, Any] = {"q": "", "agency": ""}
    if form.is_bound and form.is_valid():
        values.update(form.cleaned_data)
    current, rows = staff_page(
        agency_ids, values["q"], values["agency"], request.GET.get("trang", 1)
    )
    query = request.GET.copy()
    query.pop("trang", None)
    return page(
        request,
        "administration/staff_list.html",
        {"form": form, "page_obj": current, "rows": rows, "query": query.urlencode()},
    )


def _assign(actor: User, member: User, data: dict[str, Any]) -> None:
    """Assign the role and, when an end date is given, end it on that day (one transaction)."""
    agency = get_agency_for(actor, data["agency"], for_write=True)
    with transaction.atomic():
        assign_role(
            actor=actor,
            user=member,
            agency=agency,
            role=data["role"],
            valid_from=data["valid_from"],
        )
        if data.get("valid_to"):
            revoke_role(
                actor=actor,
                user=member,
                agency=agency,
                role=data["role"],
                valid_to=data["valid_to"],
            )


@administrator_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    agencies = managed_agencies(manageable_agency_ids(user))
    roles = role_choices(user)
    if request.method != "POST":
        form = StaffCreateForm(
            initial=with_key({"valid_from": today()}), agencies=agencies, roles=roles
        )
        return page(request, "administration/staff_form.html", {"form": form})
    form = StaffCreateForm(request.POST, agencies=agencies, roles=roles)
    if not form.is_valid():
        return page(request, "administration/staff_form.html", {"form": form}, failed=True)
    data = form.cleaned_data

    def create() -> str:
        member = create_user(
            actor=user,
            username=data["username"],
            kind=User.Kind.STAFF,
            full_name=data["full_name"],
            password=data["password"],
            email=data["email"],
            phone=data["phone"],
        )
        _assign(user, member, data)
        return staff_url(member.username)

    try:
        url, done = idempotency.run_once(user, form_key(form), create)
    except DomainError as error:
        show_domain_error(form, error)
        return page(request, "administration/staff_form.html", {"form": form}, failed=True)
    if done:
        messages.success(request, _("Đã tạo tài khoản cán bộ và giao vai trò."))
    return redirect(url)


def _member_page(
    request: HttpRequest,
    user: User,
    member: User,
    assign_form: AssignRoleForm | None = None,
    *,
    failed: bool = False,
) -> HttpResponse:
    agency_ids = manageable_agency_ids(user)
    if assign_form is None:
        assign_form = AssignRoleForm(
            initial=with_key({"valid_from": today()}),
            agencies=managed_agencies(agency_ids),
            roles=role_choices(user),
        )
    return page(
        request,
        "administration/staff_member.html",
        {
            "member": member,
            "assignments": [
                (row, idempotency.new_key()) for row in assignment_rows(member, agency_ids)
            ],
            "assign_form": assign_form,
            "default_end": today() - dt.timedelta(days=1),
        },
        failed=failed,
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def staff_member(request: HttpRequest, username: str) -> HttpResponse:
    user = signed_in_user(request)
    agency_ids = manageable_agency_ids(user)
    member = _staff(agency_ids, username)
    if request.method != "POST":
        return _member_page(request, user, member)
    form = AssignRoleForm(
        request.POST, agencies=managed_agencies(agency_ids), roles=role_choices(user)
    )
    if not form.is_valid():
        return _member_page(request, user, member, form, failed=True)

    def assign() -> str:
        _assign(user, member, form.cleaned_data)
        return staff_url(member.username)

    try:
        url, done = idempotency.run_once(user, form_key(form), assign)
    except DomainError as error:
        show_domain_error(form, error)
        return _member_page(request, user, member, form, failed=True)
    if done:
        messages.success(request, _("Đã giao vai trò."))
    return redirect(url)


@administrator_required
@require_POST
def role_end(request: HttpRequest, username: str, assignment: int) -> HttpResponse:
    user = signed_in_user(request)
    agency_ids = manageable_agency_ids(user)
    member = _staff(agency_ids, username)
    try:
        open_assignment = get_open_assignment(member, agency_ids, assignment)
    except NotFound:
        raise Http404 from None
    form = EndRoleForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect(staff_url(member.username))
    end: dt.date = form.cleaned_data["valid_to"]
    if end < open_assignment.valid_from:
        messages.error(request, _("Ngày kết thúc không được trước ngày bắt đầu giữ vai trò."))
        return redirect(staff_url(member.username))

    def end_role() -> str:
        revoke_role(
            actor=user,
            user=member,
            agency=open_assignment.agency,
            role=open_assignment.role,
            valid_to=end,
        )
        return staff_url(member.username)

    try:
        url, done = idempotency.run_once(user, form_key(form), end_role)
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect(staff_url(member.username))
    if done:
        messages.success(
            request,
            _("Vai trò kết thúc sau ngày %(day)s.") % {"day": f"{end:%d/%m/%Y}"},
        )
    return redirect(url)
