"""The staff workspace home."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tinhso.identity.models import User
from tinhso.portal.queries import active_role_assignments


def signed_in_staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    user = signed_in_staff(request)
    if user.kind != User.Kind.STAFF:
        return redirect("portal:account")
    return render(
        request,
        "workspace/worklist.html",
        {"account": user, "assignments": active_role_assignments(user)},
    )
