"""The page the browser returns to from the gateway, in a real browser, for a paid and for a
cancelled payment — through the quality gate (axe, weight, one h1, screenshots)."""

from typing import Any
from urllib.parse import urlsplit

import pytest

from tinhso.dossiers.models import Dossier
from tinhso.payments import services
from tinhso.payments.models import PaymentIntent
from tinhso.payments.simulator import GatewaySimulator
from tinhso.payments.vnpay import canonical_query

pytestmark = pytest.mark.django_db(transaction=True)


def test_applicant_returns_from_the_gateway(
    browser_session: Any, awaiting_payment: Dossier, citizen: Any, gateway: GatewaySimulator
) -> None:
    intent, url = services.start_payment(actor=citizen, dossier=awaiting_payment)
    result = gateway.visit(url)
    assert result["ipn"]["RspCode"] == "00"
    back = urlsplit(result["return_url"])

    visitor = browser_session("citizen")
    visitor.sign_in(citizen.username)
    visitor.goto(f"{back.path}?{back.query}")
    visitor.check("payment-paid")
    assert visitor.page.get_by_text("Đã thanh toán", exact=True).is_visible()
    assert visitor.page.get_by_role("link", name="Tải biên lai (PDF)").is_visible()
    assert PaymentIntent.objects.get().state == "paid"

    # A cancelled attempt of another order, and a forged return.
    order = gateway.paid_orders[-1]
    params = gateway.ipn_params(order, mode="decline")
    visitor.goto(f"/thanh-toan/ket-qua/?{canonical_query(params)}&vnp_SecureHash=00")
    visitor.check("payment-forged")
    assert visitor.page.title().startswith("Lỗi: ")
    assert intent.order_ref in params["vnp_TxnRef"]
