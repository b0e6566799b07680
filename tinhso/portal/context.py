"""Template context shared by every page (see settings.TEMPLATES)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from tinhso.portal.queries import province_name, root_agency

SITE_NAME = "Tỉnh số"


def site(request: HttpRequest) -> dict[str, Any]:
    """``province_name`` is a memoised callable: templates call it on first use, so pages that
    never show it (the admin, for instance) pay no query, and pages that do pay one."""

    @functools.cache
    def current_province_name() -> str:
        return province_name(root_agency())

    province: Callable[[], str] = current_province_name
    return {"site_name": SITE_NAME, "province_name": province}
