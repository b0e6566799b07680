"""Hand-over of open work when agencies merge.

Apps that own work belonging to an agency (role assignments now; dossiers and documents later)
register a handler here from their ``AppConfig.ready``. The merger service calls every handler
inside its transaction, so a failing handler rolls the whole merger back. This keeps
``organizations`` free of imports from the apps above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

from tinhso.organizations.models import Agency


class TakeoverHandler(Protocol):
    def __call__(
        self, *, predecessor: Agency, successor: Agency, effective_on: dt.date, actor: Any
    ) -> dict[str, int]: ...


_handlers: dict[str, TakeoverHandler] = {}


def register(name: str) -> Callable[[TakeoverHandler], TakeoverHandler]:
    def decorator(handler: TakeoverHandler) -> TakeoverHandler:
        _handlers[name] = handler
        return handler

    return decorator


def run_handlers(
    *, predecessor: Agency, successor: Agency, effective_on: dt.date, actor: Any
) -> dict[str, dict[str, int]]:
    return {
        name: handler(
            predecessor=predecessor, successor=successor, effective_on=effective_on, actor=actor
        )
        for name, handler in sorted(_handlers.items())
    }
