"""Importing a catalogue file: the diff report first, then the confirmation."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.administration.models import PendingImport
from tinhso.administration.tests.conftest import PROCEDURE_CODE
from tinhso.catalog.models import ProcedureVersion
from tinhso.catalog.transfer import export_json, export_xlsx


def versions():
    return list(
        ProcedureVersion.objects.filter(procedure__code=PROCEDURE_CODE)
        .order_by("number")
        .values_list("number", "status")
    )


def changed_catalogue() -> bytes:
    document = json.loads(export_json())
    document["procedures"][0]["fees"][0]["amount"] = 100_000
    return json.dumps(document, ensure_ascii=False).encode()


def test_the_diff_is_shown_before_anything_changes(signed_in, provincial_administrator, published):
    client = signed_in(provincial_administrator)
    assert client.get("/quan-ly/thu-tuc/nhap/").status_code == 200
    upload = SimpleUploadedFile("danh-muc.json", changed_catalogue(), "application/json")
    response = client.post("/quan-ly/thu-tuc/nhap/", {"file": upload})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.added, report.changed, report.unchanged) == ([], [PROCEDURE_CODE], [])
    assert versions() == [(1, "published")]
    token = response.context["pending"].token
    confirm = client.post(f"/quan-ly/thu-tuc/nhap/{token}/")
    assert confirm.status_code == 302
    assert versions() == [(1, "published"), (2, "draft")]
    assert not PendingImport.objects.exists()
    again = client.post(f"/quan-ly/thu-tuc/nhap/{token}/")
    assert again["Location"] == confirm["Location"]
    assert versions() == [(1, "published"), (2, "draft")]


def test_an_xlsx_export_reads_back_unchanged(signed_in, provincial_administrator, published):
    client = signed_in(provincial_administrator)
    upload = SimpleUploadedFile("danh-muc.xlsx", export_xlsx())
    response = client.post("/quan-ly/thu-tuc/nhap/", {"file": upload, "publish": "on"})
    assert response.status_code == 200
    assert response.context["report"].unchanged == [PROCEDURE_CODE]


def test_a_file_with_errors_imports_nothing(signed_in, provincial_administrator, published):
    client = signed_in(provincial_administrator)
    document = json.loads(export_json())
    document["procedures"][0]["process_steps"][0]["allotted_hours"] = 40
    upload = SimpleUploadedFile("sai.json", json.dumps(document).encode())
    response = client.post("/quan-ly/thu-tuc/nhap/", {"file": upload})
    assert response.status_code == 422
    lines = response.context["file_errors"]
    assert any("vượt thời hạn giải quyết" in line for line in lines)
    assert not PendingImport.objects.exists()
    response = client.post(
        "/quan-ly/thu-tuc/nhap/", {"file": SimpleUploadedFile("a.json", b"{not json")}
    )
    assert response.status_code == 422
    assert "Tệp JSON không hợp lệ" in response.context["file_errors"][0]
    response = client.post("/quan-ly/thu-tuc/nhap/", {"file": SimpleUploadedFile("a.csv", b"x,y")})
    assert response.status_code == 422
    assert response.context["form"].errors["file"] == ["Chỉ nhận tệp .json hoặc .xlsx."]
    assert client.post("/quan-ly/thu-tuc/nhap/", {}).status_code == 422
    assert versions() == [(1, "published")]


def test_only_the_uploader_can_confirm(
    signed_in, provincial_administrator, agency_administrator, published, client
):
    signed_in(provincial_administrator)
    upload = SimpleUploadedFile("danh-muc.json", changed_catalogue())
    token = client.post("/quan-ly/thu-tuc/nhap/", {"file": upload}).context["pending"].token
    client.force_login(agency_administrator)
    assert client.post(f"/quan-ly/thu-tuc/nhap/{token}/").status_code == 403
    assert versions() == [(1, "published")]
