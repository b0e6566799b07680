"""The admin pages save and delete through the services: validated and audited like the CLI."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tinhso.audit.models import AuditEntry
from tinhso.calendar.models import DayOverride, WorkingPeriod
from tinhso.calendar.services import is_working_day, working_periods

pytestmark = pytest.mark.django_db

ADMIN = "/quan-tri/calendar"


@pytest.fixture
def administrator() -> Any:
    from tinhso.identity.models import User

    return User.objects.create_superuser(
        username="quantri.lich",
        email="quantri@example.vn",
        password="Mat-khau-thu-nghiem-2026",
        kind="staff",
        full_name="Trần Thị Lịch",
    )


@pytest.fixture
def admin_client(administrator: Any) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def test_override_added_changed_and_deleted_through_the_admin(
    admin_client: Client, administrator: Any
) -> None:
    response = admin_client.post(
        f"{ADMIN}/dayoverride/add/",
        {"date": "2031-01-02", "is_working_day": "", "reason": "Nghỉ bù Tết Dương lịch"},
    )
    assert response.status_code == 302, response.content.decode()
    override = DayOverride.objects.get()
    assert not is_working_day(dt.date(2031, 1, 2))
    assert override.created_by == "quantri.lich (Trần Thị Lịch)"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_id) == ("calendar.override.set", administrator.pk)

    response = admin_client.post(
        f"{ADMIN}/dayoverride/{override.pk}/change/",
        {"is_working_day": "on", "reason": "Vẫn làm việc"},
    )
    assert response.status_code == 302, response.content.decode()
    assert is_working_day(dt.date(2031, 1, 2))
    assert AuditEntry.objects.count() == 2

    response = admin_client.post(f"{ADMIN}/dayoverride/{override.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not DayOverride.objects.exists()
    assert AuditEntry.objects.order_by("-sequence")[0].action == "calendar.override.remove"
    assert AuditEntry.objects.count() == 3


def test_day_off_without_reason_is_a_form_error_and_changes_nothing(admin_client: Client) -> None:
    response = admin_client.post(
        f"{ADMIN}/dayoverride/add/", {"date": "2031-01-02", "is_working_day": "", "reason": ""}
    )
    assert response.status_code == 200
    assert "Cần ghi lý do" in response.content.decode()
    assert not DayOverride.objects.exists()
    assert not AuditEntry.objects.exists()


def test_period_changed_and_deleted_through_the_admin(admin_client: Client) -> None:
    morning = WorkingPeriod.objects.get(start_time=dt.time(7, 30))
    response = admin_client.post(
        f"{ADMIN}/workingperiod/{morning.pk}/change/",
        {"start_time": "07:00", "end_time": "11:00", "_continue": "1"},
    )
    assert response.status_code == 302, response.content.decode()
    assert working_periods() == (
        (dt.time(7, 0), dt.time(11, 0)),
        (dt.time(13, 30), dt.time(17, 0)),
    )
    saved = WorkingPeriod.objects.get(start_time=dt.time(7, 0))
    assert response["Location"].endswith(f"/workingperiod/{saved.pk}/change/")
    entry = AuditEntry.objects.get()
    assert entry.after == ["07:00-11:00", "13:30-17:00"]

    response = admin_client.post(f"{ADMIN}/workingperiod/{saved.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert working_periods() == ((dt.time(13, 30), dt.time(17, 0)),)
    assert AuditEntry.objects.count() == 2

    last = WorkingPeriod.objects.get()
    response = admin_client.post(f"{ADMIN}/workingperiod/{last.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert WorkingPeriod.objects.count() == 1


def test_overlapping_period_is_a_form_error_and_changes_nothing(admin_client: Client) -> None:
    response = admin_client.post(
        f"{ADMIN}/workingperiod/add/", {"start_time": "11:00", "end_time": "14:00"}
    )
    assert response.status_code == 200
    assert "chồng lên nhau" in response.content.decode()
    assert WorkingPeriod.objects.count() == 2
    assert not AuditEntry.objects.exists()


def test_admin_lists_render(admin_client: Client) -> None:
    DayOverride.objects.create(date=dt.date(2031, 1, 2), is_working_day=False, reason="x")
    assert admin_client.get(f"{ADMIN}/dayoverride/").status_code == 200
    assert admin_client.get(f"{ADMIN}/workingperiod/").status_code == 200
