"""The postal channel: the applicant's choice, shipments and their states. Every change is
audited; an event is recorded once (unique per shipment and event id), a shipment only moves
forward (compare-and-set on ``version``), and a carrier webhook is trusted only when signed with
our key inside the replay window — anything else changes nothing and is logged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import uuid
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from tinhso.audit import context
from tinhso.audit.services import record
from tinhso.dossiers.access import roles_in
from tinhso.dossiers.models import Dossier, Status
from tinhso.identity.models import Role
from tinhso.lib.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from tinhso.lib.text import normalize_text
from tinhso.postal.carriers import (
    MANUAL,
    VNPOST,
    CarrierError,
    CarrierEvent,
    InvalidWebhook,
    ShipmentRequest,
    VnpostCarrier,
    get_carrier,
    read_event,
)
from tinhso.postal.models import (
    FINAL_STATES,
    STATE_ORDER,
    Direction,
    PostalChoice,
    Shipment,
    ShipmentEvent,
    ShipmentState,
)

logger = logging.getLogger(__name__)

CLOSED_STATUSES = (Status.RETURNED, Status.REFUSED, Status.WITHDRAWN)
PHONE = re.compile(r"^(\+84|0)\d{9,10}$")
TRACKING = re.compile(r"^[A-Z0-9-]{4,40}$")
CARRIER_LABEL = "Đơn vị bưu chính VNPost"


class CarrierUnavailable(DomainError):
    status = 502
    code = "carrier_error"


class PostalUnavailable(DomainError):
    status = 503
    code = "postal_unavailable"


class WebhookRejected(DomainError):
    status = 401
    code = "invalid_signature"


# --- who may act -------------------------------------------------------------------------------


def is_desk_officer(user: Any, dossier: Dossier) -> bool:
    """One-stop officers of the receiving agency handle the post of its dossiers."""
    return Role.ONE_STOP_OFFICER in roles_in(user, dossier.agency)


def _require_desk_officer(actor: Any, dossier: Dossier) -> None:
    if not is_desk_officer(actor, dossier):
        raise PermissionDenied(
            f"Chỉ cán bộ Bộ phận Một cửa của cơ quan tiếp nhận mới quản lý bưu gửi của hồ sơ "
            f"{dossier.code}."
        )


# --- the applicant's choice ----------------------------------------------------------------------


def choose_postal(
    *,
    actor: Any,
    dossier: Dossier,
    submit_by_post: bool,
    receive_by_post: bool,
    recipient_name: str,
    recipient_phone: str,
    address: str,
) -> PostalChoice:
    """The applicant (or a desk officer on their behalf) chooses to send the dossier and/or
    receive the result by public post, and where the post should deliver."""
    if dossier.applicant_id != actor.pk and not is_desk_officer(actor, dossier):
        raise PermissionDenied(f"Chỉ người nộp hồ sơ {dossier.code} mới đăng ký bưu chính.")
    if dossier.status in CLOSED_STATUSES:
        raise Conflict(f"Hồ sơ {dossier.code} đã kết thúc.", code="dossier_closed")
    name = normalize_text(recipient_name or "")
    phone = normalize_text(recipient_phone or "").replace(" ", "").replace(".", "")
    place = normalize_text(address or "")
    errors: dict[str, str] = {}
    if submit_by_post or receive_by_post:
        if not name:
            errors["recipient_name"] = "Nhập họ tên người nhận."
        if not PHONE.match(phone):
            errors["recipient_phone"] = "Số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng 0."
        if len(place) < 10:
            errors["address"] = "Nhập địa chỉ đầy đủ: số nhà, đường, xã/phường, tỉnh."
    if len(name) > 200 or len(place) > 500:
        errors.setdefault("address", "Địa chỉ hoặc họ tên quá dài.")
    if errors:
        raise InvalidInput("Thông tin nhận bưu gửi chưa hợp lệ.", errors=errors)
    with transaction.atomic():
        choice, created = PostalChoice.objects.update_or_create(
            dossier=dossier,
            defaults={
                "submit_by_post": submit_by_post,
                "receive_by_post": receive_by_post,
                "recipient_name": name,
                "recipient_phone": phone,
                "address": place,
                "chosen_by": actor,
            },
        )
        record(
            "postal.choice.saved",
            actor=actor,
            target=choice,
            after={
                "dossier": dossier.code,
                "submit_by_post": submit_by_post,
                "receive_by_post": receive_by_post,
                "created": created,
            },
        )
    return choice


# --- shipments -----------------------------------------------------------------------------------


def _recipient(dossier: Dossier, direction: str) -> tuple[str, str, str]:
    if direction == Direction.INBOUND:  # the applicant posts the dossier to the agency
        agency = dossier.agency
        return agency.name, agency.phone[:15], agency.address or agency.name
    choice = PostalChoice.objects.filter(dossier=dossier, receive_by_post=True).first()
    if choice is None:
        raise InvalidInput(
            f"Người nộp hồ sơ {dossier.code} chưa đăng ký nhận kết quả qua bưu chính.",
            errors={"direction": "Chưa có địa chỉ nhận kết quả."},
        )
    return choice.recipient_name, choice.recipient_phone, choice.address


def create_shipment(
    *,
    actor: Any,
    dossier: Dossier,
    direction: str,
    carrier: str,
    tracking_number: str = "",
    idempotency_key: str | None = None,
) -> tuple[Shipment, bool]:
    """A desk officer registers a shipment of the dossier (the applicant's papers coming in, or
    the result going out). Returns the shipment and whether it is new: the same idempotency key
    twice gives the first shipment back."""
    _require_desk_officer(actor, dossier)
    key = (idempotency_key or "").strip()[:100] or None
    if key:
        existing = Shipment.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.dossier_id != dossier.pk:
                raise Conflict("Khoá chống gửi trùng đã dùng cho hồ sơ khác.", code="key_reused")
            return existing, False
    errors: dict[str, str] = {}
    if direction not in Direction.values:
        errors["direction"] = "Chọn chiều gửi."
    if carrier not in (MANUAL, VNPOST):
        errors["carrier"] = "Chọn đơn vị bưu chính."
    number = normalize_text(tracking_number or "").replace(" ", "").upper()
    if carrier == MANUAL and not TRACKING.match(number):
        errors["tracking_number"] = (
            "Nhập số hiệu bưu gửi in trên phiếu gửi (4–40 chữ cái, chữ số hoặc dấu gạch)."
        )
    if errors:
        raise InvalidInput("Thông tin bưu gửi chưa hợp lệ.", errors=errors)
    if dossier.status in (Status.REFUSED, Status.WITHDRAWN):
        raise Conflict(f"Hồ sơ {dossier.code} đã kết thúc.", code="dossier_closed")
    name, phone, address = _recipient(dossier, direction)
    try:
        provider = get_carrier(carrier)
    except ImproperlyConfigured as exc:
        logger.error("postal: %s", exc)
        raise PostalUnavailable(
            "Kết nối bưu chính chưa sẵn sàng; hãy chọn ghi nhận thủ công tại quầy."
        ) from None
    try:
        number = provider.create_shipment(
            ShipmentRequest(
                reference=f"{dossier.code}/{direction}",
                direction=direction,
                recipient_name=name,
                recipient_phone=phone,
                address=address,
                tracking_number=number,
            )
        )
    except CarrierError as exc:
        logger.error("postal: carrier %s refused shipment of %s: %s", carrier, dossier.code, exc)
        raise CarrierUnavailable(
            "Đơn vị bưu chính không nhận yêu cầu hoặc không trả lời; chưa tạo bưu gửi."
        ) from None
    now = timezone.now()
    try:
        with transaction.atomic():
            shipment = Shipment.objects.create(
                dossier=dossier,
                direction=direction,
                carrier=carrier,
                tracking_number=number,
                recipient_name=name,
                recipient_phone=phone,
                address=address,
                idempotency_key=key,
                created_by=actor,
            )
            ShipmentEvent.objects.create(
                shipment=shipment,
                state=ShipmentState.CREATED,
                occurred_at=now,
                source=ShipmentEvent.Source.OFFICER,
                external_id="created",
                actor=actor,
            )
            record(
                "postal.shipment.created",
                actor=actor,
                target=shipment,
                after={
                    "dossier": dossier.code,
                    "direction": direction,
                    "carrier": carrier,
                    "tracking_number": number,
                },
            )
    except IntegrityError:
        if key and (existing := Shipment.objects.filter(idempotency_key=key).first()):
            return existing, False
        raise Conflict(
            f"Số hiệu bưu gửi {number} đã được dùng.",
            code="tracking_number_taken",
            errors={"tracking_number": "Số hiệu này đã được dùng cho bưu gửi khác."},
        ) from None
    return shipment, True


def _apply(
    shipment: Shipment, event: CarrierEvent, *, source: str, actor: Any = None
) -> ShipmentEvent | None:
    """Record one event and move the shipment forward. ``None`` when the same event was already
    recorded (idempotent). Raises Conflict for a move backwards or after a final state."""
    if event.state not in ShipmentState.values or event.state == ShipmentState.CREATED:
        raise InvalidInput("Trạng thái không hợp lệ.", errors={"state": "Chọn trạng thái."})
    with transaction.atomic():
        if ShipmentEvent.objects.filter(shipment=shipment, external_id=event.external_id).exists():
            return None
        current = Shipment.objects.get(pk=shipment.pk)
        if current.state in FINAL_STATES:
            raise Conflict(
                f"Bưu gửi {current.tracking_number} đã ở trạng thái cuối "
                f"({current.get_state_display().lower()}).",
                code="shipment_final",
            )
        if STATE_ORDER[ShipmentState(event.state)] < STATE_ORDER[ShipmentState(current.state)]:
            raise Conflict(
                f"Bưu gửi {current.tracking_number} đã qua trạng thái này.",
                code="state_backwards",
            )
        if event.state == current.state and event.state != ShipmentState.IN_TRANSIT:
            return None  # the same state again: nothing new to say
        try:
            with transaction.atomic():
                created = ShipmentEvent.objects.create(
                    shipment=current,
                    state=event.state,
                    occurred_at=event.occurred_at,
                    source=source,
                    location=event.location,
                    note=event.note,
                    external_id=event.external_id,
                    actor=actor if getattr(actor, "pk", None) else None,
                )
        except IntegrityError:  # the same event, concurrently
            return None
        changed = Shipment.objects.filter(pk=current.pk, version=current.version).update(
            state=event.state, version=current.version + 1, updated_at=timezone.now()
        )
        if changed != 1:
            raise Conflict("Bưu gửi vừa được cập nhật; vui lòng thử lại.", code="stale")
        record(
            "postal.shipment.state",
            actor=actor,
            target=current,
            before={"state": current.state},
            after={
                "state": event.state,
                "source": source,
                "event": event.external_id,
                "occurred_at": event.occurred_at.isoformat(),
                "location": event.location,
            },
        )
    shipment.refresh_from_db()
    return created


def record_state(
    *,
    actor: Any,
    shipment: Shipment,
    state: str,
    occurred_at: dt.datetime | None = None,
    location: str = "",
    note: str = "",
    idempotency_key: str = "",
) -> ShipmentEvent | None:
    """A desk officer records what the post office reported (manual carrier, or a correction).
    The same idempotency key twice records once."""
    _require_desk_officer(actor, shipment.dossier)
    moment = occurred_at or timezone.now()
    if timezone.is_naive(moment):
        raise InvalidInput("Thời điểm phải kèm múi giờ.", errors={"occurred_at": "thiếu múi giờ"})
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise InvalidInput(
            "Thời điểm không được ở tương lai.", errors={"occurred_at": "ở tương lai"}
        )
    key = (idempotency_key or "").strip()[:90] or uuid.uuid4().hex
    return _apply(
        shipment,
        CarrierEvent(
            external_id=f"form:{key}",
            state=state,
            occurred_at=moment,
            location=normalize_text(location or "")[:200],
            note=normalize_text(note or "")[:500],
        ),
        source=ShipmentEvent.Source.OFFICER,
        actor=actor,
    )


def refresh_from_carrier(*, actor: Any, shipment: Shipment) -> int:
    """Ask the carrier for the shipment's events and record the new ones (when a webhook was
    missed). Returns how many were recorded."""
    _require_desk_officer(actor, shipment.dossier)
    if shipment.carrier == MANUAL:
        return 0
    try:
        events = get_carrier(shipment.carrier).query_status(shipment.tracking_number)
    except (CarrierError, ImproperlyConfigured) as exc:
        logger.error("postal: status of %s: %s", shipment, exc)
        raise CarrierUnavailable("Không hỏi được trạng thái từ đơn vị bưu chính.") from None
    recorded = 0
    for event in sorted(events, key=lambda e: e.occurred_at):
        try:
            recorded += _apply(shipment, event, source=ShipmentEvent.Source.CARRIER) is not None
        except Conflict:
            continue
    return recorded


# --- the carrier's webhook -------------------------------------------------------------------


def _as_carrier() -> Any:
    return context.bind(dataclasses.replace(context.current(), actor_label=CARRIER_LABEL))


def _rejected(reason: str, payload: Any) -> None:
    logger.warning("postal: webhook rejected: %s", reason)
    record(
        "postal.webhook.rejected",
        object_type="postal.shipment",
        object_label=str(payload.get("tracking_number", ""))[:64]
        if isinstance(payload, dict)
        else "",
        after={"reason": reason},
    )


def handle_webhook(body: bytes, *, timestamp: str, signature: str) -> str:
    """A status update pushed by the carrier. Returns ``recorded``, ``duplicate`` (the same
    event again: nothing changes) or ``ignored`` (a state we already passed). Raises
    WebhookRejected (forged, stale or replayed outside the window), NotFound (unknown tracking
    number), InvalidInput (unreadable event)."""
    with _as_carrier():
        try:
            carrier = VnpostCarrier.from_env()
        except ImproperlyConfigured as exc:
            logger.error("postal: %s", exc)
            raise PostalUnavailable("Kết nối bưu chính chưa được cấu hình.") from None
        try:
            payload = carrier.verify_webhook(body, timestamp, signature, timezone.now())
        except InvalidWebhook as exc:
            _rejected(str(exc), {})
            raise WebhookRejected("Chữ ký hoặc thời điểm của thông báo không hợp lệ.") from None
        if not isinstance(payload, dict):
            _rejected("not an object", {})
            raise InvalidInput("Thông báo không đúng định dạng.")
        event = read_event(payload)
        if event is None:
            _rejected("unreadable event", payload)
            raise InvalidInput("Thông báo không đúng định dạng hoặc trạng thái không rõ.")
        tracking = str(payload.get("tracking_number", ""))[:40]
        shipment = (
            Shipment.objects.select_related("dossier")
            .filter(carrier=VNPOST, tracking_number=tracking)
            .first()
        )
        if shipment is None:
            _rejected("unknown tracking number", payload)
            raise NotFound(f"Không có bưu gửi {tracking}.")
        try:
            created = _apply(shipment, event, source=ShipmentEvent.Source.CARRIER)
        except Conflict as exc:
            logger.info("postal: webhook for %s ignored: %s", shipment, exc.detail)
            return "ignored"
        if created is None:
            logger.info("postal: webhook for %s repeated event %s", shipment, event.external_id)
            return "duplicate"
        return "recorded"


def get_shipment(dossier: Dossier, shipment_id: int) -> Shipment:
    shipment = Shipment.objects.filter(dossier=dossier, pk=shipment_id).first()
    if shipment is None:
        raise NotFound("Không tìm thấy bưu gửi.")
    return shipment
