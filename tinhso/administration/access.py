"""Who may use the administration pages.

A provincial administrator manages everything; an agency administrator manages their agencies
(and sub-units) and the staff working there, through
:func:`tinhso.identity.access.manageable_agency_ids`. Anyone else signed in gets the 403 page;
anonymous visitors are sent to sign in and brought back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from tinhso.identity.access import is_provincial_administrator, manageable_agency_ids
from tinhso.identity.models import User

View = Callable[..., HttpResponse]


def signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def is_administrator(user: Any) -> bool:
    """A staff member holding either administrator role today."""
    if not isinstance(user, User) or user.kind != User.Kind.STAFF:
        return False
    return bool(manageable_agency_ids(user))


def _guard(check: Callable[[User], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            user = signed_in_user(request)
            if user.kind != User.Kind.STAFF or not check(user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


administrator_required = _guard(is_administrator)
provincial_administrator_required = _guard(is_provincial_administrator)
