"""A citizen submits a dossier online in a real browser, every page through the quality gate
(axe, weight, one h1, screenshots at 360 and 1280 px)."""

import pytest

from tinhso.attachments.models import StoredDocument
from tinhso.attachments.tests.factories import HTML, pdf_bytes
from tinhso.dossiers.models import Dossier
from tinhso.portal.tests.test_submission import CODE, make_procedure

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_citizen_submits_a_dossier_online(browser_session, province, citizen):
    make_procedure(province)
    visitor = browser_session("citizen")
    page = visitor.page
    # Not signed in yet: the sign-in page brings the citizen back to the procedure.
    visitor.goto(f"/nop-ho-so/{CODE}/")
    page.get_by_label("Tên đăng nhập").fill(citizen.username)
    page.get_by_label("Mật khẩu").fill("Mat-khau-thu-nghiem-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**/nop-ho-so/{CODE}/")
    visitor.check("start")

    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_url("**/noi-nop/")
    visitor.check("agency")
    page.get_by_label("Sở Tư pháp").check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url("**/nguoi-nop/")
    visitor.check("applicant")
    assert page.get_by_label("Số điện thoại").input_value() == "0912000111"
    page.get_by_label("Thư điện tử").fill("an@example.vn")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url("**/to-khai/1/")
    visitor.check("form-page-1")
    # First with a mistake: the purpose is missing and the number is not a number.
    page.get_by_label("Số lượng Phiếu").fill("hai")
    page.get_by_label("Phiếu số 1").check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_load_state()
    assert page.title().startswith("Lỗi: ")
    summary = page.locator(".error-summary")
    assert "Mục đích sử dụng: chưa nhập (bắt buộc)." in summary.inner_text()
    assert page.get_by_label("Số lượng Phiếu").input_value() == "hai"  # kept
    visitor.check("form-page-1-errors")
    page.get_by_label("Mục đích sử dụng").fill("Xin việc làm")
    page.get_by_label("Số lượng Phiếu").fill("2")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url("**/to-khai/2/")
    visitor.check("form-page-2")
    page.get_by_label("Họ, chữ đệm và tên").fill("Nguyễn Văn An")
    page.get_by_label("Ngày sinh").fill("1990-05-17")
    page.get_by_label("Số định danh cá nhân").fill("082090001111")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url("**/giay-to/")
    visitor.check("documents")
    upload = page.get_by_label("Tải tệp mới lên: Tờ khai yêu cầu cấp Phiếu")
    # A web page renamed .pdf is refused (415) next to the field, and nothing is stored.
    upload.set_input_files({"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": HTML})
    page.get_by_text("Chỉ nhận tệp PDF, JPEG hoặc PNG", exact=False).wait_for()
    assert StoredDocument.objects.count() == 0
    upload.set_input_files(
        {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("browser")}
    )
    # upload.js sends the file at once and ticks it in the list of chosen documents.
    page.get_by_text("Đã tải lên và lưu vào kho: to-khai.pdf.").wait_for()
    assert page.get_by_label("Tờ khai yêu cầu cấp Phiếu — to-khai.pdf", exact=False).is_checked()
    assert StoredDocument.objects.count() == 1
    visitor.check("documents-uploaded")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url("**/nhan-ket-qua/")
    visitor.check("return-method")
    page.get_by_label("Nhận trực tuyến", exact=False).check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url("**/kiem-tra/")
    visitor.check("review")
    main = page.locator("main")
    for expected in ("Sở Tư pháp", "Xin việc làm", "Phiếu số 1", "17/05/1990", "to-khai.pdf"):
        assert expected in main.inner_text()
    page.get_by_role("button", name="Nộp hồ sơ").click()

    page.wait_for_url("**/nop-ho-so/da-nop/**")
    visitor.check("done")
    dossier = Dossier.objects.get()
    assert page.locator("[data-dossier-code]").inner_text() == dossier.code
    assert dossier.documents.count() == 1
    # Back to the review and submit again: the same dossier, not a second one.
    page.go_back()
    page.wait_for_load_state()
    if page.get_by_role("button", name="Nộp hồ sơ").count():
        page.get_by_role("button", name="Nộp hồ sơ").click()
        page.wait_for_url("**/nop-ho-so/da-nop/**")
    assert Dossier.objects.count() == 1


def test_an_administrator_previews_a_draft_eform(
    browser_session, province, provincial_administrator
):
    from tinhso.catalog.models import ProcedureVersion

    make_procedure(province, status=ProcedureVersion.Status.DRAFT)
    visitor = browser_session("admin")
    visitor.sign_in(provincial_administrator.username)
    visitor.goto(f"/nop-ho-so/xem-truoc/{CODE}/1/")
    visitor.check("preview")
    visitor.page.get_by_role("button", name="Kiểm tra dữ liệu").click()
    visitor.page.wait_for_load_state()
    assert visitor.page.title().startswith("Lỗi: ")
    visitor.check("preview-errors")
    assert Dossier.objects.count() == 0
