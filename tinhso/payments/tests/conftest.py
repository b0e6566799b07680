"""A dossier waiting for its fee (200 000 đ) and a VNPay-like gateway on loopback that the
platform is configured to use."""

from collections.abc import Iterator
from typing import Any

import pytest

from tinhso.catalog.models import ProcedureVersion
from tinhso.dossiers import services as dossier_services
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.tests.conftest import declaration, procedure  # noqa: F401 (fixture)
from tinhso.payments.simulator import GatewaySimulator

IPN_PATH = "/api/v1/payments/vnpay/ipn"


@pytest.fixture
def awaiting_payment(
    procedure: ProcedureVersion,  # noqa: F811
    citizen: Any,
    one_stop_officer: Any,
) -> Dossier:
    dossier, _ = dossier_services.submit_dossier(
        actor=citizen,
        procedure_code="2.001417.000.00.04.H99",
        agency_code="000.00.02.H99",
        form_data={"purpose": "Xin việc"},
        components=declaration(citizen),
    )
    dossier = dossier_services.accept_dossier(actor=one_stop_officer, dossier=dossier)
    return dossier_services.require_payment(actor=one_stop_officer, dossier=dossier)


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> Iterator[GatewaySimulator]:
    """The simulator, delivering IPNs through Django's test client (no live server needed)."""
    from django.test import Client

    client = Client()

    def through_test_client(url: str) -> tuple[int, bytes]:
        path = url.split("://", 1)[-1].split("/", 1)[-1]
        response = client.get("/" + path)
        return response.status_code, response.content

    simulator = GatewaySimulator(
        tmn_code="TINHSO01",
        secret="bi-mat-cua-thuong-nhan",
        ipn_url=f"http://testserver{IPN_PATH}",
        transport=through_test_client,
    )
    for name, value in simulator.env().items():
        monkeypatch.setenv(name, value)
    with simulator:
        yield simulator
