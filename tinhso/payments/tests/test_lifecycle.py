"""Receipts, the return page, expiry, late confirmations, refunds and reconciliation, through the
VNPay-like simulator on loopback (payment page, IPN, merchant API and daily report)."""

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from tinhso.audit.models import AuditEntry
from tinhso.dossiers import services as dossier_services
from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.tests.conftest import declaration
from tinhso.identity.tokens import create_token
from tinhso.payments import services
from tinhso.payments.models import PaymentIntent
from tinhso.payments.providers import ReportRow
from tinhso.payments.simulator import GatewaySimulator
from tinhso.payments.vnpay import VN, canonical_query
from tinhso.payments.words import amount_in_words
from tinhso.printing.tests import pdf

pytestmark = [pytest.mark.django_db]


def api(user: Any) -> Client:
    _, secret = create_token(actor=None, user=user, name="thanh toán")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start(gateway: GatewaySimulator, citizen: Any, dossier: Dossier) -> tuple[PaymentIntent, str]:
    response = api(citizen).post(f"/api/v1/payments/dossiers/{dossier.code}")
    assert response.status_code == 201, response.content
    return PaymentIntent.objects.get(order_ref=response.json()["order_ref"]), response.json()[
        "redirect_url"
    ]


def pay(gateway: GatewaySimulator, citizen: Any, dossier: Dossier) -> dict[str, Any]:
    _, url = start(gateway, citizen, dossier)
    result = gateway.visit(url)
    assert result["ipn"]["RspCode"] == "00", result
    return result


def another_dossier(citizen: Any, officer: Any) -> Dossier:
    dossier, _ = dossier_services.submit_dossier(
        actor=citizen,
        procedure_code="2.001417.000.00.04.H99",
        agency_code="000.00.02.H99",
        form_data={"purpose": "Bổ sung hồ sơ xin việc"},
        components=declaration(citizen),
    )
    dossier = dossier_services.accept_dossier(actor=officer, dossier=dossier)
    return dossier_services.require_payment(actor=officer, dossier=dossier)


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        PaymentIntent.objects.order_by("pk").values_list(
            "state", "paid_at", "refunded_at", "provider_transaction_no", "dossier_settled"
        )
    )


def back_query(gateway: GatewaySimulator, intent: PaymentIntent, mode: str) -> str:
    order = next(o for o in gateway.paid_orders if o["vnp_TxnRef"] == intent.order_ref)
    params = gateway.ipn_params(order, mode=mode)
    return f"{canonical_query(params)}&vnp_SecureHash={params['vnp_SecureHash']}"


# --- amounts in words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm linh năm đồng"),
        (200000, "Hai trăm nghìn đồng"),
        (1050000, "Một triệu không trăm năm mươi nghìn đồng"),
        (1234567, "Một triệu hai trăm ba mươi bốn nghìn năm trăm sáu mươi bảy đồng"),
        (2500000000000, "Hai nghìn năm trăm tỷ đồng"),
    ],
)
def test_amount_in_words(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


# --- receipts -----------------------------------------------------------------------------------


def test_receipt_of_a_paid_intent(
    awaiting_payment: Dossier,
    citizen: Any,
    one_stop_officer: Any,
    other_agency_officer: Any,
    gateway: GatewaySimulator,
) -> None:
    pay(gateway, citizen, awaiting_payment)
    intent = PaymentIntent.objects.get()
    url = f"/api/v1/payments/intents/{intent.order_ref}/receipt.pdf"

    response = api(citizen).get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    text = pdf.words(response.content)
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        f"Số: {intent.order_ref}",
        "Người nộp: Nguyễn Văn An",
        f"Mã hồ sơ: {awaiting_payment.code}",
        "Phí cấp phiếu 200.000",
        "Tổng cộng 200.000",
        "Số tiền bằng chữ: Hai trăm nghìn đồng.",
        "Cổng thanh toán VNPay (ngân hàng NCB)",
        f"Mã giao dịch tại cổng thanh toán: {intent.provider_transaction_no}",
    ):
        assert expected in text, expected
    fonts = pdf.fonts(response.content)
    assert fonts and all("Liberation" in name and embedded == "yes" for name, embedded in fonts)

    # Staff of the receiving agency may download it; the page URL serves the same PDF.
    assert api(one_stop_officer).get(url).status_code == 200
    page = signed_in(one_stop_officer).get(f"/thanh-toan/bien-lai/{intent.order_ref}/")
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    # Another agency and strangers: as if it did not exist.
    assert api(other_agency_officer).get(url).status_code == 404
    assert (
        signed_in(other_agency_officer).get(f"/thanh-toan/bien-lai/{intent.order_ref}/").status_code
        == 404
    )
    assert api(citizen).get("/api/v1/payments/intents/KHONG-CO/receipt.pdf").status_code == 404
    anonymous = Client().get(f"/thanh-toan/bien-lai/{intent.order_ref}/")
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]
    detail = api(citizen).get(f"/api/v1/payments/intents/{intent.order_ref}").json()
    assert (detail["state"], detail["receipt_url"]) == ("paid", url)


def test_no_receipt_before_the_gateway_confirms(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    intent, _ = start(gateway, citizen, awaiting_payment)
    response = api(citizen).get(f"/api/v1/payments/intents/{intent.order_ref}/receipt.pdf")
    assert (response.status_code, response.json()["code"]) == (409, "not_paid")
    page = signed_in(citizen).get(f"/thanh-toan/bien-lai/{intent.order_ref}/")
    assert page.status_code == 409
    assert "chưa được cổng thanh toán xác nhận" in page.content.decode()


# --- the return page ----------------------------------------------------------------------------


def test_return_page_shows_paid_and_changes_nothing(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    result = pay(gateway, citizen, awaiting_payment)
    back = urlsplit(result["return_url"])
    before = snapshot()
    page = signed_in(citizen).get(f"{back.path}?{back.query}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Kết quả thanh toán — Tỉnh số</title>" in html
    assert "Đã thanh toán" in html and "200.000 đồng" in html
    assert f"/thanh-toan/bien-lai/{PaymentIntent.objects.get().order_ref}/" in html
    assert snapshot() == before


def test_return_page_before_the_ipn_does_not_settle(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    intent, url = start(gateway, citizen, awaiting_payment)
    gateway.transport = lambda url: (503, b"")  # the IPN is lost on its way
    gateway.visit(url)
    page = Client().get(f"/thanh-toan/ket-qua/?{back_query(gateway, intent, 'pay')}")
    assert page.status_code == 200 and "Đang chờ xác nhận" in page.content.decode()
    intent.refresh_from_db()
    awaiting_payment.refresh_from_db()
    assert (intent.state, awaiting_payment.status) == ("redirected", Status.AWAITING_PAYMENT)
    # The applicant cancelled on the gateway's page (code 24): shown as cancelled, still open.
    page = Client().get(f"/thanh-toan/ket-qua/?{back_query(gateway, intent, 'decline')}")
    assert "Đã huỷ" in page.content.decode()
    intent.refresh_from_db()
    assert intent.state == "redirected"


def test_return_page_failed_and_bad_input(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    gateway.mode = "decline"
    intent, url = start(gateway, citizen, awaiting_payment)
    result = gateway.visit(url)
    assert result["ipn"]["RspCode"] == "00"
    page = Client().get(f"/thanh-toan/ket-qua/?{urlsplit(result['return_url']).query}")
    assert page.status_code == 200 and "Không thành công" in page.content.decode()

    forged = back_query(gateway, intent, "forge")
    page = Client().get(f"/thanh-toan/ket-qua/?{forged}")
    assert page.status_code == 422
    assert "<title>Lỗi: Kết quả thanh toán — Tỉnh số</title>" in page.content.decode()
    assert Client().get("/thanh-toan/ket-qua/").status_code == 400
    unknown = dict(parse_qsl(back_query(gateway, intent, "pay")))
    unknown["vnp_TxnRef"] = "KHONG-CO-DON"
    from tinhso.payments.vnpay import sign

    unknown["vnp_SecureHash"] = sign(unknown, gateway.secret)
    assert Client().get("/thanh-toan/ket-qua/", unknown).status_code == 404


# --- expiry and late confirmations ---------------------------------------------------------------


def _age(intent: PaymentIntent, minutes: int) -> None:
    PaymentIntent.objects.filter(pk=intent.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


def test_stale_intents_expire_by_command_and_lazily(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator, monkeypatch: Any
) -> None:
    monkeypatch.setenv("TINHSO_PAYMENT_INTENT_TTL_MINUTES", "20")
    first, _ = start(gateway, citizen, awaiting_payment)
    _age(first, 19)
    call_command("payments", "expire")
    first.refresh_from_db()
    assert first.state == "redirected"
    _age(first, 21)
    call_command("payments", "expire")
    first.refresh_from_db()
    assert (first.state, first.expired_at is not None) == ("expired", True)
    assert AuditEntry.objects.filter(action="payments.intent.expired").count() == 1

    second, _ = start(gateway, citizen, awaiting_payment)
    assert second.pk != first.pk and second.state == "redirected"
    _age(second, 25)
    third, _ = start(gateway, citizen, awaiting_payment)  # lazily: the stale one is replaced
    second.refresh_from_db()
    assert (second.state, third.state) == ("expired", "redirected")


def test_late_ipn_for_an_expired_intent(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator, one_stop_officer: Any
) -> None:
    intent, url = start(gateway, citizen, awaiting_payment)
    deliver = gateway.transport
    gateway.transport = lambda url: (503, b"")
    gateway.visit(url)  # paid at the gateway, the IPN lost
    gateway.transport = deliver
    _age(intent, 60)
    assert services.expire_stale_intents() == 1
    order = gateway.paid_orders[-1]

    # A declined confirmation for an expired intent changes nothing.
    assert gateway.deliver(gateway.ipn_params(order, mode="decline"))["RspCode"] == "02"
    intent.refresh_from_db()
    assert intent.state == "expired"
    # The money was taken: a successful late confirmation is recorded and settles the dossier.
    assert gateway.deliver(gateway.ipn_params(order))["RspCode"] == "00"
    intent.refresh_from_db()
    awaiting_payment.refresh_from_db()
    assert (intent.state, intent.dossier_settled) == ("paid", True)
    assert (awaiting_payment.status, awaiting_payment.paid_online) == (Status.RECEIVED, True)
    # Replayed: answered "already confirmed", nothing twice.
    assert gateway.deliver(gateway.delivered[-1])["RspCode"] == "02"


def test_late_ipn_after_another_payment_is_flagged_for_refund(
    awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    stale, url = start(gateway, citizen, awaiting_payment)
    deliver = gateway.transport
    gateway.transport = lambda url: (503, b"")
    gateway.visit(url)
    gateway.transport = deliver
    late_order = gateway.paid_orders[-1]
    _age(stale, 60)
    pay(gateway, citizen, awaiting_payment)  # a new intent, paid and settled
    assert gateway.deliver(gateway.ipn_params(late_order))["RspCode"] == "00"
    stale.refresh_from_db()
    assert (stale.state, stale.dossier_settled) == ("paid", False)


# --- refunds ------------------------------------------------------------------------------------


def test_refund_by_an_officer(
    awaiting_payment: Dossier,
    citizen: Any,
    one_stop_officer: Any,
    other_agency_officer: Any,
    gateway: GatewaySimulator,
) -> None:
    pay(gateway, citizen, awaiting_payment)
    intent = PaymentIntent.objects.get()
    url = f"/api/v1/payments/intents/{intent.order_ref}/refund"
    body = {"reason": "Hồ sơ được miễn lệ phí"}
    before = snapshot()

    refused = api(citizen).post(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert (
        api(other_agency_officer).post(url, body, content_type="application/json").status_code
        == 404
    )
    empty = api(one_stop_officer).post(url, {"reason": "  "}, content_type="application/json")
    assert (empty.status_code, empty.json()["code"]) == (422, "invalid")
    assert snapshot() == before and gateway.refund_requests == []

    done = api(one_stop_officer).post(url, body, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "refunded" and done.json()["refund_transaction_no"]
    intent.refresh_from_db()
    assert (intent.state, intent.refunded_by, intent.refund_reason) == (
        "refunded",
        one_stop_officer,
        "Hồ sơ được miễn lệ phí",
    )
    (request,) = gateway.refund_requests
    assert (request["vnp_Command"], request["vnp_TransactionType"], request["vnp_Amount"]) == (
        "refund",
        "02",
        "20000000",
    )
    assert request["vnp_TransactionNo"] == intent.provider_transaction_no
    assert [t.kind for t in gateway.transactions] == ["pay", "refund"]
    entry = AuditEntry.objects.get(action="payments.intent.refunded")
    assert entry.reason == "Hồ sơ được miễn lệ phí"
    # Not twice.
    again = api(one_stop_officer).post(url, body, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "not_refundable")
    assert len(gateway.refund_requests) == 1
    # The receipt says so.
    text = pdf.words(
        api(citizen).get(f"/api/v1/payments/intents/{intent.order_ref}/receipt.pdf").content
    )
    assert "ĐÃ HOÀN TIỀN" in text


@pytest.mark.parametrize(
    ("mode", "status", "code"),
    [
        ("fail", 409, "refund_rejected"),
        ("forge", 502, "gateway_error"),
        ("down", 502, "gateway_error"),
    ],
)
def test_refund_refused_or_unanswered_changes_nothing(
    awaiting_payment: Dossier,
    citizen: Any,
    one_stop_officer: Any,
    gateway: GatewaySimulator,
    mode: str,
    status: int,
    code: str,
) -> None:
    pay(gateway, citizen, awaiting_payment)
    intent = PaymentIntent.objects.get()
    before = snapshot()
    gateway.refund_mode = mode
    response = api(one_stop_officer).post(
        f"/api/v1/payments/intents/{intent.order_ref}/refund",
        {"reason": "Nộp thừa"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert snapshot() == before
    # Once the gateway is back, the same request id goes through.
    gateway.refund_mode = "ok"
    response = api(one_stop_officer).post(
        f"/api/v1/payments/intents/{intent.order_ref}/refund",
        {"reason": "Nộp thừa"},
        content_type="application/json",
    )
    assert response.status_code == 200
    ids = {r["vnp_RequestId"] for r in gateway.refund_requests}
    assert len(ids) == 1


# --- reconciliation -----------------------------------------------------------------------------


def test_reconciliation_matches_then_lists_every_mismatch(
    awaiting_payment: Dossier,
    citizen: Any,
    one_stop_officer: Any,
    gateway: GatewaySimulator,
    tmp_path: Path,
    capsys: Any,
) -> None:
    pay(gateway, citizen, awaiting_payment)
    second = another_dossier(citizen, one_stop_officer)
    pay(gateway, citizen, second)
    first_intent, second_intent = PaymentIntent.objects.order_by("pk")
    assert first_intent.paid_at is not None
    day = first_intent.paid_at.astimezone(VN).date()

    # The report fetched from the gateway (signed) matches.
    call_command("payments", "reconcile", "--date", day.isoformat())
    assert "Khớp: không có chênh lệch." in capsys.readouterr().out

    # Differences, from a report file.
    third = another_dossier(citizen, one_stop_officer)
    expired, url = start(gateway, citizen, third)
    deliver = gateway.transport
    gateway.transport = lambda url: (503, b"")
    gateway.visit(url)  # money taken at the gateway, never confirmed to us
    gateway.transport = deliver
    _age(expired, 120)
    services.expire_stale_intents()
    rows = [t for t in gateway.transactions if t.order_ref != second_intent.order_ref]
    rows = [
        ReportRow(r.order_ref, r.transaction_no, r.amount + 1000, r.kind, r.succeeded, r.at)
        if r.order_ref == first_intent.order_ref
        else r
        for r in rows
    ]
    rows.append(ReportRow("XYZ-000001", "99999", 50000, "pay", True, rows[0].at))
    gateway.transactions = rows
    report = tmp_path / "vnpay.csv"
    report.write_text(gateway.report_csv(day), encoding="utf-8")
    with pytest.raises(CommandError) as failure:
        call_command("payments", "reconcile", "--date", day.isoformat(), "--report", str(report))
    assert failure.value.returncode == 3
    lines = sorted(
        line.split("\t")[:3] for line in capsys.readouterr().out.splitlines() if "\t" in line
    )
    assert lines == sorted(
        [
            ["amount", "pay", first_intent.order_ref],
            ["missing_at_provider", "pay", second_intent.order_ref],
            ["state", "pay", expired.order_ref],
            ["missing_on_platform", "pay", "XYZ-000001"],
        ]
    )


def test_reconciliation_bad_input(tmp_path: Path, gateway: GatewaySimulator) -> None:
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("payments", "reconcile", "--date", "22/11/2026")
    bad = tmp_path / "bad.csv"
    bad.write_text("txn_ref,amount\nA,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="thiếu cột"):
        call_command("payments", "reconcile", "--date", "2026-11-22", "--report", str(bad))
    with pytest.raises(CommandError, match="Không đọc được"):
        call_command(
            "payments", "reconcile", "--date", "2026-11-22", "--report", str(tmp_path / "none")
        )


def test_payments_of_a_dossier(
    awaiting_payment: Dossier,
    citizen: Any,
    one_stop_officer: Any,
    other_agency_officer: Any,
    gateway: GatewaySimulator,
) -> None:
    pay(gateway, citizen, awaiting_payment)
    url = f"/api/v1/payments/dossiers/{awaiting_payment.code}"
    (mine,) = api(citizen).get(url).json()
    assert (mine["state"], mine["amount"]) == ("paid", 200000)
    assert mine["receipt_url"].endswith("/receipt.pdf")
    assert api(one_stop_officer).get(url).json() == [mine]
    assert api(other_agency_officer).get(url).status_code == 404
