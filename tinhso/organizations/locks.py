"""Row locks for agencies, always taken in primary-key order so that concurrent mergers cannot
deadlock. On SQLite these are no-ops (writers are serialised by IMMEDIATE transactions); the
compare-and-set updates in the services keep correctness there."""

from __future__ import annotations

from collections.abc import Iterable

from tinhso.organizations.models import Agency


def lock_agencies(agency_ids: Iterable[int]) -> dict[int, Agency]:
    ids = sorted(set(agency_ids))
    rows = Agency.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
    return {agency.pk: agency for agency in rows}
