"""The postal channel through its API and the desk officer's page: the applicant's choice,
manual and VNPost shipments, forward-only states recorded once, the carrier's signed webhook
(forged, stale, replayed and unknown ones change nothing), access of other agencies."""

import time
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

from tinhso.audit.models import AuditEntry
from tinhso.dossiers.models import Dossier
from tinhso.identity.tokens import create_token
from tinhso.postal.models import PostalChoice, Shipment, ShipmentEvent
from tinhso.postal.queries import postal_summary
from tinhso.postal.simulator import CarrierSimulator

pytestmark = [pytest.mark.django_db]
ADDRESS = "Số 12 đường Lê Lợi, phường Một, tỉnh Thử Nghiệm"


def api(user: Any) -> Client:
    _, secret = create_token(actor=None, user=user, name="bưu chính")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def choose(user: Any, dossier: Dossier, **changes: Any) -> Any:
    body = {
        "submit_by_post": False,
        "receive_by_post": True,
        "recipient_name": "Nguyễn Văn An",
        "recipient_phone": "0912000111",
        "address": ADDRESS,
        **changes,
    }
    return api(user).put(
        f"/api/v1/postal/dossiers/{dossier.code}/choice", body, content_type="application/json"
    )


def create(user: Any, dossier: Dossier, **body: Any) -> Any:
    return api(user).post(
        f"/api/v1/postal/dossiers/{dossier.code}/shipments",
        {"direction": "out", "carrier": "manual", **body},
        content_type="application/json",
    )


def record(user: Any, dossier: Dossier, shipment_id: int, **body: Any) -> Any:
    return api(user).post(
        f"/api/v1/postal/dossiers/{dossier.code}/shipments/{shipment_id}/events",
        body,
        content_type="application/json",
    )


def snapshot() -> tuple[Any, ...]:
    return (
        list(Shipment.objects.order_by("pk").values_list("state", "version", "tracking_number")),
        ShipmentEvent.objects.count(),
    )


# --- the applicant's choice ----------------------------------------------------------------------


def test_applicant_chooses_to_receive_by_post(
    received: Dossier, citizen: Any, provincial_administrator: Any, other_agency_officer: Any
) -> None:
    response = choose(citizen, received)
    assert response.status_code == 200, response.content
    assert response.json()["receive_by_post"] is True
    choice = PostalChoice.objects.get()
    assert (choice.address, choice.recipient_phone, choice.chosen_by) == (
        ADDRESS,
        "0912000111",
        citizen,
    )
    assert AuditEntry.objects.filter(action="postal.choice.saved").count() == 1

    bad = choose(citizen, received, recipient_phone="12ab", address="ngắn")
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"recipient_phone", "address"}
    assert choose(provincial_administrator, received).status_code == 403
    assert choose(other_agency_officer, received).status_code == 404
    assert PostalChoice.objects.get().address == ADDRESS

    seen = api(citizen).get(f"/api/v1/postal/dossiers/{received.code}").json()
    assert seen["choice"]["address"] == ADDRESS and seen["shipments"] == []


# --- manual shipments ----------------------------------------------------------------------------


def test_desk_officer_records_a_manual_shipment(
    received: Dossier, citizen: Any, one_stop_officer: Any
) -> None:
    assert create(one_stop_officer, received, tracking_number="EB1").status_code == 422
    no_choice = create(one_stop_officer, received, tracking_number="EB123456789VN")
    assert (no_choice.status_code, list(no_choice.json()["errors"])) == (422, ["direction"])
    choose(citizen, received)

    first = create(
        one_stop_officer, received, tracking_number="eb 123456789vn", idempotency_key="k-1"
    )
    assert first.status_code == 201, first.content
    shipment = first.json()
    assert (shipment["tracking_number"], shipment["state"], shipment["address"]) == (
        "EB123456789VN",
        "created",
        ADDRESS,
    )
    again = create(
        one_stop_officer, received, tracking_number="EB123456789VN", idempotency_key="k-1"
    )
    assert (again.status_code, again.json()["id"]) == (200, shipment["id"])
    taken = create(one_stop_officer, received, tracking_number="EB123456789VN")
    assert (taken.status_code, taken.json()["code"]) == (409, "tracking_number_taken")
    assert Shipment.objects.count() == 1

    sid = shipment["id"]
    assert record(one_stop_officer, received, sid, state="handed_over").status_code == 200
    body = {"state": "in_transit", "location": "Bưu cục trung tâm", "idempotency_key": "e-1"}
    assert record(one_stop_officer, received, sid, **body).status_code == 200
    assert record(one_stop_officer, received, sid, **body).status_code == 200  # once only
    assert ShipmentEvent.objects.filter(state="in_transit").count() == 1
    backwards = record(one_stop_officer, received, sid, state="handed_over")
    assert (backwards.status_code, backwards.json()["code"]) == (409, "state_backwards")
    done = record(one_stop_officer, received, sid, state="delivered")
    assert [e["state"] for e in done.json()["events"]] == [
        "created",
        "handed_over",
        "in_transit",
        "delivered",
    ]
    final = record(one_stop_officer, received, sid, state="returned")
    assert (final.status_code, final.json()["code"]) == (409, "shipment_final")
    assert record(one_stop_officer, received, sid, state="lost").status_code == 422
    assert AuditEntry.objects.filter(action="postal.shipment.state").count() == 3

    # The applicant follows it.
    tracked = api(citizen).get("/api/v1/postal/tracking/EB123456789VN")
    assert tracked.status_code == 200 and tracked.json()["state"] == "delivered"


def test_only_desk_officers_of_the_receiving_agency(
    received: Dossier,
    citizen: Any,
    one_stop_officer: Any,
    provincial_administrator: Any,
    other_agency_officer: Any,
) -> None:
    choose(citizen, received)
    sid = create(one_stop_officer, received, tracking_number="EB000000009VN").json()["id"]
    before = snapshot()
    assert create(citizen, received, tracking_number="EB000000010VN").status_code == 403
    assert (
        create(provincial_administrator, received, tracking_number="EB000000010VN").status_code
        == 403
    )
    assert create(other_agency_officer, received, tracking_number="X1234").status_code == 404
    assert record(citizen, received, sid, state="handed_over").status_code == 403
    assert record(other_agency_officer, received, sid, state="handed_over").status_code == 404
    assert record(one_stop_officer, received, sid + 99, state="handed_over").status_code == 404
    other = api(other_agency_officer)
    assert other.get("/api/v1/postal/tracking/EB000000009VN").status_code == 404
    assert api(citizen).get("/api/v1/postal/tracking/EB404").status_code == 404
    assert snapshot() == before


# --- VNPost ------------------------------------------------------------------------------------


def test_vnpost_shipment_and_its_webhooks(
    received: Dossier, citizen: Any, one_stop_officer: Any, carrier: CarrierSimulator
) -> None:
    choose(citizen, received)
    created = create(one_stop_officer, received, carrier="vnpost")
    assert created.status_code == 201, created.content
    number = created.json()["tracking_number"]
    assert number == "EB000000001VN"
    (sent,) = carrier.requests
    assert (sent["service"], sent["receiver"]["address"]) == ("BCCI", ADDRESS)

    answer = carrier.advance(number, "accepted", "Bưu cục Một")
    assert answer == {"result": "recorded", "http_status": 200}
    assert Shipment.objects.get().state == "handed_over"
    before = snapshot()

    # The same webhook again (a retry or a replay inside the window): nothing new.
    accepted = carrier.shipments[number]["events"][-1]
    assert carrier.push(accepted) == {"result": "duplicate", "http_status": 200}
    # Forged, stale, unknown, unreadable: rejected, nothing changes, the rejection is audited.
    forged = carrier.push(carrier.event(number, "delivered"), secret="khoa-gia")
    assert forged["http_status"] == 401 and forged["code"] == "invalid_signature"
    stale = carrier.push(accepted, timestamp=int(time.time()) - 600)
    assert stale["http_status"] == 401
    body, headers = carrier.signed(accepted)
    tampered = carrier.deliver(body.replace(b"accepted", b"delivered"), headers)
    assert tampered["http_status"] == 401
    unknown = carrier.push({**accepted, "id": "EV-X", "tracking_number": "EB999999999VN"})
    assert unknown["http_status"] == 404
    garbage = carrier.push({"tracking_number": number, "status": "teleported"})
    assert garbage["http_status"] == 422
    assert snapshot() == before
    assert AuditEntry.objects.filter(action="postal.webhook.rejected").count() == 5

    # Backwards after moving on: ignored, answered 200 so the carrier stops retrying.
    carrier.advance(number, "in_transit", "Trung tâm khai thác")
    late = carrier.push({**accepted, "id": "EV-LATE"})
    assert late == {"result": "ignored", "http_status": 200}
    assert Shipment.objects.get().state == "in_transit"

    # A missed webhook is caught up by asking the carrier.
    carrier.event(number, "delivered", "Nhà người nhận")
    refreshed = api(one_stop_officer).post(
        f"/api/v1/postal/dossiers/{received.code}/shipments/{created.json()['id']}/refresh"
    )
    assert refreshed.status_code == 200 and refreshed.json()["state"] == "delivered"
    assert [e["state"] for e in refreshed.json()["events"]] == [
        "created",
        "handed_over",
        "in_transit",
        "delivered",
    ]


def test_vnpost_unavailable_or_unconfigured_creates_nothing(
    received: Dossier,
    citizen: Any,
    one_stop_officer: Any,
    carrier: CarrierSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    choose(citizen, received)
    carrier.available = False
    down = create(one_stop_officer, received, carrier="vnpost")
    assert (down.status_code, down.json()["code"]) == (502, "carrier_error")
    monkeypatch.delenv("TINHSO_VNPOST_TOKEN")
    unconfigured = create(one_stop_officer, received, carrier="vnpost")
    assert (unconfigured.status_code, unconfigured.json()["code"]) == (503, "postal_unavailable")
    assert Shipment.objects.count() == 0


# --- the desk officer's page -----------------------------------------------------------------


def page_url(dossier: Dossier) -> str:
    return f"/lam-viec/buu-chinh/{dossier.code}/"


def test_postal_page_creates_and_records(
    received: Dossier, citizen: Any, one_stop_officer: Any
) -> None:
    choose(citizen, received)
    officer = signed_in(one_stop_officer)
    page = officer.get(page_url(received))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"<title>Bưu chính hồ sơ {received.code} — Tỉnh số</title>" in html
    assert ADDRESS in html

    # Invalid: errors next to the field and in the summary, title starts with "Lỗi: ", kept.
    bad = officer.post(
        page_url(received),
        {
            "action": "create",
            "new-direction": "out",
            "new-carrier": "manual",
            "new-tracking_number": "?!",
            "new-idempotency_key": "form-1",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 422
    assert "<title>Lỗi: Bưu chính hồ sơ" in html and "error-summary" in html
    assert 'value="?!"' in html and 'aria-invalid="true"' in html
    assert Shipment.objects.count() == 0

    good = {
        "action": "create",
        "new-direction": "out",
        "new-carrier": "manual",
        "new-tracking_number": "EB555000111VN",
        "new-idempotency_key": "form-2",
    }
    response = officer.post(page_url(received), good)
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(received)}?xong=tao&so=EB555000111VN"
    assert "Đã tạo bưu gửi EB555000111VN." in officer.get(response["Location"]).content.decode()
    assert officer.post(page_url(received), good).status_code == 302  # double submission
    shipment = Shipment.objects.get()
    assert shipment.tracking_number == "EB555000111VN"

    prefix = f"s{shipment.pk}"
    step = {
        "action": "record",
        "shipment": str(shipment.pk),
        f"{prefix}-state": "handed_over",
        f"{prefix}-location": "Bưu cục Một",
        f"{prefix}-idempotency_key": "rec-1",
    }
    assert officer.post(page_url(received), step).status_code == 302
    assert officer.post(page_url(received), step).status_code == 302
    assert ShipmentEvent.objects.filter(state="handed_over").count() == 1
    backwards = officer.post(
        page_url(received),
        {**step, f"{prefix}-state": "handed_over", f"{prefix}-idempotency_key": "rec-2"},
    )
    assert backwards.status_code == 302  # the same state again: nothing to record
    invalid = officer.post(page_url(received), {**step, f"{prefix}-state": "lost"})
    assert invalid.status_code == 422 and "Lỗi: " in invalid.content.decode()
    gone = officer.post(page_url(received), {**step, "shipment": "999999"})
    assert gone.status_code == 404
    assert "Đã giao cho bưu chính" in officer.get(page_url(received)).content.decode()


def test_postal_page_access(
    received: Dossier, citizen: Any, provincial_administrator: Any, other_agency_officer: Any
) -> None:
    assert signed_in(other_agency_officer).get(page_url(received)).status_code == 404
    assert signed_in(provincial_administrator).get(page_url(received)).status_code == 403
    assert signed_in(citizen).get(page_url(received)).status_code == 403
    assert (
        signed_in(provincial_administrator).get("/lam-viec/buu-chinh/KHONG-CO/").status_code == 404
    )
    anonymous = Client().get(page_url(received))
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]


def test_dossier_section_include(received: Dossier, citizen: Any, one_stop_officer: Any) -> None:
    choose(citizen, received)
    create(one_stop_officer, received, tracking_number="EB777000111VN")
    html = render_to_string(
        "postal/includes/dossier_postal.html", {"postal": postal_summary(received)}
    )
    assert "Bưu chính công ích" in html and "EB777000111VN" in html and ADDRESS in html
