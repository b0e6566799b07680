import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from tinhso.catalog.services import create_version, publish_version, retire_procedure
from tinhso.catalog.tests.conftest import BIRTH_CODE, RECORD_CODE, birth_data, record_data

pytestmark = [pytest.mark.django_db]
BASE = "/api/v1/catalog"
PROBLEM = "application/problem+json"


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def catalogue(province: dict[str, Any], make_published: Any) -> dict[str, Any]:
    return {
        "birth": make_published(),
        "record": make_published(RECORD_CODE, record_data()),
    }


def test_list_is_paginated_filtered_and_uses_constant_queries(
    client: Client, catalogue: dict[str, Any], django_assert_num_queries: Any
) -> None:
    for number in range(3):  # more procedures must not mean more queries
        code = f"1.00{number}001.000.00.00.H99"
        version = create_version(
            actor=None,
            procedure_code=code,
            national_code=code[:8],
            data=birth_data(name=f"Thủ tục hộ tịch {number}"),
        )
        publish_version(actor=None, version=version)
    with django_assert_num_queries(3):  # count, page, implementing agencies
        response = client.get(f"{BASE}/procedures")
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 5
    with django_assert_num_queries(3):
        response = client.get(f"{BASE}/procedures", {"q": "dang ky khai sinh"})
    body = response.json()
    assert body["count"] == 1
    assert body["items"] == [
        {
            "code": BIRTH_CODE,
            "national_code": "1.001193",
            "name": "Đăng ký khai sinh",
            "sector": {"code": "TP-HT", "name": "Hộ tịch"},
            "level": "commune",
            "online_mode": "full",
            "processing_time": 1.0,
            "processing_time_unit": "working_day",
            "implementing_agencies": [
                {"code": "000.00.31.H99", "name": "Ủy ban nhân dân phường Một"}
            ],
            "version": 1,
            "valid_from": "2026-03-02",
            "valid_to": None,
        }
    ]
    filtered = client.get(
        f"{BASE}/procedures", {"agency": "000.00.04.H99", "online_mode": "partial"}
    ).json()
    assert [item["code"] for item in filtered["items"]] == [RECORD_CODE]
    assert client.get(f"{BASE}/procedures", {"level": "district"}).status_code == 422


def test_detail_has_components_fees_steps_form_and_legal_time(
    client: Client, catalogue: dict[str, Any]
) -> None:
    response = client.get(f"{BASE}/procedures/{RECORD_CODE}")
    assert response.status_code == 200
    body = response.json()
    assert body["legal_time_hours"] == 75.0
    assert body["hours_per_working_day"] == 7.5
    assert body["channels"] == [1, 2, 3]
    assert body["fees"] == [
        {"description": "Phí cung cấp thông tin lý lịch tư pháp", "amount": 200000, "note": ""}
    ]
    assert body["components"][0]["code"] == "TK"
    assert [(s["position"], s["code"], s["responsible_agency"]) for s in body["process_steps"]] == [
        (1, "TN", "000.00.02.H99"),
        (2, "TC", "000.01.04.H99"),
        (2, "XM", "000.00.08.H99"),
        (3, "KY", None),
    ]
    birth = client.get(f"{BASE}/procedures/{BIRTH_CODE.lower()}").json()
    assert birth["form_schema"]["required"][0] == "child_full_name"
    assert birth["form_ui"]["fields"]["child_sex"]["choices"] == {"nam": "Nam", "nu": "Nữ"}


def test_unknown_and_closed_procedures_are_problem_json_404(
    client: Client, catalogue: dict[str, Any]
) -> None:
    response = client.get(f"{BASE}/procedures/9.999999")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "Không có thủ tục mang mã '9.999999'."
    retire_procedure(actor=None, procedure_code=BIRTH_CODE, on=dt.date(2026, 3, 2), reason="Bãi bỏ")
    closed = client.get(f"{BASE}/procedures/{BIRTH_CODE}")
    assert closed.status_code == 404
    assert closed.json()["code"] == "procedure_closed"
    assert closed.json()["detail"] == (
        f"Thủ tục {BIRTH_CODE} đã ngừng tiếp nhận hồ sơ từ ngày 02/03/2026."
    )


def test_versions_list_hides_drafts_and_tells_the_state(
    client: Client, catalogue: dict[str, Any]
) -> None:
    second = create_version(
        actor=None, procedure_code=BIRTH_CODE, national_code="1.001193", data=birth_data()
    )
    create_version(
        actor=None, procedure_code=BIRTH_CODE, national_code="1.001193", data=birth_data()
    )
    publish_version(actor=None, version=second, valid_from=dt.date(2026, 4, 1))
    body = client.get(f"{BASE}/procedures/{BIRTH_CODE}/versions").json()
    assert [(v["number"], v["state"], v["valid_to"]) for v in body] == [
        (1, "in_force", "2026-03-31"),
        (2, "upcoming", None),
    ]
    assert client.get(f"{BASE}/procedures/9.999999/versions").status_code == 404


def test_sectors_in_use(client: Client, catalogue: dict[str, Any]) -> None:
    assert client.get(f"{BASE}/sectors").json() == [
        {"code": "TP-HT", "name": "Hộ tịch"},
        {"code": "TP-LLTP", "name": "Lý lịch tư pháp"},
    ]


def test_form_validation_returns_cleaned_data_or_422_naming_each_field(
    client: Client, catalogue: dict[str, Any]
) -> None:
    path = f"{BASE}/procedures/{BIRTH_CODE}/form/validate"
    good = {
        "child_full_name": " Nguyễn Văn Bình ",
        "child_birth_date": "2026-02-20",
        "child_sex": "nu",
        "mother": {"full_name": "Trần Thị Mai", "citizen_id": "082190001234"},
    }
    response = post(client, path, good)
    assert response.status_code == 200
    assert response.json()["child_full_name"] == "Nguyễn Văn Bình"
    response = post(client, path, {**good, "child_sex": "x", "child_birth_date": "20/02/2026"})
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "invalid_form"
    assert body["errors"] == {
        "form.child_birth_date": (
            "Ngày sinh: không phải ngày hợp lệ (dạng năm-tháng-ngày, ví dụ 2026-01-31)."
        ),
        "form.child_sex": "Giới tính: chọn một trong: Nam, Nữ.",
    }
    assert post(client, f"{BASE}/procedures/9.999999/form/validate", good).status_code == 404
    not_object = post(client, path, [1, 2])
    assert not_object.status_code == 422
    assert not_object["Content-Type"] == PROBLEM
