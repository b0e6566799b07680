"""Real concurrent clients on PostgreSQL (SQLite serialises writers, so these are skipped there):
a double click on "Nộp hồ sơ" sent by two connections at once gives one dossier, and two tabs
starting the same procedure at once share one draft."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from tinhso.dossiers.models import Dossier
from tinhso.portal.models import SubmissionDraft
from tinhso.portal.tests.test_submission import CODE, fill_everything, make_procedure, url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent clients on PostgreSQL"
    ),
]


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


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_double_click_sent_at_once_gives_one_dossier(province: Any, citizen: Any) -> None:
    make_procedure(province)
    client = client_of(citizen)
    client.post(reverse("portal:submission_start", args=[CODE]))
    draft = SubmissionDraft.objects.get()
    fill_everything(client, draft, province)
    clients = [client_of(citizen) for _ in range(4)]

    def submit(each: Client) -> Any:
        response = each.post(
            url("submission_review", draft), {"idempotency_key": draft.idempotency_key}
        )
        return response.status_code, response.get("Location")

    results = run_together([lambda c=c: submit(c) for c in clients])
    dossier = Dossier.objects.get()
    done = reverse("portal:submission_done", args=[dossier.code])
    assert results == [(302, done)] * 4, results


def test_two_tabs_starting_at_once_share_one_draft(province: Any, citizen: Any) -> None:
    make_procedure(province)
    clients = [client_of(citizen) for _ in range(3)]

    def start(each: Client) -> Any:
        return each.post(reverse("portal:submission_start", args=[CODE])).status_code

    results = run_together([lambda c=c: start(c) for c in clients])
    assert results == [302, 302, 302], results
    assert SubmissionDraft.objects.count() == 1
