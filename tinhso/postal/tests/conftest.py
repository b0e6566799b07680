"""A received dossier of the test province and a VNPost-like carrier on loopback that the
platform is configured to use (webhooks delivered through Django's test client)."""

from collections.abc import Iterator
from typing import Any

import pytest

from tinhso.catalog.models import ProcedureVersion
from tinhso.dossiers import services as dossier_services
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.tests.conftest import declaration, procedure  # noqa: F401 (fixture)
from tinhso.postal.simulator import CarrierSimulator

WEBHOOK_PATH = "/api/v1/postal/vnpost/webhook"


@pytest.fixture
def received(
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
    return dossier_services.accept_dossier(actor=one_stop_officer, dossier=dossier)


@pytest.fixture
def carrier(monkeypatch: pytest.MonkeyPatch) -> Iterator[CarrierSimulator]:
    from django.test import Client

    client = Client()

    def through_test_client(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        extra.pop("HTTP_CONTENT_TYPE", None)
        response = client.post(WEBHOOK_PATH, body, content_type="application/json", **extra)
        return response.status_code, response.content

    simulator = CarrierSimulator(
        token="ma-truy-cap-bccI",
        webhook_secret="khoa-ky-webhook",
        webhook_url=f"http://testserver{WEBHOOK_PATH}",
        transport=through_test_client,
    )
    for name, value in simulator.env().items():
        monkeypatch.setenv(name, value)
    with simulator:
        yield simulator
