"""Bulk writing of generated rows: PostgreSQL ``COPY`` through psycopg 3 (the fastest way in),
Django's ``bulk_create`` elsewhere (SQLite, for the tests' tiny provinces)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, models

Row = tuple[Any, ...]


def _plain(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


class TableWriter:
    """Collects rows of one model, in the order of ``columns`` (attribute names); columns the
    generator does not know about (added to the model later) get their default."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in columns if name not in fields]
        if unknown:
            raise ImproperlyConfigured(f"{model.__name__} has no column(s) {unknown}")
        extra = [f for name, f in fields.items() if name not in columns]
        missing = [f.attname for f in extra if not (f.has_default() or f.null)]
        if missing:
            raise ImproperlyConfigured(
                f"{model.__name__}: the benchmark seed does not fill {missing}; "
                "teach tinhso/bench/seed.py about the new column(s)."
            )
        self.model = model
        self.columns = (*columns, *(f.attname for f in extra))
        self.extra: Row = tuple(_plain(f.get_default()) if f.has_default() else None for f in extra)
        self.json_columns = [
            i for i, name in enumerate(self.columns) if isinstance(fields[name], models.JSONField)
        ]
        self.rows: list[Row] = []
        self.written = 0

    def add(self, row: Row) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            self._copy()
        else:
            self._bulk_create()
        self.written += len(self.rows)
        self.rows = []

    def _copy(self) -> None:
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        names = ", ".join(quote(name) for name in self.columns)
        extra = self.extra
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                write = copy.write_row
                if extra:
                    for row in self.rows:
                        write(row + extra)
                else:
                    for row in self.rows:
                        write(row)

    def _bulk_create(self) -> None:
        objects = []
        for row in self.rows:
            values = list(row + self.extra)
            for i in self.json_columns:
                if isinstance(values[i], str):
                    values[i] = json.loads(values[i])
            objects.append(self.model(**dict(zip(self.columns, values, strict=True))))
        self.model._default_manager.bulk_create(objects, batch_size=2000)


def next_id(model: type[models.Model]) -> int:
    result = model._default_manager.aggregate(last=models.Max("pk"))["last"]
    return int(result or 0) + 1


def reset_sequences(*bench_models: type[models.Model]) -> None:
    """Explicit ids were written: move the id sequences past them (PostgreSQL; SQLite needs
    nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(bench_models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def analyze(*bench_models: type[models.Model]) -> None:
    """Fresh planner statistics after a bulk load (autovacuum would get there, later)."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in bench_models:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
