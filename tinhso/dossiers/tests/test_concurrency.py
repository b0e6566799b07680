"""Real concurrent clients on PostgreSQL (SQLite serialises writers, so these are skipped there):
gap-free, duplicate-free dossier codes, and exactly one of two simultaneous receptions wins."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from tinhso.catalog.models import ProcedureVersion
from tinhso.dossiers import services
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.tests.conftest import declaration
from tinhso.lib.errors import Conflict

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
]
CODE = "2.001417.000.00.04.H99"


def run_together(workers: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def wrap(index: int, work: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=20)
            results[index] = work()
        except Exception as exc:  # collected and asserted by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_submissions_get_gap_free_unique_codes(
    procedure: ProcedureVersion, citizen: Any
) -> None:
    assert connection.vendor == "postgresql"

    def submit(n: int) -> str:
        dossier, _ = services.submit_dossier(
            actor=citizen,
            procedure_code=CODE,
            agency_code="000.00.02.H99",
            form_data={"purpose": "Xin việc"},
            components=declaration(citizen),
            idempotency_key=f"c{n}",
        )
        return dossier.code

    codes = run_together([lambda n=n: submit(n) for n in range(12)])
    assert all(isinstance(code, str) for code in codes), codes
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, 13))


def test_two_officers_accept_at_once_exactly_one_succeeds(
    procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any
) -> None:
    dossier, _ = services.submit_dossier(
        actor=citizen,
        procedure_code=CODE,
        agency_code="000.00.02.H99",
        form_data={"purpose": "Xin việc"},
        components=declaration(citizen),
    )

    def accept() -> str:
        return services.accept_dossier(
            actor=one_stop_officer, dossier=Dossier.objects.get(pk=dossier.pk)
        ).status

    outcomes = run_together([accept, accept])
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "str"]
    assert any(isinstance(o, Conflict) for o in outcomes)
    assert Dossier.objects.get(pk=dossier.pk).events.filter(action="accept").count() == 1
