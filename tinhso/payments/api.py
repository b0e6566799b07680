"""Payment endpoints, mounted at ``/api/v1/payments``: the applicant starts a payment; the gateway
calls back (IPN, server to server) and the browser returns — both public, trusted only through
the gateway's signature."""
# No "from __future__ import annotations": django-ninja reads the annotations at run time.

import datetime as dt
from typing import cast

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.responses import Status as Reply

from tinhso.core.auth import staff_or_citizen
from tinhso.core.http import pdf_response
from tinhso.dossiers.access import get_dossier_for
from tinhso.identity.models import User
from tinhso.payments import services
from tinhso.payments.access import get_intent_for, may_see
from tinhso.payments.models import PaymentIntent
from tinhso.payments.receipts import receipt_pdf

router = Router(tags=["thanh toán"])


class PaymentStartedOut(Schema):
    order_ref: str
    dossier_code: str
    amount: int
    currency: str
    state: str
    created_at: dt.datetime
    redirect_url: str


class IpnAnswer(Schema):
    RspCode: str
    Message: str


class ReturnOut(Schema):
    order_ref: str
    dossier_code: str
    state: str
    paid: bool
    gateway_response_code: str


@router.post(
    "/dossiers/{code}",
    auth=staff_or_citizen,
    response={201: PaymentStartedOut},
    summary="Thanh toán trực tuyến phí, lệ phí của hồ sơ (người nộp hồ sơ)",
)
def start(request: HttpRequest, code: str) -> Reply[PaymentStartedOut]:
    user = cast(User, request.user)
    dossier = get_dossier_for(user, code)
    intent, url = services.start_payment(actor=user, dossier=dossier)
    return Reply(
        201,
        PaymentStartedOut(
            order_ref=intent.order_ref,
            dossier_code=dossier.code,
            amount=intent.amount,
            currency=intent.currency,
            state=intent.state,
            created_at=intent.created_at,
            redirect_url=url,
        ),
    )


@router.get(
    "/vnpay/ipn",
    auth=None,
    response=IpnAnswer,
    summary="VNPay IPN: cổng thanh toán xác nhận giao dịch (máy chủ gọi máy chủ)",
)
def vnpay_ipn(request: HttpRequest) -> IpnAnswer:
    code, message = services.handle_ipn(request.GET.dict())
    return IpnAnswer(RspCode=code, Message=message)


@router.get(
    "/vnpay/return",
    auth=None,
    response=ReturnOut,
    summary="VNPay return URL: trình duyệt quay lại sau khi thanh toán",
)
def vnpay_return(request: HttpRequest) -> ReturnOut:
    status = services.handle_return(request.GET.dict())
    return ReturnOut(
        order_ref=status.order_ref,
        dossier_code=status.dossier_code,
        state=status.state,
        paid=status.paid,
        gateway_response_code=status.gateway_response_code,
    )


class RefundIn(Schema):
    reason: str


class IntentOut(Schema):
    order_ref: str
    dossier_code: str
    amount: int
    state: str
    paid_at: dt.datetime | None
    refunded_at: dt.datetime | None
    provider_transaction_no: str
    refund_transaction_no: str
    receipt_url: str | None


def _intent_out(intent: PaymentIntent) -> IntentOut:
    has_receipt = intent.state in (PaymentIntent.State.PAID, PaymentIntent.State.REFUNDED)
    return IntentOut(
        order_ref=intent.order_ref,
        dossier_code=intent.dossier.code,
        amount=intent.amount,
        state=intent.state,
        paid_at=intent.paid_at,
        refunded_at=intent.refunded_at,
        provider_transaction_no=intent.provider_transaction_no,
        refund_transaction_no=intent.refund_transaction_no,
        receipt_url=f"/api/v1/payments/intents/{intent.order_ref}/receipt.pdf"
        if has_receipt
        else None,
    )


@router.get(
    "/intents/{ref}",
    auth=staff_or_citizen,
    response=IntentOut,
    summary="Một giao dịch thanh toán (người nộp hồ sơ, cán bộ cơ quan tiếp nhận)",
)
def intent_detail(request: HttpRequest, ref: str) -> IntentOut:
    return _intent_out(get_intent_for(request.user, ref))


@router.get(
    "/intents/{ref}/receipt.pdf",
    auth=staff_or_citizen,
    summary="Biên lai thu phí, lệ phí (PDF) của giao dịch đã thanh toán",
)
def receipt(request: HttpRequest, ref: str) -> HttpResponse:
    intent = get_intent_for(request.user, ref)
    return pdf_response(receipt_pdf(intent), f"bien-lai-{intent.order_ref}.pdf")


@router.post(
    "/intents/{ref}/refund",
    auth=staff_or_citizen,
    response=IntentOut,
    summary="Hoàn tiền giao dịch đã thanh toán (cán bộ Một cửa, lãnh đạo cơ quan tiếp nhận)",
)
def refund(request: HttpRequest, ref: str, payload: RefundIn) -> IntentOut:
    user = cast(User, request.user)
    intent = get_intent_for(user, ref)
    return _intent_out(services.refund_payment(actor=user, intent=intent, reason=payload.reason))


@router.get(
    "/dossiers/{code}",
    auth=staff_or_citizen,
    response=list[IntentOut],
    summary="Các giao dịch thanh toán của hồ sơ (người nộp, cán bộ cơ quan tiếp nhận)",
)
def dossier_intents(request: HttpRequest, code: str) -> list[IntentOut]:
    dossier = get_dossier_for(request.user, code)
    own = PaymentIntent.objects.filter(dossier=dossier).order_by("pk")
    intents = [i for i in own if may_see(request.user, i)]
    return [_intent_out(intent) for intent in intents]
