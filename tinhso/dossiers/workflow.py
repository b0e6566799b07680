"""The dossier state machine as data: which action moves a dossier from which statuses to which,
who may take it, and what it does to the deadline. :func:`apply_transition` is the only code that
changes ``Dossier.status``: a compare-and-set on (status, version), a history row and an audit
entry, all in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tinhso.audit.services import actor_label_for, record
from tinhso.dossiers.models import Dossier, DossierEvent, Status
from tinhso.dossiers.notifications import notify_applicant
from tinhso.identity.models import Role
from tinhso.lib.errors import Conflict
from tinhso.organizations.models import Agency

APPLICANT = "applicant"
STAFF_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.HEAD_OF_UNIT, Role.LEADER})
ACTIVE_STATUSES = frozenset(
    {Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT}
)


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[Status]
    target: Status | None  # None: decided by the service (e.g. back to where it was)
    actors: frozenset[str]  # roles, or APPLICANT
    deadline: str  # what happens to the appointment, in words (shown in docs and the UI)


def _t(
    action: str,
    label: str,
    sources: set[Status],
    target: Status | None,
    actors: set[str],
    deadline: str,
) -> Transition:
    return Transition(action, label, frozenset(sources), target, frozenset(actors), deadline)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t(
            "accept",
            "Tiếp nhận",
            {Status.SUBMITTED},
            Status.RECEIVED,
            {Role.ONE_STOP_OFFICER},
            "hẹn trả = thời điểm tiếp nhận + thời hạn luật định",
        ),
        _t(
            "refuse",
            "Từ chối tiếp nhận",
            {Status.SUBMITTED},
            Status.REFUSED,
            {Role.ONE_STOP_OFFICER},
            "kết thúc",
        ),
        _t(
            "request_supplement",
            "Yêu cầu bổ sung",
            {Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING},
            Status.SUPPLEMENT_REQUESTED,
            {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.HEAD_OF_UNIT},
            "trong 3 ngày làm việc kể từ tiếp nhận: tính lại từ đầu khi đủ; sau đó: tạm dừng",
        ),
        _t(
            "supplement",
            "Bổ sung hồ sơ",
            {Status.SUPPLEMENT_REQUESTED},
            None,
            {APPLICANT, Role.ONE_STOP_OFFICER},
            "tính lại từ đầu hoặc tiếp tục phần còn lại",
        ),
        _t(
            "start_processing",
            "Chuyển xử lý",
            {Status.RECEIVED},
            Status.PROCESSING,
            {Role.ONE_STOP_OFFICER},
            "mỗi bước có hạn riêng theo quy trình nội bộ",
        ),
        _t(
            "complete_step",
            "Hoàn thành bước",
            {Status.PROCESSING},
            None,
            set(STAFF_ROLES),
            "bước sau bắt đầu; xong bước cuối: đã xử lý xong",
        ),
        _t(
            "require_payment",
            "Yêu cầu thực hiện nghĩa vụ tài chính",
            {Status.RECEIVED, Status.PROCESSING},
            Status.AWAITING_PAYMENT,
            {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.HEAD_OF_UNIT},
            "không đổi",
        ),
        _t(
            "settle_payment",
            "Xác nhận đã nộp / miễn phí",
            {Status.AWAITING_PAYMENT},
            None,
            {Role.ONE_STOP_OFFICER, Role.HEAD_OF_UNIT, Role.LEADER},
            "không đổi",
        ),
        _t(
            "extend",
            "Gia hạn, xin lỗi",
            {Status.RECEIVED, Status.PROCESSING, Status.AWAITING_PAYMENT},
            None,
            {Role.ONE_STOP_OFFICER, Role.HEAD_OF_UNIT, Role.LEADER},
            "một lần, trước hạn ít nhất 1 ngày làm việc: hẹn trả mới",
        ),
        _t(
            "stop",
            "Dừng xử lý",
            set(ACTIVE_STATUSES),
            Status.STOPPED,
            {Role.HEAD_OF_UNIT, Role.LEADER},
            "kết thúc",
        ),
        _t(
            "withdraw",
            "Rút hồ sơ",
            {Status.SUBMITTED, *ACTIVE_STATUSES},
            Status.WITHDRAWN,
            {APPLICANT, Role.ONE_STOP_OFFICER},
            "kết thúc",
        ),
        _t(
            "return_result",
            "Trả kết quả",
            {Status.PROCESSED},
            Status.RETURNED,
            {Role.ONE_STOP_OFFICER},
            "—",
        ),
        _t("rate", "Đánh giá", {Status.RETURNED}, Status.RETURNED, {APPLICANT}, "—"),
    ]
}


def transition(action: str) -> Transition:
    return TRANSITIONS[action]


def check_source(dossier: Dossier, action: str) -> Transition:
    rule = TRANSITIONS[action]
    if dossier.status not in rule.sources:
        raise Conflict(
            f"Không thể «{rule.label.lower()}» hồ sơ {dossier.code} đang ở trạng thái "
            f"«{Status(dossier.status).label}».",
            code="illegal_transition",
        )
    return rule


def apply_transition(
    dossier: Dossier,
    action: str,
    *,
    actor: Any,
    target: Status | None = None,
    agency: Agency | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> Dossier:
    """Move ``dossier`` by ``action`` if nobody moved it first (else 409), writing the history
    row and the audit entry. Must run inside the caller's transaction."""
    rule = check_source(dossier, action)
    new_status = target or rule.target
    assert new_status is not None, f"{action} needs an explicit target"
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("apply_transition must run inside transaction.atomic()")
    now = timezone.now()
    updated = Dossier.objects.filter(
        pk=dossier.pk, status=dossier.status, version=dossier.version
    ).update(status=new_status, version=F("version") + 1, updated_at=now, **changes)
    if updated != 1:
        raise Conflict(
            f"Hồ sơ {dossier.code} vừa được người khác xử lý; tải lại để xem trạng thái mới.",
            code="concurrent_change",
        )
    previous = dossier.status
    # The row now holds exactly these values: set them on the instance instead of reloading it,
    # which would also drop the related objects the caller already loaded.
    for field, value in changes.items():
        setattr(dossier, field, value)
    dossier.status = Status(new_status).value
    dossier.version += 1
    dossier.updated_at = now
    DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=previous,
        to_status=new_status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label_for(actor),
        agency=agency,
        occurred_at=now,
        note=note,
        data=data or {},
    )
    notify_applicant(dossier, action, note=note)
    record(
        f"dossiers.dossier.{action}",
        actor=actor,
        target=dossier,
        before={"status": previous},
        after={"status": new_status, **(data or {})},
        reason=note,
    )
    return dossier
