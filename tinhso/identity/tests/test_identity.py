from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, make_password

from tinhso.audit.models import AuditEntry
from tinhso.identity.access import (
    can_see_work_of,
    get_agency_for,
    manageable_agency_ids,
)
from tinhso.identity.models import RoleAssignment, User
from tinhso.identity.services import assign_role, create_user, revoke_role
from tinhso.identity.validators import citizen_id_problem, tax_code_problem
from tinhso.lib.errors import Conflict, InvalidInput, NotFound

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("0100109106", True),
        ("0300588569", True),
        ("0100109107", False),
        ("0100109106-001", True),
        ("010010910", False),
        ("082190001234", True),
        ("999190001234", False),
        ("01001091O6", False),
    ],
)
def test_tax_codes(value: str, valid: bool) -> None:
    assert (tax_code_problem(value) is None) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("082190001234", True),
        ("001203000001", True),
        ("003203000001", False),
        ("08219000123", False),
        ("0821900012345", False),
        ("08219000123a", False),
    ],
)
def test_citizen_ids(value: str, valid: bool) -> None:
    assert (citizen_id_problem(value) is None) is valid


def test_argon2_is_the_password_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    encoded = make_password("Mat-khau-dai-2026")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("Mat-khau-dai-2026", encoded)


def test_production_hasher_list_starts_with_argon2() -> None:
    from tinhso import settings as project_settings

    production = [h for h in project_settings.PASSWORD_HASHERS if "MD5" not in h]
    assert production[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_create_citizen_and_business_accounts() -> None:
    citizen = create_user(
        actor=None,
        username="CongDan.Binh",
        kind="citizen",
        full_name="Trần  Văn Bình",
        password="Mat-khau-dai-2026",
        citizen_id="082190001234",
        phone="0912345678",
    )
    assert (citizen.username, citizen.full_name) == ("congdan.binh", "Trần Văn Bình")
    business = create_user(
        actor=None,
        username="sen.hong",
        kind="business",
        full_name="Công ty TNHH Sen Hồng",
        password=None,
        tax_code="0300588569",
    )
    assert not business.has_usable_password()
    assert AuditEntry.objects.filter(action="identity.user.create").count() == 2


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"citizen_id": "12345"}, {"citizen_id"}),
        ({"kind": "business", "tax_code": "0100109107"}, {"tax_code"}),
        ({"kind": "business", "tax_code": None}, {"tax_code"}),
        ({"phone": "12345"}, {"phone"}),
        ({"password": "123"}, {"password"}),
        ({"email": "khong-phai-email"}, {"email"}),
        ({"username": "có dấu cách", "full_name": ""}, {"username", "full_name"}),
    ],
)
def test_bad_account_data_names_each_field_and_creates_nothing(
    values: dict[str, Any], fields: set[str]
) -> None:
    data = {
        "username": "congdan.x",
        "kind": "citizen",
        "full_name": "Nguyễn X",
        "password": "Mat-khau-dai-2026",
        "citizen_id": "082190001234",
        **values,
    }
    with pytest.raises(InvalidInput) as error:
        create_user(actor=None, **data)
    assert set(error.value.extra["errors"]) == fields
    assert User.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_duplicate_citizen_id_is_a_conflict(citizen: Any) -> None:
    with pytest.raises(Conflict):
        create_user(
            actor=None,
            username="khac",
            kind="citizen",
            full_name="Người Khác",
            password="Mat-khau-dai-2026",
            citizen_id=citizen.citizen_id,
        )


def test_roles_are_granted_once_and_revoked(province: dict[str, Any], specialist: Any) -> None:
    division = province["justice_division"]
    with pytest.raises(Conflict):
        assign_role(actor=None, user=specialist, agency=division, role="specialist")
    revoke_role(actor=None, user=specialist, agency=division, role="specialist")
    assert not can_see_work_of(User.objects.get(pk=specialist.pk), division)
    with pytest.raises(NotFound):
        revoke_role(actor=None, user=specialist, agency=division, role="specialist")


def test_citizens_cannot_hold_staff_roles(province: dict[str, Any], citizen: Any) -> None:
    with pytest.raises(InvalidInput):
        assign_role(actor=None, user=citizen, agency=province["justice"], role="specialist")
    assert RoleAssignment.objects.filter(user=citizen).count() == 0


def test_who_may_manage_which_agency(
    province: dict[str, Any],
    agency_administrator: Any,
    provincial_administrator: Any,
    other_agency_officer: Any,
    specialist: Any,
) -> None:
    justice_ids = {province["justice"].pk, province["justice_division"].pk}
    assert manageable_agency_ids(agency_administrator) == justice_ids
    assert manageable_agency_ids(provincial_administrator) == {a.pk for a in province.values()}
    assert manageable_agency_ids(specialist) == set()
    assert get_agency_for(agency_administrator, "000.01.04.H99", for_write=True)
    for user in (other_agency_officer, specialist):
        with pytest.raises(NotFound):
            get_agency_for(user, "000.00.04.H99", for_write=True)
    # Reading the directory is public; an unknown code and a forbidden one look alike.
    assert get_agency_for(other_agency_officer, "000.00.04.H99").code == "000.00.04.H99"
    with pytest.raises(NotFound) as unknown:
        get_agency_for(other_agency_officer, "000.00.66.H99", for_write=True)
    with pytest.raises(NotFound) as forbidden:
        get_agency_for(other_agency_officer, "000.00.04.H99", for_write=True)
    assert type(unknown.value) is type(forbidden.value)


def test_officers_see_only_their_agencys_work(
    province: dict[str, Any], specialist: Any, other_agency_officer: Any, citizen: Any
) -> None:
    assert can_see_work_of(specialist, province["justice_division"])
    assert not can_see_work_of(specialist, province["construction"])
    assert not can_see_work_of(other_agency_officer, province["justice_division"])
    assert not can_see_work_of(citizen, province["justice_division"])


def test_login_uses_the_request_aware_backend(rf: Any, specialist: Any) -> None:
    request = rf.post("/dang-nhap/")
    assert authenticate(request, username="chuyenvien", password="Mat-khau-thu-nghiem-2026")
    assert authenticate(request, username="chuyenvien", password="sai") is None


def test_api_tokens_authenticate_until_revoked(specialist: Any) -> None:
    from django.test import Client

    from tinhso.identity.tokens import create_token, revoke_token, user_for_token

    api_token, secret = create_token(actor=None, user=specialist, name="Hệ thống một cửa cũ")
    assert secret.startswith(f"tsk_{api_token.prefix}_")
    assert api_token.secret_hash != secret and secret not in api_token.secret_hash
    assert user_for_token(secret) == specialist
    assert user_for_token(secret + "x") is None
    client = Client()
    response = client.get("/api/v1/health", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    revoke_token(actor=None, prefix=api_token.prefix)
    assert user_for_token(secret) is None
    assert AuditEntry.objects.filter(action__startswith="identity.token").count() == 2
