"""Small helpers for the few hot read paths written as plain SQL (decision 0009): table names
from the models, rows as tuples, and the value conversions Django's ORM would otherwise do
(SQLite hands back instants naive or as text, booleans as 0/1 and JSON as text; PostgreSQL
hands back JSON as text through Django's connection). Portable SQL only: both databases run
every path."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils.dateparse import parse_datetime


def table(model: type[Model]) -> str:
    """The quoted table name of ``model``, for an f-string of SQL (never user input)."""
    return connection.ops.quote_name(model._meta.db_table)


def fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def placeholders(count: int) -> str:
    """``%s, %s, …`` for an IN list (callers guarantee ``count`` ≥ 1)."""
    return ", ".join(["%s"] * count)


def instant(value: Any) -> dt.datetime | None:
    """An aware datetime (UTC) from what the database returned."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if parsed is None:
        raise ValueError(f"not an instant: {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)  # SQLite: naive UTC


def json_value(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value
