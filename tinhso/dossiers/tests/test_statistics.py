import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from tinhso.catalog.models import ProcedureVersion
from tinhso.dossiers import services
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.tests.conftest import declaration

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "2.001417.000.00.04.H99"


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture
def history(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    leader: Any,
    other_agency_officer: Any,
) -> None:
    """Three online dossiers and one at the desk in March 2025: one finished early, one late,
    one still open and overdue at the end of March, one refused before reception."""

    def online(key: str) -> Dossier:
        return services.submit_dossier(
            actor=citizen,
            procedure_code=CODE,
            agency_code="000.00.02.H99",
            form_data={"purpose": "Xin việc"},
            components=declaration(citizen),
            idempotency_key=key,
        )[0]

    def finish(dossier: Dossier) -> None:
        dossier = services.start_processing(actor=one_stop_officer, dossier=dossier)
        for step, user in (("TD", specialist), ("LT", other_agency_officer), ("PD", leader)):
            dossier = services.complete_step(
                actor=user, dossier=dossier, step_code=step, result="xong"
            )

    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):
        early = services.accept_dossier(actor=one_stop_officer, dossier=online("a"))
        late = services.accept_dossier(actor=one_stop_officer, dossier=online("b"))
        services.accept_dossier(actor=one_stop_officer, dossier=online("c"))
        services.refuse_dossier(actor=one_stop_officer, dossier=online("d"), reason="Sai")
        services.receive_in_person(
            actor=one_stop_officer,
            agency_code="000.00.02.H99",
            procedure_code=CODE,
            applicant=services.Applicant("citizen", "Lê Văn Cường", "082190001234"),
            form_data={"purpose": "Xin việc"},
            components_checked=["TK"],
        )
    with time_machine.travel(at(2025, 3, 4, 9, 0), tick=False):
        finish(early)
    with time_machine.travel(at(2025, 3, 10, 9, 0), tick=False):
        finish(late)


def test_statistics_table(
    history: None, provincial_administrator: Any, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.force_login(provincial_administrator)
    with time_machine.travel(at(2025, 4, 1, 9, 0), tick=False):
        with django_assert_max_num_queries(6):
            response = client.get(
                "/api/v1/statistics/dossiers", {"from": "2025-03-01", "to": "2025-03-31"}
            )
        assert response.status_code == 200, response.content
        (row,) = response.json()["rows"]
        assert row["key"] == "000.00.02.H99"
        assert (row["received"], row["received_online"], row["received_direct"]) == (4, 3, 1)
        assert (row["finished_early"], row["finished_on_time"], row["finished_late"]) == (1, 0, 1)
        assert (row["in_progress_on_time"], row["in_progress_overdue"]) == (0, 2)
        assert row["online_ratio"] == 75.0
        assert row["on_time_ratio"] == 50.0
        workbook = client.get(
            "/api/v1/statistics/dossiers",
            {"from": "2025-03-01", "to": "2025-03-31", "format": "xlsx"},
        )
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet["A3"].value == "000.00.02.H99"
    assert sheet["C3"].value == 4
    assert sheet["B4"].value == "Tổng cộng"


def test_statistics_refuse_bad_periods_and_citizens(
    history: None, citizen: Any, provincial_administrator: Any
) -> None:
    client = Client()
    client.force_login(provincial_administrator)
    bad = client.get("/api/v1/statistics/dossiers", {"from": "2025-03-31", "to": "2025-03-01"})
    assert bad.status_code == 422
    client.force_login(citizen)
    assert (
        client.get(
            "/api/v1/statistics/dossiers", {"from": "2025-03-01", "to": "2025-03-31"}
        ).status_code
        == 403
    )


def test_statistics_count_the_dossiers_an_agency_received(
    history: None, leader: Any, one_stop_officer: Any
) -> None:
    """The justice leader works on these dossiers (their steps) but the one-stop centre received
    them: they count in the centre's table, not the department's."""
    client = Client()
    client.force_login(leader)
    period = {"from": "2025-03-01", "to": "2025-03-31"}
    with time_machine.travel(at(2025, 4, 1, 9, 0), tick=False):
        assert client.get("/api/v1/statistics/dossiers", period).json()["rows"] == []
        client.force_login(one_stop_officer)
        rows = client.get("/api/v1/statistics/dossiers", period).json()["rows"]
    assert [(r["key"], r["received"]) for r in rows] == [("000.00.02.H99", 4)]


def test_the_register_of_a_month(
    history: None, one_stop_officer: Any, citizen: Any, tmp_path: Any
) -> None:
    import subprocess

    client = Client()
    client.force_login(one_stop_officer)
    response = client.get(
        "/api/v1/statistics/register.pdf",
        {"agency": "000.00.02.H99", "from": "2025-03-01", "to": "2025-03-31"},
    )
    assert response.status_code == 200, response.content
    target = tmp_path / "register.pdf"
    target.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert text.count("000.00.02.H99-250303-") == 4  # the four received; the refused one not
    assert (
        client.get(
            "/api/v1/statistics/register.pdf",
            {"agency": "000.00.02.H99", "from": "2024-12-01", "to": "2025-01-31"},
        ).status_code
        == 422
    )
    client.force_login(citizen)
    assert (
        client.get(
            "/api/v1/statistics/register.pdf",
            {"agency": "000.00.02.H99", "from": "2025-03-01", "to": "2025-03-31"},
        ).status_code
        == 403
    )
