"""Fixtures of the citizen pages' tests: published procedures of the test province (through the
catalogue services, without freezing time) and dossiers of the ``citizen`` persona built
through the dossier services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tinhso.catalog.tests.conftest import birth_data, record_data
from tinhso.dossiers import services as dossier_services
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.tests.conftest import declaration, procedure  # noqa: F401 (fixture)
from tinhso.payments.tests.conftest import awaiting_payment, gateway  # noqa: F401 (fixtures)

BIRTH = "1.001193.000.00.31.H99"
RECORD = "2.000488.000.00.04.H99"
DOSSIER_PROCEDURE = "2.001417.000.00.04.H99"  # the dossiers app's fixture ("procedure")
PASSWORD = "Mat-khau-thu-nghiem-2026"


def publish(code: str, data: dict[str, Any]) -> Any:
    from tinhso.catalog.services import create_version, publish_version

    version = create_version(actor=None, procedure_code=code, national_code=code[:8], data=data)
    return publish_version(actor=None, version=version, valid_from=dt.date(2020, 1, 1))


@pytest.fixture
def catalogue(province: dict[str, Any]) -> dict[str, Any]:
    """Đăng ký khai sinh (commune, fully online, free) and Cấp Phiếu lý lịch tư pháp
    (department of justice, partly online, 200 000 đ)."""
    birth = publish(
        BIRTH,
        birth_data(
            components=[
                {
                    "code": "TK",
                    "name": "Tờ khai đăng ký khai sinh",
                    "originals": 1,
                    "copies": 0,
                    "template_url": "https://example.gov.vn/mau/to-khai-khai-sinh.docx",
                },
                {"code": "GCS", "name": "Giấy chứng sinh", "originals": 1, "copies": 1},
            ],
            conditions="Trẻ sinh ra trên địa bàn.",
        ),
    )
    record = publish(RECORD, record_data())
    return {"birth": birth, "record": record}


def submit(citizen: Any, key: str = "k-1") -> Dossier:
    dossier, _created = dossier_services.submit_dossier(
        actor=citizen,
        procedure_code=DOSSIER_PROCEDURE,
        agency_code="000.00.02.H99",
        form_data={"purpose": "Xin việc"},
        components=declaration(citizen),
        idempotency_key=key,
    )
    return dossier


@pytest.fixture
def other_citizen(db: Any) -> Any:
    from tinhso.identity.services import create_user

    return create_user(
        actor=None,
        username="congdan.binh",
        kind="citizen",
        full_name="Trần Thị Bình",
        password=PASSWORD,
        citizen_id="082090002222",
        phone="0912000222",
    )


@pytest.fixture
def received(procedure: Any, citizen: Any, one_stop_officer: Any) -> Dossier:  # noqa: F811
    """The citizen's dossier, accepted at the one-stop centre (a receipt was issued)."""
    return dossier_services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen))


@pytest.fixture
def supplement_requested(received: Dossier, one_stop_officer: Any) -> Dossier:
    dossier_services.request_supplement(
        actor=one_stop_officer,
        dossier=received,
        items=["Văn bản ủy quyền có chứng thực"],
        reason="Người nộp thay cần văn bản ủy quyền.",
    )
    received.refresh_from_db()
    return received


@pytest.fixture
def returned(
    received: Dossier,
    one_stop_officer: Any,
    specialist: Any,
    leader: Any,
    other_agency_officer: Any,
) -> Dossier:
    """Processed through the three steps (the inter-agency one by the construction officer)
    and returned."""
    return finish(received, one_stop_officer, specialist, other_agency_officer, leader)


def finish(
    dossier: Dossier, one_stop_officer: Any, specialist: Any, construction: Any, leader: Any
) -> Dossier:
    dossier = dossier_services.start_processing(actor=one_stop_officer, dossier=dossier)
    dossier = dossier_services.complete_step(
        actor=specialist, dossier=dossier, step_code="TD", result="Đủ điều kiện"
    )
    dossier = dossier_services.complete_step(
        actor=construction, dossier=dossier, step_code="LT", result="Đã xác minh"
    )
    dossier = dossier_services.complete_step(
        actor=leader, dossier=dossier, step_code="PD", result="Đồng ý"
    )
    return dossier_services.return_result(actor=one_stop_officer, dossier=dossier)
