"""The delivery worker. Any number of workers may run (threads, processes, machines): each
message is claimed with a compare-and-set on its state, so only one worker sends it at a time,
on SQLite and PostgreSQL alike, without row locks. A worker killed mid-delivery leaves the
message in ``sending``; once its lease has expired another worker takes it over.

Exactly-once analysis: docs/outbox.md ("Delivery guarantees")."""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connections
from django.db.models import F, QuerySet
from django.utils import timezone

from tinhso.lib.env import env_int, env_str
from tinhso.outbox.models import OutboxMessage, State
from tinhso.outbox.transports import (
    DeliveryError,
    LeaseLost,
    Transport,
    pause_for_tests,
    transport_for,
)

logger = logging.getLogger("tinhso.outbox")

BASE_DELAY_SECONDS = 60
MAX_DELAY_SECONDS = 6 * 3600
UNCERTAIN_POLICIES = {"resend", "hold"}


def lease_seconds() -> int:
    return env_int("TINHSO_OUTBOX_LEASE_SECONDS", 300, minimum=30, maximum=24 * 3600)


def max_attempts() -> int:
    return env_int("TINHSO_OUTBOX_MAX_ATTEMPTS", 10, minimum=1, maximum=100)


def uncertain_policy() -> str:
    value = env_str("TINHSO_OUTBOX_UNCERTAIN", "resend").lower()
    if value not in UNCERTAIN_POLICIES:
        raise ImproperlyConfigured(f"TINHSO_OUTBOX_UNCERTAIN={value!r} không hợp lệ: resend, hold.")
    return value


def retry_delay(attempts: int, rng: random.Random | None = None) -> dt.timedelta:
    """1 min × 2^(attempts−1), ±20 % jitter (workers that failed together do not retry
    together), at most 6 h."""
    base = min(BASE_DELAY_SECONDS * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS)
    jitter = (rng or random).uniform(0.8, 1.2)
    return dt.timedelta(seconds=min(base * jitter, MAX_DELAY_SECONDS))


def default_worker_id(suffix: str = "") -> str:
    return f"{socket.gethostname()}:{os.getpid()}{':' + suffix if suffix else ''}"[:200]


@dataclass
class Report:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    lost: int = 0  # claimed by another worker first, or lease lost during delivery

    def __str__(self) -> str:
        return (
            f"đã nhận {self.claimed}: gửi được {self.sent}, hẹn gửi lại {self.retried}, "
            f"hỏng {self.dead}"
        )


def deliver_due(
    worker_id: str,
    *,
    limit: int = 50,
    now: dt.datetime | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Report:
    """Deliver up to ``limit`` messages that are due (and take over those whose worker died).
    ``now`` fixes the clock (tests); otherwise each step reads the real time, so that a long
    batch does not stamp claims with a stale time that would shorten their lease."""
    clock: Callable[[], dt.datetime] = (lambda: now) if now is not None else timezone.now
    start = clock()
    stale = start - dt.timedelta(seconds=lease_seconds())
    abandoned = list(
        OutboxMessage.objects.filter(state=State.SENDING, claimed_at__lte=stale)
        .order_by("claimed_at", "pk")
        .values_list("pk", "state", "claimed_at")[:limit]
    )
    due = list(
        OutboxMessage.objects.filter(state=State.PENDING, next_attempt_at__lte=start)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "state", "claimed_at")[: max(limit - len(abandoned), 0)]
    )
    report = Report()
    for pk, state, claimed_at in abandoned + due:
        if should_stop is not None and should_stop():
            break
        message = _claim(pk, state, claimed_at, worker_id, clock)
        if message is None:
            report.lost += 1
            continue
        report.claimed += 1
        outcome = _deliver(message, clock)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _claim(
    pk: int,
    state: str,
    claimed_at: dt.datetime | None,
    worker_id: str,
    clock: Callable[[], dt.datetime],
) -> OutboxMessage | None:
    """Compare-and-set: proceed only if this worker changed the row."""
    now = clock()
    candidate = OutboxMessage.objects.filter(pk=pk, state=state)
    if state == State.PENDING:
        candidate = candidate.filter(next_attempt_at__lte=now)
    else:
        candidate = candidate.filter(claimed_at=claimed_at)
    changed = candidate.update(
        state=State.SENDING, claimed_by=worker_id, claimed_at=now, attempts=F("attempts") + 1
    )
    if changed != 1:
        return None
    message = OutboxMessage.objects.get(pk=pk)
    if state == State.SENDING:
        logger.warning("Outbox #%s: taking over (claimed at %s, lease expired)", pk, claimed_at)
    return message


def _fenced(message: OutboxMessage) -> QuerySet[OutboxMessage]:
    """The message, provided this worker still holds it."""
    return OutboxMessage.objects.filter(
        pk=message.pk,
        state=State.SENDING,
        claimed_by=message.claimed_by,
        claimed_at=message.claimed_at,
    )


def _deliver(message: OutboxMessage, clock: Callable[[], dt.datetime]) -> str:
    handed_over = False

    def checkpoint() -> bool:
        nonlocal handed_over
        handed_over = _fenced(message).update(handed_over_at=clock()) == 1
        return handed_over

    transport: Transport | None = None
    try:
        transport = transport_for(message.channel)
        if message.handed_over_at is not None and not transport.receiver_is_idempotent:
            # An earlier attempt stopped after handing the message over: it may have arrived.
            if uncertain_policy() == "hold":
                return _finish_dead(
                    message,
                    clock,
                    "Không chắc thư đã tới người nhận (lần gửi trước bị ngắt sau khi đã giao "
                    f"lúc {message.handed_over_at:%Y-%m-%d %H:%M:%S} UTC); kiểm tra rồi "
                    f"`tinhso outbox retry {message.pk}` nếu cần gửi lại.",
                )
            logger.warning(
                "Outbox #%s may already have been delivered (handed over at %s); resending "
                "with the same idempotency key / Message-ID %s",
                message.pk,
                message.handed_over_at,
                message.message_id,
            )
        transport.deliver(message, checkpoint)
    except LeaseLost:
        logger.warning("Outbox #%s: lease lost before sending; another worker has it", message.pk)
        return "lost"
    except (DeliveryError, ImproperlyConfigured) as exc:
        permanent = isinstance(exc, DeliveryError) and exc.permanent
        uncertain = handed_over and isinstance(exc, DeliveryError) and exc.uncertain
        return _finish_failed(message, clock, str(exc), permanent, uncertain, transport)
    except Exception as exc:  # a bug or an unexpected library error: keep the worker alive
        logger.exception("Outbox #%s: unexpected error in the transport", message.pk)
        return _finish_failed(
            message, clock, f"lỗi không lường trước: {exc!r}", False, handed_over, transport
        )
    changed = _fenced(message).update(state=State.SENT, sent_at=clock(), last_error="")
    if changed != 1:
        logger.error(
            "Outbox #%s was delivered but another worker took it over meanwhile (lease of %ss "
            "too short for the transport's timeout?): it may be sent twice",
            message.pk,
            lease_seconds(),
        )
        return "lost"
    pause_for_tests("after_send")
    return "sent"


def _error_text(message: OutboxMessage, now: dt.datetime, detail: str) -> str:
    return f"{now:%Y-%m-%d %H:%M:%S} UTC, lần {message.attempts}: {detail}"[:2000]


def _finish_dead(message: OutboxMessage, clock: Callable[[], dt.datetime], detail: str) -> str:
    now = clock()
    _fenced(message).update(state=State.DEAD, last_error=_error_text(message, now, detail))
    logger.error("Outbox #%s is dead: %s", message.pk, detail)
    return "dead"


def _finish_failed(
    message: OutboxMessage,
    clock: Callable[[], dt.datetime],
    detail: str,
    permanent: bool,
    uncertain: bool,
    transport: Transport | None,
) -> str:
    idempotent = transport is not None and transport.receiver_is_idempotent
    if uncertain and not idempotent and uncertain_policy() == "hold":
        return _finish_dead(message, clock, f"Không chắc thư đã tới người nhận: {detail}")
    if permanent or message.attempts >= max_attempts():
        return _finish_dead(message, clock, detail)
    now = clock()
    next_attempt_at = now + retry_delay(message.attempts)
    changes: dict[str, object] = {
        "state": State.PENDING,
        "next_attempt_at": next_attempt_at,
        "last_error": _error_text(message, now, detail),
    }
    if not uncertain:
        # Certainly not delivered; an uncertain failure keeps the hand-over time so that the
        # next attempt knows the message may have arrived.
        changes["handed_over_at"] = None
    _fenced(message).update(**changes)
    logger.warning(
        "Outbox #%s attempt %s failed (%s); next attempt at %s",
        message.pk,
        message.attempts,
        detail,
        next_attempt_at,
    )
    return "retried"


def drain(worker_id: str, *, should_stop: Callable[[], bool] | None = None) -> Report:
    """Deliver everything due now (repeated batches until a batch claims nothing)."""
    total = Report()
    while True:
        report = deliver_due(worker_id, should_stop=should_stop)
        for field in ("claimed", "sent", "retried", "dead", "lost"):
            setattr(total, field, getattr(total, field) + getattr(report, field))
        if report.claimed == 0 or (should_stop is not None and should_stop()):
            return total


def run_forever(
    worker_id: str,
    *,
    every: float,
    should_stop: Callable[[], bool],
    on_report: Callable[[Report], None] | None = None,
) -> None:
    """The long-running loop of ``tinhso outbox work`` and of the embedded worker: a failing
    round is logged and the next one starts ``every`` seconds later. ``should_stop`` is polled
    (a plain flag is safe to set from a signal handler, unlike a lock-based event)."""
    while not should_stop():
        try:
            report = drain(worker_id, should_stop=should_stop)
            if on_report is not None and report.claimed:
                on_report(report)
        except Exception:  # the database is away, a bug: log and try again next round
            logger.exception("Outbox worker %s: round failed", worker_id)
        finally:
            close_old_connections()
        deadline = time.monotonic() + every
        while not should_stop() and (remaining := deadline - time.monotonic()) > 0:
            time.sleep(min(remaining, 0.2))
    connections.close_all()  # this thread's connections; a stopped worker holds none


_embedded_lock = threading.Lock()
_embedded: tuple[threading.Thread, threading.Event] | None = None


def start_embedded_worker(every: float = 5.0) -> threading.Thread:
    """Run the worker in a daemon thread of this process (``tinhso serve`` / ``make run``).
    Calling it again returns the running thread."""
    global _embedded
    with _embedded_lock:
        if _embedded is not None and _embedded[0].is_alive():
            return _embedded[0]
        stop = threading.Event()
        thread = threading.Thread(
            target=run_forever,
            args=(default_worker_id("embedded"),),
            kwargs={"every": every, "should_stop": stop.is_set},
            name="tinhso-outbox-worker",
            daemon=True,
        )
        thread.start()
        _embedded = (thread, stop)
        return thread


def stop_embedded_worker(timeout: float = 30.0) -> None:
    global _embedded
    with _embedded_lock:
        if _embedded is None:
            return
        thread, stop = _embedded
        stop.set()
        thread.join(timeout)
        _embedded = None
