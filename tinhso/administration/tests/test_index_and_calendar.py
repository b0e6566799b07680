"""The index and the calendar pages."""

import datetime as dt

import pytest
from django.urls import reverse

from tinhso.calendar.models import DayOverride, WorkingPeriod
from tinhso.calendar.services import is_working_day

DAY = dt.date(2030, 10, 15)  # a Tuesday, an ordinary working day


def test_the_index_shows_the_areas_of_a_provincial_administrator(
    signed_in, provincial_administrator, published
):
    response = signed_in(provincial_administrator).get("/quan-ly/")
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["counts"].procedures_in_force == 1
    assert response.context["counts"].agencies == 6
    for url in ("/quan-ly/thu-tuc/", "/quan-ly/lich/", "/quan-ly/can-bo/", "/quan-ly/co-quan/"):
        assert f'href="{url}"' in page
    assert "<h1>Quản lý hệ thống</h1>" in page


def test_the_index_of_an_agency_administrator_shows_only_their_areas(
    signed_in, agency_administrator, specialist
):
    response = signed_in(agency_administrator).get("/quan-ly/")
    page = response.content.decode()
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts.agencies, counts.staff) == (2, 2)  # justice + its division; admin + specialist
    assert 'href="/quan-ly/thu-tuc/"' not in page
    assert 'href="/quan-ly/lich/"' not in page


def test_the_calendar_lists_national_days_off_and_overrides(
    signed_in, provincial_administrator, province
):
    client = signed_in(provincial_administrator)
    response = client.get("/quan-ly/lich/", {"nam": "2030"})
    assert response.status_code == 200
    reasons = [day.reason for day in response.context["calendar"].exceptions]
    assert any("Quốc khánh" in reason for reason in reasons)
    assert client.get("/quan-ly/lich/", {"nam": "abc"}).status_code == 200


def test_an_override_needs_a_reason_for_a_day_off(signed_in, provincial_administrator, province):
    client = signed_in(provincial_administrator)
    response = client.post(
        "/quan-ly/lich/dieu-chinh/?nam=2030",
        {"date": DAY.isoformat(), "is_working_day": "0", "reason": ""},
    )
    assert response.status_code == 422
    assert "<title>Lỗi: " in response.content.decode()
    assert "Cần ghi lý do" in response.context["override_form"].errors["reason"][0]
    assert not DayOverride.objects.exists()
    response = client.post(
        "/quan-ly/lich/dieu-chinh/?nam=2030", {"date": "31/9/2030", "is_working_day": "0"}
    )
    assert response.status_code == 422
    assert "date" in response.context["override_form"].errors


def test_setting_and_removing_an_override(signed_in, provincial_administrator, province):
    client = signed_in(provincial_administrator)
    response = client.post(
        "/quan-ly/lich/dieu-chinh/",
        {
            "date": DAY.isoformat(),
            "is_working_day": "0",
            "reason": "Nghỉ bù theo Quyết định số 5/QĐ-UBND",
            "idempotency_key": "a" * 24,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/quan-ly/lich/?nam=2030"
    assert not is_working_day(DAY)
    page = client.get(response["Location"])
    assert "Nghỉ bù theo Quyết định số 5/QĐ-UBND" in page.content.decode()
    key = page.context["overrides"][0][1]
    url = reverse("administration:override_remove", args=[DAY.isoformat()])
    assert client.post(url, {"idempotency_key": key}).status_code == 302
    assert is_working_day(DAY)
    # Sent twice: the second submission finds the first result, no error.
    again = client.post(url, {"idempotency_key": key}, follow=True)
    assert again.status_code == 200
    assert not DayOverride.objects.exists()
    assert client.post(url, {}, follow=True).status_code == 200  # nothing to remove: message
    assert client.get(url).status_code == 405


def test_office_hours_are_parsed_and_checked(signed_in, provincial_administrator, province):
    client = signed_in(provincial_administrator)
    response = client.post("/quan-ly/lich/gio-lam-viec/", {"periods": "07:30-11:30\n11:00-17:00"})
    assert response.status_code == 422
    assert "chồng lên nhau" in response.context["hours_form"].errors["periods"][0]
    response = client.post("/quan-ly/lich/gio-lam-viec/", {"periods": "7h30 đến 11h"})
    assert response.status_code == 422
    response = client.post("/quan-ly/lich/gio-lam-viec/", {"periods": "07:00-11:00\n13:00-17:00"})
    assert response.status_code == 302
    assert [str(period) for period in WorkingPeriod.objects.all()] == [
        "07:00-11:00",
        "13:00-17:00",
    ]


@pytest.mark.parametrize("persona", ["agency_administrator", "specialist"])
def test_only_the_provincial_administrator_changes_the_calendar(request, signed_in, persona):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get("/quan-ly/lich/").status_code == 403
    response = client.post(
        "/quan-ly/lich/dieu-chinh/",
        {"date": DAY.isoformat(), "is_working_day": "0", "reason": "x"},
    )
    assert response.status_code == 403
    assert not DayOverride.objects.exists()
