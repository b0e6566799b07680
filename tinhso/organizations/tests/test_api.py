import json
from typing import Any

import pytest
from django.test import Client

from tinhso.audit.models import AuditEntry
from tinhso.organizations.models import Agency

pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-thu-nghiem-2026"


def patch(client: Client, code: str, body: dict[str, Any]) -> Any:
    return client.patch(
        f"/api/v1/organizations/agencies/{code}",
        data=json.dumps(body),
        content_type="application/json",
    )


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_openapi_document_is_served(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/organizations/agencies/{code}" in document["paths"]


def test_list_is_paginated_filtered_and_uses_constant_queries(
    client: Client, province: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        response = client.get("/api/v1/organizations/agencies?parent=000.00.00.h99")
    body = response.json()
    assert body["count"] == 4
    assert [item["code"] for item in body["items"]] == [
        "000.00.02.H99",
        "000.00.04.H99",
        "000.00.08.H99",
        "000.00.31.H99",
    ]
    assert body["items"][1]["parent_code"] == "000.00.00.H99"


def test_detail_of_an_old_code_points_to_the_successor(
    client: Client, province: dict[str, Any]
) -> None:
    from tinhso.organizations.services import merge_agencies

    merge_agencies(actor=None, predecessor_codes=["000.00.04.H99"], successor_code="000.00.08.H99")
    body = client.get("/api/v1/organizations/agencies/H99.04").json()
    assert body["status"] == "retired"
    assert [a["code"] for a in body["current"]] == ["000.00.08.H99"]


def test_unknown_agency_is_a_problem_json_404(client: Client, db: Any) -> None:
    response = client.get("/api/v1/organizations/agencies/000.00.01.X01")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Không có cơ quan, đơn vị mang mã '000.00.01.X01'."


def test_agency_administrator_edits_their_agency_and_it_is_audited(
    province: dict[str, Any], agency_administrator: Any
) -> None:
    client = signed_in(agency_administrator)
    response = patch(
        client,
        "000.00.04.H99",
        {"version": 1, "phone": "02773111111"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    entry = AuditEntry.objects.get(action="organizations.agency.update")
    assert entry.actor_id == agency_administrator.pk
    assert entry.ip_address == "127.0.0.1"
    assert entry.request_id == response["X-Request-ID"]


def test_stale_version_gives_409(province: dict[str, Any], agency_administrator: Any) -> None:
    client = signed_in(agency_administrator)
    assert patch(client, "000.00.04.H99", {"version": 1, "phone": "1"}).status_code == 200
    response = patch(client, "000.00.04.H99", {"version": 1, "name": "Khác"})
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert Agency.objects.get(code="000.00.04.H99").name == "Sở Tư pháp"


def test_officer_of_another_agency_gets_404_and_nothing_changes(
    province: dict[str, Any], other_agency_officer: Any
) -> None:
    before = AuditEntry.objects.count()
    response = patch(
        signed_in(other_agency_officer), "000.00.04.H99", {"version": 1, "name": "Chiếm quyền"}
    )
    assert response.status_code == 404
    assert Agency.objects.get(code="000.00.04.H99").name == "Sở Tư pháp"
    assert AuditEntry.objects.count() == before


def test_anonymous_edit_is_refused(client: Client, province: dict[str, Any]) -> None:
    response = patch(client, "000.00.04.H99", {"version": 1, "name": "X"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_invalid_body_is_a_422_naming_the_field(
    province: dict[str, Any], agency_administrator: Any
) -> None:
    client = signed_in(agency_administrator)
    response = patch(client, "000.00.04.H99", {"version": "abc", "kind": "ministry"})
    assert response.status_code == 422
    body = response.json()
    assert {e["field"] for e in body["errors"]} == {"payload.version", "payload.kind"}
    cycle = patch(client, "000.00.04.H99", {"version": 1, "parent_code": "000.01.04.H99"})
    assert cycle.status_code == 422
    assert "vòng lặp" in cycle.json()["detail"]


def test_machine_client_edits_with_a_bearer_token(
    province: dict[str, Any], agency_administrator: Any
) -> None:
    from tinhso.identity.tokens import create_token

    _, secret = create_token(actor=None, user=agency_administrator, name="Tích hợp")
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        "/api/v1/organizations/agencies/000.00.04.H99",
        data=json.dumps({"version": 1, "email": "stp@example.gov.vn"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200, response.content
    assert AuditEntry.objects.get(action="organizations.agency.update").actor_id == (
        agency_administrator.pk
    )
    bad = client.patch(
        "/api/v1/organizations/agencies/000.00.04.H99",
        data=json.dumps({"version": 2}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer tsk_nope_nope",
    )
    assert bad.status_code == 401
