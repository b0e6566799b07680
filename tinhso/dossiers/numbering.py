"""Dossier codes: ``<QCVN 102 code of the receiving agency>-YYMMDD-NNNN`` (TT 01/2018 Art. 19),
per agency and reception day, gap-free: the counter row is incremented in the same transaction
that creates the dossier, so a rolled-back creation gives its number back."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F

from tinhso.dossiers.models import DossierCounter
from tinhso.lib.errors import Conflict
from tinhso.organizations.models import Agency

MAX_PER_DAY = 9999


def next_dossier_code(agency: Agency, day: dt.date) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_dossier_code must run inside the creating transaction")
    counter = DossierCounter.objects.filter(agency=agency, day=day)
    if not counter.exists():
        try:
            with transaction.atomic():
                DossierCounter.objects.create(agency=agency, day=day, last_number=0)
        except IntegrityError:
            pass  # created by a concurrent reception: fall through to the increment
    # The UPDATE takes the row lock (PostgreSQL) and serialises concurrent receptions of the
    # same agency and day until commit; SQLite serialises writers anyway.
    counter.update(last_number=F("last_number") + 1)
    number = counter.values_list("last_number", flat=True).get()
    if number > MAX_PER_DAY:
        raise Conflict(f"{agency.code} đã tiếp nhận {MAX_PER_DAY} hồ sơ trong ngày {day}.")
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"
