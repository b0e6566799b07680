"""The one-stop desk through the test client: who may use it, each step's bad input, scans kept
across errors, idempotent reception, the confirmation and the receipt."""

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tinhso.attachments.models import StoredDocument
from tinhso.attachments.tests.factories import pdf_bytes
from tinhso.dossiers import services
from tinhso.dossiers.models import Channel, Dossier, ReturnMethod, Status
from tinhso.dossiers.tests.conftest import procedure  # noqa: F401 (fixture)
from tinhso.identity.models import User

# The published procedure of the dossier tests, received at the centre and the department.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("procedure")]

CODE = "2.001417.000.00.04.H99"
CENTRE = "000.00.02.H99"
GOOD_ID = "082090001234"
DESK = "/lam-viec/tiep-nhan/"
PASSWORD = "Mat-khau-thu-nghiem-2026"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start(client: Client, agency: str = CENTRE, code: str = CODE) -> str:
    """Choose the procedure; returns the draft key."""
    response = client.post(f"{DESK}bat-dau/", {"agency": agency, "procedure": code})
    assert response.status_code == 302, response.content.decode()[:500]
    match = re.fullmatch(r"/lam-viec/tiep-nhan/([0-9a-f]{32})/nguoi-nop/", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def applicant_data(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "citizen",
        "name": "Trần Thị Bình",
        "id_number": GOOD_ID,
        "phone": "0912345678",
        "email": "binh@example.vn",
        "address": "Số 1 đường Một, phường Một",
        "ef_purpose": "Bổ sung hồ sơ xin việc",
    }
    data.update(overrides)
    return data


def through_applicant(client: Client, **overrides: str) -> str:
    key = start(client)
    response = client.post(f"{DESK}{key}/nguoi-nop/", applicant_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"{DESK}{key}/thanh-phan/"
    return key


def documents_data(key: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "idempotency_key": key,
        "channel": "1",
        "return_method": "desk",
        "action": "receive",
    }
    data.update(overrides)
    return data


def scan(name: str = "to-khai.pdf", marker: str = "quet") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(marker), content_type="application/pdf")


# --- who may use the desk ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(province: Any) -> None:
    response = Client().get(DESK)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("persona", ["citizen", "specialist", "other_agency_officer"])
def test_only_one_stop_officers_use_the_desk(request: pytest.FixtureRequest, persona: str) -> None:
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(DESK).status_code == 403
    response = client.post(f"{DESK}bat-dau/", {"agency": CENTRE, "procedure": CODE})
    assert response.status_code == 403
    assert Dossier.objects.count() == 0


def test_an_officer_of_another_desk_cannot_receive_for_the_centre(province: dict[str, Any]) -> None:
    from tinhso.identity.services import assign_role, create_user

    justice_desk = create_user(
        actor=None, username="motcua.stp", kind="staff", full_name="Đỗ Văn Sở", password=PASSWORD
    )
    assign_role(
        actor=None,
        user=justice_desk,
        agency=province["justice"],
        role="one_stop_officer",
        valid_from=province["justice"].valid_from,
    )
    client = signed_in(justice_desk)
    response = client.post(f"{DESK}bat-dau/", {"agency": CENTRE, "procedure": CODE})
    assert response.status_code == 422
    assert "workspace.desk_drafts" not in client.session
    # The search cannot be pointed at the centre either.
    response = client.get(DESK, {"q": "ly lich", "agency": CENTRE})
    assert response.status_code == 422
    assert "Chọn một cơ quan trong danh sách" in response.content.decode()
    # And the service refuses, whatever the page does.
    with pytest.raises(services.PermissionDenied):
        services.receive_in_person(
            actor=justice_desk,
            agency_code=CENTRE,
            procedure_code=CODE,
            applicant=services.Applicant("citizen", "Trần Thị Bình", GOOD_ID),
            form_data={"purpose": "Xin việc"},
            components_checked=["TK"],
        )
    assert Dossier.objects.count() == 0


def test_a_draft_is_bound_to_the_session_that_opened_it(one_stop_officer: Any) -> None:
    key = start(signed_in(one_stop_officer))
    other = signed_in(one_stop_officer)  # another browser of the same officer
    response = other.get(f"{DESK}{key}/nguoi-nop/")
    assert response.status_code == 302
    assert response["Location"] == DESK


# --- step 1: the procedure --------------------------------------------------------------------


def test_the_search_ignores_diacritics(one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    page = client.get(DESK)
    assert page.status_code == 200
    assert "<h1>Tiếp nhận hồ sơ tại quầy</h1>" in page.content.decode()
    response = client.get(DESK, {"q": "ly lich tu phap", "agency": CENTRE})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cấp Phiếu lý lịch tư pháp cho công dân" in html
    assert f'value="{CODE}"' in html
    nothing = client.get(DESK, {"q": "khai sinh", "agency": CENTRE}).content.decode()
    assert "Không tìm thấy thủ tục nào khớp với «khai sinh»" in nothing


def test_starting_an_unknown_procedure_is_an_error_on_the_search_page(
    one_stop_officer: Any,
) -> None:
    client = signed_in(one_stop_officer)
    response = client.post(f"{DESK}bat-dau/", {"agency": CENTRE, "procedure": "9.999"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "<title>Lỗi: " in html
    assert "Không có thủ tục mang mã" in html


# --- step 2: the applicant and the e-form -----------------------------------------------------


def test_bad_applicant_and_e_form_show_every_error_and_keep_the_values(
    one_stop_officer: Any,
) -> None:
    client = signed_in(one_stop_officer)
    key = start(client)
    page = client.get(f"{DESK}{key}/nguoi-nop/")
    assert page.status_code == 200
    assert 'name="ef_purpose"' in page.content.decode()

    response = client.post(
        f"{DESK}{key}/nguoi-nop/",
        applicant_data(id_number="12345", phone="12", email="khong-phai-email", ef_purpose="a"),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "<title>Lỗi: " in html
    assert 'class="error-summary"' in html
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in html
    assert 'href="#id_id_number"' in html
    assert "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0." in html
    assert "Thư điện tử chưa đúng dạng" in html
    assert "Mục đích: cần ít nhất 3 ký tự." in html
    assert 'href="#id_ef_purpose"' in html
    assert 'value="Trần Thị Bình"' in html  # typed values stay
    assert 'value="12345"' in html
    assert "Dossier" not in html
    assert Dossier.objects.count() == 0


def test_a_missing_name_and_id_are_reported_once_each(one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    key = start(client)
    response = client.post(f"{DESK}{key}/nguoi-nop/", applicant_data(name="", id_number=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count("Nhập họ và tên người nộp hoặc tên tổ chức.") == 2  # field + summary
    assert html.count("Nhập số định danh cá nhân hoặc mã số thuế.") == 2


def test_an_organisation_needs_a_valid_tax_code(one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    key = start(client)
    response = client.post(
        f"{DESK}{key}/nguoi-nop/",
        applicant_data(kind="organisation", name="Công ty TNHH Một", id_number="0312345679"),
    )
    assert response.status_code == 422
    assert "Mã số thuế sai chữ số kiểm tra." in response.content.decode()


def test_step_three_needs_the_applicant_first(one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    key = start(client)
    response = client.get(f"{DESK}{key}/thanh-phan/")
    assert response.status_code == 302
    assert response["Location"] == f"{DESK}{key}/nguoi-nop/"


# --- step 3: components, scans and reception --------------------------------------------------


def test_receive_with_a_scan_then_the_confirmation_and_the_receipt(one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    key = through_applicant(client)
    page = client.get(f"{DESK}{key}/thanh-phan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="idempotency_key" value="{key}"' in html
    assert "Tờ khai" in html and "Văn bản ủy quyền" in html

    response = client.post(
        f"{DESK}{key}/thanh-phan/",
        documents_data(key, c0_scan=scan(), return_method="post"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert response["Location"] == f"{DESK}ho-so/{dossier.code}/"
    assert dossier.status == Status.RECEIVED
    assert dossier.channel == Channel.DIRECT
    assert dossier.return_method == ReturnMethod.POST
    assert dossier.received_by == one_stop_officer
    assert dossier.applicant_id_number == GOOD_ID
    assert dossier.form_data == {"purpose": "Bổ sung hồ sơ xin việc"}
    link = dossier.documents.get()
    assert link.component_code == "TK"
    assert link.document.source == StoredDocument.Source.DESK_SCAN
    assert link.document.holder_id_number == GOOD_ID

    done = client.get(response["Location"])
    assert done.status_code == 200
    html = done.content.decode()
    assert dossier.code in html
    assert f"{DESK}ho-so/{dossier.code}/giay-tiep-nhan.pdf" in html
    assert "In giấy tiếp nhận" in html
    try:  # the dossier page comes with the worklist (workspace:dossier)
        assert reverse("workspace:dossier", args=[dossier.code]) in html
    except NoReverseMatch:
        assert "Mở hồ sơ" not in html
    assert "workspace.desk_drafts" not in client.session or key not in client.session.get(
        "workspace.desk_drafts", {}
    )

    receipt = client.get(f"{DESK}ho-so/{dossier.code}/giay-tiep-nhan.pdf")
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


def test_paper_tick_alone_receives_without_scans(one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    key = through_applicant(client)
    response = client.post(
        f"{DESK}{key}/thanh-phan/", documents_data(key, c0_received="on", channel="3")
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.channel == Channel.POST
    assert dossier.documents.count() == 0


def test_a_missing_required_component_keeps_the_scan_uploaded_with_it(
    one_stop_officer: Any,
) -> None:
    client = signed_in(one_stop_officer)
    key = through_applicant(client)
    # The optional component is scanned, the required one neither ticked nor scanned.
    response = client.post(
        f"{DESK}{key}/thanh-phan/",
        documents_data(key, c1_scan=scan("uy-quyen.pdf", "uq"), return_method="online"),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "<title>Lỗi: " in html
    assert "Chưa có «Tờ khai» (bắt buộc)" in html
    assert 'href="#id_c0_received"' in html
    assert Dossier.objects.count() == 0
    stored = StoredDocument.objects.get()
    assert stored.source == StoredDocument.Source.DESK_SCAN
    # The scan is shown as kept, and the choice of return method too.
    assert f'name="c1_keep" value="{stored.pk}"' in html
    assert re.search(rf'name="c1_keep" value="{stored.pk}"[^>]*checked', html)
    assert re.search(r'name="return_method" value="online"[^>]*checked', html)

    # Now the paper declaration is ticked: received, with the scan kept from before.
    response = client.post(
        f"{DESK}{key}/thanh-phan/",
        documents_data(key, c0_received="on", c1_keep=str(stored.pk), return_method="online"),
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert list(dossier.documents.values_list("component_code", "document_id")) == [
        ("UQ", stored.pk)
    ]


def test_a_file_that_is_not_a_scan_is_refused_next_to_its_field(one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    key = through_applicant(client)
    bad = SimpleUploadedFile("to-khai.pdf", b"just text, not a PDF", content_type="application/pdf")
    response = client.post(
        f"{DESK}{key}/thanh-phan/", documents_data(key, c0_received="on", c0_scan=bad)
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "to-khai.pdf: Chỉ nhận tệp PDF, JPEG hoặc PNG" in html
    assert 'href="#id_c0_scan"' in html
    assert re.search(r'name="c0_received"[^>]*checked', html)
    assert Dossier.objects.count() == 0
    assert StoredDocument.objects.count() == 0


def test_saving_scans_only_does_not_receive_and_a_scan_can_be_removed(
    one_stop_officer: Any,
) -> None:
    client = signed_in(one_stop_officer)
    key = through_applicant(client)
    response = client.post(
        f"{DESK}{key}/thanh-phan/", documents_data(key, action="upload", c0_scan=scan())
    )
    assert response.status_code == 302
    assert response["Location"] == f"{DESK}{key}/thanh-phan/"
    assert Dossier.objects.count() == 0
    stored = StoredDocument.objects.get()
    page = client.get(f"{DESK}{key}/thanh-phan/").content.decode()
    assert "Đã lưu 1 bản quét mới; hồ sơ chưa được tiếp nhận." in page
    assert f'name="c0_keep" value="{stored.pk}"' in page
    # Unticking the kept scan removes it from the draft: the required component is missing.
    response = client.post(f"{DESK}{key}/thanh-phan/", documents_data(key))
    assert response.status_code == 422
    assert "Chưa có «Tờ khai» (bắt buộc)" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_changing_the_id_number_drops_the_scans_of_the_old_one(one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    key = through_applicant(client)
    client.post(f"{DESK}{key}/thanh-phan/", documents_data(key, action="upload", c0_scan=scan()))
    page = client.get(f"{DESK}{key}/nguoi-nop/").content.decode()
    assert f'value="{GOOD_ID}"' in page  # step 2 shows what was entered
    response = client.post(f"{DESK}{key}/nguoi-nop/", applicant_data(id_number="082190004321"))
    assert response.status_code == 302
    page = client.get(f"{DESK}{key}/thanh-phan/").content.decode()
    assert "các bản quét lưu cho số cũ đã được gỡ" in page
    assert "c0_keep" not in page


def test_a_double_submission_receives_one_dossier(one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    key = through_applicant(client)
    data = documents_data(key, c0_received="on")
    drafts = client.session["workspace.desk_drafts"]
    first = client.post(f"{DESK}{key}/thanh-phan/", data)
    assert first.status_code == 302
    code = Dossier.objects.get().code
    assert first["Location"] == f"{DESK}ho-so/{code}/"
    # A second request that left the browser before the first answered still carries the
    # draft: it reaches the service with the same idempotency key.
    session = client.session
    session["workspace.desk_drafts"] = drafts
    session.save()
    second = client.post(f"{DESK}{key}/thanh-phan/", data)
    assert second.status_code == 302
    assert second["Location"] == f"{DESK}ho-so/{code}/"
    # A later one finds the draft gone and the key known.
    third = client.post(f"{DESK}{key}/thanh-phan/", data)
    assert third.status_code == 302
    assert third["Location"] == f"{DESK}ho-so/{code}/"
    assert Dossier.objects.count() == 1


def test_the_service_returns_the_first_dossier_for_a_repeated_key(one_stop_officer: Any) -> None:
    def receive() -> Dossier:
        return services.receive_in_person(
            actor=one_stop_officer,
            agency_code=CENTRE,
            procedure_code=CODE,
            applicant=services.Applicant("citizen", "Trần Thị Bình", GOOD_ID),
            form_data={"purpose": "Xin việc"},
            components_checked=["TK"],
            idempotency_key="k" * 32,
        )

    first = receive()
    again = receive()
    assert again.pk == first.pk
    assert Dossier.objects.count() == 1
    assert first.forms.count() == 1  # one receipt


def test_the_wrong_idempotency_key_is_refused(one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    key = through_applicant(client)
    response = client.post(
        f"{DESK}{key}/thanh-phan/", documents_data(key, idempotency_key="x", c0_received="on")
    )
    assert response.status_code == 422
    assert "Biểu mẫu không thuộc phiên tiếp nhận này" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_an_unknown_return_method_is_an_error_at_its_field(one_stop_officer: Any) -> None:
    client = signed_in(one_stop_officer)
    key = through_applicant(client)
    response = client.post(
        f"{DESK}{key}/thanh-phan/",
        documents_data(key, c0_received="on", return_method="pigeon", channel="9"),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'href="#id_return_method_0"' in html or 'href="#id_return_method"' in html
    assert Dossier.objects.count() == 0


# --- after the reception ----------------------------------------------------------------------


def _received(officer: Any) -> Dossier:
    return services.receive_in_person(
        actor=officer,
        agency_code=CENTRE,
        procedure_code=CODE,
        applicant=services.Applicant("citizen", "Trần Thị Bình", GOOD_ID),
        form_data={"purpose": "Xin việc"},
        components_checked=["TK"],
    )


def test_the_confirmation_and_receipt_of_another_agency_are_not_found(
    one_stop_officer: Any, other_agency_officer: Any
) -> None:
    dossier = _received(one_stop_officer)
    client = signed_in(other_agency_officer)
    assert client.get(f"{DESK}ho-so/{dossier.code}/").status_code == 404
    assert client.get(f"{DESK}ho-so/{dossier.code}/giay-tiep-nhan.pdf").status_code == 404
    assert client.get(f"{DESK}ho-so/KHONG-CO/").status_code == 404


def test_citizens_do_not_reach_the_confirmation(one_stop_officer: Any, citizen: User) -> None:
    dossier = _received(one_stop_officer)
    client = signed_in(citizen)
    assert client.get(f"{DESK}ho-so/{dossier.code}/").status_code == 403
    assert client.get(f"{DESK}ho-so/{dossier.code}/giay-tiep-nhan.pdf").status_code == 403
