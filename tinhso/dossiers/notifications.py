"""What the dossier engine has to tell people: a status change to the applicant (NĐ 224/2026,
"in real time"), a deadline alert to the handlers, a step handed to a unit.

The engine only *emits* these notices, inside the transaction of the change; it does not know
how they are worded or sent. ``tinhso.notifications`` (a higher layer, which dossiers must not
import) subscribes from its ``AppConfig.ready`` and turns each notice into outbox messages in the
same transaction, so a message exists if and only if the change commits. The same registry
pattern as ``organizations/handover.py``: no business logic in Django signals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tinhso.dossiers.models import DeadlineAlert, Dossier, DossierStep
    from tinhso.identity.models import User


@dataclass(frozen=True)
class ApplicantNotice:
    """``action`` (a workflow action: submit, accept, refuse…) changed ``dossier``."""

    dossier: Dossier
    action: str
    note: str = ""


@dataclass(frozen=True)
class DeadlineNotice:
    """The scanner raised ``alert`` (due soon or overdue); ``recipients`` are the handlers, or
    the leaders for an escalation, as the scanner resolved them."""

    alert: DeadlineAlert
    recipients: list[User] = field(default_factory=list)


@dataclass(frozen=True)
class StepAssignedNotice:
    """``step`` became active: its agency's holders of ``step.role`` have work to do."""

    step: DossierStep
    given_by: User | None = None


Notice = ApplicantNotice | DeadlineNotice | StepAssignedNotice
Listener = Callable[[Notice], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    """Register ``listener`` (idempotent: ``ready()`` may run more than once in tests)."""
    if listener not in _listeners:
        _listeners.append(listener)


def emit(notice: Notice) -> None:
    """Hand ``notice`` to every listener, inside the caller's transaction: a listener that fails
    rolls the change back, so nothing is half done."""
    for listener in _listeners:
        listener(notice)


def notify_applicant(dossier: Dossier, action: str, *, note: str = "") -> None:
    emit(ApplicantNotice(dossier=dossier, action=action, note=note))


def notify_step_assigned(step: DossierStep, *, given_by: Any = None) -> None:
    person = given_by if getattr(given_by, "pk", None) else None
    emit(StepAssignedNotice(step=step, given_by=person))
