"""Online payment of a dossier's fee through the VNPay-like simulator: the applicant starts the
payment over the API, the gateway confirms by IPN, and the dossier moves on — once. Forged,
wrong, unknown and replayed callbacks change nothing."""

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from tinhso.audit.models import AuditEntry
from tinhso.dossiers.models import Dossier, DossierEvent, Status
from tinhso.identity.tokens import create_token
from tinhso.payments import services
from tinhso.payments.models import PaymentIntent
from tinhso.payments.simulator import GatewaySimulator
from tinhso.payments.vnpay import canonical_query, has_valid_signature, sign

pytestmark = [pytest.mark.django_db]


def client_for(user: Any) -> Client:
    _, secret = create_token(actor=None, user=user, name="thanh toán")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def start(user: Any, code: str) -> Any:
    return client_for(user).post(f"/api/v1/payments/dossiers/{code}")


def state(dossier: Dossier) -> tuple[Any, ...]:
    dossier.refresh_from_db()
    intents = list(
        PaymentIntent.objects.order_by("pk").values_list(
            "state", "provider_transaction_no", "paid_at", "last_callback", "dossier_settled"
        )
    )
    events = DossierEvent.objects.filter(dossier=dossier, action="settle_payment").count()
    return dossier.status, dossier.version, dossier.paid_online, events, intents


def ipn_answers(order_ref: str) -> list[str]:
    return [
        entry.after["answer"]
        for entry in AuditEntry.objects.filter(
            action="payments.ipn", object_label=order_ref
        ).order_by("sequence")
    ]


def paid_through_gateway(gateway: GatewaySimulator, citizen: Any, code: str) -> dict[str, Any]:
    response = start(citizen, code)
    assert response.status_code == 201, response.content
    return gateway.visit(response.json()["redirect_url"])


def test_signature_is_hmac_sha512_of_the_sorted_encoded_query() -> None:
    params = {"vnp_TxnRef": "A-1", "vnp_Amount": "20000000", "vnp_OrderInfo": "Thanh toan phi"}
    assert canonical_query(params) == (
        "vnp_Amount=20000000&vnp_OrderInfo=Thanh+toan+phi&vnp_TxnRef=A-1"
    )
    import hashlib
    import hmac

    expected = hmac.new(b"k", canonical_query(params).encode(), hashlib.sha512).hexdigest()
    assert sign(params, "k") == expected and len(expected) == 128
    assert has_valid_signature({**params, "vnp_SecureHash": expected.upper()}, "k")
    assert not has_valid_signature({**params, "vnp_SecureHash": expected}, "other")
    assert not has_valid_signature({**params, "vnp_Amount": "1", "vnp_SecureHash": expected}, "k")


def test_paid_dossier_through_the_simulator(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    code = awaiting_payment.code
    assert (awaiting_payment.status, awaiting_payment.fee_total) == (
        Status.AWAITING_PAYMENT,
        200000,
    )

    response = start(citizen, code)
    assert response.status_code == 201, response.content
    body = response.json()
    intent = PaymentIntent.objects.get()
    assert body["order_ref"] == intent.order_ref and intent.order_ref.startswith(f"{code}-")
    assert (body["amount"], body["currency"], body["state"]) == (200000, "VND", "redirected")
    url = urlsplit(body["redirect_url"])
    sent = dict(parse_qsl(url.query))
    assert f"{url.scheme}://{url.netloc}{url.path}" == gateway.url
    assert {k: sent[k] for k in ("vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_Amount")} == {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": "TINHSO01",
        "vnp_Amount": "20000000",
    }
    assert (sent["vnp_CurrCode"], sent["vnp_TxnRef"]) == ("VND", intent.order_ref)
    assert sent["vnp_ReturnUrl"].endswith("/thanh-toan/ket-qua/")
    assert len(sent["vnp_CreateDate"]) == 14 and sent["vnp_IpAddr"]

    # A second click reuses the open intent.
    again = start(citizen, code).json()
    assert again["order_ref"] == intent.order_ref and PaymentIntent.objects.count() == 1

    result = gateway.visit(body["redirect_url"])
    assert result["status"] == 200
    assert result["ipn"] == {"RspCode": "00", "Message": "Confirm Success", "http_status": 200}

    status, _, paid_online, settle_events, intents = state(awaiting_payment)
    assert (status, paid_online, settle_events) == (Status.RECEIVED, True, 1)
    ((intent_state, transaction_no, paid_at, last_callback, settled),) = intents
    assert (intent_state, transaction_no, settled) == ("paid", "14000001", True)
    assert paid_at is not None and last_callback["vnp_TxnRef"] == intent.order_ref
    event = DossierEvent.objects.get(dossier=awaiting_payment, action="settle_payment")
    assert event.actor is None and event.data["outcome"] == "paid_online"
    assert event.data["reference"] == intent.order_ref

    actions = list(
        AuditEntry.objects.filter(
            action__in=[
                "payments.intent.created",
                "payments.ipn",
                "payments.intent.paid",
                "dossiers.dossier.settle_payment",
            ]
        )
        .order_by("sequence")
        .values_list("action", "actor_label")
    )
    assert actions == [
        ("payments.intent.created", "congdan.an (Nguyễn Văn An)"),
        ("dossiers.dossier.settle_payment", "Cổng thanh toán VNPay"),
        ("payments.intent.paid", "Cổng thanh toán VNPay"),
        ("payments.ipn", "Cổng thanh toán VNPay"),
    ]

    # The browser comes back: the status is shown, nothing changes.
    before = state(awaiting_payment)
    back_url = urlsplit(result["return_url"])
    assert back_url.path == "/thanh-toan/ket-qua/"
    page = Client().get(f"{back_url.path}?{back_url.query}")
    assert page.status_code == 200 and "Đã thanh toán" in page.content.decode()
    back = Client().get(f"/api/v1/payments/vnpay/return?{back_url.query}")
    assert back.status_code == 200, back.content
    assert back.json() == {
        "order_ref": intent.order_ref,
        "dossier_code": code,
        "state": "paid",
        "paid": True,
        "gateway_response_code": "00",
    }
    assert state(awaiting_payment) == before

    # Once paid, the dossier no longer takes a payment.
    refused = start(citizen, code)
    assert (refused.status_code, refused.json()["code"]) == (409, "not_awaiting_payment")


def test_forged_signature_changes_nothing(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    gateway.mode = "forge"
    response = start(citizen, awaiting_payment.code)
    before = state(awaiting_payment)
    result = gateway.visit(response.json()["redirect_url"])
    assert result["ipn"] == {"RspCode": "97", "Message": "Invalid Checksum", "http_status": 200}
    assert state(awaiting_payment) == before
    assert before[0] == Status.AWAITING_PAYMENT and before[4][0][0] == "redirected"
    assert ipn_answers(PaymentIntent.objects.get().order_ref) == ["97"]
    # The forged return is refused too.
    back = Client().get("/api/v1/payments/vnpay/return?" + urlsplit(result["return_url"]).query)
    assert (back.status_code, back.json()["code"]) == (422, "invalid_signature")
    assert state(awaiting_payment) == before


def test_wrong_amount_changes_nothing(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    gateway.mode = "wrong_amount"
    response = start(citizen, awaiting_payment.code)
    before = state(awaiting_payment)
    result = gateway.visit(response.json()["redirect_url"])
    assert result["ipn"] == {"RspCode": "04", "Message": "Invalid amount", "http_status": 200}
    assert state(awaiting_payment) == before
    assert ipn_answers(PaymentIntent.objects.get().order_ref) == ["04"]


def test_unknown_order_changes_nothing(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    start(citizen, awaiting_payment.code)
    before = state(awaiting_payment)
    params = gateway.ipn_params({"vnp_TxnRef": "KHONG-CO-DON-NAY", "vnp_Amount": "20000000"})
    answer = gateway.deliver(params)
    assert answer == {"RspCode": "01", "Message": "Order not found", "http_status": 200}
    assert state(awaiting_payment) == before
    assert ipn_answers("KHONG-CO-DON-NAY") == ["01"]


def test_replayed_ipn_is_acknowledged_without_a_second_payment(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    result = paid_through_gateway(gateway, citizen, awaiting_payment.code)
    assert result["ipn"]["RspCode"] == "00"
    after_payment = state(awaiting_payment)

    replay = gateway.deliver(gateway.delivered[-1])
    assert replay == {"RspCode": "02", "Message": "Order already confirmed", "http_status": 200}
    assert state(awaiting_payment) == after_payment
    order_ref = PaymentIntent.objects.get().order_ref
    assert ipn_answers(order_ref) == ["00", "02"]


def test_another_callback_for_a_paid_intent_is_acknowledged_without_a_second_payment(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    paid_through_gateway(gateway, citizen, awaiting_payment.code)
    after_payment = state(awaiting_payment)
    # A fresh, correctly signed confirmation (another transaction number) for the same order.
    other = gateway.ipn_params(gateway.paid_orders[-1])
    assert other["vnp_TransactionNo"] != gateway.delivered[-1]["vnp_TransactionNo"]
    assert gateway.deliver(other)["RspCode"] == "02"
    # ... and a declined one afterwards does not undo the payment either.
    assert (
        gateway.deliver(gateway.ipn_params(gateway.paid_orders[-1], mode="decline"))["RspCode"]
        == "02"
    )
    assert state(awaiting_payment) == after_payment


def test_declined_payment_fails_the_intent_and_a_new_attempt_gets_a_new_order(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    gateway.mode = "decline"
    result = paid_through_gateway(gateway, citizen, awaiting_payment.code)
    assert result["ipn"]["RspCode"] == "00"  # the gateway's news was taken
    status, _, paid_online, events, intents = state(awaiting_payment)
    assert (status, paid_online, events, intents[0][0]) == (
        Status.AWAITING_PAYMENT,
        False,
        0,
        "failed",
    )
    gateway.mode = "pay"
    second = paid_through_gateway(gateway, citizen, awaiting_payment.code)
    assert second["ipn"]["RspCode"] == "00"
    orders = list(PaymentIntent.objects.order_by("pk").values_list("state", flat=True))
    assert orders == ["failed", "paid"]
    assert state(awaiting_payment)[:3][::2] == (Status.RECEIVED, True)


def test_only_the_applicant_starts_a_payment_and_only_when_awaiting_it(
    awaiting_payment: Dossier,
    citizen: Any,
    one_stop_officer: Any,
    other_agency_officer: Any,
    gateway: GatewaySimulator,
) -> None:
    before = state(awaiting_payment)
    officer = start(one_stop_officer, awaiting_payment.code)
    assert (officer.status_code, officer.json()["code"]) == (403, "forbidden")
    stranger = start(other_agency_officer, awaiting_payment.code)
    assert (stranger.status_code, stranger.json()["code"]) == (404, "not_found")
    anonymous = Client().post(f"/api/v1/payments/dossiers/{awaiting_payment.code}")
    assert anonymous.status_code == 401
    assert state(awaiting_payment) == before and not PaymentIntent.objects.exists()


def test_not_configured_answers_503(
    awaiting_payment: Dossier, citizen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TINHSO_VNPAY_TMN_CODE", raising=False)
    monkeypatch.delenv("TINHSO_VNPAY_SECRET", raising=False)
    response = start(citizen, awaiting_payment.code)
    assert (response.status_code, response.json()["code"]) == (503, "payments_unavailable")
    assert not PaymentIntent.objects.exists()
    assert services.handle_ipn({"vnp_TxnRef": "X"}) == ("99", "Unknown error")


def test_ipn_answer_is_plain_json(gateway: GatewaySimulator, db: Any) -> None:
    response = Client().get("/api/v1/payments/vnpay/ipn?vnp_TxnRef=X&vnp_SecureHash=00")
    assert response.status_code == 200
    assert json.loads(response.content) == {"RspCode": "97", "Message": "Invalid Checksum"}
