import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tinhso.catalog.demo import PROCEDURES, demo_code, load_demo_catalog
from tinhso.catalog.models import Procedure, ProcedureVersion
from tinhso.catalog.services import (
    legal_time_in_working_hours,
    open_version_for_submission,
    process_hours,
    validate_form_data,
)
from tinhso.lib.errors import InvalidInput
from tinhso.organizations.models import Agency

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
SAMPLES: dict[str, dict[str, Any]] = {
    "1.001193": {
        "child": {
            "full_name": "Nguyễn Gia Bảo",
            "birth_date": "2026-02-20",
            "sex": "nam",
            "place_of_birth": "Bệnh viện Đa khoa tỉnh Đồng Tháp",
        },
        "mother": {"full_name": "Trần Thị Mai", "citizen_id": "082190001234"},
        "requester": {
            "full_name": "Trần Thị Mai",
            "citizen_id": "082190001234",
            "relationship": "mẹ",
        },
    },
    "1.000656": {
        "deceased": {"full_name": "Lê Văn Tư", "citizen_id": "082050001111"},
        "date_of_death": "2026-02-25",
        "place_of_death": "Phường Mỹ Tho",
        "requester": {
            "full_name": "Lê Văn Năm",
            "citizen_id": "082080002222",
            "relationship": "con",
        },
    },
    "1.000894": {
        "husband": {
            "full_name": "Phạm Văn Hùng",
            "birth_date": "1998-05-01",
            "citizen_id": "082098001234",
            "residence": "Phường Cao Lãnh",
        },
        "wife": {
            "full_name": "Võ Thị Lan",
            "birth_date": "2000-09-09",
            "citizen_id": "082300004321",
            "residence": "Phường Sa Đéc",
        },
    },
    "2.000488": {
        "full_name": "Nguyễn Văn An",
        "birth_date": "1990-01-15",
        "sex": "nam",
        "citizen_id": "082090001111",
        "place_of_birth": "Đồng Tháp",
        "residence": "Phường Mỹ Tho",
        "record_kind": "1",
        "copies": 2,
    },
    "1.009997": {
        "owner_name": "Nguyễn Văn An",
        "citizen_id": "082090001111",
        "plot": {"sheet_number": "12", "plot_number": "345", "address": "Phường Mỹ Tho"},
        "floor_area": 180.5,
        "floors": 3,
    },
    "2.000815": {
        "requester_name": "Nguyễn Văn An",
        "document_title": "Bằng tốt nghiệp",
        "pages": 1,
        "copies": 3,
    },
}


@pytest.fixture
def demo(db: Any) -> None:
    from tinhso.demo.province import load_demo_province

    load_demo_province()
    report = load_demo_catalog()
    assert report.procedures_created == len(PROCEDURES) == 6


def test_demo_catalogue_loads_once_and_is_published(demo: None) -> None:
    assert load_demo_catalog().procedures_created == 0
    assert Procedure.objects.count() == 6
    assert set(ProcedureVersion.objects.values_list("status", flat=True)) == {"published"}
    assert Agency.objects.get(code="000.00.15.H82").kind == "central_branch"


@pytest.mark.parametrize("entry", PROCEDURES, ids=lambda entry: entry["national_code"])
def test_each_demo_procedure_fits_its_legal_time_and_its_form_accepts_a_sample(
    demo: None, entry: dict[str, Any]
) -> None:
    agency = Agency.objects.get(code=entry["data"]["implementing_agencies"][0])
    version = open_version_for_submission(demo_code(entry), agency, NOW)
    steps = [(s.position, Decimal(s.allotted_hours)) for s in version.process_steps.all()]
    assert 3 <= len(steps) <= 6
    assert process_hours(steps) <= legal_time_in_working_hours(version)
    sample = SAMPLES[entry["national_code"]]
    assert validate_form_data(version, sample) == sample
    with pytest.raises(InvalidInput) as caught:
        validate_form_data(version, {})
    assert caught.value.extra["errors"]
    assert all(message.endswith(".") for message in caught.value.extra["errors"].values())


def test_admin_pages_are_read_only_windows(demo: None) -> None:
    from tinhso.identity.models import User

    client = Client()
    client.force_login(User.objects.get(username="quantri.tinh"))
    version = ProcedureVersion.objects.first()
    assert version is not None
    for path in (
        "/quan-tri/catalog/procedure/",
        "/quan-tri/catalog/procedureversion/",
        f"/quan-tri/catalog/procedureversion/{version.pk}/change/",
        f"/quan-tri/catalog/procedure/{version.procedure_id}/change/",
        "/quan-tri/catalog/sector/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/quan-tri/catalog/procedure/add/").status_code == 403
