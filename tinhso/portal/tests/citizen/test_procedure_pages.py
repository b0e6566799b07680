"""The public procedure pages through HTTP: search (diacritics, filters, pages, bad input) and a
procedure's page (open, not online, closed, unknown)."""

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from tinhso.catalog.services import retire_procedure, search_procedures, today
from tinhso.portal import citizen_views
from tinhso.portal.tests.citizen.conftest import BIRTH, RECORD, publish

pytestmark = pytest.mark.django_db


def title(response: Any) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match
    return " ".join(match.group(1).split())


def names(response: Any) -> list[str]:
    return [row.name for row in response.context["rows"]]


def test_the_search_finds_a_procedure_typed_without_diacritics(
    client: Client, catalogue: dict[str, Any]
) -> None:
    response = client.get("/thu-tuc/", {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    assert names(response) == ["Đăng ký khai sinh"]
    html = response.content.decode()
    assert f'href="/thu-tuc/{BIRTH}/"' in html
    assert "Toàn trình" in html and "1 ngày làm việc" in html and "Cấp xã" in html
    assert "Tìm thấy 1 thủ tục." in html
    # The same with diacritics, in capitals, with "Đ" typed as "D", words in any order.
    for query in ["ĐĂNG KÝ KHAI SINH", "Dang ky khai sinh", "khai sinh đăng"]:
        assert names(client.get("/thu-tuc/", {"q": query})) == ["Đăng ký khai sinh"]
    # By code, and punctuation typed around the words does not matter.
    assert names(client.get("/thu-tuc/", {"q": "2.000488"})) == [
        "Cấp Phiếu lý lịch tư pháp cho công dân"
    ]
    assert names(client.get("/thu-tuc/", {"q": "khai sinh,"})) == ["Đăng ký khai sinh"]
    assert names(client.get("/thu-tuc/", {"q": "khai tử"})) == []
    assert "Không có thủ tục nào khớp" in client.get("/thu-tuc/", {"q": "khai tử"}).content.decode()


def test_punctuation_in_the_query_is_ignored_by_the_catalogue_search(
    catalogue: dict[str, Any],
) -> None:
    assert list(search_procedures("(khai sinh)")) == [catalogue["birth"]]
    assert list(search_procedures("lý lịch; tư pháp")) == [catalogue["record"]]


def test_the_filters_by_sector_agency_and_online_mode(
    client: Client, catalogue: dict[str, Any]
) -> None:
    everything = client.get("/thu-tuc/")
    assert names(everything) == ["Cấp Phiếu lý lịch tư pháp cho công dân", "Đăng ký khai sinh"]
    html = everything.content.decode()
    assert '<option value="TP-HT">Hộ tịch</option>' in html
    assert '<option value="000.00.04.H99">Sở Tư pháp</option>' in html
    assert names(client.get("/thu-tuc/", {"linh_vuc": "TP-HT"})) == ["Đăng ký khai sinh"]
    assert names(client.get("/thu-tuc/", {"co_quan": "000.00.04.H99"})) == [
        "Cấp Phiếu lý lịch tư pháp cho công dân"
    ]
    assert names(client.get("/thu-tuc/", {"truc_tuyen": "partial"})) == [
        "Cấp Phiếu lý lịch tư pháp cho công dân"
    ]
    assert names(client.get("/thu-tuc/", {"q": "khai sinh", "co_quan": "000.00.04.H99"})) == []


def test_an_unknown_filter_value_is_an_error_next_to_the_field_not_a_500(
    client: Client, catalogue: dict[str, Any]
) -> None:
    response = client.get("/thu-tuc/", {"q": "khai sinh", "linh_vuc": "KHONG-CO", "trang": "x"})
    assert response.status_code == 200
    assert title(response).startswith("Lỗi: ")
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert html.count("Lĩnh vực đã chọn không có trong danh mục.") == 2  # summary + field
    assert 'value="khai sinh"' in html  # what was typed is kept
    assert response.context["rows"] == []
    long = client.get("/thu-tuc/", {"q": "x" * 201})
    assert long.status_code == 200 and "Từ khoá tối đa 200 ký tự." in long.content.decode()


def test_results_are_paginated_keeping_the_query(
    client: Client, catalogue: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(citizen_views, "PROCEDURES_PER_PAGE", 1)
    first = client.get("/thu-tuc/", {"q": "h"})
    assert names(first) == ["Cấp Phiếu lý lịch tư pháp cho công dân"]
    assert 'href="?q=h&amp;trang=2"' in first.content.decode()
    second = client.get("/thu-tuc/", {"q": "h", "trang": "2"})
    assert names(second) == ["Đăng ký khai sinh"]
    assert 'href="?q=h&amp;trang=1"' in second.content.decode()
    assert names(client.get("/thu-tuc/", {"q": "h", "trang": "99"})) == ["Đăng ký khai sinh"]


def test_the_home_page_has_a_search_box_that_submits_to_the_search(
    client: Client, province: dict[str, Any]
) -> None:
    html = client.get("/").content.decode()
    form = re.search(r'<form class="home-search" method="get" action="([^"]+)"', html)
    assert form and form.group(1) == "/thu-tuc/"
    assert '<input type="search" id="home-q" name="q"' in html
    assert '<label for="home-q">' in html


def test_the_procedure_page_shows_what_the_catalogue_holds(
    client: Client, catalogue: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(citizen_views, "submission_start_url", lambda code: f"/nop-ho-so/{code}/")
    response = client.get(f"/thu-tuc/{BIRTH.lower()}/")
    assert response.status_code == 200
    assert title(response) == "Đăng ký khai sinh — Tỉnh số"
    html = response.content.decode()
    for text in [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "1 bản chính",
        "1 bản sao",
        'href="https://example.gov.vn/mau/to-khai-khai-sinh.docx" download',
        "1 ngày làm việc",
        "Lệ phí đăng ký khai sinh đúng hạn",
        "Không thu",
        "Luật Hộ tịch số 60/2014/QH13",
        "Trẻ sinh ra trên địa bàn.",
        "Giấy khai sinh",
        "Ủy ban nhân dân phường Một",
        "Cấp xã",
        "Trực tiếp, Trực tuyến",
        "Công dân Việt Nam, người nước ngoài",
        "Toàn trình",
    ]:
        assert text in html, text
    start = f'<a class="button button-start" href="/nop-ho-so/{BIRTH}/">Nộp hồ sơ trực tuyến</a>'
    assert start in html


def test_the_start_button_needs_the_submission_wizard(
    client: Client, catalogue: dict[str, Any]
) -> None:
    html = client.get(f"/thu-tuc/{RECORD}/").content.decode()
    url = citizen_views.submission_start_url(RECORD)
    if url is None:  # the wizard is not installed: the page still renders, without the button
        assert "Nộp hồ sơ trực tuyến</a>" not in html
        assert "đang được chuẩn bị" in html
    else:
        assert f'href="{url}">Nộp hồ sơ trực tuyến</a>' in html
    assert "200.000 đồng" in html and "Một phần" in html


def test_a_procedure_without_online_service_says_so(
    client: Client, province: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tinhso.catalog.tests.conftest import record_data

    monkeypatch.setattr(citizen_views, "submission_start_url", lambda code: f"/nop-ho-so/{code}/")
    publish(RECORD, record_data(online_mode="none", channels=[1, 3]))
    html = client.get(f"/thu-tuc/{RECORD}/").content.decode()
    assert "Thủ tục này chưa nhận hồ sơ trực tuyến." in html
    assert "Nộp hồ sơ trực tuyến</a>" not in html


def test_a_retired_procedure_says_it_takes_no_dossiers(
    client: Client, catalogue: dict[str, Any]
) -> None:
    retire_procedure(actor=None, procedure_code=BIRTH, on=today(), reason="Bãi bỏ")
    response = client.get(f"/thu-tuc/{BIRTH}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Đăng ký khai sinh</h1>" in html
    assert "Thủ tục này hiện không tiếp nhận hồ sơ." in html
    assert f"Thủ tục {BIRTH} đã ngừng tiếp nhận hồ sơ từ ngày {today():%d/%m/%Y}." in html
    assert "Nộp hồ sơ trực tuyến</a>" not in html
    assert names(client.get("/thu-tuc/", {"q": "khai sinh"})) == []


def test_an_unknown_or_unpublished_code_is_404(client: Client, province: dict[str, Any]) -> None:
    from tinhso.catalog.services import create_version
    from tinhso.catalog.tests.conftest import record_data

    create_version(actor=None, procedure_code=RECORD, national_code=RECORD[:8], data=record_data())
    for code in ["1.999999.000.00.00.H99", RECORD, "%3Cscript%3E"]:
        response = client.get(f"/thu-tuc/{code}/")
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.content.decode()


def test_a_procedure_not_yet_in_force_is_announced(
    client: Client, province: dict[str, Any]
) -> None:
    from tinhso.catalog.services import create_version, publish_version
    from tinhso.catalog.tests.conftest import record_data

    version = create_version(
        actor=None, procedure_code=RECORD, national_code=RECORD[:8], data=record_data()
    )
    start = today() + dt.timedelta(days=10)
    publish_version(actor=None, version=version, valid_from=start)
    html = client.get(f"/thu-tuc/{RECORD}/").content.decode()
    assert f"bắt đầu tiếp nhận hồ sơ từ ngày {start:%d/%m/%Y}" in html


def test_the_search_uses_a_fixed_number_of_queries(
    client: Client, catalogue: dict[str, Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tinhso.catalog.tests.conftest import record_data

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/thu-tuc/", {"q": "cap"}).status_code == 200
        return len(captured)

    before = count()
    publish("2.000489.000.00.04.H99", record_data(name="Cấp bản sao trích lục"))
    assert len(client.get("/thu-tuc/", {"q": "cap"}).context["rows"]) == 2
    assert count() == before
