"""A one-stop officer's morning in a real browser: a dossier received at the desk (with a
mistake on the way), its receipt, then the agency dashboard — every page through the quality
gate (axe, weight, one h1, screenshots at 360 and 1280 px)."""

import re
from pathlib import Path
from typing import Any

import pytest

from tinhso.attachments.models import StoredDocument
from tinhso.attachments.tests.factories import pdf_bytes
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.tests.conftest import procedure  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("procedure")]


def test_an_officer_receives_at_the_desk_then_opens_the_dashboard(
    browser_session: Any, one_stop_officer: Any, tmp_path: Path
) -> None:
    visitor = browser_session("motcua")
    page = visitor.page
    visitor.sign_in(one_stop_officer.username)

    # Step 1: the procedure, typed without diacritics.
    page.get_by_role("link", name="Tiếp nhận", exact=True).click()
    visitor.check("desk-search")
    page.get_by_label("Tên hoặc mã thủ tục").fill("ly lich tu phap")
    page.get_by_role("button", name="Tìm thủ tục").click()
    visitor.check("desk-results")
    page.get_by_role(
        "button", name=re.compile(r"^Tiếp nhận hồ sơ\W+Cấp Phiếu lý lịch tư pháp cho công dân$")
    ).click()

    # Step 2: the applicant, first with a wrong ID number.
    visitor.check("desk-applicant")
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Trần Thị Bình")
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế").fill("08209000123")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Mục đích", exact=True).fill("Bổ sung hồ sơ xin việc")
    page.get_by_role("button", name="Tiếp tục").click()
    visitor.check("desk-applicant-error")
    assert page.title().startswith("Lỗi: ")
    summary = page.locator(".error-summary")
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in summary.inner_text()
    assert page.get_by_label("Họ và tên (hoặc tên tổ chức)").input_value() == "Trần Thị Bình"
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế").fill("082090001234")
    page.get_by_role("button", name="Tiếp tục").click()

    # Step 3: received too early (the required declaration is missing), then scanned.
    visitor.check("desk-documents")
    page.get_by_role("button", name="Tiếp nhận hồ sơ", exact=True).click()
    visitor.check("desk-documents-error")
    assert "Chưa có «Tờ khai» (bắt buộc)" in page.locator(".error-summary").inner_text()
    assert Dossier.objects.count() == 0
    scan = tmp_path / "to-khai-da-quet.pdf"
    scan.write_bytes(pdf_bytes("desk scan"))
    page.locator("#id_c0_scan").set_input_files(str(scan))
    page.get_by_role("button", name="Tiếp nhận hồ sơ", exact=True).click()

    visitor.check("desk-received")
    code = page.locator("[data-dossier-code]").inner_text().strip()
    dossier = Dossier.objects.get()
    assert code == dossier.code
    document = dossier.documents.get().document
    assert document.source == StoredDocument.Source.DESK_SCAN
    assert document.original_name == "to-khai-da-quet.pdf"

    # The receipt, fetched with the officer's session as the link would.
    href = page.get_by_role("link", name="In giấy tiếp nhận").get_attribute("href")
    assert href is not None
    receipt = page.request.get(visitor.url(href))
    assert receipt.status == 200
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")

    # The dashboard shows this month's dossier.
    page.get_by_role("link", name="Thống kê", exact=True).click()
    visitor.check("dashboard")
    total = page.locator(".stats-table tfoot td.num").first.inner_text().strip()
    assert total == "1"
    assert page.get_by_role("link", name="Tải bảng thống kê (XLSX)").is_visible()
