"""Tests of the test harness itself: scripts/pg_cluster.py (the throwaway PostgreSQL cluster)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "pg_cluster.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pg_cluster", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("pg_cluster", module)
    spec.loader.exec_module(module)
    return module


pg_cluster = _load()


def _has_server_binaries() -> bool:
    try:
        pg_cluster.find_bindir()
    except pg_cluster.ClusterError:
        return False
    return True


needs_postgres = pytest.mark.skipif(
    not _has_server_binaries(),
    reason="PostgreSQL server programs (initdb, pg_ctl) >= 15 not installed",
)


def test_free_port_is_bindable_on_loopback():
    port = pg_cluster.free_port()
    assert 1024 <= port <= 65535
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))


def test_database_url_names_role_host_port_and_database():
    assert pg_cluster.database_url(54321) == "postgresql://tinhso@127.0.0.1:54321/tinhso"


def test_newest_version_directory_sorts_first():
    dirs = [Path(f"/usr/lib/postgresql/{v}/bin") for v in ("9.6", "15", "17", "x")]
    ordered = sorted(dirs, key=pg_cluster._version_key, reverse=True)
    assert [d.parent.name for d in ordered] == ["17", "15", "9.6", "x"]


def test_missing_binaries_give_an_install_hint(monkeypatch, tmp_path):
    monkeypatch.setenv("TINHSO_PG_BINDIR", str(tmp_path))
    hint = re.escape("scripts/ensure-system-packages.sh initdb=postgresql")
    with pytest.raises(pg_cluster.ClusterError, match=hint):
        pg_cluster.find_bindir()


@needs_postgres
def test_finds_server_programs_of_a_supported_version():
    bindir, (major, _minor) = pg_cluster.find_bindir()
    assert major >= pg_cluster.MIN_VERSION
    for program in ("initdb", "pg_ctl", "postgres"):
        assert (bindir / program).exists()


@needs_postgres
def test_too_old_a_minimum_is_refused():
    with pytest.raises(pg_cluster.ClusterError, match="too old"):
        pg_cluster.find_bindir(minimum=999)


@needs_postgres
@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="this run is itself inside a pg_cluster.py cluster"
)
def test_cluster_serves_the_database_and_is_removed_afterwards():
    psycopg = pytest.importorskip("psycopg")
    with pg_cluster.Cluster() as cluster:
        directory = cluster.directory
        assert directory is not None and directory.is_dir()
        with psycopg.connect(cluster.url, connect_timeout=10) as conn:
            row = conn.execute("select current_user, current_database(), current_setting('fsync')")
            assert row.fetchone() == ("tinhso", "tinhso", "off")
    assert not directory.exists()
    assert cluster.directory is None
    assert shutil.which("true")  # the process is intact after the signal mask was restored


def test_extra_server_settings_are_parsed_and_junk_is_refused() -> None:
    assert pg_cluster.extra_settings("shared_buffers=4GB, work_mem=16MB") == {
        "shared_buffers": "4GB",
        "work_mem": "16MB",
    }
    assert pg_cluster.extra_settings("") == {}
    for junk in ("shared_buffers", "x=1;DROP", "Bad=1", "a='b'"):
        with pytest.raises(pg_cluster.ClusterError):
            pg_cluster.extra_settings(junk)
