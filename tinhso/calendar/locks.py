"""Locks for the calendar app, in one place so that their order and scope are easy to review."""

from __future__ import annotations

from django.db import connection

# An arbitrary, fixed key for PostgreSQL's advisory locks (bigint); one per protected resource.
WORKING_PERIODS_LOCK_KEY = 7_301_202_501


def lock_working_periods() -> None:
    """Serialise replacements of the office hours until the end of the current transaction.

    Replacing the periods deletes and inserts rows; two concurrent replacements on PostgreSQL
    (READ COMMITTED) could otherwise leave the union of both sets. SQLite needs nothing: its
    IMMEDIATE transactions already admit one writer at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WORKING_PERIODS_LOCK_KEY])
