"""Staff accounts and roles: creation with the identity rules, assigning and ending roles,
and an agency administrator limited to their own agencies."""

import datetime as dt

from django.urls import reverse

from tinhso.identity.models import RoleAssignment, User

JUSTICE = "000.00.04.H99"
DIVISION = "000.01.04.H99"
CONSTRUCTION = "000.00.08.H99"


def new_staff(**overrides):
    data = {
        "username": "tranvan.binh",
        "full_name": "Trần Văn Bình",
        "email": "binh@example.gov.vn",
        "phone": "",
        "password": "Mat-khau-moi-2026",
        "agency": DIVISION,
        "role": "specialist",
        "valid_from": "2026-01-01",
        "valid_to": "",
        "idempotency_key": "b" * 24,
    }
    data.update(overrides)
    return data


def roles_of(username):
    return sorted(
        RoleAssignment.objects.filter(user__username=username).values_list(
            "agency__code", "role", "valid_from", "valid_to"
        )
    )


def test_the_staff_list_shows_only_the_agencies_managed(
    signed_in, agency_administrator, specialist, other_agency_officer
):
    client = signed_in(agency_administrator)
    response = client.get("/quan-ly/can-bo/")
    assert response.status_code == 200
    assert {row.username for row in response.context["rows"]} == {"chuyenvien", "quantri.stp"}
    response = client.get("/quan-ly/can-bo/", {"q": "Chuyên"})
    assert [row.username for row in response.context["rows"]] == ["chuyenvien"]


def test_an_agency_administrator_creates_a_staff_account_with_a_role(
    signed_in, agency_administrator
):
    client = signed_in(agency_administrator)
    assert client.get("/quan-ly/can-bo/moi/").status_code == 200
    response = client.post("/quan-ly/can-bo/moi/", new_staff())
    assert response.status_code == 302
    assert response["Location"] == "/quan-ly/can-bo/tranvan.binh/"
    user = User.objects.get(username="tranvan.binh")
    assert (user.kind, user.full_name) == ("staff", "Trần Văn Bình")
    assert user.check_password("Mat-khau-moi-2026")
    assert roles_of("tranvan.binh") == [(DIVISION, "specialist", dt.date(2026, 1, 1), None)]
    again = client.post("/quan-ly/can-bo/moi/", new_staff())
    assert again["Location"] == response["Location"]
    assert User.objects.filter(username="tranvan.binh").count() == 1


def test_a_weak_password_and_a_taken_user_name_are_refused(
    signed_in, agency_administrator, specialist
):
    client = signed_in(agency_administrator)
    response = client.post("/quan-ly/can-bo/moi/", new_staff(password="12345678"))
    assert response.status_code == 422
    assert response.context["form"].errors["password"]
    assert "<title>Lỗi: " in response.content.decode()
    response = client.post(
        "/quan-ly/can-bo/moi/", new_staff(username="chuyenvien", idempotency_key="c" * 24)
    )
    assert response.status_code == 422
    assert "đã được dùng" in response.context["form"].non_field_errors()[0]
    assert not User.objects.filter(full_name="Trần Văn Bình").exists()


def test_an_agency_administrator_cannot_touch_another_agency(
    signed_in, agency_administrator, other_agency_officer
):
    client = signed_in(agency_administrator)
    response = client.post("/quan-ly/can-bo/moi/", new_staff(agency=CONSTRUCTION))
    assert response.status_code == 422
    assert "agency" in response.context["form"].errors
    assert not User.objects.filter(username="tranvan.binh").exists()
    assert client.get("/quan-ly/can-bo/chuyenvien.sxd/").status_code == 404
    before = roles_of("chuyenvien.sxd")
    response = client.post(
        "/quan-ly/can-bo/chuyenvien.sxd/",
        {"agency": JUSTICE, "role": "specialist", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 404
    assignment = RoleAssignment.objects.get(user=other_agency_officer, role="specialist")
    url = reverse("administration:role_end", args=["chuyenvien.sxd", assignment.pk])
    assert client.post(url, {"valid_to": "2026-01-01"}).status_code == 404
    assert roles_of("chuyenvien.sxd") == before


def test_an_agency_administrator_cannot_make_provincial_administrators(
    signed_in, agency_administrator, specialist
):
    client = signed_in(agency_administrator)
    response = client.post(
        "/quan-ly/can-bo/chuyenvien/",
        {"agency": JUSTICE, "role": "provincial_administrator", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 422
    assert "role" in response.context["form"].errors
    assert [role for _, role, _, _ in roles_of("chuyenvien")] == ["specialist"]


def test_assigning_a_role_with_dates_and_ending_it(signed_in, provincial_administrator, specialist):
    client = signed_in(provincial_administrator)
    url = "/quan-ly/can-bo/chuyenvien/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "agency": JUSTICE,
            "role": "head_of_unit",
            "valid_from": "2026-02-01",
            "valid_to": "2026-01-01",
        },
    )
    assert response.status_code == 422
    assert "valid_to" in response.context["form"].errors
    response = client.post(
        url,
        {
            "agency": JUSTICE,
            "role": "head_of_unit",
            "valid_from": "2026-02-01",
            "valid_to": "2026-12-31",
            "idempotency_key": "d" * 24,
        },
    )
    assert response.status_code == 302
    assert (JUSTICE, "head_of_unit", dt.date(2026, 2, 1), dt.date(2026, 12, 31)) in roles_of(
        "chuyenvien"
    )
    # The role already held cannot be given twice: a message, not a 500.
    response = client.post(
        url, {"agency": DIVISION, "role": "specialist", "valid_from": "2026-02-01"}
    )
    assert response.status_code == 422
    assert "đã có vai trò" in response.context["form"].non_field_errors()[0]
    assignment = RoleAssignment.objects.get(user=specialist, role="specialist")
    end_url = reverse("administration:role_end", args=["chuyenvien", assignment.pk])
    assert client.post(end_url, {"valid_to": "2019-01-01"}).status_code == 302
    assert RoleAssignment.objects.get(pk=assignment.pk).valid_to is None
    assert client.post(end_url, {"valid_to": "2026-03-31"}).status_code == 302
    assert RoleAssignment.objects.get(pk=assignment.pk).valid_to == dt.date(2026, 3, 31)
    assert client.post(end_url, {"valid_to": "2026-03-31"}).status_code == 404
