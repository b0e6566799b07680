"""Portal pages: home, sign-in/out, the staff workspace and the account page.

Views only gather values from :mod:`tinhso.portal.queries` and render; no business rules here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tinhso.identity.models import User
from tinhso.portal.forms import SignInForm
from tinhso.portal.queries import (
    portal_statistics,
    province_name,
    root_agency,
    top_level_agencies,
)


def _signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required has run; this narrows the type
        raise PermissionDenied
    return user


def mask_citizen_id(citizen_id: str | None) -> str:
    """Show only the last three digits, as on printed receipts."""
    if not citizen_id:
        return ""
    return "•" * max(len(citizen_id) - 3, 0) + citizen_id[-3:]


def home(request: HttpRequest) -> HttpResponse:
    root = root_agency()
    return render(
        request,
        "portal/home.html",
        {
            "statistics": portal_statistics(),
            "root_agency": root,
            "province": province_name(root),
            "agencies": top_level_agencies(root),
        },
    )


class SignInView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        context["cooloff_minutes"] = round(settings.AXES_COOLOFF_TIME * 60)
        return context


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET); says goodbye on the next page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, _("Bạn đã đăng xuất."))
        return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    return render(
        request,
        "portal/account.html",
        {"account": user, "masked_citizen_id": mask_citizen_id(user.citizen_id)},
    )


def lookup(request: HttpRequest) -> HttpResponse:
    """Public lookup by dossier code and the applicant's phone or ID number; the QR code on
    every form lands here with the code filled in."""
    from tinhso.audit.middleware import client_ip
    from tinhso.dossiers.lookup import allow_lookup, lookup_dossier
    from tinhso.lib.errors import DomainError

    code = (request.GET.get("ma") or "").strip()
    factor = (request.GET.get("so") or "").strip()
    context: dict[str, Any] = {"code": code, "factor": factor, "result": None, "errors": {}}
    status = 200
    if code and factor:
        if not allow_lookup(client_ip(request) or "unknown"):
            context["errors"] = {"ma": _("Bạn đã tra cứu quá nhiều lần; vui lòng thử lại sau.")}
            status = 429
        else:
            try:
                context["result"] = lookup_dossier(code, factor)
            except DomainError as exc:
                context["errors"] = {"ma": exc.detail}
                status = 404 if exc.status == 404 else 422
    elif "so" in request.GET and not factor:
        context["errors"] = {"so": _("Nhập số điện thoại hoặc số giấy tờ của người nộp hồ sơ.")}
        status = 422
    return render(request, "portal/lookup.html", context, status=status)
