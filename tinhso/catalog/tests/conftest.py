"""Catalogue fixtures on the test province (codes ``…H99``, see the root conftest)."""

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

TODAY = dt.date(2026, 3, 2)  # a Monday
BIRTH_CODE = "1.001193.000.00.00.H99"
RECORD_CODE = "2.000488.000.00.00.H99"

BIRTH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["child_full_name", "child_birth_date", "child_sex", "mother"],
    "additionalProperties": False,
    "properties": {
        "child_full_name": {"type": "string", "minLength": 1, "maxLength": 100},
        "child_birth_date": {"type": "string", "format": "date"},
        "child_sex": {"type": "string", "enum": ["nam", "nu"]},
        "place_of_birth": {"type": "string", "maxLength": 300},
        "mother": {
            "type": "object",
            "required": ["full_name", "citizen_id"],
            "properties": {
                "full_name": {"type": "string", "minLength": 1},
                "citizen_id": {"type": "string", "pattern": r"^\d{12}$"},
            },
        },
        "weight_grams": {"type": "integer", "minimum": 300, "maximum": 8000},
        "email": {"type": "string", "format": "email"},
    },
}
BIRTH_UI: dict[str, Any] = {
    "order": ["child_full_name", "child_birth_date", "child_sex", "place_of_birth", "mother"],
    "fields": {
        "child_full_name": {"label": "Họ, chữ đệm và tên của trẻ", "widget": "text"},
        "child_birth_date": {"label": "Ngày sinh", "widget": "date"},
        "child_sex": {
            "label": "Giới tính",
            "widget": "radio",
            "choices": {"nam": "Nam", "nu": "Nữ"},
        },
        "mother.full_name": {"label": "Họ và tên mẹ"},
        "mother.citizen_id": {
            "label": "Số định danh cá nhân của mẹ",
            "pattern_message": "gồm đúng 12 chữ số",
        },
        "weight_grams": {"label": "Cân nặng (gam)", "widget": "number"},
        "email": {"label": "Thư điện tử", "widget": "email"},
    },
}


def birth_data(**overrides: Any) -> dict[str, Any]:
    """Đăng ký khai sinh at the test commune: 1 working day, 4 steps = 7.5 h."""
    data: dict[str, Any] = {
        "name": "Đăng ký khai sinh",
        "sector": {"code": "TP-HT", "name": "Hộ tịch"},
        "level": "commune",
        "implementing_agencies": ["000.00.31.H99"],
        "target_groups": ["citizen"],
        "channels": [1, 2],
        "online_mode": "full",
        "processing_time": "1",
        "processing_time_unit": "working_day",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13",
        "conditions": "",
        "results": ["Giấy khai sinh"],
        "components": [
            {"code": "TK", "name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0},
            {"code": "GCS", "name": "Giấy chứng sinh", "originals": 1, "copies": 0},
        ],
        "fees": [{"description": "Lệ phí đăng ký khai sinh đúng hạn", "amount": 0}],
        "process_steps": [
            {
                "position": 1,
                "code": "TN",
                "name": "Tiếp nhận",
                "responsible_role": "one_stop_officer",
                "allotted_hours": "1",
            },
            {
                "position": 2,
                "code": "TD",
                "name": "Thẩm định",
                "responsible_role": "specialist",
                "allotted_hours": "3.5",
            },
            {
                "position": 3,
                "code": "KY",
                "name": "Ký",
                "responsible_role": "leader",
                "allotted_hours": "2",
            },
            {
                "position": 4,
                "code": "TKQ",
                "name": "Trả kết quả",
                "responsible_role": "one_stop_officer",
                "allotted_hours": "1",
            },
        ],
        "form_schema": copy.deepcopy(BIRTH_SCHEMA),
        "form_ui": copy.deepcopy(BIRTH_UI),
    }
    data.update(overrides)
    return data


def record_data(**overrides: Any) -> dict[str, Any]:
    """Cấp Phiếu lý lịch tư pháp at the department of justice: 10 working days = 75 h."""
    data: dict[str, Any] = {
        "name": "Cấp Phiếu lý lịch tư pháp cho công dân",
        "sector": {"code": "TP-LLTP", "name": "Lý lịch tư pháp"},
        "level": "province",
        "implementing_agencies": ["000.00.04.H99"],
        "target_groups": ["citizen"],
        "channels": [1, 2, 3],
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
                "responsible_agency": "000.00.02.H99",
                "allotted_hours": 4,
            },
            {
                "position": 2,
                "code": "TC",
                "name": "Tra cứu",
                "responsible_role": "specialist",
                "responsible_agency": "000.01.04.H99",
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
        "form_schema": {},
        "form_ui": {},
    }
    data.update(overrides)
    return data


@pytest.fixture
def frozen_today() -> Any:
    """Local time 09:00 on Monday 2 March 2026."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def make_published(province: dict[str, Any], frozen_today: Any) -> Callable[..., Any]:
    from tinhso.catalog.services import create_version, publish_version

    def make(
        code: str = BIRTH_CODE,
        data: dict[str, Any] | None = None,
        valid_from: dt.date = TODAY,
    ) -> Any:
        version = create_version(
            actor=None,
            procedure_code=code,
            national_code=code[:8],
            data=data or birth_data(),
        )
        return publish_version(actor=None, version=version, valid_from=valid_from)

    return make


@pytest.fixture
def birth(make_published: Callable[..., Any]) -> Any:
    return make_published()
