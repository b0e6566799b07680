"""Both sides of a dossier's life in one browser run, as issue 5 describes the main journey:

a citizen finds the procedure typed without diacritics, submits it online with an attachment;
the one-stop officer receives it (the receipt is issued) and asks for a supplement; the citizen
sees the receipt and supplements; the specialist appraises; the inter-agency step runs at
another department; the leader approves; the one-stop officer returns the result; the citizen
rates the service. Every page visited passes the quality gate (axe serious/critical, weight,
one h1, screenshots at 360 and 1280 px).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tinhso.attachments.tests.factories import pdf_bytes
from tinhso.dossiers.models import Dossier, DossierStep, Status
from tinhso.dossiers.tests.conftest import procedure  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PROCEDURE_CODE = "2.001417.000.00.04.H99"


def _complete_current_step(visitor: Any, code: str, result: str, name: str) -> None:
    page = visitor.page
    visitor.goto("/lam-viec/")
    visitor.check(f"{name}-worklist")
    page.get_by_role("link", name=code).click()
    page.wait_for_load_state()
    visitor.check(f"{name}-dossier")
    page.get_by_role("link", name="Hoàn thành bước…").click()
    page.wait_for_load_state()
    visitor.check(f"{name}-complete-step")
    page.get_by_label("Kết quả xử lý của bước").fill(result)
    page.get_by_role("button", name="Hoàn thành bước").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã hoàn thành bước").first.is_visible()
    visitor.check(f"{name}-step-done")


def test_a_dossier_from_online_submission_to_rating(
    browser_session: Any,
    procedure: Any,  # noqa: F811 (the fixture imported above)
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    other_agency_officer: Any,
    leader: Any,
) -> None:
    # 1. The citizen finds the procedure without diacritics and submits online.
    person = browser_session("congdan")
    page = person.page
    person.sign_in(citizen.username)
    person.goto("/")
    person.check("home")
    page.get_by_label("Tìm thủ tục hành chính").fill("cap phieu ly lich tu phap")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_load_state()
    person.check("search")
    page.get_by_role("link", name="Cấp Phiếu lý lịch tư pháp cho công dân").click()
    page.wait_for_url(f"**/thu-tuc/{PROCEDURE_CODE}/")
    person.check("procedure")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    page.wait_for_url(f"**/nop-ho-so/{PROCEDURE_CODE}/")
    person.check("submission-start")
    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_url("**/noi-nop/")
    person.check("submission-agency")
    page.get_by_label("Trung tâm Phục vụ hành chính công").check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url("**/nguoi-nop/")
    person.check("submission-applicant")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url("**/to-khai/1/")
    person.check("submission-form")
    page.get_by_label("Mục đích").fill("Bổ sung hồ sơ xin việc")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url("**/giay-to/")
    person.check("submission-documents")
    page.get_by_label("Tải tệp mới lên: Tờ khai", exact=False).first.set_input_files(
        {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("to-khai")}
    )
    page.get_by_text("Đã tải lên và lưu vào kho: to-khai.pdf.").wait_for()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url("**/nhan-ket-qua/")
    person.check("submission-return-method")
    page.get_by_label("Nhận trực tuyến", exact=False).check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url("**/kiem-tra/")
    person.check("submission-review")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/nop-ho-so/da-nop/**")
    person.check("submission-done")
    dossier = Dossier.objects.get()
    code = dossier.code
    assert page.locator("[data-dossier-code]").inner_text() == code
    assert dossier.status == Status.SUBMITTED

    # 2. The one-stop officer receives it and asks for a supplement.
    desk = browser_session("motcua")
    desk_page = desk.page
    desk.sign_in(one_stop_officer.username)
    desk.goto("/lam-viec/")
    desk.check("worklist-to-receive")
    desk_page.get_by_role("link", name=code).click()
    desk_page.wait_for_load_state()
    desk.check("dossier-submitted")
    desk_page.get_by_role("button", name="Tiếp nhận").click()
    desk_page.wait_for_load_state()
    assert desk_page.get_by_text("Đã tiếp nhận hồ sơ").is_visible()
    desk.check("dossier-received")
    desk_page.get_by_role("link", name="Gửi yêu cầu bổ sung…").click()
    desk_page.wait_for_load_state()
    desk.check("request-supplement")
    desk_page.get_by_label("Tờ khai").check()
    desk_page.get_by_label("Lý do, nội dung cần bổ sung").fill("Tờ khai chưa có chữ ký")
    desk_page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    desk_page.wait_for_load_state()
    assert desk_page.get_by_text("Đã gửi yêu cầu bổ sung").is_visible()
    desk.check("supplement-requested")

    # 3. The citizen sees the receipt and the request, and supplements.
    person.goto(f"/ho-so-cua-toi/{code}/")
    person.check("my-dossier-supplement-requested")
    receipt_link = page.get_by_role("link", name=re.compile("Giấy tiếp nhận", re.IGNORECASE))
    assert receipt_link.count() >= 1
    receipt = person.context.request.get(person.url(receipt_link.first.get_attribute("href")))
    assert receipt.status == 200
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")
    page.get_by_role("link", name="Nộp bổ sung").click()
    page.wait_for_load_state()
    person.check("supplement-form")
    page.get_by_label(re.compile(r"^Tờ khai")).first.set_input_files(
        {"name": "to-khai-da-ky.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("ky")}
    )
    page.get_by_role("button", name="Nộp bổ sung").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{code}/")
    person.check("my-dossier-supplemented")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED

    # 4. Processing: hand-over to the first step, appraisal, the inter-agency step, approval.
    desk.goto(f"/lam-viec/ho-so/{code}/")
    desk.check("dossier-supplemented")
    desk_page.get_by_role("button", name="Chuyển xử lý").click()
    desk_page.wait_for_load_state()
    desk.check("sent-to-processing")

    appraiser = browser_session("chuyenvien")
    appraiser.sign_in(specialist.username)
    _complete_current_step(appraiser, code, "Hồ sơ hợp lệ, chuyển xác minh", "appraisal")

    partner = browser_session("lienthong")
    partner.sign_in(other_agency_officer.username)
    _complete_current_step(partner, code, "Đã xác minh, không có vướng mắc", "inter-agency")

    approver = browser_session("lanhdao")
    approver.sign_in(leader.username)
    _complete_current_step(approver, code, "Đồng ý cấp phiếu", "approval")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSED
    assert set(DossierStep.objects.filter(dossier=dossier).values_list("state", flat=True)) == {
        "done"
    }

    # 5. The one-stop officer returns the result with its electronic copy.
    desk.goto(f"/lam-viec/ho-so/{code}/")
    desk.check("dossier-processed")
    desk_page.get_by_role("link", name="Trả kết quả…").click()
    desk_page.wait_for_load_state()
    desk.check("return-result")
    desk_page.get_by_label("Kết quả điện tử").set_input_files(
        {"name": "phieu.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("ket-qua")}
    )
    desk_page.get_by_role("button", name="Trả kết quả").click()
    desk_page.wait_for_load_state()
    assert desk_page.get_by_text("Đã trả kết quả cho người nộp.").is_visible()
    desk.check("result-returned")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED

    # 6. The citizen rates the service.
    person.goto(f"/ho-so-cua-toi/{code}/")
    person.check("my-dossier-returned")
    page.get_by_role("link", name="Đánh giá mức độ hài lòng").click()
    page.wait_for_load_state()
    person.check("rate")
    page.get_by_label("5 — Rất hài lòng").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{code}/")
    person.check("rated")
    assert Dossier.objects.get(pk=dossier.pk).rating == 5
