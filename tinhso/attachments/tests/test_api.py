import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tinhso.attachments.models import StoredDocument
from tinhso.attachments.services import MAX_DOCUMENT_BYTES, store_document
from tinhso.attachments.tests.factories import files_under, make_citizen, pdf_bytes, png_bytes
from tinhso.identity.services import create_user
from tinhso.identity.validators import tax_code_with_check_digit

pytestmark = [pytest.mark.django_db]
URL = "/api/v1/documents"
AN = "082090001111"
NAME = "Tờ khai đăng ký khai sinh.pdf"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_file(
    client: Client, name: str, content: bytes, content_type: str = "", **fields: str
) -> Any:
    uploaded = SimpleUploadedFile(name, content, content_type=content_type or None)
    return client.post(URL, {"file": uploaded, **fields})


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def test_upload_list_and_download_round_trip_with_a_vietnamese_name(
    citizen: Any, media: Path
) -> None:
    client = signed_in(citizen)
    content = pdf_bytes("khai sinh")
    response = post_file(client, NAME, content, title="Tờ khai đăng ký khai sinh")
    assert response.status_code == 201, response.content
    body = response.json()
    document = StoredDocument.objects.get()
    assert body == {
        "id": document.pk,
        "holder_id_number": AN,
        "title": "Tờ khai đăng ký khai sinh",
        "original_name": NAME,
        "content_type": "application/pdf",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "source": "upload",
        "issued_by_agency_code": "",
        "created_at": body["created_at"],
    }
    assert body["created_at"].endswith("+07:00")

    again = post_file(client, "bản khác.pdf", content, title="Lần hai")
    assert again.status_code == 200
    assert again.json()["id"] == document.pk
    assert len(files_under(media)) == 1

    listed = client.get(URL).json()
    assert listed["count"] == 1
    assert [item["id"] for item in listed["items"]] == [document.pk]
    assert client.get(f"{URL}/{document.pk}").json() == body

    download = client.get(f"{URL}/{document.pk}/content")
    assert download.status_code == 200
    assert download.content == content
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        "attachment; filename=\"To khai dang ky khai sinh.pdf\"; filename*=UTF-8''"
        "T%E1%BB%9D%20khai%20%C4%91%C4%83ng%20k%C3%BD%20khai%20sinh.pdf"
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_25_mb_upload_is_413_problem_json_and_nothing_is_stored(
    citizen: Any, media: Path
) -> None:
    content = pdf_bytes() + b"%" * (25 * 1024 * 1024)
    response = post_file(signed_in(citizen), "lon.pdf", content, title="Lớn")
    body = assert_problem(response, 413, "payload_too_large")
    assert body["detail"] == "Tệp vượt quá dung lượng tối đa 20 MB."
    assert body["max_bytes"] == MAX_DOCUMENT_BYTES
    assert StoredDocument.objects.count() == 0
    assert files_under(media) == [] if media.exists() else True


def test_a_png_named_pdf_is_415_problem_json(citizen: Any, media: Path) -> None:
    response = post_file(signed_in(citizen), NAME, png_bytes(), title="x")
    body = assert_problem(response, 415, "media_type_mismatch")
    assert body["title"] == "Kiểu dữ liệu không được hỗ trợ"
    assert body["sniffed_content_type"] == "image/png"
    assert StoredDocument.objects.count() == 0


def test_an_empty_or_missing_file_is_422(citizen: Any, media: Path) -> None:
    client = signed_in(citizen)
    empty = assert_problem(post_file(client, "rong.pdf", b"", title="x"), 422, "invalid")
    assert empty["detail"] == "Tệp gửi lên rỗng."
    missing = assert_problem(client.post(URL, {"title": "x"}), 422, "validation_error")
    assert missing["errors"][0]["field"].startswith("file")
    assert StoredDocument.objects.count() == 0


def test_a_citizen_cannot_upload_into_someone_elses_store(citizen: Any, media: Path) -> None:
    response = post_file(
        signed_in(citizen), "a.pdf", pdf_bytes(), title="x", holder_id_number="079095002222"
    )
    assert_problem(response, 403, "forbidden")
    assert StoredDocument.objects.count() == 0


def test_a_business_uploads_under_its_tax_code(db: Any, media: Path) -> None:
    tax_code = tax_code_with_check_digit("010010010")
    assert tax_code is not None
    business = create_user(
        actor=None,
        username="dn.an-phat",
        kind="business",
        full_name="Công ty TNHH An Phát",
        password="Mat-khau-thu-nghiem-2026",
        tax_code=tax_code,
    )
    response = post_file(signed_in(business), "Điều lệ.pdf", pdf_bytes(), title="Điều lệ")
    assert response.status_code == 201, response.content
    assert response.json()["holder_id_number"] == tax_code


def test_a_desk_scan_by_the_one_stop_officer_reaches_the_holder(
    one_stop_officer: Any, specialist: Any, citizen: Any, media: Path
) -> None:
    desk = signed_in(one_stop_officer)
    no_holder = post_file(desk, "scan.pdf", pdf_bytes("scan"), title="CCCD")
    assert_problem(no_holder, 422, "invalid")
    refused = post_file(
        signed_in(specialist), "scan.pdf", pdf_bytes("scan"), title="CCCD", holder_id_number=AN
    )
    assert_problem(refused, 403, "forbidden")
    assert StoredDocument.objects.count() == 0

    response = post_file(desk, "scan.pdf", pdf_bytes("scan"), title="CCCD", holder_id_number=AN)
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "desk_scan"
    document_id = response.json()["id"]
    # The officer reaches it only through a dossier (allow_staff), not through this API.
    assert_problem(desk.get(f"{URL}/{document_id}"), 404, "not_found")
    holder = signed_in(citizen)
    assert [item["id"] for item in holder.get(URL).json()["items"]] == [document_id]
    assert holder.get(f"{URL}/{document_id}/content").content == pdf_bytes("scan")


def test_another_citizen_gets_404_for_metadata_and_content(citizen: Any, media: Path) -> None:
    document = store_document(
        actor=citizen, holder_id_number=AN, uploaded=pdf_bytes(), name="a.pdf", title="a"
    )
    stranger = signed_in(make_citizen("congdan.binh", "079095002222"))
    for url in (f"{URL}/{document.pk}", f"{URL}/{document.pk}/content", f"{URL}/999999"):
        body = assert_problem(stranger.get(url), 404, "not_found")
        assert body["detail"] == "Không tìm thấy giấy tờ trong kho."
    assert stranger.get(URL).json()["count"] == 0


def test_signing_in_is_required(db: Any) -> None:
    assert_problem(Client().get(URL), 401, "not_authenticated")
    response = Client().post(URL, {"file": SimpleUploadedFile("a.pdf", pdf_bytes())})
    assert_problem(response, 401, "not_authenticated")


def test_tampered_storage_is_a_500_problem_not_the_tampered_bytes(
    citizen: Any, media: Path
) -> None:
    document = store_document(
        actor=citizen, holder_id_number=AN, uploaded=pdf_bytes(), name="a.pdf", title="a"
    )
    path = media / document.file.name
    path.write_bytes(path.read_bytes().replace(b"595", b"612"))
    body = assert_problem(
        signed_in(citizen).get(f"{URL}/{document.pk}/content"), 500, "document_corrupted"
    )
    assert body["document_id"] == document.pk


def test_the_list_uses_a_constant_number_of_queries(citizen: Any, media: Path) -> None:
    client = signed_in(citizen)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL).status_code == 200
        return len(context.captured_queries)

    store_document(
        actor=citizen, holder_id_number=AN, uploaded=pdf_bytes("1"), name="1.pdf", title="1"
    )
    one = count_queries()
    for marker in ("2", "3", "4"):
        store_document(
            actor=citizen,
            holder_id_number=AN,
            uploaded=pdf_bytes(marker),
            name=f"{marker}.pdf",
            title=marker,
        )
    assert count_queries() == one
    assert [item["title"] for item in client.get(URL).json()["items"]] == ["4", "3", "2", "1"]


def test_the_openapi_document_describes_the_endpoints(db: Any) -> None:
    from tinhso.core.api import api

    paths = {
        k: v
        for k, v in api.get_openapi_schema()["paths"].items()
        if k.startswith("/api/v1/documents")
    }
    assert sorted(paths) == [
        "/api/v1/documents",
        "/api/v1/documents/{document_id}",
        "/api/v1/documents/{document_id}/content",
    ]
    upload = paths["/api/v1/documents"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert upload["tags"] == ["kho giấy tờ"]
