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
    """Rows of a statement run through Django's cursor (so errors, query logging and counting
    see it). Tried and dropped: server-side prepared statements on PostgreSQL made no
    measurable difference here (docs/performance.md)."""
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


class Loader:
    """Model instances from plain-SQL rows: ``columns(alias)`` names every concrete field's
    column for a SELECT, ``load(values)`` applies the conversions the ORM would (the backend's
    and the fields') and builds the instance with ``Model.from_db``."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]
        self._converters: list[tuple[int, list[Any], Any]] | None = None

    def columns(self, alias: str) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{alias}.{quote(field.column)}" for field in self.fields)

    def load(self, values: Sequence[Any]) -> Any:
        if self._converters is None:
            self._converters = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.model._meta.db_table)
                found = connection.ops.get_db_converters(column)
                found += field.get_db_converters(connection)  # type: ignore[attr-defined]
                if found:
                    self._converters.append((index, found, column))
        row = list(values[: len(self.fields)])
        for index, converters, column in self._converters:
            for converter in converters:
                row[index] = converter(row[index], column, connection)
        return self.model.from_db(connection.alias, self.attnames, row)
