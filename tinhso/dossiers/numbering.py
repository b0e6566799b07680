"""Dossier codes: ``<QCVN 102 code of the receiving agency>-YYMMDD-NNNN`` (TT 01/2018 Art. 19),
per agency and reception day, gap-free: the counter row is incremented in the same transaction
that creates the dossier, so a rolled-back creation gives its number back."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction

from tinhso.dossiers.models import DossierCounter
from tinhso.lib.errors import Conflict
from tinhso.lib.sql import fetch, table
from tinhso.organizations.models import Agency

MAX_PER_DAY = 9999


def _increment(agency: Agency, day: dt.date) -> int | None:
    """Add one to the counter and read it back in one statement (``UPDATE … RETURNING``,
    PostgreSQL and SQLite ≥ 3.35); None when the day has no counter yet. The UPDATE takes the
    row lock (PostgreSQL) and serialises concurrent receptions of the same agency and day until
    commit; SQLite serialises writers anyway."""
    meta = DossierCounter._meta
    quote = connection.ops.quote_name
    number = quote(meta.get_field("last_number").column)
    # Only quoted names from the model's metadata in the text; the values are parameters.
    sql = (
        f"UPDATE {table(DossierCounter)} SET {number} = {number} + 1 "  # noqa: S608
        f"WHERE {quote(meta.get_field('agency').column)} = %s "
        f"AND {quote(meta.get_field('day').column)} = %s RETURNING {number}"
    )
    rows = fetch(sql, [agency.pk, connection.ops.adapt_datefield_value(day)])
    return int(rows[0][0]) if rows else None


def next_dossier_code(agency: Agency, day: dt.date) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_dossier_code must run inside the creating transaction")
    number = _increment(agency, day)
    if number is None:  # the day's first dossier at this agency
        try:
            with transaction.atomic():
                DossierCounter.objects.create(agency=agency, day=day, last_number=0)
        except IntegrityError:
            pass  # created by a concurrent reception: fall through to the increment
        number = _increment(agency, day)
        assert number is not None
    if number > MAX_PER_DAY:
        raise Conflict(f"{agency.code} đã tiếp nhận {MAX_PER_DAY} hồ sơ trong ngày {day}.")
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"
