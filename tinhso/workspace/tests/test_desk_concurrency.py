"""A double submission at the desk that really races (PostgreSQL; SQLite serialises writers):
simultaneous receptions with one idempotency key give one dossier, and no code is used up."""

from typing import Any

import pytest
from django.db import connection  # noqa: F401 (read by the skipif condition)

from tinhso.dossiers import services
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.tests.conftest import procedure  # noqa: F401 (fixture)
from tinhso.dossiers.tests.test_concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
    pytest.mark.usefixtures("procedure"),
]


def test_simultaneous_receptions_with_one_key_receive_once(one_stop_officer: Any) -> None:
    def receive() -> str:
        return services.receive_in_person(
            actor=one_stop_officer,
            agency_code="000.00.02.H99",
            procedure_code="2.001417.000.00.04.H99",
            applicant=services.Applicant("citizen", "Trần Thị Bình", "082090001234"),
            form_data={"purpose": "Xin việc"},
            components_checked=["TK"],
            idempotency_key="f" * 32,
        ).code

    codes = run_together([receive for _ in range(4)])
    assert all(isinstance(code, str) for code in codes), codes
    dossier = Dossier.objects.get()
    assert set(codes) == {dossier.code}
    assert dossier.code.endswith("-0001")
    assert dossier.forms.count() == 1
