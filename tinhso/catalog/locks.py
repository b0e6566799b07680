"""Row lock for a procedure: every change of a procedure's versions (numbering, publication
periods, retirement) takes it first, so concurrent publications cannot overlap on PostgreSQL. On
SQLite it is a no-op and IMMEDIATE transactions serialise writers; the compare-and-set updates in
the services keep the rules either way."""

from __future__ import annotations

from tinhso.catalog.models import Procedure


def lock_procedure(procedure_id: int) -> Procedure:
    return Procedure.objects.select_for_update(no_key=True).get(pk=procedure_id)
