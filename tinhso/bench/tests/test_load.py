"""The measuring machinery: wrk scripts and their summary, the open-loop client against a tiny
loopback server, the report's verdicts and the ceiling views."""

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import Http404
from django.test import RequestFactory

from tinhso.bench import views
from tinhso.bench.load import (
    Request,
    check_loopback,
    fixed_rate,
    parse_wrk,
    percentile,
    serial,
    summarise,
    wrk_command,
    wrk_script,
)
from tinhso.bench.runner import RunOptions, pool_size, server_environment, verdicts


def test_percentiles_are_nearest_rank() -> None:
    values = [0.001 * n for n in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(0.050)
    assert percentile(values, 95) == pytest.approx(0.095)
    assert percentile(values, 99) == pytest.approx(0.099)
    assert summarise([0.010, 0.020])["p50_ms"] == 10.0
    assert summarise([])["p95_ms"] is None


def test_only_loopback_is_a_target() -> None:
    check_loopback("127.0.0.1")
    check_loopback("::1")
    for address in ("10.0.0.1", "192.168.1.2", "8.8.8.8"):
        with pytest.raises(ValueError, match="loopback"):
            check_loopback(address)


def test_wrk_script_escapes_bodies_and_adds_fresh_keys() -> None:
    script = wrk_script(
        [Request("POST", "/api/v1/dossiers", (("Content-Type", "application/json"),),
                 '{"purpose": "Đo \\"x\\""}'.encode())],
        unique_header="Idempotency-Key",
        key_prefix="run-",
    )  # fmt: skip
    assert '"{\\034purpose\\034: \\034\\196\\144o \\092\\034x\\092\\034\\034}"' in script
    assert 'headers["Idempotency-Key"] = "run-" .. counter' in script
    assert "BENCH_JSON" in script
    assert all(ord(ch) < 128 for ch in script.split("done = function")[0])


def test_wrk_summary_is_parsed() -> None:
    output = (
        "Running 10s test @ http://127.0.0.1:1\n"
        'BENCH_JSON {"requests":1000,"duration_us":10000000,"status_errors":10,'
        '"connect_errors":0,"read_errors":1,"write_errors":0,"timeouts":2,"p50_us":1500,'
        '"p90_us":3000,"p99_us":9000,"mean_us":1800.5,"max_us":20000}\n'
    )
    result = parse_wrk(output)
    assert result.throughput == 99.0
    assert result.as_dict()["socket_errors"] == 3
    assert result.p99_ms == 9.0
    with pytest.raises(RuntimeError):
        parse_wrk("Running 10s test\n")


def test_wrk_runs_on_one_pinned_thread() -> None:
    command = wrk_command(
        url="http://127.0.0.1:8000", script=__import__("pathlib").Path("/tmp/x.lua"),
        connections=16, seconds=10, client_cpu="1",
    ) if __import__("shutil").which("wrk") else None  # fmt: skip
    if command is None:
        pytest.skip("wrk is not installed")
    assert "-t1" in command and "-c16" in command and "-d10s" in command
    assert command[:3][1:] == ["-c", "1"]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status = 409 if self.path == "/conflict" else 200
        payload = json.dumps(
            {"path": self.path, "key": self.headers.get("Idempotency-Key"), "body": len(body)}
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if self.path == "/close":
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _answer  # noqa: N815 - the name http.server calls
    do_POST = _answer  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[int]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_fixed_rate_sends_the_scheduled_count_and_measures_each(server: int) -> None:
    requests = [Request("GET", "/a"), Request("GET", "/close"), Request("GET", "/conflict")]
    result = fixed_rate("127.0.0.1", server, requests, rate=100, seconds=0.3, grace=5)
    assert result.sent == 30
    assert result.ok == 20 and result.non_2xx == 10 and result.errors == 0
    assert len(result.latencies) == 30
    report = result.as_dict()
    assert report["statuses"] == {"200": 20, "409": 10}
    assert report["p95_ms"] is not None and report["p95_ms"] < 1000


def test_serial_requests_carry_unique_keys_and_bodies(server: int) -> None:
    result = serial(
        "127.0.0.1",
        server,
        [Request("POST", "/submit", (("Content-Type", "application/json"),), b'{"a": 1}')],
        count=5,
        unique_header="Idempotency-Key",
        key_prefix="k-",
    )
    assert result.ok == 5 and result.sent == 5


def test_verdicts_compare_with_the_targets() -> None:
    def endpoint(rps: float, p95: float, serial_p95: float = 1.0) -> dict[str, Any]:
        return {
            "saturation": {"requests_per_s": rps},
            "fixed_rate": {"p95_ms": p95, "non_2xx": 0},
            "serial": {"p95_ms": serial_p95},
        }

    results = {
        "one_row": endpoint(1000, 2),
        "lookup": endpoint(600, 10),
        "detail": endpoint(300, 60),
        "worklist": endpoint(200, 20),
        "statistics": endpoint(10, 900, serial_p95=250),
        "submission": endpoint(50, 100),
        "reception": endpoint(50, 200),
    }
    probes = {
        "worklist": 5,
        "worklist_constant": True,
        "statistics": 4,
        "statistics_constant": False,
    }
    found = {v["target"]: v["met"] for v in verdicts(results, probes)}
    assert found == {
        "lookup saturation / one-row ceiling": True,
        "detail saturation / one-row ceiling": False,
        "lookup p95 at fixed rate (ms)": True,
        "detail p95 at fixed rate (ms)": False,
        "worklist p95 at fixed rate (ms)": True,
        "submission p95 at fixed rate (ms)": True,
        "reception p95 at fixed rate (ms)": False,
        "statistics agency-year p95, one client (ms)": True,
        "worklist queries constant": True,
        "statistics queries constant": False,
    }


def test_server_runs_in_production_mode(tmp_path: Any) -> None:
    env = server_environment(tmp_path)
    assert env["TINHSO_DEBUG"] == "false"
    assert len(env["TINHSO_SECRET_KEY"]) >= 50
    assert env["TINHSO_BENCH"] == "true"
    assert env["TINHSO_ALLOWED_HOSTS"] == "127.0.0.1"
    assert pool_size(RunOptions()) > 100 * 15


def test_ceiling_views(db: Any) -> None:
    request = RequestFactory().get("/bench/trivial")
    assert json.loads(views.trivial(request).content) == {"status": "ok"}
    with pytest.raises(Http404):
        views.one_row(RequestFactory().get("/bench/one-row/1"), pk=1)
