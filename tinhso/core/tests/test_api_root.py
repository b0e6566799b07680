import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_interactive_docs_load_no_asset_from_outside(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert assets
    assert [a for a in assets if a.startswith(("http:", "https:", "//"))] == []


def test_health_and_request_id(client: Client) -> None:
    response = client.get("/api/v1/health", HTTP_X_REQUEST_ID="abc-12345678")
    assert response.json() == {"status": "ok"}
    assert response["X-Request-ID"] == "abc-12345678"
    generated = client.get("/api/v1/health", HTTP_X_REQUEST_ID="bad id with spaces")
    assert re.fullmatch(r"[0-9a-f]{32}", generated["X-Request-ID"])


def test_unknown_api_path_is_404(client: Client) -> None:
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404


def test_a_malformed_multipart_body_is_a_400_not_a_500(citizen: object) -> None:
    client = Client()
    client.force_login(citizen)  # type: ignore[arg-type]
    response = client.generic("POST", "/api/v1/documents", b"x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request_body"
