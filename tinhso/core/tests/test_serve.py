"""`make run` end to end: `tinhso serve --with-demo` on a fresh data directory serves the portal
and the OpenAPI document, and running it again duplicates nothing."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "") != "", reason="make run uses SQLite; run once"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def test_serve_with_demo_on_a_fresh_data_dir(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"TINHSO_TESTING", "DATABASE_URL"}}
    env.update(TINHSO_DATA_DIR=str(tmp_path), TINHSO_DEBUG="true", PYTHONUNBUFFERED="1")
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "tinhso.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--with-demo",
    ]
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    server = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 180
        status = 0
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, home = fetch(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                time.sleep(0.5)
        log.seek(0)
        output = log.read()
        assert status == 200, output
        assert "Tỉnh số" in home.decode()
        status, document = fetch(f"http://127.0.0.1:{port}/api/v1/openapi.json")
        assert status == 200
        assert json.loads(document)["openapi"].startswith("3.1")
        assert "Tài khoản mẫu (mật khẩu chung: DongThap@2026)" in output
        assert "quantri.tinh" in output
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        log.close()

    again = subprocess.run(
        [*command, "--no-serve"], env=env, capture_output=True, text=True, timeout=180, check=True
    )
    assert "Tỉnh mẫu: thêm 0 cơ quan, 0 tài khoản, 0 vai trò." in again.stdout
    assert "Thủ tục mẫu: thêm 0 thủ tục." in again.stdout
    database = sqlite3.connect(tmp_path / "tinhso.sqlite3")
    try:
        agencies = database.execute("SELECT COUNT(*) FROM organizations_agency").fetchone()[0]
        roles = database.execute(
            "SELECT COUNT(DISTINCT role) FROM identity_roleassignment"
        ).fetchone()[0]
    finally:
        database.close()
    assert agencies == 31
    assert roles == 7
    verify = subprocess.run(
        [sys.executable, "-m", "tinhso.cli", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
