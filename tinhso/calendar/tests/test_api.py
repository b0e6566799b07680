"""The public calendar API: exact bodies, problem+json for bad input, no login needed."""

import datetime as dt

import pytest
from django.test import Client

from tinhso.calendar.services import set_override

pytestmark = pytest.mark.django_db

BASE = "/api/v1/calendar"
PROBLEM = "application/problem+json"


@pytest.fixture
def client() -> Client:
    return Client()


def test_day(client: Client) -> None:
    response = client.get(f"{BASE}/days/2025-04-26")
    assert response.status_code == 200
    assert response.json() == {
        "date": "2025-04-26",
        "is_working_day": True,
        "reason": "Làm bù cho ngày nghỉ 02/05/2025",
        "source": "swap",
    }
    assert client.get(f"{BASE}/days/2025-01-29").json() == {
        "date": "2025-01-29",
        "is_working_day": False,
        "reason": "Tết Nguyên đán",
        "source": "holiday",
    }
    assert client.get(f"{BASE}/days/2025-03-10").json() == {
        "date": "2025-03-10",
        "is_working_day": True,
        "reason": "",
        "source": "regular",
    }


def test_day_reflects_an_override_at_once(client: Client) -> None:
    set_override(dt.date(2025, 3, 10), is_working_day=False, reason="Bão số 3")
    assert client.get(f"{BASE}/days/2025-03-10").json() == {
        "date": "2025-03-10",
        "is_working_day": False,
        "reason": "Bão số 3",
        "source": "override",
    }


def test_due(client: Client) -> None:
    response = client.get(f"{BASE}/due", {"from": "2025-01-24T10:00", "working_days": "3"})
    assert response.status_code == 200
    assert response.json() == {
        "from": "2025-01-24T10:00:00+07:00",
        "due": "2025-02-05T10:00:00+07:00",
    }
    response = client.get(f"{BASE}/due", {"from": "2025-03-10T03:00Z", "working_hours": "8"})
    assert response.json() == {
        "from": "2025-03-10T10:00:00+07:00",
        "due": "2025-03-11T10:30:00+07:00",
    }


def test_year(client: Client) -> None:
    response = client.get(f"{BASE}/years/2025")
    assert response.status_code == 200
    days = response.json()
    assert [day["date"] for day in days] == [
        "2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
        "2025-04-07", "2025-04-26", "2025-04-30", "2025-05-01", "2025-05-02", "2025-09-01",
        "2025-09-02",
    ]  # fmt: skip
    assert days[7] == {
        "date": "2025-04-26",
        "is_working_day": True,
        "reason": "Làm bù cho ngày nghỉ 02/05/2025",
        "source": "swap",
    }


@pytest.mark.parametrize(
    ("path", "params", "detail"),
    [
        ("/days/2025-02-30", {}, "Ngày không hợp lệ: '2025-02-30'"),
        ("/days/hom-nay", {}, "Ngày không hợp lệ"),
        ("/years/1800", {}, "Năm không hợp lệ"),
        ("/due", {"from": "2025-02-30T10:00", "working_days": "1"}, "Thời điểm không hợp lệ"),
        ("/due", {"from": "2025-01-24T10:00", "working_days": "-1"}, "không được âm"),
        ("/due", {"from": "2025-01-24T10:00", "working_hours": "-0.5"}, "không được âm"),
        ("/due", {"from": "2025-01-24T10:00"}, "Cần đúng một trong hai"),
        (
            "/due",
            {"from": "2025-01-24T10:00", "working_days": "1", "working_hours": "1"},
            "Cần đúng một trong hai",
        ),
    ],
)
def test_bad_input_is_422_problem_json(
    client: Client, path: str, params: dict[str, str], detail: str
) -> None:
    response = client.get(BASE + path, params)
    assert response.status_code == 422
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == "invalid"
    assert detail in body["detail"]


def test_missing_start_is_422_problem_json(client: Client) -> None:
    response = client.get(f"{BASE}/due", {"working_days": "1"})
    assert response.status_code == 422
    assert response["Content-Type"].startswith(PROBLEM)


def test_openapi_documents_the_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {f"{BASE}/days/{{day}}", f"{BASE}/due", f"{BASE}/years/{{year}}"} <= set(paths)
    parameters = {p["name"] for p in paths[f"{BASE}/due"]["get"]["parameters"]}
    assert parameters == {"from", "working_days", "working_hours"}
