"""Template context shared by every page (see settings.TEMPLATES)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tinhso.identity.models import Role, User
from tinhso.portal.queries import province_name, root_agency

SITE_NAME = "Tỉnh số"
ADMINISTRATOR_ROLES = {Role.AGENCY_ADMINISTRATOR, Role.PROVINCIAL_ADMINISTRATOR}


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url: str
    current: bool


def _items(request: HttpRequest) -> list[NavigationItem]:
    """The main navigation for who is signed in. A page that is not installed (its URL name
    does not resolve) is simply left out."""
    user = getattr(request, "user", None)
    wanted: list[tuple[str, str]] = [("portal:procedures", pgettext("navigation", "Thủ tục"))]
    if isinstance(user, User) and user.is_authenticated:
        if user.kind == User.Kind.STAFF:
            from tinhso.identity.access import active_assignments

            roles = {assignment.role for assignment in active_assignments(user)}
            wanted.append(("workspace:worklist", _("Việc của tôi")))
            if Role.ONE_STOP_OFFICER in roles:
                wanted.append(("workspace:desk", _("Tiếp nhận")))
            wanted.append(("workspace:dashboard", _("Thống kê")))
            if roles & ADMINISTRATOR_ROLES:
                wanted.append(("administration:index", _("Quản lý")))
        else:
            wanted.append(("portal:my_dossiers", _("Hồ sơ của tôi")))
    match = getattr(request, "resolver_match", None)
    current_path = request.path
    items = []
    for name, label in wanted:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = bool(match and match.view_name == name) or (
            url != "/" and current_path.startswith(url) and name != "workspace:worklist"
        )
        items.append(NavigationItem(label=label, url=url, current=current))
    return items


def site(request: HttpRequest) -> dict[str, Any]:
    """``province_name`` is a memoised callable: templates call it on first use, so pages that
    never show it (the admin, for instance) pay no query, and pages that do pay one. The
    navigation is lazy for the same reason."""

    @functools.cache
    def current_province_name() -> str:
        return province_name(root_agency())

    province: Callable[[], str] = current_province_name
    return {
        "site_name": SITE_NAME,
        "province_name": province,
        "navigation": SimpleLazyObject(lambda: _items(request)),
    }
