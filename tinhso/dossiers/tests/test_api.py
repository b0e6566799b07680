"""The integrator's view: the whole lifecycle over HTTP with bearer tokens, as docs/api.md
walks through it, plus the bad input the API must survive."""

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from tinhso.catalog.models import ProcedureVersion
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.tests.conftest import declaration
from tinhso.identity.tokens import create_token

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "2.001417.000.00.04.H99"


def client_for(user: Any) -> Client:
    _, secret = create_token(actor=None, user=user, name="tích hợp")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client: Client, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
    return client.post(
        f"/api/v1/dossiers{path}",
        data=json.dumps(body or {}),
        content_type="application/json",
        **headers,
    )


def test_lifecycle_over_http(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    leader: Any,
    other_agency_officer: Any,
) -> None:
    applicant, desk = client_for(citizen), client_for(one_stop_officer)
    appraiser, approver = client_for(specialist), client_for(leader)
    partner = client_for(other_agency_officer)
    body = {
        "procedure_code": CODE,
        "agency_code": "000.00.02.H99",
        "form": {"purpose": "Bổ sung hồ sơ xin việc"},
        "return_method": "online",
        "components": declaration(citizen),
    }
    with time_machine.travel(dt.datetime(2026, 2, 12, 9, 0, tzinfo=VN), tick=False):
        created = post(applicant, "", body, HTTP_IDEMPOTENCY_KEY="don-1")
        assert created.status_code == 201, created.content
        replay = post(applicant, "", body, HTTP_IDEMPOTENCY_KEY="don-1")
        assert replay.status_code == 200
        code = created.json()["code"]
        assert replay.json()["code"] == code == "000.00.02.H99-260212-0001"
        accepted = post(desk, f"/{code}/accept")
        assert accepted.status_code == 200, accepted.content
        # Tết 2026: 14–22 February off; 3 working days from Thursday 12th: 13, 23, 24.
        assert accepted.json()["due_at"] == "2026-02-24T09:00:00+07:00"
        assert post(desk, f"/{code}/start-processing").status_code == 200
        supplement = post(
            appraiser,
            f"/{code}/request-supplement",
            {"items": ["Bản sao CCCD"], "reason": "Thiếu giấy tờ"},
        )
        assert supplement.json()["national_status"] == 5
    with time_machine.travel(dt.datetime(2026, 2, 24, 8, 0, tzinfo=VN), tick=False):
        from tinhso.attachments.services import store_document
        from tinhso.attachments.tests.factories import png_bytes

        scan = store_document(
            actor=citizen,
            holder_id_number=citizen.citizen_id,
            uploaded=png_bytes(),
            name="CCCD.png",
            title="Bản sao CCCD",
        )
        resumed = post(
            applicant,
            f"/{code}/supplement",
            {"note": "Đã bổ sung", "components": {"UQ": [scan.pk]}},
        )
        assert resumed.json()["status"] == "processing"
        assert resumed.json()["due_at"] == "2026-02-27T08:00:00+07:00"  # restarted from zero
        assert (
            post(partner, f"/{code}/complete-step", {"step": "LT", "result": "x"}).status_code
            == 404
        )
        done = post(appraiser, f"/{code}/complete-step", {"step": "TD", "result": "Đủ"})
        assert [s["state"] for s in done.json()["steps"]] == ["done", "active", "pending"]
        assert (
            post(
                partner, f"/{code}/complete-step", {"step": "LT", "result": "Đã xác minh"}
            ).status_code
            == 200
        )
        processed = post(approver, f"/{code}/complete-step", {"step": "PD", "result": "Duyệt"})
        assert processed.json()["national_status"] == 9
        assert processed.json()["timeliness"] == "early"
        assert post(desk, f"/{code}/return", {"note": "Trả trực tuyến"}).status_code == 200
        rated = post(applicant, f"/{code}/rate", {"rating": 4, "comment": "Tốt"})
        assert rated.json()["national_status"] == 10
        assert rated.json()["allowed_actions"] == []
    detail = applicant.get(f"/api/v1/dossiers/{code}").json()
    assert [(d["component_code"], d["content_type"]) for d in detail["documents"]] == [
        ("TK", "application/pdf"),
        ("UQ", "image/png"),
    ]
    # Staff of the dossier read its documents through the dossier; others cannot.
    download = desk.get(detail["documents"][1]["url"])
    assert (download.status_code, download["Content-Type"]) == (200, "image/png")
    assert partner.get(detail["documents"][1]["url"]).status_code == 200  # routed to them
    assert client_for(leader).get(f"/api/v1/documents/{scan.pk}").status_code == 404
    assert [e["action"] for e in detail["events"]] == [
        "submit",
        "accept",
        "start_processing",
        "request_supplement",
        "supplement",
        "complete_step",
        "complete_step",
        "complete_step",
        "return_result",
        "rate",
    ]


def test_bad_submissions(procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any) -> None:
    applicant = client_for(citizen)
    missing = post(
        applicant, "", {"procedure_code": CODE, "agency_code": "000.00.02.H99", "form": {}}
    )
    assert missing.status_code == 422
    assert missing["Content-Type"] == "application/problem+json"
    assert "form.purpose" in missing.json()["errors"]
    unknown = post(
        applicant,
        "",
        {"procedure_code": "9.999999.H99", "agency_code": "000.00.02.H99", "form": {}},
    )
    assert unknown.status_code == 404
    wrong_types = post(applicant, "", {"procedure_code": 5, "form": "x"})
    assert wrong_types.status_code == 422
    assert {e["field"] for e in wrong_types.json()["errors"]} >= {
        "payload.agency_code",
        "payload.form",
    }
    officer = post(
        client_for(one_stop_officer),
        "",
        {"procedure_code": CODE, "agency_code": "000.00.02.H99", "form": {"purpose": "abc"}},
    )
    assert officer.status_code == 403
    assert Dossier.objects.count() == 0


def test_actions_of_other_agencies_are_404_and_illegal_ones_409(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    other_agency_officer: Any,
) -> None:
    applicant = client_for(citizen)
    code = post(
        applicant,
        "",
        {
            "procedure_code": CODE,
            "agency_code": "000.00.02.H99",
            "form": {"purpose": "Xin việc"},
            "components": declaration(citizen),
        },
    ).json()["code"]
    assert post(client_for(other_agency_officer), f"/{code}/accept").status_code == 404
    assert client_for(other_agency_officer).get(f"/api/v1/dossiers/{code}").status_code == 404
    illegal = post(client_for(one_stop_officer), f"/{code}/return")
    assert illegal.status_code == 409
    assert illegal.json()["code"] == "illegal_transition"
    assert Dossier.objects.get(code=code).status == "submitted"
    assert Client().get(f"/api/v1/dossiers/{code}").status_code == 401


def test_worklist_uses_a_constant_number_of_queries(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    django_assert_max_num_queries: Any,
) -> None:
    applicant = client_for(citizen)
    officer = client_for(one_stop_officer)
    for n in range(3):
        post(
            applicant,
            "",
            {
                "procedure_code": CODE,
                "agency_code": "000.00.02.H99",
                "form": {"purpose": "Xin việc"},
                "components": declaration(citizen),
            },
            HTTP_IDEMPOTENCY_KEY=f"k{n}",
        )
    with django_assert_max_num_queries(8) as few:
        assert officer.get("/api/v1/dossiers?status=submitted").json()["count"] == 3
    first = len(few.captured_queries)
    for n in range(3, 12):
        post(
            applicant,
            "",
            {
                "procedure_code": CODE,
                "agency_code": "000.00.02.H99",
                "form": {"purpose": "Xin việc"},
                "components": declaration(citizen),
            },
            HTTP_IDEMPOTENCY_KEY=f"k{n}",
        )
    with django_assert_max_num_queries(first):
        assert officer.get("/api/v1/dossiers?status=submitted").json()["count"] == 12
    assert applicant.get("/api/v1/dossiers").json()["count"] == 12


def test_public_lookup_needs_the_second_factor_and_is_rate_limited(
    procedure: ProcedureVersion, citizen: Any
) -> None:
    cache.clear()
    code = post(
        client_for(citizen),
        "",
        {
            "procedure_code": CODE,
            "agency_code": "000.00.02.H99",
            "form": {"purpose": "Xin việc"},
            "components": declaration(citizen),
        },
    ).json()["code"]
    anonymous = Client()
    found = anonymous.get("/api/v1/lookup", {"code": code.lower(), "factor": "0912 000 111"})
    assert found.status_code == 200
    body = found.json()
    assert body["status_label"] == "Mới đăng ký"
    assert "applicant_name" not in body and "Nguyễn" not in found.content.decode()
    assert (
        anonymous.get("/api/v1/lookup", {"code": code, "factor": "082090001111"}).status_code == 200
    )
    wrong = anonymous.get("/api/v1/lookup", {"code": code, "factor": "0999999999"})
    assert wrong.status_code == 404
    assert wrong.json()["detail"] == "Không tìm thấy hồ sơ với mã và thông tin đã nhập."
    statuses = [
        anonymous.get("/api/v1/lookup", {"code": code, "factor": "1"}).status_code
        for _ in range(20)
    ]
    assert statuses[-1] == 429
    cache.clear()


def test_forms_are_issued_with_the_actions_and_download_as_pdf(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    tmp_path: Any,
    settings: Any,
) -> None:
    import subprocess

    settings.MEDIA_ROOT = tmp_path
    applicant, desk = client_for(citizen), client_for(one_stop_officer)
    with time_machine.travel(dt.datetime(2025, 1, 24, 10, 0, tzinfo=VN), tick=False):
        code = post(
            applicant,
            "",
            {
                "procedure_code": CODE,
                "agency_code": "000.00.02.H99",
                "form": {"purpose": "Xin việc"},
                "components": declaration(citizen),
            },
        ).json()["code"]
        post(desk, f"/{code}/accept")
        post(desk, f"/{code}/start-processing")
        post(
            client_for(specialist),
            f"/{code}/request-supplement",
            {"items": ["Bản sao CCCD"], "reason": "Thiếu"},
        )
        control = post(desk, f"/{code}/forms/control-sheet")
        assert control.status_code == 201, control.content
    listed = desk.get(f"/api/v1/dossiers/{code}/forms").json()
    assert [f["kind"] for f in listed] == ["receipt", "supplement_request", "control_sheet"]
    assert [f["form_set"] for f in listed] == ["tt01-2018"] * 3
    pdf = desk.get(listed[0]["url"])
    assert pdf["Content-Type"] == "application/pdf"
    again = applicant.get(listed[0]["url"])
    assert again.content == pdf.content  # rendered once, then served from storage
    target = tmp_path / "receipt.pdf"
    target.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert code in text
    assert "ngày 05 tháng 02 năm 2025" in text
    assert desk.get(f"/api/v1/dossiers/{code}/forms/999999.pdf").status_code == 404


def test_lookup_page_from_the_qr_code(procedure: ProcedureVersion, citizen: Any) -> None:
    cache.clear()
    code = post(
        client_for(citizen),
        "",
        {
            "procedure_code": CODE,
            "agency_code": "000.00.02.H99",
            "form": {"purpose": "Xin việc"},
            "components": declaration(citizen),
        },
    ).json()["code"]
    page = Client()
    landing = page.get("/tra-cuu/", {"ma": code})
    assert landing.status_code == 200
    assert f'value="{code}"' in landing.content.decode()
    found = page.get("/tra-cuu/", {"ma": code, "so": "0912000111"})
    assert found.status_code == 200
    text = found.content.decode()
    assert "Mới đăng ký" in text and "Cấp Phiếu lý lịch tư pháp cho công dân" in text
    assert "Nguyễn Văn An" not in text
    wrong = page.get("/tra-cuu/", {"ma": code, "so": "0900000000"})
    assert wrong.status_code == 404
    assert "Không tìm thấy hồ sơ" in wrong.content.decode()
    empty = page.get("/tra-cuu/", {"ma": code, "so": ""})
    assert empty.status_code == 422
    cache.clear()


def test_alerts_are_listed_for_the_agency_and_acknowledged(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    other_agency_officer: Any,
) -> None:
    from tinhso.dossiers.scanner import scan_deadlines

    desk = client_for(one_stop_officer)
    with time_machine.travel(dt.datetime(2025, 3, 3, 8, 0, tzinfo=VN), tick=False):
        code = post(
            client_for(citizen),
            "",
            {
                "procedure_code": CODE,
                "agency_code": "000.00.02.H99",
                "form": {"purpose": "Xin việc"},
                "components": declaration(citizen),
            },
        ).json()["code"]
        post(desk, f"/{code}/accept")
    with time_machine.travel(dt.datetime(2025, 3, 5, 9, 0, tzinfo=VN), tick=False):
        scan_deadlines()
    listed = desk.get("/api/v1/alerts").json()
    assert [(a["kind"], a["dossier_code"]) for a in listed["items"]] == [("due_soon", code)]
    assert client_for(other_agency_officer).get("/api/v1/alerts").json()["count"] == 0
    alert_id = listed["items"][0]["id"]
    assert (
        client_for(other_agency_officer).post(f"/api/v1/alerts/{alert_id}/acknowledge").status_code
        == 404
    )
    assert desk.post(f"/api/v1/alerts/{alert_id}/acknowledge").status_code == 200
    assert desk.get("/api/v1/alerts").json()["count"] == 0


def test_detail_reads_the_dossier_once(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    django_assert_max_num_queries: Any,
) -> None:
    code = post(
        client_for(citizen),
        "",
        {
            "procedure_code": CODE,
            "agency_code": "000.00.02.H99",
            "form": {"purpose": "Xin việc"},
            "components": declaration(citizen),
        },
    ).json()["code"]
    desk = client_for(one_stop_officer)
    desk.get(f"/api/v1/dossiers/{code}")  # the token's last-used stamp is written once
    # token, roles, agency tree ×2, the dossier, its steps, events and documents
    with django_assert_max_num_queries(8):
        assert desk.get(f"/api/v1/dossiers/{code}").status_code == 200


def test_the_electronic_result_lands_in_the_applicants_store(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    leader: Any,
    other_agency_officer: Any,
    tmp_path: Any,
    settings: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tinhso.attachments.tests.factories import files_under, pdf_bytes
    from tinhso.dossiers import services

    settings.MEDIA_ROOT = tmp_path
    dossier, _ = services.submit_dossier(
        actor=citizen,
        procedure_code=CODE,
        agency_code="000.00.02.H99",
        form_data={"purpose": "Xin việc"},
        components=declaration(citizen),
    )
    dossier = services.accept_dossier(actor=one_stop_officer, dossier=dossier)
    dossier = services.start_processing(actor=one_stop_officer, dossier=dossier)
    approver = client_for(leader)
    early = approver.post(
        f"/api/v1/dossiers/{dossier.code}/result",
        {"file": SimpleUploadedFile("kq.pdf", pdf_bytes("kq")), "title": "Phiếu lý lịch tư pháp"},
    )
    assert early.status_code == 409
    files_before = files_under(tmp_path)
    for step, user in (("TD", specialist), ("LT", other_agency_officer), ("PD", leader)):
        dossier = services.complete_step(actor=user, dossier=dossier, step_code=step, result="xong")
    response = approver.post(
        f"/api/v1/dossiers/{dossier.code}/result",
        {
            "file": SimpleUploadedFile("Phiếu LLTP.pdf", pdf_bytes("kq")),
            "title": "Phiếu lý lịch tư pháp",
        },
    )
    assert response.status_code == 201, response.content
    assert ("KQ", "application/pdf") in [
        (d["component_code"], d["content_type"]) for d in response.json()["documents"]
    ]
    assert len(files_under(tmp_path)) == len(files_before) + 1
    store = client_for(citizen).get("/api/v1/documents").json()["items"]
    newest = store[0]
    assert (newest["title"], newest["source"], newest["issued_by_agency_code"]) == (
        "Phiếu lý lịch tư pháp",
        "result",
        "000.00.04.H99",
    )
    fake = approver.post(
        f"/api/v1/dossiers/{dossier.code}/result",
        {"file": SimpleUploadedFile("kq.pdf", b"MZ not a pdf"), "title": "x"},
    )
    assert fake.status_code == 415
    assert len(files_under(tmp_path)) == len(files_before) + 1


def test_the_read_only_admin_shows_dossiers(
    procedure: ProcedureVersion, citizen: Any, admin_client: Client
) -> None:
    from tinhso.dossiers import services

    dossier, _ = services.submit_dossier(
        actor=citizen,
        procedure_code=CODE,
        agency_code="000.00.02.H99",
        form_data={"purpose": "Xin việc"},
        components=declaration(citizen),
    )
    listing = admin_client.get("/quan-tri/dossiers/dossier/")
    assert listing.status_code == 200
    assert dossier.code in listing.content.decode()
    page = admin_client.get(f"/quan-tri/dossiers/dossier/{dossier.pk}/change/")
    assert page.status_code == 200
    assert admin_client.post(f"/quan-tri/dossiers/dossier/{dossier.pk}/delete/").status_code == 403
