"""An online dossier through the staff workspace in a real browser: the one-stop officer accepts
it and asks for a supplement, the citizen supplements (service), the specialist appraises, the
leader approves and the one-stop officer returns the result. Every page passes the quality gate
(axe, weight, one h1, screenshots at 360 and 1280 px)."""

from __future__ import annotations

import re

import pytest

from tinhso.attachments.tests.factories import pdf_bytes
from tinhso.dossiers import services
from tinhso.dossiers.models import DossierDocument, DossierStep, Status
from tinhso.workspace.tests.staff_dossiers import fresh, make_procedure, submit_online

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_online_dossier_from_reception_to_result(
    browser_session, province, citizen, one_stop_officer, specialist, leader
):
    version = make_procedure(province)
    dossier = submit_online(citizen, version, with_image=True)
    code = dossier.code

    # The one-stop officer finds the new dossier in "to receive" and opens it.
    desk = browser_session("motcua")
    desk.sign_in(one_stop_officer.username)
    desk.goto("/lam-viec/")
    desk.check("worklist-to-receive")
    page = desk.page
    assert page.get_by_role("link", name=re.compile(r"Chờ tiếp nhận\s+1")).is_visible()
    page.get_by_role("link", name=code).click()
    page.wait_for_load_state()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    page.get_by_text("Xem trước «Văn bản ủy quyền»").click()
    assert page.get_by_role("img", name="Văn bản ủy quyền").is_visible()
    declaration = DossierDocument.objects.get(dossier=dossier, component_code="TK")
    with page.expect_response(re.compile(rf"/giay-to/{declaration.document_id}/$")) as framed:
        page.get_by_text("Xem trước «Tờ khai»").click()
    assert framed.value.status == 200
    assert framed.value.headers["content-type"] == "application/pdf"
    assert framed.value.headers["x-frame-options"] == "SAMEORIGIN"
    assert not [text for text in refused if "frame" in text.lower()]
    desk.check("dossier-submitted")

    page.get_by_role("button", name="Tiếp nhận").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã tiếp nhận hồ sơ").is_visible()
    desk.check("dossier-accepted")

    # A supplement: the empty form first (errors), then the real request.
    page.get_by_role("link", name="Gửi yêu cầu bổ sung…").click()
    page.wait_for_load_state()
    desk.check("request-supplement")
    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    page.wait_for_load_state()
    assert page.title().startswith("Lỗi: ")
    desk.check("request-supplement-errors")
    page.get_by_label("Tờ khai").check()
    page.get_by_label("Lý do, nội dung cần bổ sung").fill("Tờ khai chưa có chữ ký")
    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã gửi yêu cầu bổ sung").is_visible()
    desk.check("supplement-requested")

    # The citizen supplements through the portal's service.
    services.provide_supplement(actor=citizen, dossier=fresh(dossier), note="Đã ký tờ khai")
    assert fresh(dossier).status == Status.RECEIVED

    desk.goto(f"/lam-viec/ho-so/{code}/")
    desk.check("dossier-supplemented")
    page.get_by_role("button", name="Chuyển xử lý").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã chuyển hồ sơ sang bước đầu").is_visible()
    desk.check("sent-to-processing")

    # The specialist appraises.
    appraiser = browser_session("chuyenvien")
    appraiser.sign_in(specialist.username)
    appraiser.goto("/lam-viec/")
    appraiser.check("worklist-to-process")
    appraiser.page.get_by_role("link", name=code).click()
    appraiser.page.wait_for_load_state()
    appraiser.check("dossier-processing")
    appraiser.page.get_by_role("link", name="Hoàn thành bước…").click()
    appraiser.page.wait_for_load_state()
    appraiser.check("complete-step")
    appraiser.page.get_by_label("Kết quả xử lý của bước").fill("Hồ sơ hợp lệ, đề nghị cấp phiếu")
    appraiser.page.get_by_role("button", name="Hoàn thành bước").click()
    appraiser.page.wait_for_load_state()
    assert appraiser.page.get_by_text("Đã hoàn thành bước").is_visible()
    appraiser.check("step-completed")

    # The leader approves.
    approver = browser_session("lanhdao")
    approver.sign_in(leader.username)
    approver.goto("/lam-viec/")
    approver.check("worklist-to-approve")
    approver.page.get_by_role("link", name=code).click()
    approver.page.wait_for_load_state()
    approver.check("dossier-to-approve")
    approver.page.get_by_role("link", name="Hoàn thành bước…").click()
    approver.page.wait_for_load_state()
    approver.check("approve-step")
    approver.page.get_by_label("Kết quả xử lý của bước").fill("Đồng ý cấp phiếu")
    approver.page.get_by_role("button", name="Hoàn thành bước").click()
    approver.page.wait_for_load_state()
    assert approver.page.get_by_text("Đã hoàn thành bước cuối").is_visible()
    approver.check("approved")
    assert fresh(dossier).status == Status.PROCESSED
    assert set(DossierStep.objects.filter(dossier=dossier).values_list("state", flat=True)) == {
        "done"
    }

    # The one-stop officer returns the result with its electronic copy.
    desk.goto("/lam-viec/?danh-sach=return")
    desk.check("worklist-to-return")
    page.get_by_role("link", name=code).click()
    page.wait_for_load_state()
    desk.check("dossier-processed")
    page.get_by_role("link", name="Trả kết quả…").click()
    page.wait_for_load_state()
    desk.check("return-result")
    page.get_by_label("Ghi chú khi trả").fill("Người nộp nhận tại quầy")
    page.get_by_label("Kết quả điện tử").set_input_files(
        {"name": "phieu.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("ket-qua")}
    )
    page.get_by_role("button", name="Trả kết quả").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã trả kết quả cho người nộp.").is_visible()
    desk.check("result-returned")

    returned = fresh(dossier)
    assert returned.status == Status.RETURNED
    assert DossierDocument.objects.filter(dossier=dossier, component_code="KQ").exists()
