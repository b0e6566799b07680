"""Payment endpoints, mounted at ``/api/v1/payments``: the applicant starts a payment; the gateway
calls back (IPN, server to server) and the browser returns — both public, trusted only through
the gateway's signature."""
# No "from __future__ import annotations": django-ninja reads the annotations at run time.

import datetime as dt
from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status as Reply

from tinhso.core.auth import staff_or_citizen
from tinhso.dossiers.access import get_dossier_for
from tinhso.identity.models import User
from tinhso.payments import services

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
