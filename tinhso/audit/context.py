"""Who is acting and on which request: filled by the middleware (web) or the CLI."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    request_id: str = ""
    ip_address: str | None = None
    actor_label: str = ""


_EMPTY = AuditContext()
_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "tinhso_audit_context", default=None
)


def current() -> AuditContext:
    return _current.get() or _EMPTY


@contextlib.contextmanager
def bind(context: AuditContext) -> Iterator[AuditContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
