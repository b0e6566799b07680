"""Domain errors raised by service functions.

Each carries a machine ``code`` and a Vietnamese ``detail``; the API turns them into
``application/problem+json`` responses and the CLI into a message and a non-zero exit.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "error"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.extra = extra


class NotFound(DomainError):
    """Unknown, or not visible to the caller: the two are deliberately indistinguishable."""

    status = 404
    code = "not_found"


class InvalidInput(DomainError):
    status = 422
    code = "invalid"


class Conflict(DomainError):
    """The state changed under the caller (stale version, illegal transition, duplicate)."""

    status = 409
    code = "conflict"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"
