"""Errors of the document store. They extend :class:`tinhso.lib.errors.DomainError`, so the API
renders them as ``application/problem+json`` with their status and the CLI as a message."""

from __future__ import annotations

from tinhso.lib.errors import DomainError


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    """The content is not an accepted type, or the name/declared type disagrees with it."""

    status = 415
    code = "unsupported_media_type"


class DocumentCorrupted(DomainError):
    """The stored bytes no longer match the checksum taken when they were received (storage
    tampered with or damaged): a server-side fault that must be noticed, never served."""

    status = 500
    code = "document_corrupted"
