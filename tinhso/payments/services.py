"""Online payment of dossier fees: start a payment (the applicant is redirected to the gateway)
and take the gateway's confirmation (IPN), which settles the dossier. Every callback, valid or
not, leaves an audit entry; only a correctly signed confirmation of the right amount for an open
intent changes anything, and it does so once (compare-and-set on the intent's state)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from tinhso.audit import context
from tinhso.audit.services import record
from tinhso.dossiers.access import roles_in
from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.services import settle_payment_online
from tinhso.identity.access import is_provincial_administrator
from tinhso.identity.models import Role
from tinhso.lib.env import env_int
from tinhso.lib.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from tinhso.lib.text import normalize_text
from tinhso.payments.models import PaymentIntent
from tinhso.payments.providers import (
    Callback,
    GatewayUnavailable,
    InvalidSignature,
    PaymentProvider,
    PaymentRequest,
    RefundRequest,
    get_provider,
)
from tinhso.payments.vnpay import VN

logger = logging.getLogger(__name__)

PROVIDER = "vnpay"
RETURN_PATH = "/thanh-toan/ket-qua/"
IPN_PATH = "/api/v1/payments/vnpay/ipn"
GATEWAY_LABEL = "Cổng thanh toán VNPay"
MAX_LOGGED_PARAMS = 40
MAX_LOGGED_VALUE = 255

# The VNPay IPN answer convention: the gateway retries until it reads one of these.
CONFIRMED = ("00", "Confirm Success")
ORDER_NOT_FOUND = ("01", "Order not found")
ALREADY_CONFIRMED = ("02", "Order already confirmed")
INVALID_AMOUNT = ("04", "Invalid amount")
INVALID_SIGNATURE = ("97", "Invalid Checksum")
UNKNOWN_ERROR = ("99", "Unknown error")


class PaymentsUnavailable(DomainError):
    status = 503
    code = "payments_unavailable"


def _provider() -> PaymentProvider:
    try:
        return get_provider(PROVIDER)
    except ImproperlyConfigured as exc:
        logger.error("payments: %s", exc)
        raise PaymentsUnavailable(
            "Thanh toán trực tuyến chưa sẵn sàng; vui lòng nộp phí tại Bộ phận Một cửa."
        ) from None


def _new_order_ref(dossier: Dossier) -> str:
    return f"{dossier.code}-{secrets.token_hex(3).upper()}"


def _open_intent(dossier: Dossier) -> PaymentIntent | None:
    return PaymentIntent.objects.filter(
        dossier=dossier, state__in=PaymentIntent.OPEN_STATES
    ).first()


def intent_lifetime() -> dt.timedelta:
    """How long an open intent may wait for the gateway's confirmation before it expires. The
    gateway's own page expires after 15 minutes (``vnp_ExpireDate``), so never less than that."""
    minutes = env_int("TINHSO_PAYMENT_INTENT_TTL_MINUTES", 30, minimum=15, maximum=7 * 24 * 60)
    return dt.timedelta(minutes=minutes)


def _expire(intent: PaymentIntent, now: dt.datetime) -> bool:
    changed = PaymentIntent.objects.filter(
        pk=intent.pk, state__in=PaymentIntent.OPEN_STATES
    ).update(state=PaymentIntent.State.EXPIRED, expired_at=now, updated_at=now)
    if changed:
        record(
            "payments.intent.expired",
            target=intent,
            before={"state": intent.state},
            after={
                "state": PaymentIntent.State.EXPIRED,
                "created_at": intent.created_at.isoformat(),
            },
        )
        intent.state = PaymentIntent.State.EXPIRED
        intent.expired_at = now
    return bool(changed)


def expire_stale_intents(*, now: dt.datetime | None = None) -> int:
    """Expire every open intent older than :func:`intent_lifetime` (``tinhso payments expire``;
    the same happens lazily when the applicant starts a new payment). Returns how many."""
    now = now or timezone.now()
    cutoff = now - intent_lifetime()
    count = 0
    stale = PaymentIntent.objects.filter(
        state__in=PaymentIntent.OPEN_STATES, created_at__lt=cutoff
    ).order_by("pk")
    for intent in stale.iterator():
        with transaction.atomic():
            count += _expire(intent, now)
    return count


def _create_or_reuse(actor: Any, dossier: Dossier) -> PaymentIntent:
    intent = _open_intent(dossier)
    if intent is not None and intent.created_at < timezone.now() - intent_lifetime():
        _expire(intent, timezone.now())  # too old to be paid: the next attempt is a new order
        intent = None
    if intent is not None and intent.amount == dossier.fee_total:
        return intent
    if intent is not None:  # the officer changed the amount since: that attempt is void
        PaymentIntent.objects.filter(pk=intent.pk, state__in=PaymentIntent.OPEN_STATES).update(
            state=PaymentIntent.State.CANCELLED, updated_at=timezone.now()
        )
        record(
            "payments.intent.cancelled",
            actor=actor,
            target=intent,
            before={"state": intent.state, "amount": intent.amount},
            after={"state": PaymentIntent.State.CANCELLED, "fee_total": dossier.fee_total},
            reason="Số tiền phải nộp đã thay đổi.",
        )
    try:
        with transaction.atomic():
            intent = PaymentIntent.objects.create(
                dossier=dossier,
                amount=dossier.fee_total,
                provider=PROVIDER,
                order_ref=_new_order_ref(dossier),
            )
    except IntegrityError:
        # A concurrent request of the same applicant opened one first: use it.
        existing = _open_intent(dossier)
        if existing is None:
            raise
        return existing
    record(
        "payments.intent.created",
        actor=actor,
        target=intent,
        after={"dossier": dossier.code, "amount": intent.amount, "provider": PROVIDER},
    )
    return intent


def start_payment(*, actor: Any, dossier: Dossier) -> tuple[PaymentIntent, str]:
    """The applicant pays the fee the officer asked for; an open intent for the same amount is
    reused, so a double click or a retry never creates a second order."""
    if not dossier.applicant_id or dossier.applicant_id != actor.pk:
        raise PermissionDenied(f"Chỉ người nộp hồ sơ {dossier.code} mới thanh toán trực tuyến.")
    if dossier.status != Status.AWAITING_PAYMENT:
        raise Conflict(
            f"Hồ sơ {dossier.code} không ở trạng thái chờ thực hiện nghĩa vụ tài chính.",
            code="not_awaiting_payment",
        )
    if dossier.fee_total <= 0:
        raise InvalidInput(f"Hồ sơ {dossier.code} không có khoản phí nào phải nộp.")
    provider = _provider()
    now = timezone.now()
    with transaction.atomic():
        intent = _create_or_reuse(actor, dossier)
        if intent.state == PaymentIntent.State.CREATED:
            PaymentIntent.objects.filter(pk=intent.pk, state=PaymentIntent.State.CREATED).update(
                state=PaymentIntent.State.REDIRECTED, updated_at=now
            )
            intent.state = PaymentIntent.State.REDIRECTED
    url = provider.build_redirect_url(
        PaymentRequest(
            order_ref=intent.order_ref,
            amount=intent.amount,
            description=f"Thanh toan phi ho so {dossier.code}",
            return_url=f"{settings.PUBLIC_URL}{RETURN_PATH}",
            client_ip=context.current().ip_address or "127.0.0.1",
            created_at=now,
        )
    )
    return intent, url


def _loggable(params: Mapping[str, Any]) -> dict[str, str]:
    """What a callback carried, bounded: the endpoint is public and anyone may post junk."""
    kept = sorted(str(name) for name in params)[:MAX_LOGGED_PARAMS]
    return {name[:64]: str(params[name])[:MAX_LOGGED_VALUE] for name in kept}


def _as_gateway() -> Any:
    return context.bind(dataclasses.replace(context.current(), actor_label=GATEWAY_LABEL))


def _audit_callback(
    kind: str, answer: tuple[str, str], params: Mapping[str, Any], intent: PaymentIntent | None
) -> None:
    record(
        f"payments.{kind}",
        object_type="payments.paymentintent",
        object_id=str(intent.pk) if intent else "",
        object_label=intent.order_ref if intent else str(params.get("vnp_TxnRef", ""))[:64],
        after={"answer": answer[0], "message": answer[1], "params": _loggable(params)},
    )


def _settle(intent: PaymentIntent, callback: Callback) -> tuple[str, str]:
    now = timezone.now()
    new_state = PaymentIntent.State.PAID if callback.succeeded else PaymentIntent.State.FAILED
    # An open intent takes either answer; an expired one only a successful payment (the money
    # was taken after we stopped waiting: it must be recorded, never lost).
    from_states = PaymentIntent.OPEN_STATES if intent.is_open else (PaymentIntent.State.EXPIRED,)
    changed = PaymentIntent.objects.filter(pk=intent.pk, state__in=from_states).update(
        state=new_state,
        paid_at=now if callback.succeeded else None,
        provider_transaction_no=callback.transaction_no[:64],
        last_callback=_loggable(callback.params),
        updated_at=now,
    )
    if changed != 1:  # a concurrent delivery of the same IPN won
        return ALREADY_CONFIRMED
    previous = intent.state
    intent.refresh_from_db()
    settled = False
    if callback.succeeded:
        dossier = Dossier.objects.select_related("agency").get(pk=intent.dossier_id)
        try:
            if dossier.fee_total != intent.amount:
                raise Conflict("the amount asked for changed since this order was made")
            with transaction.atomic():
                settle_payment_online(
                    dossier=dossier, reference=intent.order_ref, amount=intent.amount
                )
            settled = True
        except Conflict:
            # The money is taken but the dossier moved on (settled at the desk, withdrawn...):
            # keep the payment, flag it for reconciliation and a refund decision.
            logger.warning("payments: %s paid but dossier %s not settled", intent, dossier.code)
        PaymentIntent.objects.filter(pk=intent.pk).update(dossier_settled=settled)
        intent.dossier_settled = settled
    record(
        f"payments.intent.{new_state}",
        target=intent,
        before={"state": previous},
        after={
            "state": new_state,
            "transaction_no": intent.provider_transaction_no,
            "response_code": callback.response_code,
            "dossier_settled": settled,
        },
    )
    return CONFIRMED


def handle_ipn(params: Mapping[str, Any]) -> tuple[str, str]:
    """The gateway's server-to-server confirmation. Answers with the VNPay code and message;
    never raises (the gateway only understands the answer)."""
    params = {str(name): str(value) for name, value in params.items()}
    intent: PaymentIntent | None = None
    with _as_gateway():
        try:
            provider = get_provider(PROVIDER)
            try:
                callback = provider.parse_callback(params)
            except InvalidSignature:
                answer = INVALID_SIGNATURE
            else:
                with transaction.atomic():
                    intent = (
                        PaymentIntent.objects.filter(
                            order_ref=callback.order_ref, provider=provider.name
                        )
                        .select_related("dossier")
                        .first()
                    )
                    if intent is None:
                        answer = ORDER_NOT_FOUND
                    elif callback.amount != intent.amount:
                        answer = INVALID_AMOUNT
                    elif intent.state == PaymentIntent.State.EXPIRED and callback.succeeded:
                        answer = _settle(intent, callback)  # late payment: keep the money
                    elif not intent.is_open:
                        answer = ALREADY_CONFIRMED
                    else:
                        answer = _settle(intent, callback)
                    _audit_callback("ipn", answer, params, intent)
                return answer
        except Exception:
            logger.exception("payments: IPN failed")
            answer = UNKNOWN_ERROR
        _audit_callback("ipn", answer, params, intent if intent and intent.pk else None)
        return answer


@dataclasses.dataclass(frozen=True)
class ReturnStatus:
    order_ref: str
    dossier_code: str
    state: str
    paid: bool
    gateway_response_code: str
    amount: int = 0


def handle_return(params: Mapping[str, Any]) -> ReturnStatus:
    """The browser coming back from the gateway. Changes nothing — only the IPN is trusted to
    confirm a payment — but tells the applicant where the payment stands."""
    params = {str(name): str(value) for name, value in params.items()}
    with _as_gateway():
        provider = _provider()
        try:
            callback = provider.parse_callback(params)
        except InvalidSignature:
            _audit_callback("return", INVALID_SIGNATURE, params, None)
            raise InvalidInput(
                "Chữ ký của cổng thanh toán không hợp lệ.", code="invalid_signature"
            ) from None
        intent = (
            PaymentIntent.objects.filter(order_ref=callback.order_ref, provider=provider.name)
            .select_related("dossier")
            .first()
        )
        _audit_callback("return", CONFIRMED if intent else ORDER_NOT_FOUND, params, intent)
        if intent is None:
            raise NotFound(f"Không tìm thấy giao dịch {callback.order_ref}.")
        return ReturnStatus(
            order_ref=intent.order_ref,
            dossier_code=intent.dossier.code,
            state=intent.state,
            paid=intent.state == PaymentIntent.State.PAID,
            gateway_response_code=callback.response_code,
            amount=intent.amount,
        )


# --- refunds ------------------------------------------------------------------------------------

REFUND_ROLES = {Role.ONE_STOP_OFFICER, Role.LEADER}


class GatewayError(DomainError):
    status = 502
    code = "gateway_error"


def _gateway_pay_date(intent: PaymentIntent) -> dt.datetime:
    """When the gateway says the payment happened (its ``vnp_PayDate``), else when we heard."""
    stamp = str((intent.last_callback or {}).get("vnp_PayDate", ""))
    try:
        return dt.datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=VN)
    except ValueError:
        assert intent.paid_at is not None
        return intent.paid_at


def refund_payment(*, actor: Any, intent: PaymentIntent, reason: str) -> PaymentIntent:
    """Give the whole amount back through the gateway (an officer's decision: one-stop officer
    or leader of the receiving agency). The dossier is not changed: the refund is recorded on
    the intent and in the audit trail. The gateway is asked first; the intent becomes
    ``refunded`` only on its signed success. A retry reuses the request id, so the gateway
    recognises it instead of refunding twice."""
    dossier = intent.dossier
    if not (roles_in(actor, dossier.agency) & REFUND_ROLES or is_provincial_administrator(actor)):
        raise PermissionDenied(
            "Chỉ cán bộ Bộ phận Một cửa hoặc lãnh đạo cơ quan tiếp nhận mới quyết định hoàn tiền."
        )
    reason = normalize_text(reason or "")
    if not reason:
        raise InvalidInput(
            "Cần nêu lý do hoàn tiền.", errors={"reason": "Cần nêu lý do hoàn tiền."}
        )
    if intent.state != PaymentIntent.State.PAID:
        raise Conflict(
            f"Giao dịch {intent.order_ref} không ở trạng thái đã thanh toán; không thể hoàn tiền.",
            code="not_refundable",
        )
    provider = _provider()
    now = timezone.now()
    try:
        result = provider.refund(
            RefundRequest(
                request_id=f"RF{intent.pk:012d}",
                order_ref=intent.order_ref,
                amount=intent.amount,
                transaction_no=intent.provider_transaction_no,
                paid_at=_gateway_pay_date(intent),
                created_by=str(getattr(actor, "username", ""))[:64],
                client_ip=context.current().ip_address or "127.0.0.1",
                created_at=now,
            )
        )
    except GatewayUnavailable as exc:
        logger.error("payments: refund of %s failed: %s", intent, exc)
        record(
            "payments.refund.failed",
            actor=actor,
            target=intent,
            after={"error": str(exc)[:255]},
            reason=reason,
        )
        raise GatewayError(
            "Cổng thanh toán không trả lời hoặc trả lời không hợp lệ; chưa hoàn tiền. "
            "Vui lòng thử lại sau."
        ) from None
    if not result.succeeded:
        record(
            "payments.refund.rejected",
            actor=actor,
            target=intent,
            after={"response_code": result.response_code, "message": result.message[:255]},
            reason=reason,
        )
        raise Conflict(
            f"Cổng thanh toán từ chối hoàn tiền (mã {result.response_code}: {result.message}).",
            code="refund_rejected",
        )
    with transaction.atomic():
        changed = PaymentIntent.objects.filter(pk=intent.pk, state=PaymentIntent.State.PAID).update(
            state=PaymentIntent.State.REFUNDED,
            refunded_at=now,
            refunded_by=actor,
            refund_reason=reason,
            refund_transaction_no=result.transaction_no[:64],
            updated_at=now,
        )
        if changed != 1:
            raise Conflict(f"Giao dịch {intent.order_ref} vừa được xử lý.", code="not_refundable")
        record(
            "payments.intent.refunded",
            actor=actor,
            target=intent,
            before={"state": PaymentIntent.State.PAID},
            after={
                "state": PaymentIntent.State.REFUNDED,
                "amount": intent.amount,
                "refund_transaction_no": result.transaction_no,
            },
            reason=reason,
        )
    intent.refresh_from_db()
    return intent
