"""When agencies merge, dossiers in flight move to the successor: their receiving agency and
their unfinished steps. Codes are never rewritten (the code keeps the agency code valid on the
day of reception) and the history keeps who did what where."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tinhso.audit.services import record
from tinhso.dossiers.models import FINISHED_STATUSES, Dossier, DossierStep
from tinhso.organizations import handover
from tinhso.organizations.models import Agency


@handover.register("dossiers")
def move_open_dossiers(
    *, predecessor: Agency, successor: Agency, effective_on: dt.date, actor: Any
) -> dict[str, int]:
    open_dossiers = Dossier.objects.filter(agency=predecessor).exclude(status__in=FINISHED_STATUSES)
    codes = list(open_dossiers.values_list("code", flat=True))
    moved = open_dossiers.update(agency=successor)
    steps = DossierStep.objects.filter(
        agency=predecessor, state__in=[DossierStep.State.PENDING, DossierStep.State.ACTIVE]
    ).update(agency=successor)
    if moved or steps:
        record(
            "dossiers.dossier.transfer",
            actor=actor,
            object_type="dossiers.dossier",
            object_id="*",
            object_label=f"{predecessor.code} → {successor.code}",
            after={
                "dossiers": codes[:1000],
                "dossier_count": moved,
                "step_count": steps,
                "effective_on": effective_on.isoformat(),
            },
        )
    return {"dossiers": moved, "steps": steps}
