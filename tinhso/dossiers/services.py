"""Dossier services: every state change of a dossier, each permission-checked, transactional,
audited (through ``workflow.apply_transition``) and refused with a clear error otherwise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tinhso.attachments.services import atomic_with_files, issue_result_document
from tinhso.audit.services import actor_label_for, record
from tinhso.calendar.services import working_days_between
from tinhso.catalog.models import ProcedureVersion
from tinhso.catalog.services import open_version_for_dossier, validate_form_data
from tinhso.dossiers import deadlines, standard_forms
from tinhso.dossiers.access import (
    StepRef,
    permitted_actions,
    require_may_act,
    role_holding_agency,
    roles_in,
)
from tinhso.dossiers.components import attach, resolve_components
from tinhso.dossiers.models import (
    ApplicantKind,
    Channel,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStep,
    Extension,
    ReturnMethod,
    Status,
    SupplementRequest,
)
from tinhso.dossiers.notifications import notify_applicant, notify_step_assigned
from tinhso.dossiers.numbering import next_dossier_code
from tinhso.dossiers.workflow import STAFF_ROLES, apply_transition, check_source, transition
from tinhso.identity.models import Role, User
from tinhso.identity.validators import citizen_id_problem, phone_problem, tax_code_problem
from tinhso.lib.errors import Conflict, InvalidInput, PermissionDenied
from tinhso.lib.text import normalize_text
from tinhso.organizations.services import find_agency
from tinhso.printing.services import FormKind, has_form


@dataclass(frozen=True)
class Applicant:
    kind: str
    name: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""

    @classmethod
    def from_account(cls, user: User) -> Applicant:
        if user.kind == User.Kind.BUSINESS:
            return cls(
                ApplicantKind.ORGANISATION,
                user.full_name,
                user.tax_code or "",
                user.phone,
                user.email,
            )
        return cls(
            ApplicantKind.CITIZEN, user.full_name, user.citizen_id or "", user.phone, user.email
        )

    def cleaned(self) -> Applicant:
        errors: dict[str, str] = {}
        name = normalize_text(self.name)
        if not name:
            errors["applicant.name"] = "Cần họ tên người nộp hoặc tên tổ chức."
        if self.kind not in ApplicantKind.values:
            errors["applicant.kind"] = "Loại người nộp phải là citizen hoặc organisation."
        problem = (
            citizen_id_problem(self.id_number)
            if self.kind == ApplicantKind.CITIZEN
            else tax_code_problem(self.id_number)
        )
        if problem:
            errors["applicant.id_number"] = problem
        if self.phone and (phone_error := phone_problem(self.phone)):
            errors["applicant.phone"] = phone_error
        if errors:
            raise InvalidInput(
                "Thông tin người nộp chưa hợp lệ — "
                + "; ".join(f"{k}: {v}" for k, v in errors.items()),
                errors=errors,
            )
        return Applicant(
            self.kind,
            name,
            self.id_number,
            self.phone,
            self.email.strip(),
            normalize_text(self.address),
        )


def _now() -> dt.datetime:
    return timezone.now()


def _fee_total(version: ProcedureVersion) -> int:
    """The standard fee: the first fee line. Further lines are usually alternative rates
    (students, extra copies); the officer sets the exact amount when asking for payment."""
    # From the fee lines the submission already prefetched (no query then).
    first = min(version.fees.all(), key=lambda fee: fee.position, default=None)
    return int(first.amount) if first else 0


def _create(
    *,
    version: ProcedureVersion,
    agency: Any,
    applicant: Applicant,
    account: User | None,
    form_data: dict[str, Any],
    channel: int,
    return_method: str,
    status: Status,
    idempotency_key: str | None,
    received_by: User | None,
) -> Dossier:
    now = _now()
    received = status == Status.RECEIVED
    return Dossier.objects.create(
        code=next_dossier_code(agency, timezone.localdate(now)),
        procedure_version=version,
        agency=agency,
        applicant=account,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name,
        applicant_id_number=applicant.id_number,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        form_data=form_data,
        channel=channel,
        return_method=return_method,
        status=status,
        submitted_at=now,
        received_at=now if received else None,
        received_by=received_by if received else None,
        due_at=deadlines.legal_due(version, now) if received else None,
        fee_total=_fee_total(version),
        idempotency_key=idempotency_key,
    )


def _check_return_method(value: str) -> str:
    if value not in ReturnMethod.values:
        raise InvalidInput(
            "Hình thức nhận kết quả phải là desk, post hoặc online.",
            errors={"return_method": "không hợp lệ"},
        )
    return value


def _event(dossier: Dossier, action: str, actor: Any, note: str = "", **data: Any) -> None:
    DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status="",
        to_status=dossier.status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label_for(actor),
        agency=dossier.agency,
        occurred_at=_now(),
        note=note,
        data=data,
    )
    notify_applicant(dossier, action, note=note)
    record(
        f"dossiers.dossier.{action}",
        actor=actor,
        target=dossier,
        after={"status": dossier.status, "code": dossier.code, **data},
        reason=note,
    )


# --- creation --------------------------------------------------------------------------------


def submit_dossier(
    *,
    actor: User,
    procedure_code: str,
    agency_code: str,
    form_data: dict[str, Any],
    return_method: str = ReturnMethod.ONLINE,
    applicant: Applicant | None = None,
    idempotency_key: str | None = None,
    components: dict[str, list[int]] | None = None,
) -> tuple[Dossier, bool]:
    """Online submission by a citizen or business account. The same ``idempotency_key`` from
    the same account returns the dossier created the first time (``created`` False)."""
    if actor.kind not in (User.Kind.CITIZEN, User.Kind.BUSINESS):
        raise PermissionDenied("Chỉ tài khoản công dân, doanh nghiệp nộp hồ sơ trực tuyến.")
    key = (idempotency_key or "").strip()[:100] or None
    if key:
        existing = Dossier.objects.filter(applicant=actor, idempotency_key=key).first()
        if existing is not None:
            return existing, False
    agency = find_agency(agency_code)
    version = open_version_for_dossier(procedure_code, agency, _now())
    if version.online_mode == ProcedureVersion.OnlineMode.NONE:
        raise Conflict(
            f"Thủ tục {version.procedure.code} chưa cung cấp dịch vụ công trực tuyến; "
            "vui lòng nộp trực tiếp hoặc qua bưu chính.",
            code="not_online",
        )
    cleaned_form = validate_form_data(version, form_data)
    person = (applicant or Applicant.from_account(actor)).cleaned()
    _check_return_method(return_method)
    documents = resolve_components(
        version, components, actor=actor, holder_id_number=person.id_number, required=True
    )
    try:
        with transaction.atomic():
            dossier = _create(
                version=version,
                agency=agency,
                applicant=person,
                account=actor,
                form_data=cleaned_form,
                channel=Channel.ONLINE,
                return_method=return_method,
                status=Status.SUBMITTED,
                idempotency_key=key,
                received_by=None,
            )
            attached = attach(dossier, documents, actor=actor)
            _event(dossier, "submit", actor, procedure=version.procedure.code, documents=attached)
    except IntegrityError:
        existing = Dossier.objects.filter(applicant=actor, idempotency_key=key).first()
        if key and existing is not None:
            return existing, False
        raise
    return dossier, True


def receive_in_person(
    *,
    actor: User,
    agency_code: str,
    procedure_code: str,
    applicant: Applicant,
    form_data: dict[str, Any],
    components_checked: list[str],
    return_method: str = ReturnMethod.DESK,
    channel: int = Channel.DIRECT,
    documents: dict[str, list[int]] | None = None,
    idempotency_key: str | None = None,
) -> Dossier:
    """Reception at the desk (or of a posted dossier): complete dossiers only — an incomplete
    one gets the supplement guidance (Mẫu 02) instead of a code. The same ``idempotency_key``
    from the same officer returns the dossier received the first time (a double submission at
    the desk receives once)."""
    agency = find_agency(agency_code)
    if Role.ONE_STOP_OFFICER not in roles_in(actor, agency):
        raise PermissionDenied(f"Bạn không phải cán bộ một cửa của {agency.name}.")
    key = (idempotency_key or "").strip()[:100] or None
    if key and (existing := _received_with_key(actor, key)) is not None:
        return existing
    if channel not in (Channel.DIRECT, Channel.POST):
        raise InvalidInput("Kênh tiếp nhận tại quầy là 1 (trực tiếp) hoặc 3 (bưu chính).")
    version = open_version_for_dossier(procedure_code, agency, _now())
    cleaned_form = validate_form_data(version, form_data)
    person = applicant.cleaned()
    _check_return_method(return_method)
    scans = resolve_components(
        version,
        documents,
        actor=actor,
        holder_id_number=person.id_number,
        required=False,
        staff=True,
    )
    required = {c.code for c in version.components.all() if c.is_required}
    missing = sorted(required - set(components_checked) - set(scans))
    if missing:
        raise InvalidInput(
            "Hồ sơ chưa đủ thành phần bắt buộc: "
            + ", ".join(missing)
            + ". Hướng dẫn bổ sung (Mẫu 02) thay vì tiếp nhận.",
            errors={f"components.{code}": "chưa có" for code in missing},
        )
    try:
        with transaction.atomic():
            dossier = _create(
                version=version,
                agency=agency,
                applicant=person,
                account=None,
                form_data=cleaned_form,
                channel=channel,
                return_method=return_method,
                status=Status.RECEIVED,
                idempotency_key=key,
                received_by=actor,
            )
            # Taking the code locked the agency's counter for the day (the row on PostgreSQL,
            # the database on SQLite): a concurrent duplicate waits there, then sees this one.
            if key and _received_with_key(actor, key, excluding=dossier.pk) is not None:
                raise _DuplicateReception
            _event(
                dossier,
                "receive",
                actor,
                procedure=version.procedure.code,
                due_at=dossier.due_at.isoformat() if dossier.due_at else None,
                documents=attach(dossier, scans, actor=actor),
            )
            standard_forms.issue_form(
                dossier,
                FormKind.RECEIPT,
                standard_forms.receipt_data(dossier, actor.full_name),
                actor=actor,
            )
    except _DuplicateReception:
        first = _received_with_key(actor, key or "")
        assert first is not None
        return first
    return dossier


class _DuplicateReception(Exception):
    """Rolls back a second reception with an idempotency key already used."""


def _received_with_key(actor: User, key: str, excluding: int | None = None) -> Dossier | None:
    dossiers = Dossier.objects.filter(
        received_by=actor, applicant__isnull=True, idempotency_key=key
    ).exclude(channel=Channel.ONLINE)
    if excluding is not None:
        dossiers = dossiers.exclude(pk=excluding)
    return dossiers.order_by("pk").first()


# --- reception -------------------------------------------------------------------------------


def accept_dossier(*, actor: User, dossier: Dossier) -> Dossier:
    rule = check_source(dossier, "accept")
    require_may_act(actor, dossier, rule)
    now = _now()
    due = deadlines.legal_due(dossier.procedure_version, now)
    # The receipt's snapshot is validated before the transaction, so the transaction (and the
    # audit chain's lock it takes) only stores it; a refused transition discards it.
    receipt = standard_forms.prepare(
        FormKind.RECEIPT,
        standard_forms.receipt_data(dossier, actor.full_name, received_at=now, due_at=due),
    )
    with transaction.atomic():
        dossier = apply_transition(
            dossier,
            "accept",
            actor=actor,
            agency=dossier.agency,
            received_at=now,
            received_by=actor,
            due_at=due,
            data={"due_at": due.isoformat()},
        )
        standard_forms.store_form(dossier, receipt, actor=actor)
    return dossier


def refuse_dossier(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    rule = check_source(dossier, "refuse")
    require_may_act(actor, dossier, rule)
    reason = _required_text(reason, "reason", "Cần nêu lý do từ chối.")
    with transaction.atomic():
        dossier = apply_transition(
            dossier, "refuse", actor=actor, agency=dossier.agency, note=reason, finished_at=_now()
        )
        standard_forms.issue_form(
            dossier,
            FormKind.REFUSAL,
            standard_forms.refusal_data(dossier, reason=reason, officer_name=actor.full_name),
            actor=actor,
        )
    return dossier


def _required_text(value: str, field: str, message: str) -> str:
    text = normalize_text(value or "")
    if not text:
        raise InvalidInput(message, errors={field: message})
    return text


# --- supplements -----------------------------------------------------------------------------


def request_supplement(
    *, actor: User, dossier: Dossier, items: list[str], reason: str
) -> SupplementRequest:
    rule = check_source(dossier, "request_supplement")
    agency = _acting_agency(actor, dossier, rule.actors)
    reason = _required_text(reason, "reason", "Cần nêu lý do yêu cầu bổ sung.")
    cleaned_items = [normalize_text(item) for item in items if normalize_text(item)]
    if not cleaned_items:
        raise InvalidInput("Cần nêu ít nhất một giấy tờ phải bổ sung.", errors={"items": "trống"})
    now = _now()
    stage = (
        SupplementRequest.Stage.RECEPTION
        if dossier.status == Status.SUBMITTED
        else SupplementRequest.Stage.APPRAISAL
    )
    restarts = bool(
        stage == SupplementRequest.Stage.APPRAISAL
        and dossier.received_at
        and deadlines.restarts_clock(dossier.received_at, now)
    )
    with transaction.atomic():
        request = SupplementRequest.objects.create(
            dossier=dossier,
            stage=stage,
            requested_at=now,
            requested_by=actor,
            items=cleaned_items,
            reason=reason,
            restarts_clock=restarts,
            previous_due_at=dossier.due_at,
        )
        changes: dict[str, Any] = {}
        if stage == SupplementRequest.Stage.APPRAISAL:
            changes = {"paused_at": now, "supplement_count": dossier.supplement_count + 1}
        apply_transition(
            dossier,
            "request_supplement",
            actor=actor,
            agency=agency,
            note=reason,
            data={"items": cleaned_items, "stage": stage, "restarts_clock": restarts},
            **changes,
        )
        standard_forms.issue_form(
            dossier,
            FormKind.SUPPLEMENT_REQUEST,
            standard_forms.supplement_data(
                dossier, items=cleaned_items, reason=reason, officer_name=actor.full_name
            ),
            actor=actor,
        )
    return request


def provide_supplement(
    *,
    actor: User,
    dossier: Dossier,
    note: str = "",
    components: dict[str, list[int]] | None = None,
) -> Dossier:
    rule = check_source(dossier, "supplement")
    require_may_act(actor, dossier, rule)
    documents = resolve_components(
        dossier.procedure_version,
        components,
        actor=actor,
        holder_id_number=dossier.applicant_id_number,
        required=False,
        staff=actor.kind == User.Kind.STAFF,
    )
    request = dossier.supplements.filter(completed_at__isnull=True).first()
    if request is None:  # pragma: no cover - the status guarantees one
        raise Conflict("Hồ sơ không có yêu cầu bổ sung đang mở.")
    now = _now()
    with transaction.atomic():
        changes: dict[str, Any] = {}
        target = Status.SUBMITTED
        if request.stage == SupplementRequest.Stage.APPRAISAL:
            assert dossier.due_at is not None and dossier.paused_at is not None
            if request.restarts_clock:
                new_due = deadlines.legal_due(dossier.procedure_version, now)
            else:
                new_due = deadlines.resume_due(
                    previous_due=dossier.due_at, paused_at=dossier.paused_at, resumed_at=now
                )
            started = dossier.steps.exclude(state=DossierStep.State.PENDING).exists()
            target = Status.PROCESSING if started else Status.RECEIVED
            changes = {"due_at": new_due, "paused_at": None}
            _resume_steps(dossier, paused_at=dossier.paused_at, resumed_at=now)
            request.new_due_at = new_due
        request.completed_at = now
        request.save(update_fields=["completed_at", "new_due_at"])
        attach(dossier, documents, actor=actor)
        return apply_transition(
            dossier,
            "supplement",
            actor=actor,
            target=target,
            agency=dossier.agency,
            note=normalize_text(note),
            data={"new_due_at": request.new_due_at.isoformat() if request.new_due_at else None},
            **changes,
        )


def _resume_steps(dossier: Dossier, *, paused_at: dt.datetime, resumed_at: dt.datetime) -> None:
    for step in dossier.steps.filter(state=DossierStep.State.ACTIVE, due_at__isnull=False):
        assert step.due_at is not None
        step.due_at = deadlines.resume_due(
            previous_due=step.due_at, paused_at=paused_at, resumed_at=resumed_at
        )
        step.save(update_fields=["due_at"])


# --- processing ------------------------------------------------------------------------------


def _acting_agency(actor: User, dossier: Dossier, allowed: frozenset[str]) -> Any:
    """The agency in which ``actor`` may act on ``dossier``: the receiving agency, an agency of
    its internal process, or one an inter-agency step has been routed to (or one above them)."""
    candidates = [dossier.agency]
    steps = dossier.steps.select_related("agency").filter(
        Q(is_inter_agency=False) | Q(state=DossierStep.State.ACTIVE)
    )
    candidates += [step.agency for step in steps]
    for candidate in candidates:
        agency = role_holding_agency(actor, candidate, set(allowed))
        if agency is not None:
            return agency
    raise PermissionDenied(f"Bạn không có vai trò để xử lý hồ sơ {dossier.code} ở bước này.")


def start_processing(*, actor: User, dossier: Dossier) -> Dossier:
    rule = check_source(dossier, "start_processing")
    require_may_act(actor, dossier, rule)
    version = dossier.procedure_version
    process = list(
        version.process_steps.select_related("responsible_agency").order_by("position", "code")
    )
    if not process:
        raise Conflict(f"Thủ tục {version.procedure.code} chưa có quy trình nội bộ.")
    now = _now()
    with transaction.atomic():
        DossierStep.objects.bulk_create(
            [
                DossierStep(
                    dossier=dossier,
                    position=step.position,
                    code=step.code,
                    name=step.name,
                    agency=step.responsible_agency or dossier.agency,
                    role=step.responsible_role,
                    is_inter_agency=step.is_inter_agency,
                    allotted_hours=step.allotted_hours,
                )
                for step in process
            ]
        )
        _activate(dossier, process[0].position, given_by=actor, now=now)
        return apply_transition(dossier, "start_processing", actor=actor, agency=dossier.agency)


def _activate(dossier: Dossier, position: int, *, given_by: User, now: dt.datetime) -> list[str]:
    activated = []
    for step in dossier.steps.filter(position=position, state=DossierStep.State.PENDING):
        step.state = DossierStep.State.ACTIVE
        step.started_at = now
        step.due_at = deadlines.step_due(now, Decimal(step.allotted_hours))
        step.given_by = given_by
        step.save(update_fields=["state", "started_at", "due_at", "given_by"])
        notify_step_assigned(step, given_by=given_by)
        activated.append(step.code)
    return activated


def complete_step(*, actor: User, dossier: Dossier, step_code: str, result: str) -> Dossier:
    """Finish an active step (the hand-over log records who gave it, who took it, when and
    with what result); the next position's steps start when all parallel ones are done; after
    the last step the dossier is processed and classified early / on time / late."""
    check_source(dossier, "complete_step")
    step = dossier.steps.select_related("agency").filter(code=step_code).first()
    if step is None or step.state != DossierStep.State.ACTIVE:
        raise Conflict(
            f"Bước {step_code!r} của hồ sơ {dossier.code} không đang xử lý.", code="step_not_active"
        )
    allowed = {step.role, Role.HEAD_OF_UNIT, Role.LEADER}
    if not roles_in(actor, step.agency) & allowed:
        raise PermissionDenied(f"Bước «{step.name}» do {step.agency.name} xử lý.")
    result = _required_text(result, "result", "Cần ghi kết quả xử lý của bước.")
    now = _now()
    with transaction.atomic():
        done = DossierStep.objects.filter(pk=step.pk, state=DossierStep.State.ACTIVE).update(
            state=DossierStep.State.DONE,
            completed_at=now,
            taken_by=actor,
            result=result,
            timeliness=deadlines.classify(
                finished_at=now, due_at=step.due_at or now, appraisal_supplements=0
            ),
        )
        if done != 1:
            raise Conflict(
                f"Bước {step.name} vừa được người khác hoàn thành.", code="concurrent_change"
            )
        activated: list[str] = []
        if not dossier.steps.filter(
            position=step.position, state=DossierStep.State.ACTIVE
        ).exists():
            later = dossier.steps.filter(
                position__gt=step.position, state=DossierStep.State.PENDING
            ).order_by("position")
            following = later.first()
            if following is not None:
                activated = _activate(dossier, following.position, given_by=actor, now=now)
        data = {"step": step.code, "result": result, "next": activated}
        remaining = dossier.steps.exclude(state=DossierStep.State.DONE).exists()
        if remaining:
            return apply_transition(
                dossier,
                "complete_step",
                actor=actor,
                target=Status.PROCESSING,
                agency=step.agency,
                data=data,
            )
        assert dossier.due_at is not None
        timeliness = deadlines.classify(
            finished_at=now, due_at=dossier.due_at, appraisal_supplements=dossier.supplement_count
        )
        data["timeliness"] = timeliness
        return apply_transition(
            dossier,
            "complete_step",
            actor=actor,
            target=Status.PROCESSED,
            agency=step.agency,
            data=data,
            finished_at=now,
            timeliness=timeliness,
        )


# --- money -----------------------------------------------------------------------------------


def require_payment(
    *, actor: User, dossier: Dossier, amount: int | None = None, note: str = ""
) -> Dossier:
    rule = check_source(dossier, "require_payment")
    agency = _acting_agency(actor, dossier, rule.actors)
    total = dossier.fee_total if amount is None else amount
    if total <= 0:
        raise InvalidInput("Số tiền phải nộp phải lớn hơn 0.", errors={"amount": "≤ 0"})
    with transaction.atomic():
        return apply_transition(
            dossier,
            "require_payment",
            actor=actor,
            agency=agency,
            note=normalize_text(note),
            fee_total=total,
            data={"amount": total},
        )


PAYMENT_OUTCOMES = {
    "paid_at_desk": "Đã nộp tại quầy",
    "paid_online": "Đã thanh toán trực tuyến",
    "waived": "Miễn, giảm",
}


def settle_payment(*, actor: User, dossier: Dossier, outcome: str, note: str = "") -> Dossier:
    rule = check_source(dossier, "settle_payment")
    require_may_act(actor, dossier, rule)
    if outcome not in PAYMENT_OUTCOMES:
        raise InvalidInput(
            "Kết quả thanh toán phải là paid_at_desk, paid_online hoặc waived.",
            errors={"outcome": "không hợp lệ"},
        )
    started = dossier.steps.exclude(state=DossierStep.State.PENDING).exists()
    with transaction.atomic():
        return apply_transition(
            dossier,
            "settle_payment",
            actor=actor,
            agency=dossier.agency,
            target=Status.PROCESSING if started else Status.RECEIVED,
            note=normalize_text(note),
            paid_online=outcome == "paid_online",
            data={"outcome": outcome},
        )


def settle_payment_online(*, dossier: Dossier, reference: str, amount: int) -> Dossier:
    """The fee was paid through the online gateway. No person acts, so no role is checked: the
    caller (``tinhso.payments``) has verified the gateway's signed confirmation. The history
    and the audit trail name the system as actor and carry the gateway reference."""
    check_source(dossier, "settle_payment")
    started = dossier.steps.exclude(state=DossierStep.State.PENDING).exists()
    with transaction.atomic():
        return apply_transition(
            dossier,
            "settle_payment",
            actor=None,
            agency=dossier.agency,
            target=Status.PROCESSING if started else Status.RECEIVED,
            note=f"Đã thanh toán trực tuyến, mã giao dịch {reference}.",
            paid_online=True,
            data={"outcome": "paid_online", "reference": reference, "amount": amount},
        )


# --- extension, stop, withdrawal -------------------------------------------------------------


def extend_dossier(
    *, actor: User, dossier: Dossier, new_due_at: dt.datetime, reason: str
) -> Extension:
    """The one extension, asked at least one working day before the appointment, with an
    apology (Mẫu 04)."""
    rule = check_source(dossier, "extend")
    agency = _acting_agency(actor, dossier, rule.actors)
    reason = _required_text(reason, "reason", "Cần nêu lý do gia hạn.")
    if Extension.objects.filter(dossier=dossier).exists():
        raise Conflict(
            f"Hồ sơ {dossier.code} đã được gia hạn một lần; luật chỉ cho phép một lần.",
            code="already_extended",
        )
    now = _now()
    assert dossier.due_at is not None
    if timezone.is_naive(new_due_at):
        raise InvalidInput("Ngày hẹn mới phải kèm múi giờ.", errors={"new_due_at": "thiếu múi giờ"})
    if new_due_at <= dossier.due_at:
        raise InvalidInput(
            "Ngày hẹn mới phải sau ngày hẹn hiện tại.",
            errors={"new_due_at": "không sau ngày hẹn cũ"},
        )
    if working_days_between(timezone.localdate(now), timezone.localdate(dossier.due_at)) < 1:
        raise Conflict(
            "Phải gia hạn trước ngày hẹn trả ít nhất một ngày làm việc.", code="too_late_to_extend"
        )
    with transaction.atomic():
        extension = Extension.objects.create(
            dossier=dossier,
            requested_at=now,
            requested_by=actor,
            previous_due_at=dossier.due_at,
            new_due_at=new_due_at,
            reason=reason,
        )
        apply_transition(
            dossier,
            "extend",
            actor=actor,
            target=Status(dossier.status),
            agency=agency,
            note=reason,
            due_at=new_due_at,
            data={
                "previous_due_at": extension.previous_due_at.isoformat(),
                "new_due_at": new_due_at.isoformat(),
            },
        )
        standard_forms.issue_form(
            dossier,
            FormKind.APOLOGY,
            standard_forms.apology_data(
                dossier,
                previous_due_at=extension.previous_due_at,
                new_due_at=new_due_at,
                reason=reason,
                signer_name=actor.full_name,
            ),
            actor=actor,
        )
    return extension


def _finish(dossier: Dossier, now: dt.datetime) -> dict[str, Any]:
    if dossier.received_at is None or dossier.due_at is None:
        return {"finished_at": now}
    return {
        "finished_at": now,
        "timeliness": deadlines.classify(
            finished_at=now, due_at=dossier.due_at, appraisal_supplements=dossier.supplement_count
        ),
    }


def stop_dossier(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    rule = check_source(dossier, "stop")
    agency = _acting_agency(actor, dossier, rule.actors)
    reason = _required_text(reason, "reason", "Cần nêu lý do dừng xử lý.")
    with transaction.atomic():
        _cancel_open_work(dossier)
        dossier = apply_transition(
            dossier, "stop", actor=actor, agency=agency, note=reason, **_finish(dossier, _now())
        )
        if has_form(FormKind.STOP_NOTICE, on=timezone.localdate()):
            # The 2018 set had no stop notice; from 1 July 2025 the notice is issued.
            standard_forms.issue_form(
                dossier,
                FormKind.STOP_NOTICE,
                standard_forms.stop_data(dossier, reason=reason, signer_name=actor.full_name),
                actor=actor,
            )
    return dossier


def withdraw_dossier(*, actor: User, dossier: Dossier, reason: str = "") -> Dossier:
    rule = check_source(dossier, "withdraw")
    require_may_act(actor, dossier, rule)
    with transaction.atomic():
        _cancel_open_work(dossier)
        return apply_transition(
            dossier,
            "withdraw",
            actor=actor,
            agency=dossier.agency,
            note=normalize_text(reason),
            **_finish(dossier, _now()),
        )


def _cancel_open_work(dossier: Dossier) -> None:
    dossier.steps.exclude(state=DossierStep.State.DONE).update(state=DossierStep.State.CANCELLED)
    dossier.supplements.filter(completed_at__isnull=True).update(completed_at=_now())


# --- return and rating -----------------------------------------------------------------------


def return_result(*, actor: User, dossier: Dossier, note: str = "") -> Dossier:
    rule = check_source(dossier, "return_result")
    require_may_act(actor, dossier, rule)
    with transaction.atomic():
        return apply_transition(
            dossier,
            "return_result",
            actor=actor,
            agency=dossier.agency,
            note=normalize_text(note),
            returned_at=_now(),
            data={"method": dossier.return_method},
        )


RESULT_COMPONENT = "KQ"


def attach_result(
    *, actor: User, dossier: Dossier, content: bytes, name: str, title: str
) -> DossierDocument:
    """The electronic result (licence, certificate, record extract) of a processed dossier:
    stored in the applicant's data store as an issued result — so it can be reused in later
    dossiers — and attached to the dossier. Files and rows commit together or not at all."""
    if dossier.status not in (Status.PROCESSED, Status.RETURNED):
        raise Conflict(
            f"Hồ sơ {dossier.code} chưa xử lý xong; chưa thể đính kèm kết quả.",
            code="illegal_transition",
        )
    agency = _acting_agency(actor, dossier, STAFF_ROLES)
    title = _required_text(title, "title", "Cần tên của kết quả (ví dụ: Phiếu lý lịch tư pháp).")
    with atomic_with_files():
        document = issue_result_document(
            actor=actor,
            holder_id_number=dossier.applicant_id_number,
            content=content,
            name=name,
            title=title,
            agency_code=agency.code,
        )
        link, _ = DossierDocument.objects.get_or_create(
            dossier=dossier,
            component_code=RESULT_COMPONENT,
            document=document,
            defaults={"attached_at": _now(), "attached_by": actor},
        )
        _event(dossier, "attach_result", actor, document=document.pk, title=title)
    return link


def rate_dossier(*, actor: User, dossier: Dossier, rating: int, comment: str = "") -> Dossier:
    rule = check_source(dossier, "rate")
    require_may_act(actor, dossier, rule)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput("Mức đánh giá từ 1 đến 5.", errors={"rating": "ngoài 1–5"})
    if dossier.rating is not None:
        raise Conflict(f"Hồ sơ {dossier.code} đã được đánh giá.", code="already_rated")
    with transaction.atomic():
        return apply_transition(
            dossier,
            "rate",
            actor=actor,
            agency=dossier.agency,
            rating=rating,
            rating_comment=normalize_text(comment),
            data={"rating": rating},
        )


def allowed_actions(user: Any, dossier: Dossier) -> list[str]:
    """The actions ``user`` may take on ``dossier`` now (for the UI and the API); the rule is
    ``access.permitted_actions``, shared with the API's plain-SQL dossier document."""
    # Uses the prefetched steps when the caller prefetched them (the dossier pages do).
    steps = [
        StepRef(step.agency, step.role, step.is_inter_agency, step.state)
        for step in dossier.steps.all()
        if step.state == DossierStep.State.ACTIVE
    ]
    return permitted_actions(
        user,
        status=dossier.status,
        rating=dossier.rating,
        applicant_id=dossier.applicant_id,
        agency=dossier.agency,
        steps=steps,
        has_extension=lambda: Extension.objects.filter(dossier=dossier).exists(),
    )


__all__ = [
    "Applicant",
    "accept_dossier",
    "allowed_actions",
    "complete_step",
    "extend_dossier",
    "provide_supplement",
    "rate_dossier",
    "receive_in_person",
    "refuse_dossier",
    "request_supplement",
    "require_payment",
    "return_result",
    "settle_payment",
    "start_processing",
    "stop_dossier",
    "submit_dossier",
    "transition",
    "withdraw_dossier",
]
