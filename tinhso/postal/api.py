"""Postal endpoints, mounted at ``/api/v1/postal``: the applicant's choice, shipments recorded by
desk officers, tracking for the applicant, and the carrier's signed webhook."""
# No "from __future__ import annotations": django-ninja reads the annotations at run time.

import datetime as dt
from typing import Any, Literal, cast

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status as Reply

from tinhso.core.auth import staff_or_citizen
from tinhso.dossiers.access import get_dossier_for
from tinhso.identity.models import User
from tinhso.postal import queries, services

router = Router(tags=["bưu chính công ích"])


class ChoiceIn(Schema):
    submit_by_post: bool = False
    receive_by_post: bool = False
    recipient_name: str = ""
    recipient_phone: str = ""
    address: str = ""


class ChoiceOut(Schema):
    submit_by_post: bool
    receive_by_post: bool
    recipient_name: str
    recipient_phone: str
    address: str
    updated_at: dt.datetime


class EventOut(Schema):
    state: str
    state_label: str
    occurred_at: dt.datetime
    location: str
    note: str
    source: str


class ShipmentOut(Schema):
    id: int
    direction: str
    carrier: str
    tracking_number: str
    state: str
    state_label: str
    recipient_name: str
    address: str
    created_at: dt.datetime
    events: list[EventOut]


class PostalOut(Schema):
    dossier_code: str
    choice: ChoiceOut | None
    shipments: list[ShipmentOut]


class ShipmentIn(Schema):
    direction: Literal["in", "out"]
    carrier: Literal["manual", "vnpost"] = "manual"
    tracking_number: str = ""
    idempotency_key: str | None = None


class StateIn(Schema):
    state: Literal["handed_over", "in_transit", "delivered", "returned"]
    occurred_at: dt.datetime | None = None
    location: str = ""
    note: str = ""
    idempotency_key: str = ""


class WebhookOut(Schema):
    result: str


def _shipment_out(shipment: Any) -> ShipmentOut:
    return ShipmentOut(**queries.shipment_values(shipment))


@router.get(
    "/dossiers/{code}",
    auth=staff_or_citizen,
    response=PostalOut,
    summary="Bưu chính của hồ sơ: đăng ký của người nộp và các bưu gửi",
)
def dossier_postal(request: HttpRequest, code: str) -> dict[str, Any]:
    return queries.postal_summary(get_dossier_for(request.user, code))


@router.put(
    "/dossiers/{code}/choice",
    auth=staff_or_citizen,
    response=ChoiceOut,
    summary="Người nộp đăng ký nộp hồ sơ và/hoặc nhận kết quả qua bưu chính công ích",
)
def choose(request: HttpRequest, code: str, payload: ChoiceIn) -> Any:
    user = cast(User, request.user)
    dossier = get_dossier_for(user, code)
    return services.choose_postal(actor=user, dossier=dossier, **payload.dict())


@router.post(
    "/dossiers/{code}/shipments",
    auth=staff_or_citizen,
    response={200: ShipmentOut, 201: ShipmentOut},
    summary="Cán bộ Một cửa tạo bưu gửi của hồ sơ (cùng khoá chống trùng: trả bưu gửi đã tạo)",
)
def create(request: HttpRequest, code: str, payload: ShipmentIn) -> Reply[ShipmentOut]:
    user = cast(User, request.user)
    dossier = get_dossier_for(user, code)
    shipment, created = services.create_shipment(actor=user, dossier=dossier, **payload.dict())
    return Reply(201 if created else 200, _shipment_out(shipment))


@router.post(
    "/dossiers/{code}/shipments/{shipment_id}/events",
    auth=staff_or_citizen,
    response=ShipmentOut,
    summary="Cán bộ Một cửa ghi nhận trạng thái bưu gửi",
)
def record_state(request: HttpRequest, code: str, shipment_id: int, payload: StateIn) -> Any:
    user = cast(User, request.user)
    shipment = services.get_shipment(get_dossier_for(user, code), shipment_id)
    services.record_state(actor=user, shipment=shipment, **payload.dict())
    shipment.refresh_from_db()
    return _shipment_out(shipment)


@router.post(
    "/dossiers/{code}/shipments/{shipment_id}/refresh",
    auth=staff_or_citizen,
    response=ShipmentOut,
    summary="Hỏi lại trạng thái từ đơn vị bưu chính",
)
def refresh(request: HttpRequest, code: str, shipment_id: int) -> Any:
    user = cast(User, request.user)
    shipment = services.get_shipment(get_dossier_for(user, code), shipment_id)
    services.refresh_from_carrier(actor=user, shipment=shipment)
    shipment.refresh_from_db()
    return _shipment_out(shipment)


@router.get(
    "/tracking/{number}",
    auth=staff_or_citizen,
    response=ShipmentOut,
    summary="Theo dõi bưu gửi theo số hiệu (người nộp, cán bộ)",
)
def tracking(request: HttpRequest, number: str) -> Any:
    return _shipment_out(queries.shipment_by_tracking(request.user, number))


@router.post(
    "/vnpost/webhook",
    auth=None,
    response=WebhookOut,
    summary="VNPost báo trạng thái bưu gửi (ký HMAC-SHA256)",
)
def webhook(request: HttpRequest) -> WebhookOut:
    result = services.handle_webhook(
        request.body,
        timestamp=request.headers.get("X-VNPost-Timestamp", ""),
        signature=request.headers.get("X-VNPost-Signature", ""),
    )
    return WebhookOut(result=result)
