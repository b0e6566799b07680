"""API tokens: ``tsk_<prefix>_<secret>``; only the hash is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import cache
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhso.audit.services import record
from tinhso.identity.models import ApiToken, User
from tinhso.lib.errors import InvalidInput, NotFound
from tinhso.lib.sql import Loader, fetch, instant, table
from tinhso.lib.text import normalize_text

# last_used_at is refreshed at most this often, so that reads do not become writes.
TOUCH_INTERVAL = dt.timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    name = normalize_text(name)
    if not name:
        raise InvalidInput("Cần đặt tên cho khoá API.", errors={"name": "trống"})
    if not user.is_active:
        raise InvalidInput("Tài khoản đã bị khoá.")
    prefix = secrets.token_hex(4)
    token = f"tsk_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        api_token = ApiToken.objects.create(
            user=user, name=name, prefix=prefix, secret_hash=_hash(token)
        )
        record(
            "identity.token.create",
            actor=actor,
            target=api_token,
            after={"user": user.username, "name": name, "prefix": prefix},
        )
    return api_token, token


def revoke_token(*, actor: Any, prefix: str) -> ApiToken:
    with transaction.atomic():
        api_token = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
        if api_token is None:
            raise NotFound(f"Không có khoá API đang dùng với tiền tố {prefix!r}.")
        api_token.revoked_at = timezone.now()
        api_token.save(update_fields=["revoked_at"])
        record("identity.token.revoke", actor=actor, target=api_token)
    return api_token


@cache
def _token_query() -> tuple[Loader, str]:
    users = Loader(User)
    return users, (
        f"SELECT {users.columns('u')}, t.id, t.last_used_at "  # noqa: S608
        f"FROM {table(ApiToken)} t JOIN {table(User)} u ON u.id = t.user_id "
        "WHERE t.secret_hash = %s AND t.revoked_at IS NULL AND u.is_active"
    )


def user_for_token(token: str) -> User | None:
    """The active account of an unrevoked token (one plain query: it runs on every API call)."""
    if not token.startswith("tsk_"):
        return None
    users, sql = _token_query()
    rows = fetch(sql, [_hash(token)])
    if not rows:
        return None
    user: User = users.load(rows[0])
    token_pk, last_used_at = rows[0][-2], instant(rows[0][-1])
    now = timezone.now()
    if last_used_at is None or now - last_used_at > TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token_pk).update(last_used_at=now)
    return user
