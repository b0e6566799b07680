"""The dossier page of the staff workspace and each of its actions, through the test client."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhso.attachments.tests.factories import pdf_bytes
from tinhso.dossiers import services
from tinhso.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStep,
    Extension,
    IssuedForm,
    Status,
    SupplementRequest,
)
from tinhso.identity.services import assign_role, create_user
from tinhso.workspace.tests.staff_dossiers import (
    fresh,
    hidden_fields,
    make_procedure,
    submit_online,
)

PASSWORD = "Mat-khau-thu-nghiem-2026"


@pytest.fixture
def procedure(province: dict[str, Any]) -> Any:
    return make_procedure(province)


@pytest.fixture
def online(citizen: Any, procedure: Any) -> Dossier:
    return submit_online(citizen, procedure, with_image=True)


@pytest.fixture
def received(online: Dossier, one_stop_officer: Any) -> Dossier:
    return services.accept_dossier(actor=one_stop_officer, dossier=fresh(online))


@pytest.fixture
def processing(received: Dossier, one_stop_officer: Any) -> Dossier:
    return services.start_processing(actor=one_stop_officer, dossier=fresh(received))


@pytest.fixture
def processed(processing: Dossier, specialist: Any, leader: Any) -> Dossier:
    services.complete_step(actor=specialist, dossier=fresh(processing), step_code="TD", result="Đủ")
    return services.complete_step(
        actor=leader, dossier=fresh(processing), step_code="PD", result="Duyệt"
    )


def url(dossier: Dossier, action: str = "") -> str:
    return f"/lam-viec/ho-so/{dossier.code}/" + (f"{action}/" if action else "")


def html_of(response: Any) -> str:
    return response.content.decode()


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of(response)))


def form_tokens(client: Any, dossier: Dossier, action: str = "") -> dict[str, str]:
    """The hidden fields as the officer's page rendered them."""
    response = client.get(url(dossier, action) if action else url(dossier))
    assert response.status_code == 200
    return hidden_fields(html_of(response))


def post_action(client: Any, dossier: Dossier, action: str, data: dict[str, Any] | None = None):
    tokens = form_tokens(client, dossier, action)
    return client.post(url(dossier, action), {**tokens, **(data or {})})


def second_one_stop_officer(province: dict[str, Any]) -> Any:
    user = create_user(
        actor=None, username="motcua2", kind="staff", full_name="Trần Văn Hai", password=PASSWORD
    )
    assign_role(
        actor=None,
        user=user,
        agency=province["centre"],
        role="one_stop_officer",
        valid_from=dt.date(2020, 1, 1),
    )
    return user


# --- the page --------------------------------------------------------------------------------


def test_the_page_shows_applicant_form_components_and_history(client, online, one_stop_officer):
    client.force_login(one_stop_officer)
    response = client.get(url(online))

    assert response.status_code == 200
    html, text = html_of(response), text_of(response)
    assert f"<title>Hồ sơ {online.code} — Tỉnh số</title>" in html
    assert html.count("<h1") == 1
    assert "Nguyễn Văn An" in text
    assert "082090001111" in text
    assert "Cấp Phiếu lý lịch tư pháp cho công dân" in text
    assert "Mục đích Xin việc làm" in text
    assert "Mới đăng ký" in text
    assert "Nộp hồ sơ trực tuyến" in text  # the timeline
    # The declaration (PDF) previews in a frame, the scanned authorisation (PNG) as an image.
    documents = DossierDocument.objects.filter(dossier=online).select_related("document")
    by_code = {link.component_code: link.document_id for link in documents}
    assert f'<iframe class="preview" src="{url(online)}giay-to/{by_code["TK"]}/"' in html
    assert f'<img class="preview-image" src="{url(online)}giay-to/{by_code["UQ"]}/"' in html
    assert response["X-Frame-Options"] == "DENY"  # only the document responses may be framed


def test_only_the_actions_allowed_now_are_offered(client, online, one_stop_officer):
    client.force_login(one_stop_officer)
    html = html_of(client.get(url(online)))

    assert services.allowed_actions(one_stop_officer, online) == [
        "accept",
        "refuse",
        "request_supplement",
        "withdraw",
    ]
    assert f'action="{url(online, "tiep-nhan")}"' in html
    for slug in ("tu-choi", "yeu-cau-bo-sung", "rut-ho-so"):
        assert f'href="{url(online, slug)}"' in html
    for slug in ("chuyen-xu-ly", "hoan-thanh-buoc", "tra-ket-qua", "dung-xu-ly", "gia-han"):
        assert url(online, slug) not in html


def test_another_agencys_dossier_is_not_found(client, online, other_agency_officer):
    client.force_login(other_agency_officer)
    link = DossierDocument.objects.filter(dossier=online).first()
    assert link is not None

    assert client.get(url(online)).status_code == 404
    assert client.get(f"{url(online)}giay-to/{link.document_id}/").status_code == 404
    assert client.get(url(online, "tiep-nhan")).status_code == 404
    response = client.post(url(online, "tiep-nhan"), {"version": 1, "idempotency_key": "k"})
    assert response.status_code == 404
    assert fresh(online).status == Status.SUBMITTED


def test_unknown_codes_and_actions_are_not_found(client, online, one_stop_officer):
    client.force_login(one_stop_officer)

    assert client.get("/lam-viec/ho-so/KHONG-CO/").status_code == 404
    assert client.get(url(online, "khong-co-thao-tac")).status_code == 404


def test_citizens_go_to_their_account_and_visitors_sign_in(client, online, citizen):
    assert client.get(url(online))["Location"].startswith("/dang-nhap/?next=")
    client.force_login(citizen)
    response = client.get(url(online))
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/"


def test_the_page_reads_a_fixed_number_of_queries(
    client, processing, one_stop_officer, django_assert_max_num_queries
):
    client.force_login(one_stop_officer)
    client.get(url(processing))  # warm the session and the calendar
    with CaptureQueriesContext(connection) as baseline:
        client.get(url(processing))
    # More history, steps and forms must not add queries.
    services.request_supplement(
        actor=one_stop_officer, dossier=fresh(processing), items=["Tờ khai"], reason="Thiếu chữ ký"
    )
    services.provide_supplement(actor=one_stop_officer, dossier=fresh(processing))
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(url(processing))
    assert response.status_code == 200


# --- documents and forms ---------------------------------------------------------------------


def test_components_are_served_inline_and_may_be_framed_by_the_same_origin(
    client, online, one_stop_officer
):
    client.force_login(one_stop_officer)
    links = {
        link.component_code: link.document_id
        for link in DossierDocument.objects.filter(dossier=online)
    }

    pdf = client.get(f"{url(online)}giay-to/{links['TK']}/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline;")
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert pdf["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'self'" in pdf["Content-Security-Policy"]
    assert pdf.content.startswith(b"%PDF")
    image = client.get(f"{url(online)}giay-to/{links['UQ']}/")
    assert image["Content-Type"] == "image/png"
    assert image["X-Frame-Options"] == "SAMEORIGIN"


def test_a_document_of_another_dossier_is_not_served(client, citizen, procedure, one_stop_officer):
    first = submit_online(citizen, procedure, purpose="Hồ sơ thứ nhất")
    second = submit_online(citizen, procedure, purpose="Hồ sơ thứ hai")
    other = DossierDocument.objects.filter(dossier=second).first()
    assert other is not None
    client.force_login(one_stop_officer)

    assert client.get(f"{url(first)}giay-to/{other.document_id}/").status_code == 404


def test_issued_forms_download_as_pdf(client, received, one_stop_officer):
    client.force_login(one_stop_officer)
    receipt = IssuedForm.objects.get(dossier=received, kind="receipt")
    html = html_of(client.get(url(received)))
    assert f'href="{url(received)}bieu-mau/{receipt.pk}.pdf"' in html

    response = client.get(f"{url(received)}bieu-mau/{receipt.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(f"{url(received)}bieu-mau/999999.pdf").status_code == 404


def test_the_control_sheet_is_printed_once_processing_has_started(
    client, processing, one_stop_officer
):
    client.force_login(one_stop_officer)
    html = html_of(client.get(url(processing)))
    assert "Lập phiếu kiểm soát quá trình giải quyết" in html
    key = {"idempotency_key": "phieu-1"}

    response = client.post(f"{url(processing)}phieu-kiem-soat/", key)
    again = client.post(f"{url(processing)}phieu-kiem-soat/", key)

    assert response.status_code == 302
    assert response["Location"] == f"{url(processing)}#bieu-mau"
    assert again.status_code == 302
    assert IssuedForm.objects.filter(dossier=processing, kind="control_sheet").count() == 1


def test_no_control_sheet_before_processing(client, received, one_stop_officer):
    client.force_login(one_stop_officer)
    assert "phieu-kiem-soat" not in html_of(client.get(url(received)))

    response = client.post(f"{url(received)}phieu-kiem-soat/", {"idempotency_key": "x"})

    assert response.status_code == 409
    assert "chưa được chuyển xử lý" in text_of(response)
    assert not IssuedForm.objects.filter(dossier=received, kind="control_sheet").exists()


# --- actions ---------------------------------------------------------------------------------


def test_accept_issues_the_receipt_and_redirects_with_a_message(client, online, one_stop_officer):
    client.force_login(one_stop_officer)

    response = post_action(client, online, "tiep-nhan")

    assert response.status_code == 302
    assert response["Location"] == url(online)
    dossier = fresh(online)
    assert dossier.status == Status.RECEIVED
    assert dossier.received_by == one_stop_officer
    assert IssuedForm.objects.filter(dossier=online, kind="receipt").count() == 1
    assert "Đã tiếp nhận hồ sơ" in text_of(client.get(response["Location"]))


def test_a_double_submission_is_applied_once(client, online, one_stop_officer):
    client.force_login(one_stop_officer)
    tokens = form_tokens(client, online)

    first = client.post(url(online, "tiep-nhan"), tokens)
    second = client.post(url(online, "tiep-nhan"), tokens, follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    assert "đã được ghi nhận trước đó" in text_of(second)
    assert DossierEvent.objects.filter(dossier=online, action="accept").count() == 1
    assert IssuedForm.objects.filter(dossier=online, kind="receipt").count() == 1


def test_two_officers_at_once_the_second_sees_the_conflict_and_nothing_changes(
    client, online, one_stop_officer, province
):
    from django.test import Client

    other = Client()
    other.force_login(second_one_stop_officer(province))
    client.force_login(one_stop_officer)
    mine = form_tokens(client, online)
    theirs = form_tokens(other, online, "tu-choi")

    assert client.post(url(online, "tiep-nhan"), mine).status_code == 302
    response = other.post(url(online, "tu-choi"), {**theirs, "reason": "Không đúng thẩm quyền"})

    assert response.status_code == 409
    text = text_of(response)
    assert "Hồ sơ đã được người khác xử lý" in text
    assert "<title>Lỗi: Hồ sơ" in html_of(response)
    dossier = fresh(online)
    assert dossier.status == Status.RECEIVED
    assert not DossierEvent.objects.filter(dossier=online, action="refuse").exists()
    assert not IssuedForm.objects.filter(dossier=online, kind="refusal").exists()


def test_a_stale_action_page_is_refused_even_for_the_same_action(
    client, online, one_stop_officer, province
):
    from django.test import Client

    other = Client()
    other.force_login(second_one_stop_officer(province))
    client.force_login(one_stop_officer)
    mine, theirs = form_tokens(client, online), form_tokens(other, online)

    assert client.post(url(online, "tiep-nhan"), mine).status_code == 302
    response = other.post(url(online, "tiep-nhan"), theirs)

    assert response.status_code == 409
    assert "Hồ sơ đã được người khác xử lý" in text_of(response)
    assert DossierEvent.objects.filter(dossier=online, action="accept").count() == 1


def test_refuse_needs_a_reason(client, online, one_stop_officer):
    client.force_login(one_stop_officer)

    response = post_action(client, online, "tu-choi", {"reason": "   "})

    assert response.status_code == 422
    html = html_of(response)
    assert "<title>Lỗi: Từ chối tiếp nhận hồ sơ" in html
    assert 'class="error-summary"' in html
    assert '<a href="#id_reason">Hãy nêu lý do.</a>' in html
    assert 'aria-invalid="true"' in html
    assert fresh(online).status == Status.SUBMITTED


def test_refuse_with_a_reason(client, online, one_stop_officer):
    client.force_login(one_stop_officer)

    response = post_action(client, online, "tu-choi", {"reason": "Không thuộc thẩm quyền"})

    assert response.status_code == 302
    assert fresh(online).status == Status.REFUSED
    assert IssuedForm.objects.filter(dossier=online, kind="refusal").exists()


def test_request_supplement_needs_an_item_and_keeps_what_was_typed(
    client, received, one_stop_officer
):
    client.force_login(one_stop_officer)

    response = post_action(client, received, "yeu-cau-bo-sung", {"reason": "Thiếu chữ ký"})

    assert response.status_code == 422
    html = html_of(response)
    assert "Chọn hoặc ghi ít nhất một giấy tờ cần bổ sung." in html
    assert "Thiếu chữ ký</textarea>" in html
    assert fresh(received).status == Status.RECEIVED


def test_request_supplement_names_the_components(client, received, one_stop_officer):
    client.force_login(one_stop_officer)

    response = post_action(
        client,
        received,
        "yeu-cau-bo-sung",
        {"components": ["TK"], "other_items": "Ảnh 4x6\n\n", "reason": "Tờ khai thiếu chữ ký"},
    )

    assert response.status_code == 302
    assert fresh(received).status == Status.SUPPLEMENT_REQUESTED
    request = SupplementRequest.objects.get(dossier=received)
    assert request.items == ["Tờ khai", "Ảnh 4x6"]
    assert IssuedForm.objects.filter(dossier=received, kind="supplement_request").exists()


def test_a_component_of_another_procedure_is_refused(client, received, one_stop_officer):
    client.force_login(one_stop_officer)

    response = post_action(
        client, received, "yeu-cau-bo-sung", {"components": ["XX"], "reason": "Thiếu"}
    )

    assert response.status_code == 422
    assert "Giấy tờ đã chọn không thuộc thủ tục này." in html_of(response)


def test_the_desk_takes_in_a_supplement(client, received, one_stop_officer):
    services.request_supplement(
        actor=one_stop_officer, dossier=fresh(received), items=["Tờ khai"], reason="Thiếu"
    )
    client.force_login(one_stop_officer)

    response = post_action(client, received, "nhan-bo-sung", {"note": "Đã nhận bản chính"})

    assert response.status_code == 302
    assert fresh(received).status == Status.RECEIVED


def test_start_processing_activates_the_first_step(client, received, one_stop_officer):
    client.force_login(one_stop_officer)

    response = post_action(client, received, "chuyen-xu-ly")

    assert response.status_code == 302
    assert fresh(received).status == Status.PROCESSING
    step = DossierStep.objects.get(dossier=received, code="TD")
    assert step.state == DossierStep.State.ACTIVE
    assert step.given_by == one_stop_officer


def test_an_action_of_a_past_state_is_a_conflict(client, received, one_stop_officer):
    client.force_login(one_stop_officer)

    response = client.get(url(received, "tiep-nhan"))

    assert response.status_code == 409
    assert "không thể «tiếp nhận»" in text_of(response)


def test_an_action_without_the_role_is_refused(client, processing, one_stop_officer):
    client.force_login(one_stop_officer)  # stopping is for heads of unit and leaders

    response = client.get(url(processing, "dung-xu-ly"))
    posted = client.post(
        url(processing, "dung-xu-ly"),
        {"version": fresh(processing).version, "idempotency_key": "k", "reason": "Thử"},
    )

    assert response.status_code == 403
    assert posted.status_code == 403
    assert "Bạn không có vai trò" in text_of(response)
    assert fresh(processing).status == Status.PROCESSING


def test_complete_step_needs_a_result(client, processing, specialist):
    client.force_login(specialist)

    response = post_action(client, processing, "hoan-thanh-buoc", {"step": "TD", "result": ""})

    assert response.status_code == 422
    assert "Hãy ghi kết quả xử lý của bước." in html_of(response)
    assert DossierStep.objects.get(dossier=processing, code="TD").state == "active"


def test_complete_step_hands_over_to_the_next_step(client, processing, specialist):
    client.force_login(specialist)
    page = html_of(client.get(url(processing, "hoan-thanh-buoc")))
    assert "Khi bước này xong, hồ sơ được chuyển đến:" in page
    assert "Phê duyệt — Sở Tư pháp" in page

    response = post_action(
        client, processing, "hoan-thanh-buoc", {"step": "TD", "result": "Hồ sơ hợp lệ"}
    )

    assert response.status_code == 302
    steps = {s.code: s for s in DossierStep.objects.filter(dossier=processing)}
    assert steps["TD"].state == "done"
    assert steps["TD"].taken_by == specialist
    assert steps["TD"].result == "Hồ sơ hợp lệ"
    assert steps["PD"].state == "active"
    assert "bàn giao cho bước tiếp theo" in text_of(client.get(url(processing)))


def test_complete_step_shows_the_inter_agency_routing(
    client, citizen, province, one_stop_officer, specialist
):
    version = make_procedure(province, code="2.001418.000.00.04.H99", inter_agency=True)
    dossier = submit_online(citizen, version)
    services.accept_dossier(actor=one_stop_officer, dossier=fresh(dossier))
    services.start_processing(actor=one_stop_officer, dossier=fresh(dossier))
    client.force_login(specialist)

    page = text_of(client.get(url(dossier, "hoan-thanh-buoc")))

    assert "Xác minh liên thông — Sở Xây dựng (liên thông)" in page


def test_a_step_that_is_not_active_is_refused(client, processing, specialist):
    client.force_login(specialist)

    response = post_action(client, processing, "hoan-thanh-buoc", {"step": "PD", "result": "x"})

    assert response.status_code == 422
    assert "Bước này không còn đang xử lý" in html_of(response)


def test_require_payment_checks_the_amount(client, processing, specialist):
    client.force_login(specialist)

    zero = post_action(client, processing, "yeu-cau-nop-phi", {"amount": "0"})
    words = post_action(client, processing, "yeu-cau-nop-phi", {"amount": "hai trăm"})

    assert zero.status_code == 422
    assert "Số tiền phải lớn hơn 0." in html_of(zero)
    assert words.status_code == 422
    assert 'value="hai trăm"' in html_of(words)
    assert fresh(processing).status == Status.PROCESSING


def test_require_then_waive_payment(client, processing, specialist, head_of_unit):
    client.force_login(specialist)
    assert 'value="200000"' in html_of(client.get(url(processing, "yeu-cau-nop-phi")))
    response = post_action(client, processing, "yeu-cau-nop-phi", {"amount": "150000"})
    assert response.status_code == 302
    dossier = fresh(processing)
    assert (dossier.status, dossier.fee_total) == (Status.AWAITING_PAYMENT, 150000)

    # Settling is for the receiving agency's staff: the head of the justice division holds no
    # role at the one-stop centre.
    client.force_login(head_of_unit)
    assert "xac-nhan-nop-phi" not in html_of(client.get(url(processing)))
    assert client.get(url(processing, "xac-nhan-nop-phi")).status_code == 403


def test_the_desk_confirms_a_payment(client, processing, specialist, one_stop_officer):
    services.require_payment(actor=specialist, dossier=fresh(processing))
    client.force_login(one_stop_officer)

    missing = post_action(client, processing, "xac-nhan-nop-phi", {})
    response = post_action(client, processing, "xac-nhan-nop-phi", {"outcome": "waived"})

    assert missing.status_code == 422
    assert "Chọn người nộp đã nộp tiền hay được miễn, giảm." in html_of(missing)
    assert response.status_code == 302
    assert fresh(processing).status == Status.PROCESSING


def test_extend_refuses_a_date_before_the_appointment(client, received, one_stop_officer):
    client.force_login(one_stop_officer)
    due = timezone.localtime(fresh(received).due_at)

    response = post_action(
        client,
        received,
        "gia-han",
        {
            "new_due_date": (due - dt.timedelta(days=1)).date().isoformat(),
            "new_due_time": "16:00",
            "reason": "Chờ xác minh",
        },
    )

    assert response.status_code == 422
    assert "Ngày hẹn mới phải sau ngày hẹn hiện tại." in html_of(response)
    assert not Extension.objects.filter(dossier=received).exists()


def test_extend_issues_the_apology(client, received, one_stop_officer):
    client.force_login(one_stop_officer)
    due = timezone.localtime(fresh(received).due_at)
    new_day = (due + dt.timedelta(days=5)).date()

    response = post_action(
        client,
        received,
        "gia-han",
        {"new_due_date": new_day.isoformat(), "new_due_time": "16:00", "reason": "Chờ xác minh"},
    )

    assert response.status_code == 302
    extension = Extension.objects.get(dossier=received)
    assert timezone.localtime(extension.new_due_at).date() == new_day
    assert IssuedForm.objects.filter(dossier=received, kind="apology").exists()
    assert "gia-han" not in html_of(client.get(url(received)))  # only once


def test_extend_needs_a_date(client, received, one_stop_officer):
    client.force_login(one_stop_officer)

    response = post_action(
        client, received, "gia-han", {"new_due_date": "31/02/2026", "reason": "x"}
    )

    assert response.status_code == 422
    assert "Nhập ngày theo dạng ngày/tháng/năm." in html_of(response)


def test_stop_by_the_leader(client, processing, leader):
    client.force_login(leader)

    empty = post_action(client, processing, "dung-xu-ly", {"reason": ""})
    response = post_action(client, processing, "dung-xu-ly", {"reason": "Người nộp đề nghị"})

    assert empty.status_code == 422
    assert response.status_code == 302
    assert fresh(processing).status == Status.STOPPED


def test_withdraw_at_the_desk(client, online, one_stop_officer):
    client.force_login(one_stop_officer)

    response = post_action(client, online, "rut-ho-so", {"note": "Đơn xin rút ngày hôm nay"})

    assert response.status_code == 302
    assert fresh(online).status == Status.WITHDRAWN


def test_return_the_result_with_its_electronic_document(client, processed, one_stop_officer):
    client.force_login(one_stop_officer)
    tokens = form_tokens(client, processed, "tra-ket-qua")

    response = client.post(
        url(processed, "tra-ket-qua"),
        {
            **tokens,
            "note": "Người nộp nhận tại quầy",
            "result_title": "Phiếu lý lịch tư pháp số 1",
            "result_file": SimpleUploadedFile(
                "phieu.pdf", pdf_bytes("ket-qua"), content_type="application/pdf"
            ),
        },
    )

    assert response.status_code == 302
    assert fresh(processed).status == Status.RETURNED
    link = DossierDocument.objects.select_related("document").get(
        dossier=processed, component_code="KQ"
    )
    assert link.document.title == "Phiếu lý lịch tư pháp số 1"
    assert "Phiếu lý lịch tư pháp số 1" in text_of(client.get(url(processed)))


def test_a_result_file_of_the_wrong_type_changes_nothing(client, processed, one_stop_officer):
    client.force_login(one_stop_officer)
    tokens = form_tokens(client, processed, "tra-ket-qua")

    response = client.post(
        url(processed, "tra-ket-qua"),
        {
            **tokens,
            "result_file": SimpleUploadedFile("ket-qua.txt", b"hello", content_type="text/plain"),
        },
    )

    assert response.status_code == 415
    assert 'class="error-summary"' in html_of(response)
    assert fresh(processed).status == Status.PROCESSED
    assert not DossierDocument.objects.filter(dossier=processed, component_code="KQ").exists()


def test_return_without_a_file(client, processed, one_stop_officer):
    client.force_login(one_stop_officer)

    response = post_action(client, processed, "tra-ket-qua", {"note": ""})

    assert response.status_code == 302
    assert fresh(processed).status == Status.RETURNED


def test_a_form_without_its_hidden_fields_is_refused(client, online, one_stop_officer):
    client.force_login(one_stop_officer)

    response = client.post(url(online, "tu-choi"), {"reason": "Không đúng"})

    assert response.status_code == 422
    assert "Trang đã cũ" in html_of(response)
    assert fresh(online).status == Status.SUBMITTED


def test_the_postal_section_shows_the_applicants_choice_and_links_the_desk_to_shipments(
    client, citizen, online, one_stop_officer, specialist
):
    from tinhso.postal.services import choose_postal

    choose_postal(
        actor=citizen,
        dossier=online,
        submit_by_post=False,
        receive_by_post=True,
        recipient_name="Nguyễn Văn An",
        recipient_phone="0912000111",
        address="Số 5 đường Lê Lợi, phường Một",
    )
    client.force_login(one_stop_officer)
    html = client.get(f"/lam-viec/ho-so/{online.code}/").content.decode()
    assert "Bưu chính công ích" in html
    assert "Số 5 đường Lê Lợi, phường Một" in html
    assert f'href="/lam-viec/buu-chinh/{online.code}/"' in html

    services.accept_dossier(actor=one_stop_officer, dossier=online)
    services.start_processing(actor=one_stop_officer, dossier=online)
    client.force_login(specialist)
    html = client.get(f"/lam-viec/ho-so/{online.code}/").content.decode()
    assert "Số 5 đường Lê Lợi, phường Một" in html  # the specialist sees the choice
    assert "/lam-viec/buu-chinh/" not in html  # but only the desk handles the post
