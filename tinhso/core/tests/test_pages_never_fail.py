"""No page answers bad input with a server error: every URL of the web pages (portal, workspace,
administration, notifications, payments, postal), reached as an anonymous visitor, a citizen,
a one-stop officer, a specialist and a provincial administrator, with GET, an empty POST and a
POST full of malformed values, answers below 500.

The path parameters are real where that reaches the deepest code (an existing dossier, its
documents and forms, a published procedure) and malformed otherwise; the checks of each page's
behaviour are in the apps' own tests — this one is the safety net for the rule "bad input gets a
clear error, never a 500". The staff actions are crawled on a received dossier and on one in
processing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tinhso.dossiers import services
from tinhso.dossiers.tests.conftest import declaration, procedure  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("api/", "quan-tri/", "bench/", "static/", "media/")
JUNK: dict[str, Any] = {
    "q": "'\"<script>alert(1)</script>",
    "code": "💥" * 300,
    "idempotency_key": "k" * 500,
    "reason": "\x00",
    "note": "x" * 20_000,
    "result": "",
    "date": "31/02/2026",
    "day": "2026-13-45",
    "from": "hôm qua",
    "to": "-1",
    "year": "-1",
    "month": "13",
    "rating": "99",
    "phone": "abc",
    "email": "not-an-address",
    "address": "",
    "return_method": "??",
    "agency": "000.00.99.ZZZ",
    "procedure": "%",
    "action": "zzz",
    "step": "../../etc",
    "valid_from": "0000-00-00",
    "data": "{not json",
    "form_schema": "[",
    "form_ui": "null",
    "version": "abc",
    "number": "1e9",
    "role": "god",
    "username": "",
    "password": "",
    "language": "xx",
    "next": "https://evil.example/",
    "channels": ["sms", "pigeon"],
    "file": SimpleUploadedFile("a.pdf", b"not a pdf", content_type="application/pdf"),
}


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _fill(route: str, values: dict[str, str]) -> str:
    """A concrete path for a route: ``<int:form_id>`` and regex groups get a value by name."""
    route = route.replace("^", "").replace("$", "")

    def converter(match: re.Match[str]) -> str:
        name = match.group("name")
        return values.get(name, "1" if match.group("kind") == "int" else "x")

    path = re.sub(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>", converter, route)
    path = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", lambda m: values.get(m.group("name"), "x"), path)
    return "/" + path


def test_no_page_answers_a_server_error(
    procedure: Any,  # noqa: F811 (the fixture imported above)
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    provincial_administrator: Any,
) -> None:
    dossier, _created = services.submit_dossier(
        actor=citizen,
        procedure_code=procedure.procedure.code,
        agency_code="000.00.02.H99",
        form_data={"purpose": "Xin việc"},
        components=declaration(citizen),
        idempotency_key="crawl",
    )
    dossier = services.accept_dossier(actor=one_stop_officer, dossier=dossier)
    in_processing, _created = services.submit_dossier(
        actor=citizen,
        procedure_code=procedure.procedure.code,
        agency_code="000.00.02.H99",
        form_data={"purpose": "Xin việc"},
        components=declaration(citizen),
        idempotency_key="crawl-2",
    )
    in_processing = services.accept_dossier(actor=one_stop_officer, dossier=in_processing)
    in_processing = services.start_processing(actor=one_stop_officer, dossier=in_processing)
    document = dossier.documents.first()
    form = dossier.forms.first()
    values = {
        "code": dossier.code,
        "dossier_code": dossier.code,
        "procedure_code": procedure.procedure.code,
        "document_id": str(document.document_id if document else 1),
        "form_id": str(form.pk if form else 1),
        "number": "1",
        "version_number": "1",
        "slug": "tiep-nhan",
        "key": "0" * 32,
        "reference": str(uuid.uuid4()),
        "token": "x",
        "day": "2026-01-01",
        "username": citizen.username,
        "event": "received",
        "channel": "email",
        "ref": "x",
        "page": "1",
    }
    paths = sorted(
        {
            _fill(route, values)
            for route in _routes(get_resolver().url_patterns)
            if not route.startswith(SKIPPED_PREFIXES)
        }
    )
    # Every action page of the staff dossier page, not only the one the route template names.
    from tinhso.workspace.dossier_views import ACTIONS_BY_SLUG

    for code in (dossier.code, in_processing.code):
        paths += [f"/lam-viec/ho-so/{code}/{slug}/" for slug in sorted(ACTIONS_BY_SLUG)]
        paths += [f"/lam-viec/ho-so/{code}/", f"/ho-so-cua-toi/{code}/"]
    assert len(paths) > 50
    failures = []
    statuses: dict[int, int] = {}
    for who in (None, citizen, one_stop_officer, specialist, provincial_administrator):
        client = Client(raise_request_exception=False)
        if who is not None:
            client.force_login(who)
        name = who.username if who is not None else "anonymous"
        for path in paths:
            if path == "/dang-xuat/":
                continue  # signing out would end the visit
            for method, data in (("GET", None), ("POST", {}), ("POST", JUNK)):
                if data is JUNK:
                    JUNK["file"].seek(0)
                response = client.get(path) if method == "GET" else client.post(path, data)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code >= 500:
                    failures.append(f"{name} {method} {path} -> {response.status_code}")
    assert failures == []
    # The crawl reached real pages and real form validation, not only redirects and 404s.
    assert statuses.get(200, 0) > 100 and statuses.get(422, 0) > 10, statuses
