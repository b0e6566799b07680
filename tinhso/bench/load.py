"""Load generation against a server on loopback.

* Saturation: Debian's ``wrk`` (C, epoll, one thread pinned to one core) with a Lua script that
  cycles through prepared requests and prints its summary as JSON.
* Latency at a fixed offered load: wrk2 is not packaged by Debian, so an open-loop client here:
  asyncio, raw HTTP/1.1, requests *scheduled* at fixed intervals and latency measured from the
  scheduled instant (a slow server cannot slow the schedule down and hide its queueing —
  "coordinated omission").

Only loopback addresses are accepted; every stage is bounded in time and count.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


def check_loopback(host: str) -> None:
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"benchmarks only target loopback, not {host}")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0–100) of unsorted ``values``; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def _ms(value: float) -> float | None:
    return None if math.isnan(value) else round(value * 1000, 2)


def summarise(latencies: Sequence[float]) -> dict[str, float | None]:
    """Seconds in, milliseconds out."""
    return {
        "p50_ms": _ms(percentile(latencies, 50)),
        "p95_ms": _ms(percentile(latencies, 95)),
        "p99_ms": _ms(percentile(latencies, 99)),
        "max_ms": _ms(max(latencies)) if latencies else None,
    }


# --- wrk -------------------------------------------------------------------------------------


def _lua_string(value: str) -> str:
    """A Lua 5.1 string literal: printable ASCII as is, every other byte as ``\\ddd``."""
    out = []
    for byte in value.encode("utf-8"):
        if 32 <= byte < 127 and byte not in (34, 92):
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


LUA_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"status_errors":%d,"connect_errors":%d,' ..
    '"read_errors":%d,"write_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"mean_us":%.1f,"max_us":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max))
end
"""


def wrk_script(
    requests: Sequence[Request], *, unique_header: str = "", key_prefix: str = ""
) -> str:
    """A wrk Lua script cycling through ``requests``; with ``unique_header`` every request also
    carries that header with a fresh value (idempotency keys)."""
    lines = ["local items = {"]
    for request in requests:
        headers = ", ".join(
            f"[{_lua_string(name)}] = {_lua_string(value)}" for name, value in request.headers
        )
        lines.append(
            f"  {{{_lua_string(request.method)}, {_lua_string(request.path)}, {{{headers}}}, "
            f"{_lua_string(request.body.decode('utf-8'))}}},"
        )
    lines.append("}")
    lines.append("local index = 0")
    lines.append("local counter = 0")
    body = [
        "request = function()",
        "  index = index % #items + 1",
        "  local item = items[index]",
        "  local headers = {}",
        "  for k, v in pairs(item[3]) do headers[k] = v end",
    ]
    if unique_header:
        body += [
            "  counter = counter + 1",
            f"  headers[{_lua_string(unique_header)}] = {_lua_string(key_prefix)} .. counter",
        ]
    body += [
        "  local payload = nil",
        '  if item[4] ~= "" then payload = item[4] end',
        "  return wrk.format(item[1], item[2], headers, payload)",
        "end",
    ]
    return "\n".join(lines + body) + "\n" + LUA_DONE


@dataclass
class WrkResult:
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float

    @property
    def throughput(self) -> float:
        ok = self.requests - self.non_2xx
        return ok / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests_per_s": round(self.throughput, 1),
            "requests": self.requests,
            "non_2xx": self.non_2xx,
            "socket_errors": self.socket_errors,
            "seconds": round(self.seconds, 2),
            "p50_ms": self.p50_ms,
            "p90_ms": self.p90_ms,
            "p99_ms": self.p99_ms,
            "mean_ms": self.mean_ms,
        }


def parse_wrk(output: str) -> WrkResult:
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line.removeprefix("BENCH_JSON "))
            return WrkResult(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                non_2xx=data["status_errors"],
                socket_errors=data["connect_errors"]
                + data["read_errors"]
                + data["write_errors"]
                + data["timeouts"],
                p50_ms=round(data["p50_us"] / 1000, 2),
                p90_ms=round(data["p90_us"] / 1000, 2),
                p99_ms=round(data["p99_us"] / 1000, 2),
                mean_ms=round(data["mean_us"] / 1000, 2),
            )
    raise RuntimeError(f"wrk printed no summary:\n{output[-2000:]}")


def wrk_command(
    *, url: str, script: Path, connections: int, seconds: float, client_cpu: str
) -> list[str]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError(
            "Thiếu wrk: scripts/ensure-system-packages.sh wrk=wrk (apt-get install -y wrk)."
        )
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    taskset = shutil.which("taskset")
    if client_cpu and taskset:
        command = [taskset, "-c", client_cpu, *command]
    return command


def run_wrk(
    *,
    host: str,
    port: int,
    script_text: str,
    directory: Path,
    connections: int,
    seconds: float,
    client_cpu: str,
) -> WrkResult:
    check_loopback(host)
    script = directory / f"wrk-{time.monotonic_ns()}.lua"
    script.write_text(script_text, encoding="utf-8")
    command = wrk_command(
        url=f"http://{host}:{port}",
        script=script,
        connections=connections,
        seconds=seconds,
        client_cpu=client_cpu,
    )
    completed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return parse_wrk(completed.stdout)


# --- open-loop client ------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: bytes
    keep_alive: bool


async def _read_response(reader: asyncio.StreamReader) -> Response:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    keep_alive = headers.get("connection", "").lower() != "close"
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            chunks.append(chunk[:-2])
        body = b"".join(chunks)
    else:
        body = await reader.read()
        keep_alive = False
    return Response(status, body, keep_alive)


def encode(request: Request, host: str, port: int, extra: Sequence[tuple[str, str]] = ()) -> bytes:
    lines = [f"{request.method} {request.path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in (*request.headers, *extra)]
    if request.body or request.method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(request.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + request.body


class Connections:
    """Keep-alive connections, reopened when the server closes them (gunicorn's sync workers
    close after every response)."""

    def __init__(self, host: str, port: int) -> None:
        check_loopback(host)
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def send(self, payload: bytes) -> Response:
        if self.idle:
            reader, writer = self.idle.pop()
        else:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(payload)
            await writer.drain()
            response = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError):
            writer.close()
            raise
        if response.keep_alive:
            self.idle.append((reader, writer))
        else:
            writer.close()
        return response

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle = []


@dataclass
class RateResult:
    offered_per_s: float
    seconds: float
    sent: int
    ok: int
    non_2xx: int
    errors: int
    unfinished: int
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "offered_per_s": self.offered_per_s,
            "achieved_per_s": round(self.ok / self.seconds, 1) if self.seconds else 0.0,
            "sent": self.sent,
            "ok": self.ok,
            "non_2xx": self.non_2xx,
            "errors": self.errors,
            "unfinished": self.unfinished,
            **summarise(self.latencies),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


async def _fixed_rate(
    host: str,
    port: int,
    requests: Sequence[Request],
    rate: float,
    seconds: float,
    *,
    max_in_flight: int,
    unique_header: str,
    key_prefix: str,
    grace: float,
) -> RateResult:
    pool = Connections(host, port)
    count = max(1, int(rate * seconds))
    result = RateResult(rate, seconds, 0, 0, 0, 0, 0)
    gate = asyncio.Semaphore(max_in_flight)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def one(index: int, scheduled: float) -> None:
        request = requests[index % len(requests)]
        extra = ((unique_header, f"{key_prefix}{index}"),) if unique_header else ()
        payload = encode(request, host, port, extra)
        async with gate:
            try:
                response = await pool.send(payload)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                return
        result.latencies.append(loop.time() - scheduled)
        result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
        if 200 <= response.status < 300:
            result.ok += 1
        else:
            result.non_2xx += 1

    tasks = []
    for index in range(count):
        scheduled = start + index / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(index, scheduled)))
        result.sent += 1
    _done, pending = await asyncio.wait(tasks, timeout=grace) if tasks else (set(), set())
    for task in pending:
        task.cancel()
    result.unfinished = len(pending)
    pool.close()
    return result


def fixed_rate(
    host: str,
    port: int,
    requests: Sequence[Request],
    *,
    rate: float,
    seconds: float,
    max_in_flight: int = 64,
    unique_header: str = "",
    key_prefix: str = "",
    grace: float = 10.0,
) -> RateResult:
    """Send ``rate`` requests per second for ``seconds`` whatever the server does (at most
    ``max_in_flight`` at once: beyond that, requests wait their turn and the wait counts in
    their latency); requests unanswered ``grace`` seconds after the last one is sent count as
    ``unfinished``."""
    return asyncio.run(
        _fixed_rate(
            host,
            port,
            requests,
            rate,
            seconds,
            max_in_flight=max_in_flight,
            unique_header=unique_header,
            key_prefix=key_prefix,
            grace=grace,
        )
    )


def serial(
    host: str,
    port: int,
    requests: Sequence[Request],
    *,
    count: int,
    unique_header: str = "",
    key_prefix: str = "",
) -> RateResult:
    """One client, one request at a time: the latency of an unloaded server."""

    async def go() -> RateResult:
        pool = Connections(host, port)
        result = RateResult(0.0, 0.0, 0, 0, 0, 0, 0)
        started = time.monotonic()
        for index in range(count):
            extra = ((unique_header, f"{key_prefix}{index}"),) if unique_header else ()
            payload = encode(requests[index % len(requests)], host, port, extra)
            before = time.monotonic()
            try:
                response = await pool.send(payload)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                continue
            result.latencies.append(time.monotonic() - before)
            result.sent += 1
            result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
            if 200 <= response.status < 300:
                result.ok += 1
            else:
                result.non_2xx += 1
        result.seconds = time.monotonic() - started
        pool.close()
        return result

    return asyncio.run(go())
