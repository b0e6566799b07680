"""Procedure pages: list, version page, drafting a new version (bad JSON, bad schema, steps
over the legal time), publication, withdrawal, retirement, and who may see them."""

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse

from tinhso.administration.models import FormSubmission
from tinhso.administration.tests.conftest import PROCEDURE_CODE
from tinhso.administration.tests.helpers import draft_post_data, form_data
from tinhso.audit.models import AuditEntry
from tinhso.catalog.models import Procedure, ProcedureVersion

EDIT_URL = reverse("administration:version_edit", args=[PROCEDURE_CODE, 1])


def versions() -> list[tuple[int, str]]:
    return list(
        ProcedureVersion.objects.filter(procedure__code=PROCEDURE_CODE)
        .order_by("number")
        .values_list("number", "status")
    )


def test_anonymous_visitors_are_sent_to_sign_in_and_back(client, province):
    response = client.get("/quan-ly/thu-tuc/")
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=/quan-ly/thu-tuc/"


@pytest.mark.parametrize("persona", ["specialist", "leader", "citizen"])
def test_other_people_get_the_403_page(request, signed_in, persona, published):
    client = signed_in(request.getfixturevalue(persona))
    for url in ("/quan-ly/", "/quan-ly/thu-tuc/", EDIT_URL):
        response = client.get(url)
        assert response.status_code == 403
        assert "Bạn không có quyền xem trang này" in response.content.decode()


def test_an_agency_administrator_does_not_manage_the_catalogue(
    signed_in, agency_administrator, published
):
    client = signed_in(agency_administrator)
    assert client.get("/quan-ly/").status_code == 200
    assert client.get("/quan-ly/thu-tuc/").status_code == 403
    response = client.post(EDIT_URL, {"name": "x"})
    assert response.status_code == 403
    assert versions() == [(1, "published")]


def test_the_list_finds_procedures_by_name_without_diacritics(
    signed_in, provincial_administrator, published
):
    client = signed_in(provincial_administrator)
    response = client.get("/quan-ly/thu-tuc/", {"q": "ly lich tu phap", "status": "in_force"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row.code, row.status) for row in rows] == [(PROCEDURE_CODE, "in_force")]
    assert client.get("/quan-ly/thu-tuc/", {"q": "khai sinh"}).context["rows"] == []
    assert client.get("/quan-ly/thu-tuc/", {"status": "draft"}).context["rows"] == []


def test_the_procedure_and_version_pages_show_versions_and_process(
    signed_in, provincial_administrator, published
):
    client = signed_in(provincial_administrator)
    response = client.get(reverse("administration:procedure", args=[PROCEDURE_CODE]))
    assert response.status_code == 200
    assert [row.number for row in response.context["versions"]] == [1]
    response = client.get(reverse("administration:version", args=[PROCEDURE_CODE, 1]))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["view"].process_hours == 75
    assert response.context["view"].legal_hours == 75
    assert "Tra cứu" in page and "liên thông" in page
    assert "200.000 đồng" in page
    assert "&quot;required&quot;: [" in page
    missing = client.get(reverse("administration:version", args=[PROCEDURE_CODE, 9]))
    assert missing.status_code == 404
    assert client.get("/quan-ly/thu-tuc/9.999999/").status_code == 404


def test_a_new_draft_is_made_from_the_current_version(
    signed_in, provincial_administrator, published
):
    client = signed_in(provincial_administrator)
    page = client.get(EDIT_URL)
    assert page.status_code == 200
    data = draft_post_data(page)
    data["name"] = "Cấp Phiếu lý lịch tư pháp số 1 cho công dân"
    data["fees-0-amount"] = "100000"
    response = client.post(EDIT_URL, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("administration:version", args=[PROCEDURE_CODE, 2])
    assert versions() == [(1, "published"), (2, "draft")]
    draft = ProcedureVersion.objects.get(procedure__code=PROCEDURE_CODE, number=2)
    assert draft.name == "Cấp Phiếu lý lịch tư pháp số 1 cho công dân"
    assert [fee.amount for fee in draft.fees.all()] == [100_000]
    assert [(s.position, s.code) for s in draft.process_steps.all()] == [
        (1, "TN"),
        (2, "TC"),
        (2, "XM"),
        (3, "KY"),
    ]
    assert draft.form_schema["required"] == ["full_name"]
    assert AuditEntry.objects.filter(action="catalog.version.create").count() == 2
    # The same form sent again (double click, back button) makes no second draft.
    again = client.post(EDIT_URL, data)
    assert again.status_code == 302
    assert again["Location"] == response["Location"]
    assert versions() == [(1, "published"), (2, "draft")]


def test_invalid_json_is_shown_next_to_the_field_and_kept(
    signed_in, provincial_administrator, published
):
    client = signed_in(provincial_administrator)
    data = draft_post_data(client.get(EDIT_URL))
    data["form_schema"] = '{"type": "object", "properties": {'
    response = client.post(EDIT_URL, data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "<title>Lỗi: " in page
    errors = response.context["form"].errors
    assert list(errors) == ["form_schema"]
    assert "JSON không hợp lệ ở dòng 1" in errors["form_schema"][0]
    assert 'href="#id_form_schema"' in page
    assert "{&quot;type&quot;: &quot;object&quot;, &quot;properties&quot;: {" in page
    assert versions() == [(1, "published")]


def test_an_invalid_json_schema_is_refused_by_the_service(
    signed_in, provincial_administrator, published
):
    client = signed_in(provincial_administrator)
    data = draft_post_data(client.get(EDIT_URL))
    data["form_schema"] = json.dumps({"type": "object", "properties": {"a": {"type": "strin"}}})
    response = client.post(EDIT_URL, data)
    assert response.status_code == 422
    message = response.context["form"].errors["form_schema"][0]
    assert message.startswith("JSON Schema không hợp lệ tại properties/a/type")
    data["form_schema"] = json.dumps(SCHEMA_WITHOUT_FIELD)
    response = client.post(EDIT_URL, data)
    assert response.status_code == 422
    assert response.context["form"].errors["form_ui"] == [
        "Không có trong biểu mẫu: birth_date.",
        "Trường 'birth_date' không có trong biểu mẫu.",
    ]
    assert versions() == [(1, "published")]
    assert not FormSubmission.objects.exists()


SCHEMA_WITHOUT_FIELD = {"type": "object", "properties": {"full_name": {"type": "string"}}}


def test_steps_exceeding_the_legal_time_are_refused(signed_in, provincial_administrator, published):
    client = signed_in(provincial_administrator)
    data = draft_post_data(client.get(EDIT_URL))
    data["steps-3-allotted_hours"] = "30"  # 4 + 45 + 30 = 79 h > 75 h
    response = client.post(EDIT_URL, data)
    page = response.content.decode()
    assert response.status_code == 422
    assert response.context["sections"] == {
        "steps": "Quy trình nội bộ cần 79 giờ làm việc, vượt thời hạn giải quyết 75 giờ "
        "(10 ngày làm việc × 7.5 giờ) là 4 giờ."
    }
    assert 'href="#id_section_steps"' in page
    assert versions() == [(1, "published")]


def test_a_bad_row_is_marked_on_its_field(signed_in, provincial_administrator, published):
    client = signed_in(provincial_administrator)
    data = draft_post_data(client.get(EDIT_URL))
    data["steps-1-responsible_role"] = ""
    data["components-0-originals"] = "ba"
    response = client.post(EDIT_URL, data)
    assert response.status_code == 422
    formsets = response.context["formsets"]
    assert "Số bản chính" in formsets["components"].forms[0].errors["originals"][0]
    assert "Vai trò" in formsets["steps"].forms[1].errors["responsible_role"][0]
    assert 'href="#id_steps-1-responsible_role"' in response.content.decode()
    assert versions() == [(1, "published")]


def test_more_empty_rows_can_be_added_without_losing_what_was_typed(
    signed_in, provincial_administrator, published
):
    client = signed_in(provincial_administrator)
    data = draft_post_data(client.get(EDIT_URL))
    data["name"] = "Tên mới"
    data["add_rows"] = "steps"
    response = client.post(EDIT_URL, data)
    assert response.status_code == 200
    assert len(response.context["formsets"]["steps"].forms) == 9
    assert "Tên mới" in response.content.decode()
    assert versions() == [(1, "published")]


def test_publishing_a_draft_ends_the_previous_version(
    signed_in, provincial_administrator, published
):
    client = signed_in(provincial_administrator)
    data = draft_post_data(client.get(EDIT_URL))
    client.post(EDIT_URL, data)
    url = reverse("administration:version_publish", args=[PROCEDURE_CODE, 2])
    page = client.get(url)
    assert page.status_code == 200
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    post = form_data(page.context["form"], {"valid_from": tomorrow.isoformat()})
    post["valid_from"] = tomorrow.isoformat()
    response = client.post(url, post)
    assert response.status_code == 302
    assert versions() == [(1, "published"), (2, "published")]
    first = ProcedureVersion.objects.get(procedure__code=PROCEDURE_CODE, number=1)
    assert first.valid_to == tomorrow - dt.timedelta(days=1)
    # Publishing again is a conflict shown on the form, not a 500.
    again = client.post(url, {"valid_from": tomorrow.isoformat()})
    assert again.status_code == 422
    assert "chỉ công bố được bản dự thảo" in again.content.decode()


def test_publishing_refuses_a_date_in_the_past_over_a_version_in_force(
    signed_in, provincial_administrator, published
):
    client = signed_in(provincial_administrator)
    client.post(EDIT_URL, draft_post_data(client.get(EDIT_URL)))
    url = reverse("administration:version_publish", args=[PROCEDURE_CODE, 2])
    response = client.post(url, {"valid_from": "2025-06-01"})
    assert response.status_code == 422
    assert response.context["form"].errors["valid_from"] == [
        "Ngày hiệu lực phải từ hôm nay trở đi."
    ]
    assert versions() == [(1, "published"), (2, "draft")]


def test_unpublishing_needs_a_reason(signed_in, provincial_administrator, published):
    client = signed_in(provincial_administrator)
    url = reverse("administration:version_unpublish", args=[PROCEDURE_CODE, 1])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 422
    assert versions() == [(1, "published")]
    response = client.post(url, {"reason": "Quyết định công bố bị thu hồi"})
    assert response.status_code == 302
    assert versions() == [(1, "retired")]


def test_retiring_closes_the_procedure(signed_in, provincial_administrator, published):
    client = signed_in(provincial_administrator)
    url = reverse("administration:procedure_retire", args=[PROCEDURE_CODE])
    response = client.post(url, {"on": "2020-01-01", "reason": "Bãi bỏ"})
    assert response.status_code == 422
    assert "không bãi bỏ hồi tố" in response.context["form"].errors["on"][0]
    today = dt.date.today().isoformat()
    response = client.post(url, {"on": today, "reason": "Quyết định số 1/QĐ-UBND"})
    assert response.status_code == 302
    assert Procedure.objects.get(code=PROCEDURE_CODE).retired_on == dt.date.today()


def test_a_new_procedure_can_be_drafted(signed_in, provincial_administrator, province):
    client = signed_in(provincial_administrator)
    url = reverse("administration:procedure_create")
    data: dict[str, Any] = form_data(client.get(url).context["form"])
    data.update(
        {
            "procedure_code": "1.000001.000.00.00.H99",
            "national_code": "1.000001",
            "name": "Thủ tục thử",
            "sector_code": "TS",
            "sector_name": "Thử nghiệm",
            "level": "province",
            "implementing_agencies": "000.00.04.H99",
            "target_groups": ["citizen"],
            "channels": ["1"],
            "online_mode": "none",
            "processing_time": "1",
            "processing_time_unit": "working_day",
            "results": "Giấy xác nhận",
            "components-TOTAL_FORMS": "0",
            "components-INITIAL_FORMS": "0",
            "fees-TOTAL_FORMS": "0",
            "fees-INITIAL_FORMS": "0",
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "0",
            "steps-0-position": "1",
            "steps-0-code": "XL",
            "steps-0-name": "Xử lý",
            "steps-0-responsible_role": "specialist",
            "steps-0-allotted_hours": "7.5",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    version = ProcedureVersion.objects.get(procedure__code="1.000001.000.00.00.H99")
    assert (version.number, version.status, version.name) == (1, "draft", "Thủ tục thử")
    data["procedure_code"] = "SAI MA"
    data["idempotency_key"] = "k" * 32
    response = client.post(url, data)
    assert response.status_code == 422
    assert "không hợp lệ" in response.context["form"].errors["procedure_code"][0]


def test_a_tampered_form_gives_a_message_not_a_500(signed_in, provincial_administrator, published):
    client = signed_in(provincial_administrator)
    data = draft_post_data(client.get(EDIT_URL))
    del data["steps-TOTAL_FORMS"]
    response = client.post(EDIT_URL, data)
    assert response.status_code == 422
    assert "steps" in response.context["sections"]
    assert 'href="#id_section_steps"' in response.content.decode()
    assert versions() == [(1, "published")]
