"""Fixtures of the administration tests: a published procedure of the test province (codes
``…H99``, see the root conftest) and signed-in clients for the personas."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

PROCEDURE_CODE = "2.000488.000.00.00.H99"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["full_name"],
    "properties": {
        "full_name": {"type": "string", "minLength": 1, "maxLength": 100},
        "birth_date": {"type": "string", "format": "date"},
    },
}
UI: dict[str, Any] = {
    "order": ["full_name", "birth_date"],
    "fields": {"full_name": {"label": "Họ và tên"}, "birth_date": {"label": "Ngày sinh"}},
}


def record_data(**overrides: Any) -> dict[str, Any]:
    """Cấp Phiếu lý lịch tư pháp at the department of justice: 10 working days = 75 h."""
    data: dict[str, Any] = {
        "name": "Cấp Phiếu lý lịch tư pháp cho công dân",
        "sector": {"code": "TP-LLTP", "name": "Lý lịch tư pháp"},
        "level": "province",
        "implementing_agencies": ["000.00.04.H99"],
        "target_groups": ["citizen"],
        "channels": [1, 2],
        "online_mode": "partial",
        "processing_time": 10,
        "processing_time_unit": "working_day",
        "legal_basis": "Luật Lý lịch tư pháp số 28/2009/QH12",
        "results": ["Phiếu lý lịch tư pháp"],
        "components": [{"code": "TK", "name": "Tờ khai", "originals": 1, "copies": 0}],
        "fees": [{"description": "Phí cung cấp thông tin lý lịch tư pháp", "amount": 200_000}],
        "process_steps": [
            {
                "position": 1,
                "code": "TN",
                "name": "Tiếp nhận",
                "responsible_role": "one_stop_officer",
                "allotted_hours": 4,
            },
            {
                "position": 2,
                "code": "TC",
                "name": "Tra cứu",
                "responsible_role": "specialist",
                "allotted_hours": 30,
            },
            {
                "position": 2,
                "code": "XM",
                "name": "Xác minh (liên thông)",
                "responsible_role": "specialist",
                "responsible_agency": "000.00.08.H99",
                "is_inter_agency": True,
                "allotted_hours": 45,
            },
            {
                "position": 3,
                "code": "KY",
                "name": "Ký phiếu",
                "responsible_role": "leader",
                "allotted_hours": 26,
            },
        ],
        "form_schema": SCHEMA,
        "form_ui": UI,
    }
    data.update(overrides)
    return data


@pytest.fixture
def published(province: dict[str, Any]) -> Any:
    """Version 1 of the procedure, published and in force since 2025."""
    from tinhso.catalog.services import create_version, publish_version

    version = create_version(
        actor=None,
        procedure_code=PROCEDURE_CODE,
        national_code=PROCEDURE_CODE[:8],
        data={**record_data(), "valid_from": "2025-01-01"},
    )
    return publish_version(actor=None, version=version, valid_from=dt.date(2025, 1, 1))


@pytest.fixture
def signed_in(client: Client) -> Callable[[Any], Client]:
    def sign_in(user: Any) -> Client:
        client.force_login(user)
        return client

    return sign_in
