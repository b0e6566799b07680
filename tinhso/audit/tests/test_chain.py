import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from tinhso.audit.context import AuditContext, bind
from tinhso.audit.models import AppendOnlyError, AuditEntry
from tinhso.audit.services import GENESIS_HASH, record, verify_chain

pytestmark = pytest.mark.django_db


def drop_update_trigger() -> None:
    """What an attacker with DDL rights would do first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_entry_no_update ON audit_auditentry")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")


def test_entries_are_chained_in_sequence() -> None:
    with bind(AuditContext(request_id="req-12345678", ip_address="10.1.2.3", actor_label="t")):
        first = record(
            "test.create", object_type="test.thing", object_id="1", after={"name": "Một"}
        )
        second = record(
            "test.update",
            object_type="test.thing",
            object_id="1",
            before={"name": "Một"},
            after={"name": "Hai"},
            reason="sửa tên",
        )

    assert (first.sequence, second.sequence) == (1, 2)
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.entry_hash
    assert second.request_id == "req-12345678"
    assert second.ip_address == "10.1.2.3"
    assert second.actor_label == "t"
    report = verify_chain()
    assert report.is_intact
    assert report.checked == 2


def test_orm_refuses_update_and_delete() -> None:
    entry = record("test.create", object_type="test.thing", object_id="1")
    entry.action = "test.forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.create"


def test_database_trigger_refuses_raw_update() -> None:
    entry = record("test.create", object_type="test.thing", object_id="1")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["x", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.create"


def test_verify_reports_the_first_row_edited_in_the_database() -> None:
    for number in range(1, 6):
        record(
            "test.create", object_type="test.thing", object_id=str(number), after={"amount": number}
        )
    drop_update_trigger()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET after = %s WHERE sequence = 3", ['{"amount": 300}']
        )

    report = verify_chain()

    assert not report.is_intact
    assert report.broken_sequence == 3
    assert report.checked == 2
    with pytest.raises(CommandError, match=r"HỎNG tại bản ghi #3"):
        call_command("audit", "verify")


def test_verify_reports_a_deleted_row_and_a_truncated_tail() -> None:
    for number in range(1, 5):
        record("test.create", object_type="test.thing", object_id=str(number))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 2")
    report = verify_chain()
    assert report.broken_sequence == 2
    assert "thiếu bản ghi #2" in report.problem

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence >= 2")
    report = verify_chain()
    assert report.broken_sequence == 2
    assert "đầu chuỗi ghi #4" in report.problem


def test_verify_command_prints_ok_for_an_intact_chain(capsys: pytest.CaptureFixture[str]) -> None:
    record("test.create", object_type="test.thing", object_id="1")
    call_command("audit", "verify")
    assert "OK: chuỗi nhật ký nguyên vẹn (1 bản ghi)." in capsys.readouterr().out


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "") != "", reason="SQLite data dir only")
def test_console_command_detects_tampering_in_a_fresh_data_dir(tmp_path: Path) -> None:
    """The real `tinhso` entry point on a fresh data directory, as an operator would use it."""
    env = {k: v for k, v in os.environ.items() if k not in {"TINHSO_TESTING", "DATABASE_URL"}}
    env.update(TINHSO_DATA_DIR=str(tmp_path), TINHSO_DEBUG="true")
    tinhso = [sys.executable, "-m", "tinhso.cli"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*tinhso, *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    created = run(
        "agencies",
        "create",
        "--code",
        "000.00.00.H98",
        "--name",
        "UBND tỉnh A",
        "--kind",
        "peoples_committee",
        "--level",
        "province",
    )
    assert created.returncode == 0, created.stderr
    run(
        "agencies",
        "create",
        "--code",
        "000.00.04.H98",
        "--name",
        "Sở Tư pháp",
        "--kind",
        "department",
        "--level",
        "province",
        "--parent",
        "H98",
    )
    assert run("audit", "verify").stdout.strip() == "OK: chuỗi nhật ký nguyên vẹn (2 bản ghi)."

    database = sqlite3.connect(tmp_path / "tinhso.sqlite3")
    database.execute("DROP TRIGGER audit_entry_no_update")
    database.execute("UPDATE audit_auditentry SET actor_label = 'người khác' WHERE sequence = 2")
    database.commit()
    database.close()

    verify = run("audit", "verify")
    assert verify.returncode == 1
    assert "HỎNG tại bản ghi #2" in verify.stderr
    assert "Traceback" not in verify.stderr
