"""Online submission through HTTP: every step, its bad inputs, drafts, idempotency and the
administrators' e-form preview. The procedure is demo-like: an e-form with plain fields on one
page and a nested object on another, a required component, two implementing agencies."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tinhso.attachments.models import StoredDocument
from tinhso.attachments.services import MAX_DOCUMENT_BYTES
from tinhso.attachments.tests.factories import HTML, pdf_bytes
from tinhso.catalog.models import Component, FeeLine, Procedure, ProcedureVersion, Sector
from tinhso.dossiers.models import Dossier
from tinhso.portal.models import SubmissionDraft

CODE = "2.000488.000.00.04.H99"
FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["purpose", "copies", "record_kind", "requester"],
    "additionalProperties": False,
    "properties": {
        "purpose": {"type": "string", "minLength": 3, "maxLength": 300},
        "copies": {"type": "integer", "minimum": 1, "maximum": 10},
        "record_kind": {"type": "string", "enum": ["1", "2"]},
        "urgent": {"type": "boolean"},
        "requester": {
            "type": "object",
            "required": ["full_name", "birth_date", "citizen_id"],
            "additionalProperties": False,
            "properties": {
                "full_name": {"type": "string", "minLength": 1, "maxLength": 100},
                "birth_date": {"type": "string", "format": "date"},
                "citizen_id": {"type": "string", "pattern": r"^\d{12}$"},
                "nationality": {"type": "string", "maxLength": 50, "default": "Việt Nam"},
            },
        },
    },
}
FORM_UI: dict[str, Any] = {
    "order": ["purpose", "copies", "record_kind", "urgent", "requester"],
    "fields": {
        "purpose": {"label": "Mục đích sử dụng", "widget": "textarea", "help": "Ví dụ: xin việc"},
        "copies": {"label": "Số lượng Phiếu", "widget": "number"},
        "record_kind": {
            "label": "Loại Phiếu",
            "widget": "radio",
            "choices": {"1": "Phiếu số 1", "2": "Phiếu số 2"},
        },
        "urgent": {"label": "Cần gấp"},
        "requester": {"label": "Người yêu cầu cấp Phiếu"},
        "requester.full_name": {"label": "Họ, chữ đệm và tên"},
        "requester.birth_date": {"label": "Ngày sinh", "widget": "date"},
        "requester.citizen_id": {
            "label": "Số định danh cá nhân",
            "pattern_message": "gồm đúng 12 chữ số",
        },
        "requester.nationality": {"label": "Quốc tịch"},
    },
}

GOOD_PAGE_1 = {"purpose": "Xin việc làm", "copies": "2", "record_kind": "1"}
GOOD_PAGE_2 = {
    "requester__full_name": "Nguyễn Văn An",
    "requester__birth_date": "1990-05-17",
    "requester__citizen_id": "082090001111",
    "requester__nationality": "Việt Nam",
}


def make_procedure(
    province: dict[str, Any],
    *,
    code: str = CODE,
    online_mode: str = "full",
    agencies: tuple[str, ...] = ("centre", "justice"),
    status: str = ProcedureVersion.Status.PUBLISHED,
    number: int = 1,
) -> ProcedureVersion:
    sector, _ = Sector.objects.get_or_create(code="TP-LLTP", defaults={"name": "Lý lịch tư pháp"})
    procedure, _ = Procedure.objects.get_or_create(
        code=code, defaults={"national_code": "2.000488"}
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        status=status,
        name="Cấp Phiếu lý lịch tư pháp cho công dân",
        name_folded="cap phieu ly lich tu phap cho cong dan",
        sector=sector,
        level="province",
        target_groups=["citizen"],
        channels=[1, 2, 3],
        online_mode=online_mode,
        processing_time=Decimal(10),
        processing_time_unit="working_day",
        form_schema=FORM_SCHEMA,
        form_ui=FORM_UI,
        valid_from=dt.date(2020, 1, 1),
    )
    version.implementing_agencies.set([province[name] for name in agencies])
    Component.objects.create(
        version=version, position=1, code="TK", name="Tờ khai yêu cầu cấp Phiếu", originals=1
    )
    Component.objects.create(
        version=version,
        position=2,
        code="UQ",
        name="Văn bản ủy quyền",
        originals=1,
        is_required=False,
    )
    FeeLine.objects.create(version=version, position=1, description="Phí cấp Phiếu", amount=200000)
    return version


# --- the tests --------------------------------------------------------------------------------


pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-thu-nghiem-2026"


@pytest.fixture
def version(province):
    return make_procedure(province)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start(client: Client, code: str = CODE) -> SubmissionDraft:
    response = client.post(reverse("portal:submission_start", args=[code]), {"action": "start"})
    assert response.status_code == 302, response.content.decode()[:500]
    return SubmissionDraft.objects.get(procedure_code=code, submitted_at__isnull=True)


def url(name: str, draft: SubmissionDraft, *args) -> str:
    return reverse(f"portal:{name}", args=[draft.reference, *args])


def fill_everything(client: Client, draft: SubmissionDraft, province) -> None:
    """The happy path up to the review page."""
    assert (
        client.post(
            url("submission_agency", draft), {"agency": province["justice"].code}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url("submission_applicant", draft),
            {"phone": "0912000111", "email": "an@example.vn", "address": "Số 1 đường A"},
        ).status_code
        == 302
    )
    assert client.post(url("submission_form", draft, 1), GOOD_PAGE_1).status_code == 302
    assert client.post(url("submission_form", draft, 2), GOOD_PAGE_2).status_code == 302
    pdf = SimpleUploadedFile("to-khai.pdf", pdf_bytes("to-khai"), content_type="application/pdf")
    assert (
        client.post(url("submission_documents", draft), {"component-0-file": pdf}).status_code
        == 302
    )
    assert (
        client.post(url("submission_return", draft), {"return_method": "online"}).status_code == 302
    )


def test_signing_in_brings_the_citizen_back_to_the_start_page(version, citizen):
    client = Client()
    start_url = reverse("portal:submission_start", args=[CODE])
    response = client.get(start_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    assert f"next={start_url}" in response["Location"].replace("%2F", "/")
    response = client.post(
        response["Location"], {"username": citizen.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == start_url


def test_start_page_describes_the_procedure_and_creates_nothing_on_get(version, citizen):
    client = signed_in(citizen)
    response = client.get(reverse("portal:submission_start", args=[CODE]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Cấp Phiếu lý lịch tư pháp cho công dân" in text
    assert "Tờ khai yêu cầu cấp Phiếu" in text
    assert "Phí cấp Phiếu: 200.000 đồng" in text
    assert SubmissionDraft.objects.count() == 0


def test_starting_twice_resumes_the_same_draft(version, citizen, province):
    client = signed_in(citizen)
    draft = start(client)
    assert draft.agency is None  # two agencies: the citizen chooses
    assert draft.applicant == {"phone": "0912000111", "email": "", "address": ""}
    again = client.post(reverse("portal:submission_start", args=[CODE]), {"action": "resume"})
    assert again.status_code == 302
    assert again["Location"] == url("submission_agency", draft)
    assert SubmissionDraft.objects.count() == 1
    response = client.get(reverse("portal:submission_start", args=[CODE]))
    assert "Tiếp tục hồ sơ đang soạn" in response.content.decode()
    listing = client.get(reverse("portal:submission_drafts"))
    assert url("submission_agency", draft) in listing.content.decode()


def test_restart_discards_the_open_draft(version, citizen):
    client = signed_in(citizen)
    first = start(client)
    client.post(reverse("portal:submission_start", args=[CODE]), {"action": "restart"})
    drafts = list(SubmissionDraft.objects.all())
    assert len(drafts) == 1 and drafts[0].pk != first.pk


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [("9.999999.000.00.00.H99", 404, "Không có thủ tục mang mã")],
)
def test_unknown_procedure_is_refused_with_a_page(citizen, province, code, status, message):
    client = signed_in(citizen)
    for method in (client.get, client.post):
        response = method(reverse("portal:submission_start", args=[code]))
        assert response.status_code == status
        assert message in response.content.decode()
        assert "Không nộp hồ sơ trực tuyến được" in response.content.decode()
    assert SubmissionDraft.objects.count() == 0


def test_procedure_not_online_is_refused(province, citizen):
    make_procedure(province, online_mode="none")
    client = signed_in(citizen)
    response = client.post(reverse("portal:submission_start", args=[CODE]))
    assert response.status_code == 409
    assert "chưa cung cấp dịch vụ công trực tuyến" in response.content.decode()
    assert SubmissionDraft.objects.count() == 0


def test_closed_procedure_is_refused(province, citizen, version):
    Procedure.objects.filter(code=CODE).update(retired_on=dt.date(2021, 1, 1))
    client = signed_in(citizen)
    response = client.get(reverse("portal:submission_start", args=[CODE]))
    assert response.status_code == 409
    assert "đã ngừng tiếp nhận hồ sơ từ ngày 01/01/2021" in response.content.decode()
    response = client.post(reverse("portal:submission_start", args=[CODE]))
    assert response.status_code == 409
    assert SubmissionDraft.objects.count() == 0


def test_a_procedure_closed_after_the_draft_started_stops_the_steps(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    Procedure.objects.filter(code=CODE).update(retired_on=dt.date(2021, 1, 1))
    response = client.get(url("submission_applicant", draft))
    assert response.status_code == 409
    assert "đã ngừng tiếp nhận" in response.content.decode()


def test_an_account_without_id_number_is_told_why(version):
    from tinhso.identity.models import User

    # The account service requires the number; accounts created before that rule may lack it.
    user = User.objects.create_user(username="chua.dinh.danh", kind="citizen", full_name="Lê C")
    client = signed_in(user)
    for method in (client.get, client.post):
        response = method(reverse("portal:submission_start", args=[CODE]))
        assert response.status_code == 403
        assert "chưa có số định danh cá nhân" in response.content.decode()
    assert SubmissionDraft.objects.count() == 0


def test_staff_cannot_submit_online(version, one_stop_officer):
    client = signed_in(one_stop_officer)
    assert client.get(reverse("portal:submission_start", args=[CODE])).status_code == 403
    response = client.post(reverse("portal:submission_start", args=[CODE]))
    assert response.status_code == 403
    assert SubmissionDraft.objects.count() == 0


def test_another_users_draft_is_not_found(version, citizen, province):
    from tinhso.identity.services import create_user

    client = signed_in(citizen)
    draft = start(client)
    other = create_user(
        actor=None,
        username="congdan.binh",
        kind="citizen",
        full_name="Trần Thị Bình",
        password=PASSWORD,
        citizen_id="082090002222",
    )
    intruder = signed_in(other)
    for name in (
        "submission_agency",
        "submission_applicant",
        "submission_documents",
        "submission_return",
        "submission_review",
    ):
        assert intruder.get(url(name, draft)).status_code == 404
        assert intruder.post(url(name, draft), {}).status_code == 404
    assert intruder.get(url("submission_form", draft, 1)).status_code == 404
    assert intruder.post(url("submission_discard", draft)).status_code == 404
    pdf = SimpleUploadedFile("a.pdf", pdf_bytes("x"), content_type="application/pdf")
    assert (
        intruder.post(url("submission_upload", draft), {"component": "0", "file": pdf}).status_code
        == 404
    )
    assert StoredDocument.objects.count() == 0
    draft.refresh_from_db()
    assert draft.agency is None and draft.form_data == {}


def test_agency_step_requires_a_choice(version, citizen, province):
    client = signed_in(citizen)
    draft = start(client)
    response = client.post(url("submission_agency", draft), {"agency": ""})
    assert response.status_code == 422
    text = response.content.decode()
    assert "<title>Lỗi: " in text
    assert "Chọn nơi nộp hồ sơ." in text
    response = client.post(
        url("submission_agency", draft), {"agency": province["construction"].code}
    )
    assert response.status_code == 422
    response = client.post(url("submission_agency", draft), {"agency": province["justice"].code})
    assert response.status_code == 302
    assert response["Location"] == url("submission_applicant", draft)
    draft.refresh_from_db()
    assert draft.agency == province["justice"]
    assert draft.current_step == "applicant"


def test_applicant_step_is_prefilled_from_the_account_and_checks_the_phone(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    response = client.get(url("submission_applicant", draft))
    text = response.content.decode()
    assert "Nguyễn Văn An" in text and "082090001111" in text
    assert 'value="0912000111"' in text
    response = client.post(
        url("submission_applicant", draft), {"phone": "12345", "email": "an@", "address": "Ấp 3"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "Nhập địa chỉ thư điện tử đúng dạng" in text
    assert 'value="12345"' in text and "Ấp 3" in text  # typed values kept
    response = client.post(
        url("submission_applicant", draft), {"phone": "12345", "email": "", "address": ""}
    )
    assert response.status_code == 422
    assert 'id="id_phone_error"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.applicant["phone"] == "0912000111"


def test_eform_pages_follow_the_schema(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    first = client.get(url("submission_form", draft, 1)).content.decode()
    assert "Nội dung tờ khai" in first
    assert '<textarea name="purpose"' in first
    assert 'inputmode="numeric"' in first  # integer
    assert 'type="radio" name="record_kind" value="1"' in first
    assert "Phiếu số 2" in first
    assert 'type="checkbox" name="urgent"' in first
    assert "Ví dụ: xin việc" in first  # help from the hints
    assert "requester__full_name" not in first
    second = client.get(url("submission_form", draft, 2)).content.decode()
    assert "<h1>Người yêu cầu cấp Phiếu</h1>" in second
    assert 'type="date" name="requester__birth_date"' in second
    assert 'value="Việt Nam"' in second  # the schema's default
    assert client.get(url("submission_form", draft, 3)).status_code == 404


def test_missing_required_field_is_shown_next_to_it_and_in_the_summary(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    response = client.post(
        url("submission_form", draft, 1), {"purpose": "", "copies": "abc", "record_kind": "1"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "<title>Lỗi: " in text
    assert 'class="error-summary"' in text
    assert 'href="#id_purpose"' in text
    assert "Mục đích sử dụng: chưa nhập (bắt buộc)." in text
    assert 'id="id_purpose_error"' in text
    assert "Số lượng Phiếu: phải là số nguyên." in text
    assert 'value="abc"' in text  # kept
    assert 'value="1" checked' in text or "checked" in text
    draft.refresh_from_db()
    assert draft.form_data == {}


def test_schema_rules_come_back_on_the_field(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    client.post(url("submission_form", draft, 1), GOOD_PAGE_1)
    response = client.post(
        url("submission_form", draft, 2), {**GOOD_PAGE_2, "requester__citizen_id": "123"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "Số định danh cá nhân: gồm đúng 12 chữ số." in text
    assert 'href="#id_requester__citizen_id"' in text
    response = client.post(url("submission_form", draft, 1), {**GOOD_PAGE_1, "copies": "11"})
    assert "Số lượng Phiếu: không được lớn hơn 10." in response.content.decode()


def test_eform_pages_save_typed_json(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    response = client.post(url("submission_form", draft, 1), {**GOOD_PAGE_1, "urgent": "on"})
    assert response.status_code == 302
    assert response["Location"] == url("submission_form", draft, 2)
    response = client.post(
        url("submission_form", draft, 2), {**GOOD_PAGE_2, "requester__birth_date": "17/05/1990"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.form_data == {
        "purpose": "Xin việc làm",
        "copies": 2,
        "record_kind": "1",
        "urgent": True,
        "requester": {
            "full_name": "Nguyễn Văn An",
            "birth_date": "1990-05-17",
            "citizen_id": "082090001111",
            "nationality": "Việt Nam",
        },
    }
    # Coming back shows the saved answers.
    text = client.get(url("submission_form", draft, 2)).content.decode()
    assert 'value="1990-05-17"' in text


def test_upload_stores_at_once_and_chooses_the_document(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    pdf = SimpleUploadedFile("to-khai.pdf", pdf_bytes("one"), content_type="application/pdf")
    response = client.post(url("submission_documents", draft), {"component-0-file": pdf})
    assert response.status_code == 302
    document = StoredDocument.objects.get()
    assert document.holder_id_number == citizen.citizen_id
    draft.refresh_from_db()
    assert draft.documents == {"TK": [document.pk]}


def test_missing_required_component_keeps_other_uploads(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    pdf = SimpleUploadedFile("uy-quyen.pdf", pdf_bytes("uq"), content_type="application/pdf")
    response = client.post(url("submission_documents", draft), {"component-1-file": pdf})
    assert response.status_code == 422
    text = response.content.decode()
    assert "<title>Lỗi: " in text
    assert "Chưa có «Tờ khai yêu cầu cấp Phiếu»" in text
    assert 'href="#id_component-0-file"' in text
    draft.refresh_from_db()
    document = StoredDocument.objects.get()
    assert draft.documents == {"UQ": [document.pk]}  # never lost
    assert f'value="{document.pk}" checked' in text


def test_wrong_file_type_is_refused_with_415_and_nothing_stored(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    page = SimpleUploadedFile("to-khai.html", HTML, content_type="text/html")
    response = client.post(url("submission_documents", draft), {"component-0-file": page})
    assert response.status_code == 415
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in response.content.decode()
    assert StoredDocument.objects.count() == 0
    fake = SimpleUploadedFile("to-khai.pdf", HTML, content_type="application/pdf")
    response = client.post(url("submission_upload", draft), {"component": "0", "file": fake})
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert StoredDocument.objects.count() == 0
    draft.refresh_from_db()
    assert draft.documents == {}


def test_oversize_file_is_refused_with_413_and_nothing_stored(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    big = pdf_bytes("big") + b"0" * (MAX_DOCUMENT_BYTES)
    response = client.post(
        url("submission_documents", draft),
        {"component-0-file": SimpleUploadedFile("lon.pdf", big, content_type="application/pdf")},
    )
    assert response.status_code == 413
    assert "vượt quá dung lượng tối đa 20 MB" in response.content.decode()
    response = client.post(
        url("submission_upload", draft),
        {
            "component": "0",
            "file": SimpleUploadedFile("lon.pdf", big, content_type="application/pdf"),
        },
    )
    assert response.status_code == 413
    assert StoredDocument.objects.count() == 0


def test_xhr_upload_answers_json_and_the_page_shows_it_chosen(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    pdf = SimpleUploadedFile("to-khai.pdf", pdf_bytes("xhr"), content_type="application/pdf")
    response = client.post(url("submission_upload", draft), {"component": "0", "file": pdf})
    assert response.status_code == 201
    body = response.json()
    assert body["original_name"] == "to-khai.pdf"
    draft.refresh_from_db()
    assert draft.documents == {"TK": [body["id"]]}
    again = SimpleUploadedFile("cung-tep.pdf", pdf_bytes("xhr"), content_type="application/pdf")
    response = client.post(url("submission_upload", draft), {"component": "0", "file": again})
    assert response.status_code == 200  # the same bytes: the same document, not a second one
    assert StoredDocument.objects.count() == 1
    assert (
        client.post(url("submission_upload", draft), {"component": "7", "file": again}).status_code
        == 404
    )
    assert client.post(url("submission_upload", draft), {"component": "0"}).status_code == 422


def test_a_document_already_in_the_store_is_reused(version, citizen):
    from tinhso.attachments.services import store_document

    kept = store_document(
        actor=citizen,
        holder_id_number=citizen.citizen_id,
        uploaded=pdf_bytes("kept"),
        name="da-co.pdf",
        title="Tờ khai cũ",
    )
    client = signed_in(citizen)
    draft = start(client)
    page = client.get(url("submission_documents", draft)).content.decode()
    assert "Tờ khai cũ" in page
    response = client.post(
        url("submission_documents", draft), {"component-0-documents": [str(kept.pk)]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.documents == {"TK": [kept.pk]}
    assert StoredDocument.objects.count() == 1


def test_someone_elses_document_cannot_be_chosen(version, citizen):
    from tinhso.attachments.services import store_document
    from tinhso.identity.services import create_user

    other = create_user(
        actor=None,
        username="congdan.binh",
        kind="citizen",
        full_name="Trần Thị Bình",
        password=PASSWORD,
        citizen_id="082090002222",
    )
    theirs = store_document(
        actor=other,
        holder_id_number=other.citizen_id,
        uploaded=pdf_bytes("b"),
        name="b.pdf",
        title="B",
    )
    client = signed_in(citizen)
    draft = start(client)
    response = client.post(
        url("submission_documents", draft), {"component-0-documents": [str(theirs.pk)]}
    )
    assert response.status_code == 422
    assert f"Không có giấy tờ số {theirs.pk} trong kho của bạn." in response.content.decode()
    draft.refresh_from_db()
    assert draft.documents == {}


def test_return_method_by_post_needs_an_address(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    response = client.post(
        url("submission_return", draft), {"return_method": "post", "address": ""}
    )
    assert response.status_code == 422
    assert "Nhập địa chỉ nhận kết quả qua bưu chính." in response.content.decode()
    response = client.post(url("submission_return", draft), {})
    assert response.status_code == 422
    assert "Chọn cách nhận kết quả." in response.content.decode()
    response = client.post(
        url("submission_return", draft), {"return_method": "post", "address": "Số 5 đường B"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.return_method == "post" and draft.applicant["address"] == "Số 5 đường B"


def test_review_lists_the_answers_with_change_links(version, citizen, province):
    client = signed_in(citizen)
    draft = start(client)
    fill_everything(client, draft, province)
    response = client.get(url("submission_review", draft))
    assert response.status_code == 200
    text = response.content.decode()
    for expected in (
        "Sở Tư pháp",
        "Xin việc làm",
        "Phiếu số 1",
        "17/05/1990",
        "to-khai.pdf",
        "Trực tuyến",
    ):
        assert expected in text
    assert f"{url('submission_form', draft, 2)}?tu=kiem-tra#id_requester__citizen_id" in text
    assert "error-summary" not in text
    # "Thay đổi" → saving goes back to the review.
    response = client.post(
        url("submission_form", draft, 1) + "?tu=kiem-tra", {**GOOD_PAGE_1, "purpose": "Đi du học"}
    )
    assert response["Location"] == url("submission_review", draft)


def test_review_of_an_incomplete_draft_links_to_the_steps(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    response = client.get(url("submission_review", draft))
    text = response.content.decode()
    assert "Chưa chọn nơi nộp hồ sơ." in text
    assert "Mục đích sử dụng: chưa nhập (bắt buộc)." in text
    assert "Chưa có «Tờ khai yêu cầu cấp Phiếu»." in text
    response = client.post(
        url("submission_review", draft), {"idempotency_key": draft.idempotency_key}
    )
    assert response.status_code == 422
    assert "<title>Lỗi: " in response.content.decode()
    assert Dossier.objects.count() == 0


def test_submit_creates_one_dossier_even_when_sent_twice(version, citizen, province):
    client = signed_in(citizen)
    draft = start(client)
    fill_everything(client, draft, province)
    first = client.post(url("submission_review", draft), {"idempotency_key": draft.idempotency_key})
    assert first.status_code == 302
    dossier = Dossier.objects.get()
    assert first["Location"] == reverse("portal:submission_done", args=[dossier.code])
    second = client.post(
        url("submission_review", draft), {"idempotency_key": draft.idempotency_key}
    )
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert Dossier.objects.count() == 1
    assert dossier.applicant == citizen
    assert dossier.agency == province["justice"]
    assert dossier.status == "submitted" and dossier.channel == 2
    assert dossier.return_method == "online"
    assert dossier.form_data["requester"]["citizen_id"] == "082090001111"
    assert dossier.applicant_email == "an@example.vn"
    assert list(dossier.documents.values_list("component_code", flat=True)) == ["TK"]
    draft.refresh_from_db()
    assert draft.dossier == dossier and draft.submitted_at is not None
    # The steps of a submitted draft lead to the confirmation; a new start is a new draft.
    assert client.get(url("submission_applicant", draft))["Location"] == first["Location"]
    assert (
        client.post(url("submission_applicant", draft), {"phone": ""})["Location"]
        == first["Location"]
    )
    response = client.get(first["Location"])
    text = response.content.decode()
    assert dossier.code in text
    assert "được cấp khi Bộ phận Một cửa tiếp nhận hồ sơ" in text


def test_receiving_by_post_records_the_postal_choice_with_the_dossier(version, citizen, province):
    from tinhso.postal.models import PostalChoice

    client = signed_in(citizen)
    draft = start(client)
    fill_everything(client, draft, province)
    response = client.post(
        url("submission_return", draft),
        {"return_method": "post", "address": "Số 5 đường Lê Lợi, phường Mỹ Tho, Đồng Tháp"},
    )
    assert response.status_code == 302
    client.post(url("submission_review", draft), {"idempotency_key": draft.idempotency_key})
    dossier = Dossier.objects.get()
    assert dossier.return_method == "post"
    choice = PostalChoice.objects.get(dossier=dossier)
    assert (choice.receive_by_post, choice.submit_by_post) == (True, False)
    assert choice.recipient_phone == "0912000111"
    assert choice.address == "Số 5 đường Lê Lợi, phường Mỹ Tho, Đồng Tháp"


def test_receiving_by_post_needs_a_phone_number_for_the_postman(version, citizen, province):
    client = signed_in(citizen)
    draft = start(client)
    fill_everything(client, draft, province)
    client.post(url("submission_applicant", draft), {"phone": "", "email": "an@example.vn"})
    response = client.post(
        url("submission_return", draft),
        {"return_method": "post", "address": "Số 5 đường Lê Lợi, phường Mỹ Tho"},
    )
    assert response.status_code == 422
    assert "Bưu điện cần số điện thoại của người nhận" in response.content.decode()
    draft.refresh_from_db()
    assert draft.return_method == "online"  # unchanged


def test_a_stale_review_page_does_not_submit(version, citizen, province):
    client = signed_in(citizen)
    draft = start(client)
    fill_everything(client, draft, province)
    response = client.post(url("submission_review", draft), {"idempotency_key": "other"})
    assert response.status_code == 302
    assert Dossier.objects.count() == 0


def test_the_confirmation_page_is_the_applicants_only(version, citizen, province, one_stop_officer):
    client = signed_in(citizen)
    draft = start(client)
    fill_everything(client, draft, province)
    client.post(url("submission_review", draft), {"idempotency_key": draft.idempotency_key})
    dossier = Dossier.objects.get()
    done = reverse("portal:submission_done", args=[dossier.code])
    assert signed_in(one_stop_officer).get(done).status_code == 404
    assert (
        client.get(reverse("portal:submission_done", args=["H99-000000-0000"])).status_code == 404
    )


def test_the_receipt_is_linked_once_the_desk_received_the_dossier(
    version, citizen, province, one_stop_officer
):
    from tinhso.dossiers.services import accept_dossier
    from tinhso.identity.services import assign_role

    assign_role(
        actor=None,
        user=one_stop_officer,
        agency=province["justice"],
        role="one_stop_officer",
        valid_from=dt.date(2020, 1, 1),
    )
    client = signed_in(citizen)
    draft = start(client)
    fill_everything(client, draft, province)
    client.post(url("submission_review", draft), {"idempotency_key": draft.idempotency_key})
    dossier = Dossier.objects.get()
    accept_dossier(actor=one_stop_officer, dossier=dossier)
    text = client.get(reverse("portal:submission_done", args=[dossier.code])).content.decode()
    receipt = dossier.forms.get(kind="receipt")
    assert f"/api/v1/dossiers/{dossier.code}/forms/{receipt.pk}.pdf" in text


def test_a_new_version_moves_the_draft_and_keeps_the_answers(version, citizen, province):
    client = signed_in(citizen)
    draft = start(client)
    client.post(url("submission_form", draft, 1), GOOD_PAGE_1)
    ProcedureVersion.objects.filter(pk=version.pk).update(valid_to=dt.date(2025, 12, 31))
    newer = make_procedure(province, number=2)
    ProcedureVersion.objects.filter(pk=newer.pk).update(valid_from=dt.date(2026, 1, 1))
    response = client.get(url("submission_form", draft, 1))
    assert "phiên bản mới" in response.content.decode()
    draft.refresh_from_db()
    assert draft.version_id == newer.pk
    assert draft.form_data["purpose"] == "Xin việc làm"


def test_discarding_a_draft_keeps_the_documents(version, citizen):
    client = signed_in(citizen)
    draft = start(client)
    pdf = SimpleUploadedFile("to-khai.pdf", pdf_bytes("d"), content_type="application/pdf")
    client.post(url("submission_upload", draft), {"component": "0", "file": pdf})
    response = client.post(url("submission_discard", draft))
    assert response.status_code == 302
    assert SubmissionDraft.objects.count() == 0
    assert StoredDocument.objects.count() == 1


# --- the administrators' preview ----------------------------------------------------------------


def preview_url(number: int = 1, code: str = CODE) -> str:
    return reverse("portal:eform_preview", args=[code, number])


def test_preview_shows_a_draft_version_to_administrators(
    province, agency_administrator, provincial_administrator
):
    make_procedure(province, status=ProcedureVersion.Status.DRAFT)
    for admin in (agency_administrator, provincial_administrator):
        response = signed_in(admin).get(preview_url())
        assert response.status_code == 200
        text = response.content.decode()
        assert "Xem trước — không nộp được" in text
        assert 'name="requester__citizen_id"' in text


def test_preview_is_hidden_from_others(province, citizen, one_stop_officer, specialist):
    make_procedure(province)
    for user in (citizen, one_stop_officer, specialist):
        assert signed_in(user).get(preview_url()).status_code == 404
        assert signed_in(user).post(preview_url(), GOOD_PAGE_1).status_code == 404
    assert Client().get(preview_url()).status_code == 302
    assert signed_in(provincial_administrator_for(province)).get(preview_url(9)).status_code == 404


def provincial_administrator_for(province):
    from tinhso.identity.services import assign_role, create_user

    user = create_user(
        actor=None, username="qt", kind="staff", full_name="Quản Trị", password=PASSWORD
    )
    assign_role(
        actor=None,
        user=user,
        agency=province["root"],
        role="provincial_administrator",
        valid_from=dt.date(2020, 1, 1),
    )
    return user


def test_preview_validates_and_stores_nothing(province, agency_administrator):
    make_procedure(province, status=ProcedureVersion.Status.DRAFT)
    client = signed_in(agency_administrator)
    before = (Dossier.objects.count(), SubmissionDraft.objects.count())
    response = client.post(
        preview_url(), {**GOOD_PAGE_1, "purpose": "", "requester__citizen_id": "12"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "<title>Lỗi: " in text
    assert "Mục đích sử dụng: chưa nhập (bắt buộc)." in text
    assert "Số định danh cá nhân: gồm đúng 12 chữ số." in text
    response = client.post(preview_url(), {**GOOD_PAGE_1, **GOOD_PAGE_2})
    assert response.status_code == 200
    assert "Dữ liệu hợp lệ." in response.content.decode()
    assert (Dossier.objects.count(), SubmissionDraft.objects.count()) == before
    assert re.search(r'"copies": 2', response.content.decode().replace("&quot;", '"'))


def test_a_procedure_without_eform_and_with_one_agency_skips_those_steps(province, citizen):
    version = make_procedure(province, code="1.000001.000.00.04.H99", agencies=("justice",))
    ProcedureVersion.objects.filter(pk=version.pk).update(form_schema={}, form_ui={})
    client = signed_in(citizen)
    draft = start(client, "1.000001.000.00.04.H99")
    assert draft.agency == province["justice"]
    response = client.post(url("submission_applicant", draft), {"phone": "0912000111"})
    assert response["Location"] == url("submission_documents", draft)
    assert client.get(url("submission_form", draft, 1)).status_code == 404
    # The agency page is not a step here; if opened anyway, it leads to the first step.
    response = client.post(url("submission_agency", draft), {"agency": province["justice"].code})
    assert response["Location"] == url("submission_applicant", draft)
    pdf = SimpleUploadedFile("a.pdf", pdf_bytes("a"), content_type="application/pdf")
    client.post(url("submission_documents", draft), {"component-0-file": pdf})
    client.post(url("submission_return", draft), {"return_method": "desk"})
    response = client.post(
        url("submission_review", draft), {"idempotency_key": draft.idempotency_key}
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.form_data == {} and dossier.return_method == "desk"


@pytest.mark.parametrize(
    "entry",
    __import__("tinhso.catalog.demo", fromlist=["PROCEDURES"]).PROCEDURES,
    ids=lambda e: e["national_code"],
)
def test_every_demo_eform_turns_into_pages_that_render(entry):
    from tinhso.portal.eforms import EForm, layout

    data = entry["data"]
    eform = EForm(data["form_schema"], data["form_ui"])
    assert eform.pages and not eform.unsupported
    names = [page.title for page in eform.pages]
    assert len(names) == len(set(names)) or names.count("Nội dung tờ khai") <= 2
    for page in eform.pages:
        form = eform.form_for(page)
        assert form.fields
        assert layout(form, page.items)
        assert all(str(form[name]) for name in form.fields)  # every widget renders
    top_level = {key for page in eform.pages for key in page.keys}
    assert top_level == set(data["form_schema"]["properties"])
