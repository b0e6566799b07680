#!/usr/bin/env python3
"""A throwaway PostgreSQL cluster for the test suite, from the system's PostgreSQL binaries.

    python scripts/pg_cluster.py run -- .venv/bin/pytest tinhso/organizations -k succession
    python scripts/pg_cluster.py shell      # a shell with DATABASE_URL set; exit to stop
    python scripts/pg_cluster.py serve      # print DATABASE_URL, keep running until Ctrl-C
    python scripts/pg_cluster.py info       # which binaries would be used

The cluster lives in a new temporary directory (data, unix socket, server log), listens on
127.0.0.1 only, on a free port, trusts local connections and runs with durability switched off
(fsync, synchronous_commit, full_page_writes): it is for tests, never for data. The role and
database are both ``tinhso``; the command gets
``DATABASE_URL=postgresql://tinhso@127.0.0.1:PORT/tinhso`` (and PGHOST, PGPORT, PGUSER,
PGDATABASE for psql). When the command ends, or on Ctrl-C, SIGTERM, SIGHUP or an error, the
server is stopped (``pg_ctl stop -m immediate``) and the directory removed.

PostgreSQL refuses to run as root: as root, the server programs run as the ``postgres`` system
user (Debian's package creates it; TINHSO_PG_USER names another) and the directory is given to it.

TINHSO_PG_SETTINGS overrides server settings (``shared_buffers=4GB work_mem=16MB``).

Binaries: TINHSO_PG_BINDIR if set, else the newest /usr/lib/postgresql/*/bin (Debian keeps
them off PATH), else ``pg_config --bindir``, else the directory of ``initdb`` on PATH.
Version 15 or later is required. Dependency-free: standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType

MIN_VERSION = 15
USER = "tinhso"
DATABASE = "tinhso"
HOST = "127.0.0.1"
START_ATTEMPTS = 5
START_TIMEOUT = 60  # seconds pg_ctl waits for the server to accept connections

# Test-friendly server settings. Durability is off: a crash loses the cluster, which is fine.
SERVER_SETTINGS = {
    "listen_addresses": f"'{HOST}'",
    "max_connections": "100",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "1GB",
    "checkpoint_timeout": "30min",
    "jit": "off",
    "log_min_messages": "warning",
    "timezone": "'UTC'",
}

INSTALL_HINT = (
    "Cài PostgreSQL / install PostgreSQL: scripts/ensure-system-packages.sh initdb=postgresql "
    "(hoặc / or: sudo apt-get install -y postgresql)"
)


class ClusterError(RuntimeError):
    """Something went wrong while preparing, starting or stopping the cluster."""


def extra_settings(text: str) -> dict[str, str]:
    """``TINHSO_PG_SETTINGS="shared_buffers=4GB work_mem=16MB"``: server settings over the
    defaults (the benchmark gives PostgreSQL the memory a production server would have)."""
    result = {}
    for item in text.replace(",", " ").split():
        name, sep, value = item.partition("=")
        if not sep or not re.fullmatch(r"[a-z_]+", name) or not re.fullmatch(r"[\w.]+", value):
            raise ClusterError(f"TINHSO_PG_SETTINGS: cần tên=giá trị, không hiểu {item!r}")
        result[name] = value
    return result


class _SignalError(Exception):
    """SIGTERM or SIGHUP arrived: unwind so that the cluster is cleaned up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def log(message: str) -> None:
    print(f"pg_cluster: {message}", file=sys.stderr, flush=True)


# --- discovery ------------------------------------------------------------------------------


def _version_key(path: Path) -> tuple[int, ...]:
    """/usr/lib/postgresql/15/bin -> (15,); non-numeric directories sort first."""
    try:
        return tuple(int(part) for part in path.parent.name.split("."))
    except ValueError:
        return (-1,)


def candidate_bindirs() -> list[Path]:
    """Directories that may hold initdb and pg_ctl, best first (duplicates removed)."""
    found: list[Path] = []
    override = os.environ.get("TINHSO_PG_BINDIR", "").strip()
    if override:
        return [Path(override)]
    found.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
            if out:
                found.append(Path(out))
    initdb = shutil.which("initdb")
    if initdb:
        found.append(Path(initdb).resolve().parent)
    unique: list[Path] = []
    for path in found:
        if path not in unique:
            unique.append(path)
    return unique


def server_version(bindir: Path) -> tuple[int, int]:
    """(major, minor) of the server programs in ``bindir``, from ``pg_ctl --version``."""
    try:
        out = subprocess.run(
            [str(bindir / "pg_ctl"), "--version"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise ClusterError(f"{bindir / 'pg_ctl'} --version thất bại / failed: {exc}") from None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?", out)
    if not match:
        raise ClusterError(f"không đọc được phiên bản / cannot parse the version: {out.strip()!r}")
    return int(match.group(1)), int(match.group(2) or 0)


def find_bindir(minimum: int = MIN_VERSION) -> tuple[Path, tuple[int, int]]:
    """The directory of the newest usable server programs and their version."""
    too_old: list[str] = []
    for bindir in candidate_bindirs():
        if not all(os.access(bindir / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres")):
            continue
        version = server_version(bindir)
        if version[0] >= minimum:
            return bindir, version
        too_old.append(f"{bindir} ({version[0]}.{version[1]})")
    if too_old:
        raise ClusterError(
            f"PostgreSQL quá cũ / too old: {', '.join(too_old)}; cần / need {minimum}+. "
            + INSTALL_HINT
        )
    raise ClusterError(
        "Không tìm thấy initdb, pg_ctl, postgres / PostgreSQL server programs not found "
        "(looked in TINHSO_PG_BINDIR, /usr/lib/postgresql/*/bin, pg_config --bindir, PATH). "
        + INSTALL_HINT
    )


def free_port(host: str = HOST) -> int:
    """A TCP port that was free a moment ago (the kernel's pick for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def database_url(port: int, host: str = HOST) -> str:
    return f"postgresql://{USER}@{host}:{port}/{DATABASE}"


# --- the cluster ----------------------------------------------------------------------------


class Cluster:
    """A temporary cluster: ``with Cluster() as c: ... c.url ...``."""

    def __init__(self, bindir: Path | None = None, base_dir: str | None = None) -> None:
        if bindir is None:
            self.bindir, self.version = find_bindir()
        else:
            self.bindir, self.version = bindir, server_version(bindir)
        self.base_dir = base_dir
        self.run_as: str | None = None
        if os.geteuid() == 0:
            self.run_as = os.environ.get("TINHSO_PG_USER", "").strip() or "postgres"
            try:
                pwd.getpwnam(self.run_as)
            except KeyError:
                raise ClusterError(
                    f"Đang chạy bằng root nhưng không có người dùng {self.run_as!r} / running as "
                    f"root and there is no {self.run_as!r} user: PostgreSQL refuses to run as "
                    "root. Cài gói postgresql (tạo người dùng postgres) hoặc đặt TINHSO_PG_USER "
                    "/ install Debian's postgresql package or set TINHSO_PG_USER."
                ) from None
        self.directory: Path | None = None
        self.port: int | None = None
        self._running = False

    # paths
    @property
    def data_dir(self) -> Path:
        assert self.directory is not None
        return self.directory / "data"

    @property
    def log_file(self) -> Path:
        assert self.directory is not None
        return self.directory / "server.log"

    @property
    def url(self) -> str:
        assert self.port is not None
        return database_url(self.port)

    def environ(self) -> dict[str, str]:
        """Variables for a client of this cluster."""
        assert self.port is not None
        return {
            "DATABASE_URL": self.url,
            "PGHOST": HOST,
            "PGPORT": str(self.port),
            "PGUSER": USER,
            "PGDATABASE": DATABASE,
        }

    # helpers
    def _server_cmd(self, program: str, *args: str) -> list[str]:
        cmd = [str(self.bindir / program), *args]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        return cmd

    def _run(
        self, cmd: list[str], *, timeout: float, new_session: bool = False
    ) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_MESSAGES"] = "C"
        try:
            return subprocess.run(
                cmd,
                cwd=self.directory,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                start_new_session=new_session,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ClusterError(f"quá thời gian / timed out after {timeout:.0f}s: {cmd}") from None
        except OSError as exc:
            raise ClusterError(f"không chạy được / cannot run {cmd[0]}: {exc}") from None

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(không có nhật ký máy chủ / no server log)"
        tail = text.splitlines()[-lines:]
        return "\n".join(tail) if tail else "(nhật ký rỗng / empty server log)"

    # life cycle
    def start(self) -> None:
        base = self.base_dir or os.environ.get("TINHSO_PG_TMPDIR") or None
        if base is None and self.run_as:
            base = "/tmp"  # the postgres user must reach it; root's TMPDIR may not be reachable
        self.directory = Path(tempfile.mkdtemp(prefix="tinhso-pg-", dir=base))
        try:
            if self.run_as:
                shutil.chown(self.directory, user=self.run_as)
            self._initdb()
            self._configure()
            self._start_server()
            self._create_database()
        except BaseException:
            self.stop()
            raise

    def _initdb(self) -> None:
        common = ["-D", str(self.data_dir), "--auth=trust", "-U", USER, "-E", "UTF8", "--no-sync"]
        result = self._run(self._server_cmd("initdb", *common, "--locale=C.UTF-8"), timeout=180)
        if result.returncode != 0:
            # No C.UTF-8 locale on this system: fall back to the built-in C locale.
            self._remove_data_dir()
            result = self._run(self._server_cmd("initdb", *common, "--no-locale"), timeout=180)
        if result.returncode != 0:
            raise ClusterError(
                f"initdb thất bại / failed (exit {result.returncode}):\n"
                + (result.stdout + result.stderr).strip()[-3000:]
            )

    def _remove_data_dir(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def _configure(self) -> None:
        assert self.directory is not None
        settings = {**SERVER_SETTINGS, **extra_settings(os.environ.get("TINHSO_PG_SETTINGS", ""))}
        lines = [f"{name} = {value}" for name, value in settings.items()]
        lines.append(f"unix_socket_directories = '{self.directory}'")
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# tinhso scripts/pg_cluster.py: throwaway test cluster\n")
            conf.write("\n".join(lines) + "\n")

    def _start_server(self) -> None:
        last_error = ""
        for _attempt in range(START_ATTEMPTS):
            port = free_port()
            result = self._run(
                self._server_cmd(
                    "pg_ctl",
                    "start",
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-w",
                    "-t",
                    str(START_TIMEOUT),
                    "-o",
                    f"-p {port}",
                ),
                timeout=START_TIMEOUT + 30,
                # Own session: a Ctrl-C in the terminal must not reach the server; we stop it.
                new_session=True,
            )
            if result.returncode == 0:
                self.port = port
                self._running = True
                self._wait_ready()
                return
            last_error = (result.stdout + result.stderr).strip()
            tail = self.log_tail(10)
            if any(m in tail for m in ("already in use", "could not bind", "could not create any")):
                log(f"cổng / port {port} đã bị chiếm / already taken, thử cổng khác / retrying")
                self._stop_server()  # in case a half-started server is left
                continue
            break
        raise ClusterError(
            f"pg_ctl start thất bại / failed: {last_error}\n"
            f"--- {self.log_file} (cuối / tail) ---\n{self.log_tail()}"
        )

    def _wait_ready(self, timeout: float = 30) -> None:
        assert self.port is not None
        deadline = time.monotonic() + timeout
        pg_isready = self.bindir / "pg_isready"
        while True:
            if pg_isready.exists():
                cmd = [str(pg_isready), "-q", "-h", HOST, "-p", str(self.port), "-U", USER]
                ready = self._run(cmd, timeout=10).returncode == 0
            else:
                try:
                    with socket.create_connection((HOST, self.port), timeout=1):
                        ready = True
                except OSError:
                    ready = False
            if ready:
                return
            if time.monotonic() > deadline:
                raise ClusterError(
                    f"máy chủ không sẵn sàng sau / server not ready after {timeout:.0f}s\n"
                    f"--- {self.log_file} (cuối / tail) ---\n{self.log_tail()}"
                )
            time.sleep(0.1)

    def _create_database(self) -> None:
        assert self.port is not None
        createdb = str(self.bindir / "createdb")
        cmd = [createdb, "-h", HOST, "-p", str(self.port), "-U", USER, DATABASE]
        result = self._run(cmd, timeout=60)
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip()
            raise ClusterError(
                f"createdb {DATABASE} thất bại / failed: {output}\n"
                f"--- {self.log_file} (cuối / tail) ---\n{self.log_tail()}"
            )

    def _stop_server(self) -> None:
        if self.directory is None or not (self.data_dir / "postmaster.pid").exists():
            return
        result = self._run(
            self._server_cmd("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w"),
            timeout=60,
        )
        if result.returncode != 0 and (self.data_dir / "postmaster.pid").exists():
            # pg_ctl could not stop it: kill the postmaster named in its pid file.
            with contextlib.suppress(OSError, ValueError, IndexError):
                pid = int((self.data_dir / "postmaster.pid").read_text().splitlines()[0])
                os.kill(pid, signal.SIGKILL)
                log(f"pg_ctl stop thất bại / failed, đã dừng cưỡng bức / killed pid {pid}")

    def stop(self) -> None:
        """Stop the server (if started) and remove the directory; safe to call twice.

        Ctrl-C, SIGTERM and SIGHUP are held back meanwhile (delivered afterwards), so that a
        second signal cannot interrupt the clean-up half-way."""
        held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
        signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            self._stop_server()
        except ClusterError as exc:
            log(f"cảnh báo / warning: {exc}")
        finally:
            self._running = False
            if self.directory is not None:
                shutil.rmtree(self.directory, ignore_errors=True)
                if self.directory.exists():
                    log(f"cảnh báo / warning: không xoá được / could not remove {self.directory}")
                self.directory = None
            signal.pthread_sigmask(signal.SIG_UNBLOCK, held)

    def __enter__(self) -> Cluster:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# --- signals and commands -------------------------------------------------------------------


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception, so that ``finally`` blocks clean up."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _SignalError(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _wait_child(proc: subprocess.Popen[bytes]) -> int:
    """Wait for ``proc``, passing SIGTERM/SIGHUP on to it; Ctrl-C reaches it via the terminal."""
    interrupted = False
    while True:
        try:
            code = proc.wait()
            break
        except KeyboardInterrupt:
            # The terminal sent SIGINT to the whole foreground group, the child included.
            interrupted = True
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGINT)
        except _SignalError as term:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(term.signum)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            raise
    if interrupted and code == 0:
        return 130
    # A child killed by a signal: report it the way a shell would.
    return 128 - code if code < 0 else code


def run_command(command: Sequence[str]) -> int:
    """Start a cluster, run ``command`` with its variables, clean up; the command's exit code."""
    if not command:
        raise ClusterError("thiếu lệnh / no command given: pg_cluster.py run -- COMMAND ...")
    with _signals_raise():
        try:
            started = time.monotonic()
            with Cluster() as cluster:
                log(
                    f"PostgreSQL {cluster.version[0]}.{cluster.version[1]} sẵn sàng / ready "
                    f"({time.monotonic() - started:.1f}s): DATABASE_URL={cluster.url}"
                )
                env = {**os.environ, **cluster.environ()}
                try:
                    proc = subprocess.Popen(list(command), env=env)
                except OSError as exc:
                    message = f"không chạy được / cannot run {command[0]}: {exc}"
                    raise ClusterError(message) from None
                return _wait_child(proc)
        except _SignalError as term:
            log(f"nhận tín hiệu / got signal {term.signum}; đã dọn cụm / cluster removed")
            return 128 + term.signum
        except KeyboardInterrupt:
            return 130


def serve() -> int:
    """Keep a cluster running in the foreground until Ctrl-C (or SIGTERM)."""
    with _signals_raise():
        try:
            with Cluster() as cluster:
                print(f"export DATABASE_URL={cluster.url}", flush=True)
                log(
                    f"PostgreSQL {cluster.version[0]}.{cluster.version[1]} đang chạy / running "
                    f"(thư mục / directory {cluster.directory}). Ctrl-C để dừng / to stop."
                )
                while True:
                    time.sleep(3600)
        except (KeyboardInterrupt, _SignalError):
            log("đã dừng và xoá cụm / cluster stopped and removed")
            return 0


def info() -> int:
    bindir, version = find_bindir()
    print(f"bindir={bindir}")
    print(f"version={version[0]}.{version[1]}")
    if os.geteuid() == 0:
        run_as = os.environ.get("TINHSO_PG_USER", "").strip() or "postgres"
    else:
        run_as = pwd.getpwuid(os.geteuid()).pw_name
    print(f"run_as={run_as}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pg_cluster.py",
        description="Throwaway PostgreSQL cluster for tinhso's tests.",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    run_parser = sub.add_parser("run", help="run COMMAND with DATABASE_URL set, then clean up")
    run_parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    sub.add_parser("shell", help="an interactive $SHELL with DATABASE_URL set")
    sub.add_parser("serve", help="print DATABASE_URL and keep the cluster until Ctrl-C")
    sub.add_parser("info", help="show which PostgreSQL binaries would be used")
    args = parser.parse_args(argv)
    try:
        if args.action == "run":
            command = list(args.command)
            if command[:1] == ["--"]:
                command = command[1:]
            return run_command(command)
        if args.action == "shell":
            return run_command([os.environ.get("SHELL") or "/bin/bash"])
        if args.action == "serve":
            return serve()
        return info()
    except ClusterError as exc:
        log(f"lỗi / error: {exc}")
        return 3


if __name__ == "__main__":
    sys.exit(main())
