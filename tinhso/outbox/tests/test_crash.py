"""The worker killed mid-delivery (SIGKILL, a real process on its own SQLite data directory) and
restarted: every message reaches the local SMTP server, and exactly once wherever that is
achievable. The kill points are the transport's test hooks (TINHSO_OUTBOX_TEST_PAUSE, active
only with TINHSO_DEBUG=true); docs/outbox.md explains the one residual window (after_data)."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tinhso.outbox.models import message_id_for
from tinhso.outbox.tests.conftest import SmtpServer

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "") != "", reason="worker processes on a SQLite data dir"
)
TINHSO = [sys.executable, "-m", "tinhso.cli"]
KEYS = ["crash:1", "crash:2", "crash:3"]
ENQUEUE_AND_WORK = """
from django.core.management import call_command
from django.db import transaction
from tinhso.outbox.services import enqueue
with transaction.atomic():
    for n in (1, 2, 3):
        enqueue(channel="email", recipient=f"nguoi{n}@example.vn", subject="Thông báo hồ sơ",
                body=f"Hồ sơ số {n} đã được tiếp nhận.", idempotency_key=f"crash:{n}")
call_command("outbox", "work", "--once")
"""


def base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TINHSO_", "DATABASE_URL"))}
    env.update(TINHSO_DATA_DIR=str(data_dir), TINHSO_DEBUG="true")
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated data directory, copied by each test (saves a migration per test)."""
    data_dir = tmp_path_factory.mktemp("outbox-template")
    done = subprocess.run(
        [*TINHSO, "migrate", "--verbosity", "0"],
        env=base_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return data_dir


@pytest.fixture
def data_dir(migrated: Path, tmp_path: Path) -> Iterator[Path]:
    for name in ("tinhso.sqlite3", "secret_key"):
        shutil.copy(migrated / name, tmp_path / name)
    yield tmp_path


def run_until_killed(env: dict[str, str], point: str) -> None:
    """Enqueue three e-mails and run the worker until it reaches ``point``, then SIGKILL it."""
    process = subprocess.Popen(
        [*TINHSO, "shell", "-c", ENQUEUE_AND_WORK],
        env={**env, "TINHSO_OUTBOX_TEST_PAUSE": point},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    seen: list[str] = []
    try:
        assert process.stderr is not None
        for line in process.stderr:
            seen.append(line)
            if line.strip() == f"outbox-paused:{point}":
                break
        else:
            pytest.fail(f"the worker ended before {point}:\n{''.join(seen)}")
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
        if process.stderr is not None:
            process.stderr.close()


def rows(data_dir: Path) -> dict[str, tuple[Any, ...]]:
    with sqlite3.connect(data_dir / "tinhso.sqlite3") as database:
        return {
            key: (state, handed_over_at is not None, last_error)
            for key, state, handed_over_at, last_error in database.execute(
                "SELECT idempotency_key, state, handed_over_at, last_error "
                "FROM outbox_outboxmessage ORDER BY id"
            )
        }


def expire_leases(data_dir: Path) -> None:
    """What waiting out the 5-minute lease would do (no sleeping in tests)."""
    with sqlite3.connect(data_dir / "tinhso.sqlite3") as database:
        database.execute(
            "UPDATE outbox_outboxmessage SET claimed_at = '2000-01-01 00:00:00' "
            "WHERE state = 'sending'"
        )


def restart_worker(env: dict[str, str]) -> None:
    done = subprocess.run(
        [*TINHSO, "outbox", "work", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def prepare(data_dir: Path, smtp_server: SmtpServer, **extra: str) -> dict[str, str]:
    smtp_server.start()
    return {
        **base_env(data_dir),
        "TINHSO_SMTP_URL": smtp_server.url,
        "TINHSO_MAIL_FROM": "no-reply@tinhso.example.vn",
        **extra,
    }


def expected(counts: dict[str, int]) -> dict[str, int]:
    return {message_id_for(key): n for key, n in counts.items()}


def test_killed_before_the_data_command_every_message_arrives_once(
    data_dir: Path, smtp_server: SmtpServer
) -> None:
    env = prepare(data_dir, smtp_server)
    run_until_killed(env, "before_data")
    assert [state for state, _, _ in rows(data_dir).values()] == ["sending", "pending", "pending"]
    assert rows(data_dir)["crash:1"][1] is False  # never handed over
    assert smtp_server.received == []

    expire_leases(data_dir)
    restart_worker(env)

    assert smtp_server.message_id_counts() == expected(dict.fromkeys(KEYS, 1))
    assert [state for state, _, _ in rows(data_dir).values()] == ["sent"] * 3


def test_killed_after_recording_sent_every_message_arrives_once(
    data_dir: Path, smtp_server: SmtpServer
) -> None:
    env = prepare(data_dir, smtp_server)
    run_until_killed(env, "after_send")
    assert [state for state, _, _ in rows(data_dir).values()] == ["sent", "pending", "pending"]

    expire_leases(data_dir)
    restart_worker(env)

    assert smtp_server.message_id_counts() == expected(dict.fromkeys(KEYS, 1))
    assert [state for state, _, _ in rows(data_dir).values()] == ["sent"] * 3


def test_killed_between_smtp_acceptance_and_the_database_resends_with_the_same_message_id(
    data_dir: Path, smtp_server: SmtpServer
) -> None:
    """The residual window: by default nothing is lost and the one copy that may be doubled
    carries the same Message-ID (mail stores that deduplicate show it once)."""
    env = prepare(data_dir, smtp_server)
    run_until_killed(env, "after_data")
    assert rows(data_dir)["crash:1"][:2] == ("sending", True)  # handed over, outcome unknown

    expire_leases(data_dir)
    restart_worker(env)

    assert smtp_server.message_id_counts() == expected({"crash:1": 2, "crash:2": 1, "crash:3": 1})
    assert [state for state, _, _ in rows(data_dir).values()] == ["sent"] * 3


def test_killed_in_the_window_with_hold_the_message_waits_for_the_operator(
    data_dir: Path, smtp_server: SmtpServer
) -> None:
    env = prepare(data_dir, smtp_server, TINHSO_OUTBOX_UNCERTAIN="hold")
    run_until_killed(env, "after_data")

    expire_leases(data_dir)
    restart_worker(env)

    assert smtp_server.message_id_counts() == expected(dict.fromkeys(KEYS, 1))
    after = rows(data_dir)
    assert [state for state, _, _ in after.values()] == ["dead", "sent", "sent"]
    assert "Không chắc thư đã tới người nhận" in after["crash:1"][2]


def test_the_worker_stops_cleanly_on_sigterm(data_dir: Path) -> None:
    process = subprocess.Popen(
        [*TINHSO, "outbox", "work", "--every", "1"],
        env=base_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Tiến trình gửi "), first
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert out.rstrip().endswith("Đã dừng.")
