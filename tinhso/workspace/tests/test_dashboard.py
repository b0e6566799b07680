"""The agency dashboard through the test client: the table and its totals, the downloads, the
period choices and their bad input, and who may see which agency."""

import datetime as dt
import io
import re
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from tinhso.dossiers import services
from tinhso.dossiers.models import Channel, Dossier
from tinhso.dossiers.tests.conftest import declaration, procedure  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("procedure")]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "2.001417.000.00.04.H99"
CENTRE = "000.00.02.H99"
DASHBOARD = "/lam-viec/thong-ke/"
MARCH_2025 = {"agency": CENTRE, "period": "month", "year": "2025", "month": "3"}


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def march(
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    leader: Any,
    other_agency_officer: Any,
) -> None:
    """At the centre in March 2025: two online dossiers (one finished early), one received at
    the desk and one by post; the three still open are overdue at the end of the month."""

    def online(key: str) -> Dossier:
        dossier = services.submit_dossier(
            actor=citizen,
            procedure_code=CODE,
            agency_code=CENTRE,
            form_data={"purpose": "Xin việc"},
            components=declaration(citizen),
            idempotency_key=key,
        )[0]
        return services.accept_dossier(actor=one_stop_officer, dossier=dossier)

    def at_desk(channel: int) -> Dossier:
        return services.receive_in_person(
            actor=one_stop_officer,
            agency_code=CENTRE,
            procedure_code=CODE,
            applicant=services.Applicant("citizen", "Lê Văn Cường", "082190001234"),
            form_data={"purpose": "Xin việc"},
            components_checked=["TK"],
            channel=channel,
        )

    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):
        early = online("a")
        online("b")
        at_desk(Channel.DIRECT)
        at_desk(Channel.POST)
    with time_machine.travel(at(2025, 3, 4, 9, 0), tick=False):
        dossier = services.start_processing(actor=one_stop_officer, dossier=early)
        for step, user in (("TD", specialist), ("LT", other_agency_officer), ("PD", leader)):
            dossier = services.complete_step(
                actor=user, dossier=dossier, step_code=step, result="xong"
            )


def cells(html: str, row_label: str) -> list[str]:
    """The numbers of the table row whose header starts with ``row_label``."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        header = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if header and unescape(re.sub(r"<[^>]+>", " ", header.group(1))).strip().startswith(
            row_label
        ):
            return [c.strip() for c in re.findall(r'<td class="num">(.*?)</td>', row, re.S)]
    raise AssertionError(f"no row {row_label!r}")


# --- access -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(province: Any) -> None:
    response = Client().get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_citizens_and_staff_without_a_role_are_refused(citizen: Any, province: Any) -> None:
    from tinhso.identity.services import create_user

    assert signed_in(citizen).get(DASHBOARD).status_code == 403
    nobody = create_user(
        actor=None,
        username="chua.phan.cong",
        kind="staff",
        full_name="Chưa Phân Công",
        password="Mat-khau-thu-nghiem-2026",
    )
    assert signed_in(nobody).get(DASHBOARD).status_code == 403


def test_another_agencys_statistics_are_refused(
    march: None, one_stop_officer: Any, leader: Any
) -> None:
    # The justice leader sees the justice department and its division, not the centre.
    response = signed_in(leader).get(DASHBOARD, MARCH_2025)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Chọn một cơ quan trong danh sách bạn được xem." in html
    assert "<title>Lỗi: " in html
    assert "Cấp Phiếu lý lịch tư pháp" not in html
    # Nor may the centre's officer look at the construction department.
    response = signed_in(one_stop_officer).get(DASHBOARD, {**MARCH_2025, "agency": "000.00.08.H99"})
    assert response.status_code == 422
    assert 'class="stats-table"' not in response.content.decode()


def test_the_agency_choice_lists_only_the_agencies_the_user_sees(leader: Any) -> None:
    html = signed_in(leader).get(DASHBOARD).content.decode()
    select = re.search(r'<select name="agency".*?</select>', html, re.S)
    assert select is not None
    options = re.findall(r'<option value="([^"]+)"', select.group(0))
    assert sorted(options) == ["000.00.04.H99", "000.01.04.H99"]


# --- the table --------------------------------------------------------------------------------


def test_the_table_per_procedure_with_totals(march: None, one_stop_officer: Any) -> None:
    with time_machine.travel(at(2025, 4, 2, 9, 0), tick=False):
        response = signed_in(one_stop_officer).get(DASHBOARD, MARCH_2025)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kỳ báo cáo từ ngày 01/03/2025 đến ngày 31/03/2025" in html
    # received, direct, online, post, early, on time, late, open on time, open overdue, ratios
    expected = ["4", "1", "2", "1", "1", "0", "0", "0", "3", "50,00", "100,00"]
    assert cells(html, "Cấp Phiếu lý lịch tư pháp cho công dân") == expected
    assert cells(html, "Tổng cộng") == expected


def test_the_default_is_the_current_month_of_the_first_agency(
    march: None, one_stop_officer: Any
) -> None:
    with time_machine.travel(at(2025, 3, 20, 9, 0), tick=False):
        response = signed_in(one_stop_officer).get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kỳ báo cáo từ ngày 01/03/2025 đến ngày 31/03/2025" in html
    assert cells(html, "Tổng cộng")[0] == "4"


def test_quarter_year_and_custom_periods(march: None, one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    base = {"agency": CENTRE, "year": "2025"}
    with time_machine.travel(at(2025, 7, 1, 9, 0), tick=False):
        quarter = client.get(DASHBOARD, {**base, "period": "quarter", "quarter": "1"})
        second_quarter = client.get(DASHBOARD, {**base, "period": "quarter", "quarter": "2"})
        year = client.get(DASHBOARD, {**base, "period": "year"})
        custom = client.get(
            DASHBOARD,
            {
                "agency": CENTRE,
                "period": "custom",
                "date_from": "03/03/2025",
                "date_to": "2025-03-03",
            },
        )
    assert "từ ngày 01/01/2025 đến ngày 31/03/2025" in quarter.content.decode()
    assert cells(quarter.content.decode(), "Tổng cộng")[0] == "4"
    # Nothing received in the second quarter; the three open dossiers are still counted.
    assert cells(second_quarter.content.decode(), "Tổng cộng")[:1] == ["0"]
    assert cells(second_quarter.content.decode(), "Tổng cộng")[8] == "3"
    assert "từ ngày 01/01/2025 đến ngày 31/12/2025" in year.content.decode()
    assert "từ ngày 03/03/2025 đến ngày 03/03/2025" in custom.content.decode()
    assert cells(custom.content.decode(), "Tổng cộng")[0] == "4"


def test_an_empty_period_says_so_and_offers_no_register(one_stop_officer: Any) -> None:
    response = signed_in(one_stop_officer).get(DASHBOARD, MARCH_2025)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không có hồ sơ nào tiếp nhận, giải quyết hoặc đang giải quyết trong kỳ." in html
    assert "Không có hồ sơ tiếp nhận trong kỳ nên không có sổ để in." in html
    assert "register.pdf" not in html


# --- downloads --------------------------------------------------------------------------------


def test_the_download_links_work_with_the_browser_session(
    march: None, one_stop_officer: Any
) -> None:
    client = signed_in(one_stop_officer)
    with time_machine.travel(at(2025, 4, 2, 9, 0), tick=False):
        html = client.get(DASHBOARD, MARCH_2025).content.decode()
        links = dict(
            re.findall(r'<a href="(/api/v1/statistics/([a-z.]+)\?[^"]+)"', html)[i][::-1]
            for i in range(2)
        )
        xlsx = client.get(unescape(links["dossiers"]))
        register = client.get(unescape(links["register.pdf"]))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:3] == (CODE, "Cấp Phiếu lý lịch tư pháp cho công dân", 4)
    assert register.status_code == 200
    assert register["Content-Type"] == "application/pdf"
    assert register.content.startswith(b"%PDF")


def test_a_period_over_two_years_offers_no_register(march: None, one_stop_officer: Any) -> None:
    response = signed_in(one_stop_officer).get(
        DASHBOARD,
        {"agency": CENTRE, "period": "custom", "date_from": "2024-12-01", "date_to": "2025-03-31"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sổ theo dõi hồ sơ in theo từng năm" in html
    assert "register.pdf" not in html
    assert "format=xlsx" in html


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message", "field"),
    [
        (
            {"period": "custom", "date_from": "2025-03-31", "date_to": "2025-03-01"},
            "Đến ngày phải sau hoặc bằng từ ngày.",
            "date_to",
        ),
        (
            {"period": "custom", "date_from": "2025-13-45", "date_to": "2025-03-01"},
            "Ngày chưa đúng, ví dụ 2026-01-31 hoặc 31/01/2026.",
            "date_from",
        ),
        (
            {"period": "custom", "date_from": "", "date_to": "2025-03-01"},
            "Nhập ngày (kỳ tự chọn cần cả từ ngày và đến ngày).",
            "date_from",
        ),
        (
            {"period": "custom", "date_from": "2015-01-01", "date_to": "2025-03-01"},
            "Kỳ báo cáo tối đa 5 năm.",
            "date_to",
        ),
        ({"period": "month", "year": "abc", "month": "3"}, "Năm phải là một số", "year"),
        ({"period": "month", "year": "1999", "month": "3"}, "Năm từ 2000 đến 2100.", "year"),
        ({"period": "month", "year": "2025", "month": "13"}, "Tháng từ 1 đến 12.", "month"),
        ({"period": "quarter", "year": "2025", "quarter": ""}, "Chọn quý.", "quarter"),
        ({"period": "week", "year": "2025"}, "Chọn kỳ báo cáo", "period"),
    ],
)
def test_bad_periods_are_errors_not_crashes(
    one_stop_officer: Any, params: dict[str, str], message: str, field: str
) -> None:
    response = signed_in(one_stop_officer).get(DASHBOARD, {"agency": CENTRE, **params})
    assert response.status_code == 422
    html = response.content.decode()
    assert "<title>Lỗi: " in html
    assert message in html
    assert f'href="#id_{field}' in html
    assert 'class="stats-table"' not in html
