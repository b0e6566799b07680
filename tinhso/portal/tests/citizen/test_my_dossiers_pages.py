"""'Hồ sơ của tôi' through HTTP: the list and a dossier's page, downloads, and the citizen's
actions (supplement, withdraw, rate, pay) with their bad inputs and double submissions."""

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tinhso.attachments.models import StoredDocument
from tinhso.attachments.tests.factories import pdf_bytes
from tinhso.dossiers import services as dossier_services
from tinhso.dossiers.models import Dossier, DossierDocument, DossierEvent, Status
from tinhso.portal.tests.citizen.conftest import PASSWORD, submit

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def title(response: Any) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match
    return " ".join(match.group(1).split())


def page_key(response: Any) -> str:
    match = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', response.content.decode())
    assert match, "the form carries an idempotency key"
    return match.group(1)


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def state(dossier: Dossier) -> tuple[Any, ...]:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.version,
        dossier.rating,
        DossierEvent.objects.filter(dossier=dossier).count(),
        DossierDocument.objects.filter(dossier=dossier).count(),
    )


# --- sign-in ----------------------------------------------------------------------------------


def test_sign_in_brings_the_citizen_back_to_the_page_asked_for(
    client: Client, received: Dossier, citizen: Any
) -> None:
    target = f"/ho-so-cua-toi/{received.code}/"
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == f"/dang-nhap/?next=/ho-so-cua-toi/{received.code}/"
    login_page = client.get(response["Location"])
    assert f'name="next" value="{target}"' in login_page.content.decode()
    signed = client.post(
        "/dang-nhap/",
        {"username": citizen.username, "password": PASSWORD, "next": target},
    )
    assert signed.status_code == 302 and signed["Location"] == target
    assert client.get(target).status_code == 200
    # An outside address in ``next`` is not followed.
    client.logout()
    outside = client.post(
        "/dang-nhap/",
        {"username": citizen.username, "password": PASSWORD, "next": "https://example.com/"},
    )
    assert outside["Location"] == "/"


def test_staff_accounts_have_no_my_dossiers_page(one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    assert client.get("/ho-so-cua-toi/").status_code == 403


# --- list -------------------------------------------------------------------------------------


def test_the_list_shows_the_citizens_own_dossiers_and_filters_by_status(
    received: Dossier, citizen: Any, other_citizen: Any, one_stop_officer: Any
) -> None:
    second = submit(citizen, key="k-2")
    submit(other_citizen, key="k-other")  # never shown to ``citizen``
    client = signed_in(citizen)
    response = client.get("/ho-so-cua-toi/")
    assert response.status_code == 200
    assert title(response) == "Hồ sơ của tôi — Tỉnh số"
    codes = [row.code for row in response.context["rows"]]
    assert codes == [second.code, received.code]
    html = response.content.decode()
    assert f'href="/ho-so-cua-toi/{received.code}/"' in html
    assert '<span class="tag tag-info">Đã tiếp nhận</span>' in html
    assert '<span class="tag tag-info">Mới đăng ký</span>' in html
    assert '<option value="received">Đã tiếp nhận (1)</option>' in html
    assert "Tất cả (2)" in html
    filtered = client.get("/ho-so-cua-toi/", {"trang_thai": "received"})
    assert [row.code for row in filtered.context["rows"]] == [received.code]
    assert (
        "Chưa tiếp nhận"
        in client.get("/ho-so-cua-toi/", {"trang_thai": "submitted"}).content.decode()
    )


def test_an_unknown_status_filter_is_an_error_not_a_500(received: Dossier, citizen: Any) -> None:
    response = signed_in(citizen).get("/ho-so-cua-toi/", {"trang_thai": "bogus", "trang": "-1"})
    assert response.status_code == 200
    assert title(response).startswith("Lỗi: ")
    assert "Chọn một trạng thái trong danh sách." in response.content.decode()
    assert [row.code for row in response.context["rows"]] == [received.code]


def test_a_citizen_without_dossiers_is_pointed_to_the_procedures(citizen: Any) -> None:
    html = signed_in(citizen).get("/ho-so-cua-toi/").content.decode()
    assert "Bạn chưa nộp hồ sơ trực tuyến nào." in html
    assert 'href="/thu-tuc/"' in html


# --- one dossier ------------------------------------------------------------------------------


def test_the_dossier_page_shows_status_dates_components_forms_and_history(
    received: Dossier, citizen: Any
) -> None:
    client = signed_in(citizen)
    response = client.get(f"/ho-so-cua-toi/{received.code.lower()}/")
    assert response.status_code == 200
    assert title(response) == f"Hồ sơ {received.code} — Tỉnh số"
    html = response.content.decode()
    for text in [
        "Cấp Phiếu lý lịch tư pháp cho công dân",
        '<span class="tag tag-info">Đã tiếp nhận</span>',
        "Trung tâm Phục vụ hành chính công",
        "Trực tuyến",
        "200.000 đồng",
        "Tờ khai.pdf",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "Nộp hồ sơ trực tuyến</strong> — Bạn",
        "Tiếp nhận</strong> — Trung tâm Phục vụ hành chính công",
        f'href="/ho-so-cua-toi/{received.code}/rut-ho-so/"',
    ]:
        assert text in html, text
    assert received.due_at is not None and received.received_at is not None
    assert f"{timezone.localtime(received.due_at):%H:%M %d/%m/%Y}" in html
    assert f"{timezone.localtime(received.received_at):%H:%M %d/%m/%Y}" in html
    assert "motcua" not in html  # staff usernames are not shown to citizens
    assert "Nộp bổ sung" not in html and "Đánh giá mức độ hài lòng" not in html


def test_another_citizens_dossier_and_an_unknown_code_are_404(
    received: Dossier, other_citizen: Any
) -> None:
    client = signed_in(other_citizen)
    for path in [
        f"/ho-so-cua-toi/{received.code}/",
        "/ho-so-cua-toi/000.00.02.H99-990101-0001/",
        f"/ho-so-cua-toi/{received.code}/bo-sung/",
        f"/ho-so-cua-toi/{received.code}/rut-ho-so/",
        f"/ho-so-cua-toi/{received.code}/danh-gia/",
        f"/ho-so-cua-toi/{received.code}/bieu-mau/1/",
        f"/ho-so-cua-toi/{received.code}/giay-to/1/",
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Không tìm thấy trang" in response.content.decode()
    before = state(received)
    response = client.post(f"/ho-so-cua-toi/{received.code}/rut-ho-so/", {"reason": "x"})
    assert response.status_code == 404
    assert state(received) == before


def test_the_components_and_issued_forms_download_only_from_ones_own_dossier(
    received: Dossier, citizen: Any, other_citizen: Any
) -> None:
    client = signed_in(citizen)
    link = DossierDocument.objects.get(dossier=received)
    document = client.get(f"/ho-so-cua-toi/{received.code}/giay-to/{link.document_id}/")
    assert document.status_code == 200
    assert document["Content-Type"] == "application/pdf"
    assert document.content == pdf_bytes("to-khai")
    assert "attachment;" in document["Content-Disposition"]
    form = received.forms.get()
    pdf = client.get(f"/ho-so-cua-toi/{received.code}/bieu-mau/{form.pk}/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # A document of the store that is not part of this dossier, and another dossier's form.
    own_other = StoredDocument.objects.create(
        holder_id_number=citizen.citizen_id,
        owner=citizen,
        title="Khác",
        original_name="khac.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        source="upload",
    )
    assert client.get(f"/ho-so-cua-toi/{received.code}/giay-to/{own_other.pk}/").status_code == 404
    assert client.get(f"/ho-so-cua-toi/{received.code}/bieu-mau/999999/").status_code == 404
    other = signed_in(other_citizen)
    assert other.get(f"/ho-so-cua-toi/{received.code}/bieu-mau/{form.pk}/").status_code == 404


# --- supplement -------------------------------------------------------------------------------


def test_the_citizen_provides_the_requested_supplement_with_a_file(
    supplement_requested: Dossier, citizen: Any
) -> None:
    dossier = supplement_requested
    client = signed_in(citizen)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/")
    html = page.content.decode()
    assert "Cơ quan yêu cầu bổ sung giấy tờ" in html
    assert "Văn bản ủy quyền có chứng thực" in html
    assert "Người nộp thay cần văn bản ủy quyền." in html
    assert f'href="/ho-so-cua-toi/{dossier.code}/bo-sung/"' in html
    form = client.get(f"/ho-so-cua-toi/{dossier.code}/bo-sung/")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.content.decode()
    key = page_key(form)
    response = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {
            "idempotency_key": key,
            "file_2": SimpleUploadedFile("uy-quyen.pdf", pdf_bytes("uq"), "application/pdf"),
            "note": "Đã bổ sung văn bản ủy quyền.",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/ho-so-cua-toi/{dossier.code}/"
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    attached = DossierDocument.objects.filter(dossier=dossier, component_code="UQ").get()
    assert attached.document.original_name == "uy-quyen.pdf"
    after = state(dossier)
    # The same form posted again (double click, back and resubmit): nothing more happens.
    again = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {
            "idempotency_key": key,
            "file_2": SimpleUploadedFile("uy-quyen.pdf", pdf_bytes("uq"), "application/pdf"),
        },
        follow=True,
    )
    assert state(dossier) == after
    assert "Yêu cầu này đã được gửi trước đó; hồ sơ không thay đổi thêm." in messages_of(again)


def test_a_supplement_without_a_file_is_refused_next_to_the_field(
    supplement_requested: Dossier, citizen: Any
) -> None:
    dossier = supplement_requested
    before = state(dossier)
    client = signed_in(citizen)
    response = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/", {"idempotency_key": "a1", "note": "Ghi chú"}
    )
    assert response.status_code == 422
    assert title(response).startswith("Lỗi: ")
    html = response.content.decode()
    assert html.count("Chọn ít nhất một tệp giấy tờ để nộp bổ sung.") == 2
    assert 'href="#id_file_1"' in html
    assert "Ghi chú</textarea>" in html
    assert state(dossier) == before


def test_an_uploaded_file_is_kept_when_another_field_fails(
    supplement_requested: Dossier, citizen: Any
) -> None:
    dossier = supplement_requested
    client = signed_in(citizen)
    response = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {
            "idempotency_key": "b2",
            "file_1": SimpleUploadedFile("to-khai-moi.pdf", pdf_bytes("moi"), "application/pdf"),
            "file_2": SimpleUploadedFile("uy-quyen.pdf", b"khong phai PDF", "application/pdf"),
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "to-khai-moi.pdf" in html
    stored = StoredDocument.objects.get(original_name="to-khai-moi.pdf")
    assert f'name="kept_file_1" value="{stored.pk}"' in html
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and state(dossier)[0] == dossier.status
    # Resubmitted without choosing the file again: the kept document goes with the dossier.
    done = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {"idempotency_key": "b2", "kept_file_1": str(stored.pk)},
    )
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert DossierDocument.objects.filter(dossier=dossier, document=stored).exists()


def test_a_kept_id_of_someone_elses_document_is_ignored(
    supplement_requested: Dossier, citizen: Any, other_citizen: Any
) -> None:
    from tinhso.attachments.services import store_document

    foreign = store_document(
        actor=other_citizen,
        holder_id_number=other_citizen.citizen_id,
        uploaded=pdf_bytes("binh"),
        name="cua-binh.pdf",
        title="Của Bình",
    )
    before = state(supplement_requested)
    response = signed_in(citizen).post(
        f"/ho-so-cua-toi/{supplement_requested.code}/bo-sung/",
        {"idempotency_key": "c3", "kept_file_1": str(foreign.pk)},
    )
    assert response.status_code == 422
    assert "cua-binh.pdf" not in response.content.decode()
    assert state(supplement_requested) == before


def test_no_supplement_page_when_none_was_requested(received: Dossier, citizen: Any) -> None:
    response = signed_in(citizen).get(f"/ho-so-cua-toi/{received.code}/bo-sung/", follow=True)
    assert response.redirect_chain == [(f"/ho-so-cua-toi/{received.code}/", 302)]
    assert any("không thể nộp bổ sung" in m for m in messages_of(response))


# --- withdraw ---------------------------------------------------------------------------------


def test_withdrawal_asks_for_confirmation_and_happens_once(received: Dossier, citizen: Any) -> None:
    client = signed_in(citizen)
    confirm = client.get(f"/ho-so-cua-toi/{received.code}/rut-ho-so/")
    assert confirm.status_code == 200
    assert "không khôi phục được" in confirm.content.decode()
    assert received.status == Status.RECEIVED  # a GET changes nothing
    key = page_key(confirm)
    done = client.post(
        f"/ho-so-cua-toi/{received.code}/rut-ho-so/",
        {"idempotency_key": key, "reason": "Không còn nhu cầu"},
    )
    assert done.status_code == 302
    received.refresh_from_db()
    assert received.status == Status.WITHDRAWN
    after = state(received)
    again = client.post(
        f"/ho-so-cua-toi/{received.code}/rut-ho-so/",
        {"idempotency_key": key, "reason": "Không còn nhu cầu"},
    )
    assert again.status_code == 302 and state(received) == after
    page = client.get(f"/ho-so-cua-toi/{received.code}/").content.decode()
    assert "Công dân yêu cầu rút hồ sơ" in page and "Không còn nhu cầu" in page
    assert "/rut-ho-so/" not in page
    late = client.post(f"/ho-so-cua-toi/{received.code}/rut-ho-so/", {"idempotency_key": "new"})
    assert late.status_code == 302 and state(received) == after


def test_a_too_long_withdrawal_reason_is_an_error(received: Dossier, citizen: Any) -> None:
    response = signed_in(citizen).post(
        f"/ho-so-cua-toi/{received.code}/rut-ho-so/", {"reason": "x" * 2001}
    )
    assert response.status_code == 422
    assert "Lý do tối đa 2000 ký tự." in response.content.decode()
    received.refresh_from_db()
    assert received.status == Status.RECEIVED


# --- rating -----------------------------------------------------------------------------------


def test_rating_after_return_once(returned: Dossier, citizen: Any) -> None:
    client = signed_in(citizen)
    page = client.get(f"/ho-so-cua-toi/{returned.code}/").content.decode()
    assert '<span class="tag tag-success">Đã trả kết quả</span>' in page
    assert f'href="/ho-so-cua-toi/{returned.code}/danh-gia/"' in page
    form = client.get(f"/ho-so-cua-toi/{returned.code}/danh-gia/")
    html = form.content.decode()
    assert "<fieldset" in html and "<legend" in html and 'type="radio"' in html
    key = page_key(form)
    done = client.post(
        f"/ho-so-cua-toi/{returned.code}/danh-gia/",
        {"idempotency_key": key, "rating": "4", "comment": "Nhanh, đúng hẹn"},
    )
    assert done.status_code == 302
    returned.refresh_from_db()
    assert (returned.rating, returned.rating_comment) == (4, "Nhanh, đúng hẹn")
    after = state(returned)
    again = client.post(
        f"/ho-so-cua-toi/{returned.code}/danh-gia/",
        {"idempotency_key": key, "rating": "1"},
        follow=True,
    )
    assert state(returned) == after
    assert "Yêu cầu này đã được gửi trước đó; hồ sơ không thay đổi thêm." in messages_of(again)
    other_try = client.post(
        f"/ho-so-cua-toi/{returned.code}/danh-gia/", {"idempotency_key": "x", "rating": "1"}
    )
    assert other_try.status_code == 302 and state(returned) == after
    page = client.get(f"/ho-so-cua-toi/{returned.code}/").content.decode()
    assert "Bạn đã đánh giá: 4/5." in page


@pytest.mark.parametrize("rating", ["", "0", "6", "abc", "4.5"])
def test_an_invalid_rating_is_refused_and_the_comment_kept(
    returned: Dossier, citizen: Any, rating: str
) -> None:
    before = state(returned)
    response = signed_in(citizen).post(
        f"/ho-so-cua-toi/{returned.code}/danh-gia/", {"rating": rating, "comment": "Góp ý giữ lại"}
    )
    assert response.status_code == 422
    assert title(response).startswith("Lỗi: ")
    html = response.content.decode()
    assert "Chọn một mức đánh giá từ 1 đến 5." in html or "Mức đánh giá phải từ 1 đến 5." in html
    assert "Góp ý giữ lại</textarea>" in html
    assert state(returned) == before


def test_rating_before_return_is_not_offered(received: Dossier, citizen: Any) -> None:
    before = state(received)
    response = signed_in(citizen).post(
        f"/ho-so-cua-toi/{received.code}/danh-gia/", {"rating": "5"}, follow=True
    )
    assert any("không thể đánh giá" in m for m in messages_of(response))
    assert state(received) == before


# --- payment ----------------------------------------------------------------------------------


def test_paying_sends_the_citizen_to_the_gateway(
    awaiting_payment: Dossier, citizen: Any, gateway: Any
) -> None:
    client = signed_in(citizen)
    page = client.get(f"/ho-so-cua-toi/{awaiting_payment.code}/").content.decode()
    assert "Cần nộp phí, lệ phí" in page and "200.000 đồng" in page
    assert f'action="/ho-so-cua-toi/{awaiting_payment.code}/thanh-toan/"' in page
    first = client.post(f"/ho-so-cua-toi/{awaiting_payment.code}/thanh-toan/")
    assert first.status_code == 302
    assert first["Location"].startswith(gateway.url)
    assert "vnp_Amount=20000000" in first["Location"]
    second = client.post(f"/ho-so-cua-toi/{awaiting_payment.code}/thanh-toan/")
    ref = re.search(r"vnp_TxnRef=([^&]+)", first["Location"])
    assert ref and f"vnp_TxnRef={ref.group(1)}" in second["Location"]  # the same order
    # After a sign-in that interrupted the payment, the GET lands on the dossier page.
    back = client.get(f"/ho-so-cua-toi/{awaiting_payment.code}/thanh-toan/")
    assert back.status_code == 302
    assert back["Location"] == f"/ho-so-cua-toi/{awaiting_payment.code}/"


def test_paying_when_the_gateway_is_not_configured_says_so(
    awaiting_payment: Dossier, citizen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ["TINHSO_VNPAY_URL", "TINHSO_VNPAY_TMN_CODE", "TINHSO_VNPAY_SECRET"]:
        monkeypatch.delenv(name, raising=False)
    response = signed_in(citizen).post(
        f"/ho-so-cua-toi/{awaiting_payment.code}/thanh-toan/", follow=True
    )
    assert response.redirect_chain == [(f"/ho-so-cua-toi/{awaiting_payment.code}/", 302)]
    assert any("Thanh toán trực tuyến chưa sẵn sàng" in m for m in messages_of(response))


def test_paying_a_dossier_that_waits_for_nothing_is_refused(
    received: Dossier, citizen: Any
) -> None:
    response = signed_in(citizen).post(f"/ho-so-cua-toi/{received.code}/thanh-toan/", follow=True)
    assert any("không ở trạng thái chờ" in m for m in messages_of(response))


def test_staff_actions_are_reflected_on_the_page(
    received: Dossier, citizen: Any, one_stop_officer: Any
) -> None:
    dossier_services.require_payment(actor=one_stop_officer, dossier=received)
    html = signed_in(citizen).get(f"/ho-so-cua-toi/{received.code}/").content.decode()
    assert '<span class="tag tag-warning">Chờ thực hiện nghĩa vụ tài chính</span>' in html


def test_the_list_and_the_dossier_page_use_a_fixed_number_of_queries(
    received: Dossier, citizen: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(citizen)

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    one_list, one_page = count("/ho-so-cua-toi/"), count(f"/ho-so-cua-toi/{received.code}/")
    for number in range(3):
        submit(citizen, key=f"more-{number}")
    assert count("/ho-so-cua-toi/") == one_list
    assert count(f"/ho-so-cua-toi/{received.code}/") == one_page


def test_the_electronic_result_is_shown_and_downloadable(
    returned: Dossier, citizen: Any, one_stop_officer: Any
) -> None:
    link = dossier_services.attach_result(
        actor=one_stop_officer,
        dossier=returned,
        content=pdf_bytes("ket-qua"),
        name="phieu-ly-lich-tu-phap.pdf",
        title="Phiếu lý lịch tư pháp số 1",
    )
    client = signed_in(citizen)
    html = client.get(f"/ho-so-cua-toi/{returned.code}/").content.decode()
    href = f"/ho-so-cua-toi/{returned.code}/giay-to/{link.document_id}/"
    assert f'<a href="{href}">Phiếu lý lịch tư pháp số 1</a>' in html
    assert "Có kết quả điện tử" in html
    download = client.get(href)
    assert download.status_code == 200 and download.content == pdf_bytes("ket-qua")


def test_a_document_already_in_the_store_is_chosen_not_uploaded_again(
    supplement_requested: Dossier, citizen: Any, other_citizen: Any
) -> None:
    from tinhso.attachments.services import store_document

    dossier = supplement_requested
    mandate = store_document(
        actor=citizen,
        holder_id_number=citizen.citizen_id,
        uploaded=pdf_bytes("uy-quyen-cu"),
        name="uy-quyen-2025.pdf",
        title="Văn bản ủy quyền 2025",
    )
    foreign = store_document(
        actor=other_citizen,
        holder_id_number=other_citizen.citizen_id,
        uploaded=pdf_bytes("binh"),
        name="cua-binh.pdf",
        title="Của Bình",
    )
    client = signed_in(citizen)
    html = client.get(f"/ho-so-cua-toi/{dossier.code}/bo-sung/").content.decode()
    assert "Hoặc dùng giấy tờ đã có trong kho cho «Văn bản ủy quyền»" in html
    assert f'<option value="{mandate.pk}">Văn bản ủy quyền 2025 — uy-quyen-2025.pdf' in html
    assert "cua-binh.pdf" not in html
    refused = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {"idempotency_key": "d4", "reuse_2": str(foreign.pk)},
    )
    assert refused.status_code == 422
    assert "Giấy tờ đã chọn không có trong kho của bạn." in refused.content.decode()
    done = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {"idempotency_key": "d4", "reuse_2": str(mandate.pk)},
    )
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert DossierDocument.objects.filter(
        dossier=dossier, component_code="UQ", document=mandate
    ).exists()
    assert StoredDocument.objects.filter(holder_id_number=citizen.citizen_id).count() == 2


def test_the_citizen_chooses_to_send_and_receive_by_post(
    received: Dossier, citizen: Any, other_citizen: Any
) -> None:
    from tinhso.postal.models import PostalChoice

    client = signed_in(citizen)
    page = client.get(f"/ho-so-cua-toi/{received.code}/").content.decode()
    assert f'href="/ho-so-cua-toi/{received.code}/buu-chinh/"' in page
    form = client.get(f"/ho-so-cua-toi/{received.code}/buu-chinh/")
    assert form.status_code == 200
    assert received.applicant_name in form.content.decode()  # prefilled
    key = page_key(form)
    bad = client.post(
        f"/ho-so-cua-toi/{received.code}/buu-chinh/",
        {
            "idempotency_key": key,
            "receive_by_post": "on",
            "recipient_name": "Nguyễn Văn An",
            "recipient_phone": "12345",
            "address": "Số 5 đường Lê Lợi, phường Một",
        },
    )
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "Lỗi:" in html and "Số điện thoại gồm 10 hoặc 11 chữ số" in html
    assert "Số 5 đường Lê Lợi, phường Một" in html  # kept
    assert not PostalChoice.objects.exists()
    done = client.post(
        f"/ho-so-cua-toi/{received.code}/buu-chinh/",
        {
            "idempotency_key": key,
            "submit_by_post": "on",
            "receive_by_post": "on",
            "recipient_name": "Nguyễn Văn An",
            "recipient_phone": "0912000111",
            "address": "Số 5 đường Lê Lợi, phường Một",
        },
    )
    assert done.status_code == 302
    choice = PostalChoice.objects.get(dossier=received)
    assert (choice.submit_by_post, choice.receive_by_post) == (True, True)
    page = client.get(f"/ho-so-cua-toi/{received.code}/").content.decode()
    assert "Số 5 đường Lê Lợi, phường Một" in page
    # Someone else's dossier: the same 404 as an unknown code.
    assert (
        signed_in(other_citizen).get(f"/ho-so-cua-toi/{received.code}/buu-chinh/").status_code
        == 404
    )


def test_no_postal_choice_once_the_dossier_is_closed(returned: Dossier, citizen: Any) -> None:
    client = signed_in(citizen)
    assert "/buu-chinh/" not in client.get(f"/ho-so-cua-toi/{returned.code}/").content.decode()
    response = client.get(f"/ho-so-cua-toi/{returned.code}/buu-chinh/")
    assert response.status_code == 302
