"""A provincial administrator in a real browser: edits a procedure's e-form (an invalid JSON
first), publishes the new version, adds a day off to the calendar and gives a role; every page
passes the quality gate (axe, weight, title, one h1, screenshots)."""

import datetime as dt
import json

import pytest

from tinhso.administration.tests.conftest import PROCEDURE_CODE, SCHEMA
from tinhso.calendar.services import day_info
from tinhso.catalog.models import ProcedureVersion
from tinhso.catalog.transfer import export_json
from tinhso.identity.models import RoleAssignment

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_provincial_administrator_edits_publishes_and_configures(
    browser_session, provincial_administrator, specialist, published
):
    visitor = browser_session("quantri")
    page = visitor.page
    visitor.sign_in(provincial_administrator.username)
    visitor.goto("/quan-ly/")
    visitor.check("index")

    page.get_by_role("link", name="Thủ tục hành chính", exact=True).click()
    visitor.check("procedures")
    page.get_by_role("link", name="Cấp Phiếu lý lịch tư pháp cho công dân").click()
    visitor.check("procedure")
    page.get_by_role("link", name="Soạn bản mới từ bản này").click()
    visitor.check("draft-form")

    schema = page.get_by_label("Biểu mẫu điện tử (JSON Schema)")
    schema.fill('{"type": "object", "properties": {')
    page.get_by_role("button", name="Lưu bản dự thảo").click()
    visitor.check("draft-invalid-json")
    assert page.title().startswith("Lỗi: ")
    assert page.locator(".error-summary").get_by_text("JSON không hợp lệ").count() == 1
    assert page.locator("#field-form_schema .error-message").is_visible()

    new_schema = {
        **SCHEMA,
        "properties": {**SCHEMA["properties"], "phone": {"type": "string"}},
    }
    page.get_by_label("Biểu mẫu điện tử (JSON Schema)").fill(json.dumps(new_schema))
    page.get_by_role("button", name="Lưu bản dự thảo").click()
    visitor.check("draft-saved")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Phiên bản 2")

    page.get_by_role("link", name="Công bố", exact=True).click()
    visitor.check("publish")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    page.get_by_label("Hiệu lực từ ngày").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Công bố", exact=True).click()
    visitor.check("published")
    version = ProcedureVersion.objects.get(procedure__code=PROCEDURE_CODE, number=2)
    assert (version.status, version.valid_from) == ("published", tomorrow)
    assert "phone" in version.form_schema["properties"]

    visitor.goto("/quan-ly/lich/?nam=2030")
    visitor.check("calendar")
    page.get_by_label("Ngày", exact=True).fill("2030-10-15")
    page.get_by_label("Ngày nghỉ", exact=True).check()
    page.get_by_label("Lý do").fill("Nghỉ bù theo Quyết định số 5/QĐ-UBND")
    page.get_by_role("button", name="Lưu điều chỉnh").click()
    visitor.check("calendar-override")
    info = day_info(dt.date(2030, 10, 15))
    assert (info.is_working_day, info.reason) == (False, "Nghỉ bù theo Quyết định số 5/QĐ-UBND")

    visitor.goto("/quan-ly/can-bo/")
    visitor.check("staff")
    page.get_by_role("link", name="Đặng Văn Chuyên").click()
    visitor.check("staff-member")
    page.get_by_label("Cơ quan, đơn vị").select_option("000.00.04.H99")
    page.get_by_label("Vai trò", exact=True).select_option("clerk")
    page.get_by_label("Từ ngày").fill("2026-12-01")
    page.get_by_role("button", name="Giao vai trò").click()
    visitor.check("role-assigned")
    assert RoleAssignment.objects.filter(
        user=specialist, role="clerk", agency__code="000.00.04.H99", valid_to__isnull=True
    ).exists()


def test_the_other_administration_pages_pass_the_quality_gate(
    browser_session, provincial_administrator, agency_administrator, published
):
    visitor = browser_session("quantri")
    page = visitor.page
    visitor.sign_in(provincial_administrator.username)
    for path, name in [
        ("/quan-ly/co-quan/", "agencies"),
        ("/quan-ly/co-quan/moi/", "agency-create"),
        ("/quan-ly/co-quan/000.00.08.H99/", "agency-edit"),
        ("/quan-ly/can-bo/moi/", "staff-create"),
        ("/quan-ly/thu-tuc/moi/", "procedure-create"),
        (f"/quan-ly/thu-tuc/{PROCEDURE_CODE}/phien-ban/1/", "version"),
        (f"/quan-ly/thu-tuc/{PROCEDURE_CODE}/phien-ban/1/rut-cong-bo/", "unpublish"),
        (f"/quan-ly/thu-tuc/{PROCEDURE_CODE}/ngung/", "retire"),
        ("/quan-ly/thu-tuc/nhap/", "import"),
    ]:
        visitor.goto(path)
        visitor.check(name)

    visitor.goto("/quan-ly/can-bo/moi/")
    page.get_by_role("button", name="Tạo tài khoản").click()
    visitor.check("staff-create-errors")
    assert page.title().startswith("Lỗi: ")

    visitor.goto("/quan-ly/co-quan/000.00.08.H99/sap-nhap/")
    visitor.check("merge")
    page.get_by_label("Sáp nhập vào cơ quan").select_option("000.00.04.H99")
    page.get_by_label("Căn cứ, lý do").fill("Nghị quyết số 1/NQ-HĐND")
    page.get_by_role("button", name="Tiếp tục").click()
    visitor.check("merge-confirm")

    visitor.goto("/quan-ly/thu-tuc/nhap/")
    page.get_by_label("Tệp danh mục (JSON hoặc XLSX)").set_input_files(
        files=[
            {
                "name": "danh-muc.json",
                "mimeType": "application/json",
                "buffer": export_json().encode(),
            }
        ]
    )
    page.get_by_role("button", name="Kiểm tra tệp").click()
    visitor.check("import-report")
    assert page.get_by_role("heading", level=1).inner_text() == "Khác biệt trước khi nhập"

    other = browser_session("quantri-co-quan")
    other.sign_in(agency_administrator.username)
    other.goto("/quan-ly/")
    other.check("agency-admin-index")
    other.goto("/quan-ly/lich/")
    other.check("forbidden")
    assert other.page.get_by_role("heading", level=1).inner_text() == (
        "Bạn không có quyền xem trang này"
    )
