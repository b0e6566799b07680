"""When agencies merge, their staff keep working: each active role assignment in the
predecessor ends the day before the merger and continues in the successor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from tinhso.audit.services import record
from tinhso.identity.models import RoleAssignment
from tinhso.organizations import handover
from tinhso.organizations.models import Agency


@handover.register("role_assignments")
def move_role_assignments(
    *, predecessor: Agency, successor: Agency, effective_on: dt.date, actor: Any
) -> dict[str, int]:
    end = effective_on - dt.timedelta(days=1)
    moved = 0
    open_assignments = RoleAssignment.objects.filter(agency=predecessor).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=effective_on)
    )
    for assignment in open_assignments.select_related("user"):
        RoleAssignment.objects.filter(pk=assignment.pk).update(
            valid_to=max(end, assignment.valid_from)
        )
        exists = RoleAssignment.objects.filter(
            user_id=assignment.user_id,
            agency=successor,
            role=assignment.role,
            valid_to__isnull=True,
        ).exists()
        if not exists:
            RoleAssignment.objects.create(
                user_id=assignment.user_id,
                agency=successor,
                role=assignment.role,
                valid_from=max(effective_on, assignment.valid_from),
            )
        moved += 1
        record(
            "identity.role.transfer",
            actor=actor,
            target=assignment,
            after={
                "user": assignment.user.username,
                "role": assignment.role,
                "from": predecessor.code,
                "to": successor.code,
                "effective_on": effective_on.isoformat(),
            },
        )
    return {"moved": moved}
