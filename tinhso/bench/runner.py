"""``tinhso bench run``: start the production server (gunicorn, DEBUG off) on loopback, measure
each endpoint at saturation (wrk, 16 connections) and at a fixed offered load (open loop), and
report everything as one JSON document, with the ceilings of the stack and the verdicts."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max, Min
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tinhso.bench import province as bench_province
from tinhso.bench.load import (
    Request,
    fixed_rate,
    run_wrk,
    serial,
    wrk_script,
)
from tinhso.bench.seed import add_submitted, has_bench_data
from tinhso.catalog.models import Procedure, ProcedureVersion
from tinhso.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStep,
    Extension,
    Status,
)
from tinhso.identity.models import ApiToken, Role, RoleAssignment, User
from tinhso.identity.tokens import create_token, revoke_token
from tinhso.lib.errors import Conflict
from tinhso.organizations.models import Agency

HOST = "127.0.0.1"
IDEMPOTENCY = "Idempotency-Key"
STATISTICS_YEAR = 2025
READS = ("lookup", "detail", "worklist")
WRITES = ("submission", "reception")
TARGETS = {
    "read_p95_ms": 50.0,
    "write_p95_ms": 150.0,
    "statistics_ms": 300.0,
    "read_share_of_one_row": 0.5,
}
Log = Callable[[str], None]


@dataclass
class RunOptions:
    workers: int = 4
    threads: int = 1
    connections: int = 16
    duration: float = 10.0
    warmup: float = 2.0
    rate: float = 100.0
    rate_duration: float = 15.0
    serial: int = 20
    client_cpu: str = "1"
    only: set[str] = field(default_factory=set)
    port: int = 0


@dataclass
class Endpoint:
    name: str
    kind: str  # "ceiling", "read" or "write"
    requests: list[Request]
    describe: str
    unique_header: str = ""
    consumes: bool = False  # every request uses up one item (reception)


# --- preparation (in-process, on the database) -------------------------------------------------


def _token(user: User) -> str:
    _, secret = create_token(actor=None, user=user, name="tinhso bench run")
    return secret


def _bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("Authorization", f"Bearer {token}"),)


def _sample_ids(queryset: Any, count: int, rng: random.Random) -> list[int]:
    bounds = queryset.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    picks = {rng.randint(bounds["low"], bounds["high"]) for _ in range(count * 3)}
    return list(queryset.filter(pk__in=picks).values_list("pk", flat=True)[:count])


def _user(agency: Agency, role: str) -> User:
    assignment = (
        RoleAssignment.objects.filter(agency=agency, role=role, valid_to__isnull=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if assignment is None:
        raise Conflict(f"Không có {role} ở {agency.code} trong dữ liệu đo hiệu năng.")
    return assignment.user


@dataclass
class Plan:
    endpoints: list[Endpoint]
    tokens: list[str]
    facts: dict[str, Any]
    query_probes: dict[str, Any]


def prepare(options: RunOptions, pool_size: int, log: Log) -> Plan:
    if not has_bench_data():
        raise Conflict("Chưa có dữ liệu đo hiệu năng: chạy trước `tinhso bench seed --dossiers N`.")
    rng = random.Random(7)  # noqa: S311 - sampling, not secrets
    suffix = bench_province.SUFFIX
    # The busiest department (the seed's weights make it 000.00.03): worklist and statistics.
    department = Agency.objects.get(code=f"000.00.03{suffix}")
    commune = Agency.objects.get(code=f"000.00.31{suffix}")
    officer = _user(department, Role.ONE_STOP_OFFICER)
    leader = _user(department, Role.LEADER)
    commune_officer = _user(commune, Role.ONE_STOP_OFFICER)
    citizen = (
        User.objects.filter(
            username__startswith=f"{bench_province.USER_PREFIX}citizen.", kind=User.Kind.CITIZEN
        )
        .order_by("pk")
        .first()
    )
    if citizen is None:
        raise Conflict("Dữ liệu đo hiệu năng không có công dân.")
    tokens = {
        "officer": _token(officer),
        "leader": _token(leader),
        "commune_officer": _token(commune_officer),
        "commune_leader": _token(_user(commune, Role.LEADER)),
        "citizen": _token(citizen),
    }
    bench_dossiers = Dossier.objects.filter(agency__code__endswith=suffix)
    total = Dossier.objects.count()

    # Lookup: random dossiers anywhere, with the applicant's phone as the second factor.
    lookup_ids = _sample_ids(bench_dossiers, 2000, rng)
    lookups = [
        Request("GET", f"/api/v1/lookup?code={code}&factor={phone}")
        for code, phone in Dossier.objects.filter(pk__in=lookup_ids).values_list(
            "code", "applicant_phone"
        )
    ]
    # Detail: random dossiers of the officer's department.
    detail_ids = _sample_ids(bench_dossiers.filter(agency=department), 2000, rng)
    details = [
        Request("GET", f"/api/v1/dossiers/{code}", _bearer(tokens["officer"]))
        for code in Dossier.objects.filter(pk__in=detail_ids).values_list("code", flat=True)
    ]
    # One-row ceiling: random primary keys of the same table.
    one_rows = [
        Request("GET", f"/bench/one-row/{pk}") for pk in _sample_ids(Dossier.objects, 2000, rng)
    ]
    worklist_path = f"/api/v1/dossiers?status=processing&agency={department.code}"
    statistics_path = (
        f"/api/v1/statistics/dossiers?from={STATISTICS_YEAR}-01-01&to={STATISTICS_YEAR}-12-31"
        f"&agency={department.code}"
    )
    # Submission: the most used online commune procedure, spread over the communes.
    commune_version = (
        ProcedureVersion.objects.filter(
            procedure__code__endswith=suffix,
            level="commune",
            status=ProcedureVersion.Status.PUBLISHED,
        )
        .exclude(online_mode=ProcedureVersion.OnlineMode.NONE)
        .annotate(volume=Count("dossiers"))
        .order_by("-volume")
        .select_related("procedure")
        .first()
    )
    if commune_version is None:
        raise Conflict("Dữ liệu đo hiệu năng không có thủ tục cấp xã trực tuyến.")
    communes = list(
        commune_version.implementing_agencies.order_by("code").values_list("code", flat=True)
    )
    submissions = [
        Request(
            "POST",
            "/api/v1/dossiers",
            (*_bearer(tokens["citizen"]), ("Content-Type", "application/json")),
            (
                f'{{"procedure_code": "{commune_version.procedure.code}", '
                f'"agency_code": "{code}", "form": {{"purpose": "Đo hiệu năng", "copies": 1}}}}'
            ).encode(),
        )
        for code in communes
    ]
    # Reception: a pool of submitted dossiers at one commune, each accepted once.
    log(f"Tạo {pool_size} hồ sơ chờ tiếp nhận ở {commune.code}…")
    applicants = list(
        User.objects.filter(
            username__startswith=f"{bench_province.USER_PREFIX}citizen.", kind=User.Kind.CITIZEN
        ).order_by("pk")[:500]
    )
    pool = add_submitted(
        agency=commune, version=commune_version, applicants=applicants, count=pool_size
    )
    receptions = [
        Request("POST", f"/api/v1/dossiers/{code}/accept", _bearer(tokens["commune_officer"]))
        for code in pool
    ]
    endpoints = [
        Endpoint("trivial", "ceiling", [Request("GET", "/bench/trivial")], "GET /bench/trivial"),
        Endpoint("one_row", "ceiling", one_rows, "GET /bench/one-row/{pk} (Dossier by pk)"),
        Endpoint("lookup", "read", lookups, "GET /api/v1/lookup?code=&factor= (public)"),
        Endpoint("detail", "read", details, "GET /api/v1/dossiers/{code} (officer)"),
        Endpoint(
            "worklist",
            "read",
            [Request("GET", worklist_path, _bearer(tokens["officer"]))],
            f"GET {worklist_path} (officer, page 1 of 50)",
        ),
        Endpoint(
            "statistics",
            "read",
            [Request("GET", statistics_path, _bearer(tokens["leader"]))],
            f"GET {statistics_path} (leader)",
        ),
        Endpoint(
            "submission",
            "write",
            submissions,
            f"POST /api/v1/dossiers (citizen, {commune_version.procedure.code}, "
            f"{len(communes)} communes, unique Idempotency-Key)",
            unique_header=IDEMPOTENCY,
        ),
        Endpoint(
            "reception",
            "write",
            receptions,
            f"POST /api/v1/dossiers/{{code}}/accept (officer of {commune.code}, "
            "each pooled dossier once)",
            consumes=True,
        ),
    ]
    if options.only:
        endpoints = [e for e in endpoints if e.name in options.only or e.kind == "ceiling"]
    facts = {
        "dossiers_total": total,
        "dossiers_of_department": Dossier.objects.filter(agency=department).count(),
        "processing_of_department": Dossier.objects.filter(
            agency=department, status=Status.PROCESSING
        ).count(),
        "department": department.code,
        "reception_pool": len(pool),
    }
    probes = query_probes(
        tokens, department, commune, worklist_path, statistics_path, details, lookups
    )
    return Plan(endpoints, list(tokens.values()), facts, probes)


def query_probes(
    tokens: dict[str, str],
    department: Agency,
    small: Agency,
    worklist_path: str,
    statistics_path: str,
    details: list[Request],
    lookups: list[Request],
) -> dict[str, Any]:
    """Queries per request, counted in-process (same code, same database): the list endpoints
    must issue as many for a small agency as for the busiest one, and for page 2 as for page 1."""
    client = Client(HTTP_HOST=HOST)

    def count(path: str, token: str | None) -> int:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        # A first request of its own: a token's first use records `last_used_at` (once per
        # five minutes), which is not the endpoint's work.
        client.get(path, headers=headers, secure=settings.SECURE_SSL_REDIRECT)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, headers=headers, secure=settings.SECURE_SSL_REDIRECT)
        if response.status_code != 200:
            raise Conflict(f"{path}: {response.status_code} {response.content[:300]!r}")
        return len(queries)

    officer, leader = tokens["officer"], tokens["leader"]
    small_officer = tokens["commune_officer"]
    small_leader = tokens["commune_leader"]
    small_worklist = f"/api/v1/dossiers?status=processing&agency={small.code}"
    result = {
        "lookup": count(lookups[0].path, None),
        "detail": count(details[0].path, officer),
        "worklist": count(worklist_path, officer),
        "worklist_page_2": count(worklist_path + "&page=2", officer),
        "worklist_small_agency": count(small_worklist, small_officer),
        "statistics": count(statistics_path, leader),
        # Not "all agencies": for a department's leader that query never ends at 1 M dossiers
        # (docs/performance.md, finding 1); a small agency of the same user kind instead.
        "statistics_small_agency": count(
            statistics_path.split("&agency=")[0] + f"&agency={small.code}", small_leader
        ),
    }
    result["worklist_constant"] = (
        result["worklist"] == result["worklist_page_2"] == result["worklist_small_agency"]
    )
    result["statistics_constant"] = result["statistics"] == result["statistics_small_agency"]
    return result


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def server_environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "TINHSO_DEBUG": "false",
            "TINHSO_TESTING": "false",
            "TINHSO_SECRET_KEY": secrets.token_urlsafe(50),
            "TINHSO_HTTPS": "false",
            "TINHSO_ALLOWED_HOSTS": HOST,
            "TINHSO_BENCH": "true",
            # The public lookup's throttle (20/min per address) would answer 429 to a load test
            # from one address; the bench lifts it (the throttle's own work is still done).
            "TINHSO_LOOKUP_RATE_PER_MINUTE": "100000000",
            "TINHSO_DATA_DIR": str(data_dir),
            "TINHSO_LOG_LEVEL": "WARNING",
        }
    )
    env.pop("TINHSO_SECRET_KEY_FILE", None)
    return env


def gunicorn_command(port: int, workers: int, threads: int) -> list[str]:
    executable = Path(sys.executable).parent / "gunicorn"
    gunicorn = str(executable) if executable.exists() else shutil.which("gunicorn")
    if gunicorn is None:
        raise Conflict("Không tìm thấy gunicorn trong môi trường ảo.")
    return [
        gunicorn,
        "tinhso.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]


def _get(port: int, path: str, timeout: float = 5.0) -> int:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@contextlib.contextmanager
def gunicorn(options: RunOptions, data_dir: Path, log: Log) -> Iterator[int]:
    port = options.port or free_port()
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    server_log = (data_dir / "gunicorn.log").open("w", encoding="utf-8")
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
        gunicorn_command(port, options.workers, options.threads),
        env=server_environment(data_dir),
        cwd=settings.BASE_DIR,
        stdout=server_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise Conflict(f"gunicorn dừng khi khởi động:\n{_tail(data_dir / 'gunicorn.log')}")
            try:
                if _get(port, "/api/v1/health", timeout=2) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise Conflict(
                    f"gunicorn không sẵn sàng sau 60 s:\n{_tail(data_dir / 'gunicorn.log')}"
                )
            time.sleep(0.2)
        if _get(port, "/bench/trivial") != 200:
            raise Conflict(
                "Máy chủ chưa có /bench/ (TINHSO_BENCH=true): thêm vào tinhso/settings.py "
                '`BENCH = env_bool("TINHSO_BENCH", False)` và vào tinhso/urls.py '
                '`if settings.BENCH: urlpatterns.insert(0, path("bench/", '
                'include("tinhso.bench.urls")))` (docs/performance.md).'
            )
        log(f"gunicorn sẵn sàng trên {HOST}:{port} ({options.workers}×{options.threads}).")
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        server_log.close()


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8").splitlines()[-lines:])
    except OSError:
        return ""


# --- measuring ---------------------------------------------------------------------------------


def measure(
    endpoint: Endpoint, port: int, options: RunOptions, directory: Path, log: Log
) -> dict[str, Any]:
    run_id = secrets.token_hex(4)
    requests = endpoint.requests
    used = 0

    def wrk(seconds: float, stage: str) -> dict[str, Any]:
        nonlocal used
        result = run_wrk(
            host=HOST,
            port=port,
            script_text=wrk_script(
                requests[used:] if endpoint.consumes else requests,
                unique_header=endpoint.unique_header,
                key_prefix=f"bench-{run_id}-{stage}-",
            ),
            directory=directory,
            connections=options.connections,
            seconds=seconds,
            client_cpu=options.client_cpu,
        )
        if endpoint.consumes:
            used = max(used + result.requests + options.connections, consumed(requests))
        return result.as_dict()

    log(f"{endpoint.name}: khởi động {options.warmup:g} s")
    warmup = wrk(options.warmup, "warmup")
    log(f"{endpoint.name}: bão hoà {options.connections} kết nối × {options.duration:g} s")
    saturation = wrk(options.duration, "saturation")
    log(f"{endpoint.name}: tải cố định {options.rate:g}/s × {options.rate_duration:g} s")
    rate_requests = requests[used:] if endpoint.consumes else requests
    at_rate = fixed_rate(
        HOST,
        port,
        rate_requests,
        rate=options.rate,
        seconds=options.rate_duration,
        unique_header=endpoint.unique_header,
        key_prefix=f"bench-{run_id}-rate-",
    )
    if endpoint.consumes:
        used = max(used + at_rate.sent, consumed(requests))
    serial_requests = requests[used:] if endpoint.consumes else requests
    one_by_one = serial(
        HOST,
        port,
        serial_requests,
        count=options.serial,
        unique_header=endpoint.unique_header,
        key_prefix=f"bench-{run_id}-serial-",
    )
    if endpoint.consumes and used + options.serial > len(requests):
        log(f"{endpoint.name}: hết hồ sơ trong hàng chờ; các yêu cầu sau trả 409.")
    return {
        "request": endpoint.describe,
        "warmup": {"requests": warmup["requests"], "non_2xx": warmup["non_2xx"]},
        "saturation": saturation,
        "fixed_rate": at_rate.as_dict(),
        "serial": one_by_one.as_dict(),
    }


def verdicts(endpoints: dict[str, dict[str, Any]], probes: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    one_row = endpoints.get("one_row", {}).get("saturation", {}).get("requests_per_s") or 0

    def add(target: str, value: Any, limit: Any, met: bool) -> None:
        result.append({"target": target, "value": value, "limit": limit, "met": met})

    for name in ("lookup", "detail"):
        if name in endpoints and one_row:
            share = endpoints[name]["saturation"]["requests_per_s"] / one_row
            limit = TARGETS["read_share_of_one_row"]
            add(
                f"{name} saturation / one-row ceiling",
                round(share, 3),
                f">= {limit}",
                share >= limit,
            )
    for name in READS:
        if name in endpoints:
            p95 = endpoints[name]["fixed_rate"]["p95_ms"]
            limit = TARGETS["read_p95_ms"]
            ok = p95 is not None and p95 <= limit and endpoints[name]["fixed_rate"]["non_2xx"] == 0
            add(f"{name} p95 at fixed rate (ms)", p95, f"<= {limit}", ok)
    for name in WRITES:
        if name in endpoints:
            p95 = endpoints[name]["fixed_rate"]["p95_ms"]
            limit = TARGETS["write_p95_ms"]
            ok = p95 is not None and p95 <= limit and endpoints[name]["fixed_rate"]["non_2xx"] == 0
            add(f"{name} p95 at fixed rate (ms)", p95, f"<= {limit}", ok)
    if "statistics" in endpoints:
        p95 = endpoints["statistics"]["serial"]["p95_ms"]
        limit = TARGETS["statistics_ms"]
        add(
            "statistics agency-year p95, one client (ms)",
            p95,
            f"<= {limit}",
            p95 is not None and p95 <= limit,
        )
    if probes:
        add(
            "worklist queries constant",
            probes["worklist"],
            "same for page 2 and a small agency",
            probes["worklist_constant"],
        )
        add(
            "statistics queries constant",
            probes["statistics"],
            "same for a small agency",
            probes["statistics_constant"],
        )
    return result


def prewarm(log: Log) -> dict[str, Any]:
    """Loads the tables the endpoints read, with their indexes, into PostgreSQL's shared
    buffers (``pg_prewarm``), so that a run measures a server whose working set is in memory —
    as a busy production server's is — rather than whatever the OS page cache kept since the
    seed (this VM reclaims it: a run straight after a seed read much of the 1 M province from
    disk). Skipped, and said so, where the extension cannot be created."""
    if connection.vendor != "postgresql":
        return {"done": False, "reason": "not PostgreSQL"}
    tables = [
        model._meta.db_table
        for model in (
            Dossier,
            DossierStep,
            DossierEvent,
            DossierDocument,
            Extension,
            ProcedureVersion,
            Procedure,
            Agency,
            User,
            RoleAssignment,
            ApiToken,
        )
    ]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                "SELECT COALESCE(SUM(pg_prewarm(c.oid)), 0) FROM pg_class c "
                "WHERE c.relname = ANY(%s) OR c.oid IN (SELECT i.indexrelid FROM pg_index i "
                "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(%s))",
                [tables, tables],
            )
            blocks = int(cursor.fetchone()[0])
            cursor.execute("SELECT setting::bigint FROM pg_settings WHERE name = 'shared_buffers'")
            buffers = int(cursor.fetchone()[0])
    except DatabaseError as exc:
        log(f"Không nạp trước được bảng vào bộ đệm (pg_prewarm): {exc}")
        return {"done": False, "reason": str(exc).strip()}
    megabytes = round(blocks * 8 / 1024)
    log(f"Đã nạp trước {megabytes} MB bảng và chỉ mục vào shared_buffers.")
    if blocks > buffers:
        log("Cảnh báo: bảng lớn hơn shared_buffers — đặt TINHSO_PG_SETTINGS=shared_buffers=…")
    return {"done": True, "megabytes": megabytes, "fits_in_shared_buffers": blocks <= buffers}


def _database() -> dict[str, Any]:
    info: dict[str, Any] = {"vendor": connection.vendor}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["version"] = cursor.fetchone()[0]
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            info["size"] = cursor.fetchone()[0]
            for name in ("shared_buffers", "work_mem", "fsync", "synchronous_commit"):
                cursor.execute(f"SHOW {name}")
                info[name] = cursor.fetchone()[0]
    return info


def _machine() -> dict[str, Any]:
    memory = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) // 1024 // 1024} GiB"
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory": memory,
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def consumed(requests: list[Request], settle: float = 0.5) -> int:
    """How many leading items of a reception pool are used up: one past the last pooled
    dossier that is no longer ``submitted``. wrk stops counting with requests still in flight,
    which the server finishes after wrk has gone, so its count alone let a later stage accept
    one dossier twice (a 409 in the results); the database says exactly."""
    time.sleep(settle)  # let the server finish what wrk left in flight
    codes = [request.path.split("/")[4] for request in requests]
    done = set(
        Dossier.objects.filter(code__in=codes)
        .exclude(status=Status.SUBMITTED)
        .values_list("code", flat=True)
    )
    return max((index + 1 for index, code in enumerate(codes) if code in done), default=0)


def pool_size(options: RunOptions) -> int:
    """Enough pooled submissions for reception: a generous 400/s ceiling during wrk, the fixed
    rate, the serial requests and the query probe."""
    during_wrk = 400 * (options.warmup + options.duration)
    return int(during_wrk + options.rate * options.rate_duration) + options.serial + 200


def run(options: RunOptions, log: Log) -> dict[str, Any]:
    started = dt.datetime.now(dt.UTC)
    clock = time.monotonic()
    plan = prepare(options, pool_size(options), log)
    warmed = prewarm(log)
    results: dict[str, dict[str, Any]] = {}

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # unwinds through `gunicorn()`, which stops the server

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        with tempfile.TemporaryDirectory(prefix="tinhso-bench-") as temporary:
            directory = Path(temporary)
            with gunicorn(options, directory, log) as port:
                for endpoint in plan.endpoints:
                    results[endpoint.name] = measure(endpoint, port, options, directory, log)
    finally:
        signal.signal(signal.SIGTERM, previous)
    for prefix in {token.split("_")[1] for token in plan.tokens}:
        with contextlib.suppress(Exception):
            revoke_token(actor=None, prefix=prefix)
    ceiling = {
        name: results[name]["saturation"]["requests_per_s"]
        for name in ("trivial", "one_row")
        if name in results
    }
    for name, result in results.items():
        rps = result["saturation"]["requests_per_s"]
        result["share_of_ceiling"] = {
            key: round(rps / value, 3) if value else None for key, value in ceiling.items()
        }
        result["queries_per_request"] = plan.query_probes.get(name)
    return {
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - clock, 1),
        "machine": _machine(),
        "database": {**_database(), "prewarm": warmed},
        "dataset": plan.facts,
        "server": {
            "command": "gunicorn tinhso.wsgi",
            "workers": options.workers,
            "threads": options.threads,
            "worker_class": "gthread" if options.threads > 1 else "sync",
            "debug": False,
        },
        "client": {
            "saturation": f"wrk -t1 -c{options.connections} -d{options.duration:g}s"
            + (f" (taskset -c {options.client_cpu})" if options.client_cpu else ""),
            "fixed_rate": f"open loop, {options.rate:g} req/s for {options.rate_duration:g} s",
            "serial": f"{options.serial} requests, one at a time",
        },
        "ceiling_requests_per_s": ceiling,
        "queries": plan.query_probes,
        "endpoints": results,
        "targets": verdicts(results, plan.query_probes),
    }
