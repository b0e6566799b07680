"""``tinhso bench seed``: a realistic province with N dossiers, written in bulk.

The per-dossier services are far too slow for a million dossiers (each writes an audit entry under
the chain lock, issues forms, computes deadlines with database queries), so the seed writes the
rows those services would have written — dossiers, codes and their ``DossierCounter`` rows, the
hand-over log (steps), the history (events) — with deadlines from a working-day table computed
once with the calendar service. What it leaves out, and why: docs/decisions/0006-benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from tinhso.bench import province as bench_province
from tinhso.bench.province import BenchAgency, BenchVersion, Citizen, Province, Staff
from tinhso.bench.workdays import Instant, WorkingDays
from tinhso.bench.writer import TableWriter, analyze, next_id, reset_sequences
from tinhso.catalog.models import Component, FeeLine, ProcedureVersion, ProcessStep, Sector
from tinhso.catalog.models import Procedure as ProcedureModel
from tinhso.dossiers.models import (
    Channel,
    Dossier,
    DossierCounter,
    DossierEvent,
    DossierStep,
    Status,
    SupplementRequest,
    Timeliness,
)
from tinhso.identity.models import ApiToken, RoleAssignment, User
from tinhso.lib.errors import Conflict
from tinhso.organizations.models import Agency, AgencyName

DOSSIER_COLUMNS = (
    "id",
    "code",
    "procedure_version_id",
    "agency_id",
    "applicant_id",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "form_data",
    "channel",
    "return_method",
    "status",
    "version",
    "submitted_at",
    "received_at",
    "received_by_id",
    "due_at",
    "paused_at",
    "finished_at",
    "returned_at",
    "timeliness",
    "supplement_count",
    "fee_total",
    "paid_online",
    "result_note",
    "rating",
    "rating_comment",
    "idempotency_key",
    "created_at",
    "updated_at",
)
STEP_COLUMNS = (
    "id",
    "dossier_id",
    "position",
    "code",
    "name",
    "agency_id",
    "role",
    "is_inter_agency",
    "allotted_hours",
    "state",
    "started_at",
    "due_at",
    "completed_at",
    "given_by_id",
    "taken_by_id",
    "result",
    "timeliness",
)
EVENT_COLUMNS = (
    "id",
    "dossier_id",
    "action",
    "from_status",
    "to_status",
    "actor_id",
    "actor_label",
    "agency_id",
    "occurred_at",
    "note",
    "data",
)
COUNTER_COLUMNS = ("id", "agency_id", "day", "last_number")
SUPPLEMENT_COLUMNS = (
    "id",
    "dossier_id",
    "stage",
    "requested_at",
    "requested_by_id",
    "items",
    "reason",
    "restarts_clock",
    "previous_due_at",
    "completed_at",
    "new_due_at",
)
CHUNK = 20_000  # dossiers per transaction
MAX_PER_DAY = 9999
SUBMITTED = Status.SUBMITTED.value
RECEIVED = Status.RECEIVED.value
PROCESSING = Status.PROCESSING.value
PROCESSED = Status.PROCESSED.value
RETURNED = Status.RETURNED.value
INF: Instant = (10**9, 0)
FORM = '{"purpose": "Bổ sung hồ sơ cá nhân", "copies": 1}'


class BenchDataExists(Conflict):
    pass


def has_bench_data() -> bool:
    return Agency.objects.filter(code=bench_province.ROOT).exists()


@dataclass
class SeedReport:
    dossiers: int = 0
    steps: int = 0
    events: int = 0
    counters: int = 0
    agencies: int = 0
    procedures: int = 0
    staff: int = 0
    citizens: int = 0
    first_day: str = ""
    last_day: str = ""
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


Progress = Callable[[int, int], None]


def seed(
    *,
    dossiers: int,
    years: float = 4.0,
    seed_value: int = 2026,
    procedures: int = 2000,
    citizens: int = 3000,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> SeedReport:
    if has_bench_data():
        raise BenchDataExists(
            "Cơ sở dữ liệu đã có dữ liệu đo hiệu năng (tỉnh H91); dùng --reset để xoá và tạo lại."
        )
    started = time.monotonic()
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - dt.timedelta(days=round(365.25 * years))
    table = WorkingDays(first, today + dt.timedelta(days=400))
    province = bench_province.create_province(
        seed=seed_value, procedures=procedures, citizens=citizens, hours_per_day=table.hours
    )
    rng = random.Random(seed_value + 1)  # noqa: S311 - reproducible test data
    generator = DossierGenerator(province, table, now, rng)
    report = generator.run(dossiers, progress)
    report.agencies = len(province.agencies)
    report.procedures = len(province.versions)
    report.citizens = len(province.citizens)
    report.staff = User.objects.filter(
        username__startswith=bench_province.USER_PREFIX, kind=User.Kind.STAFF
    ).count()
    report.first_day = table.days[0].isoformat()
    report.seconds = round(time.monotonic() - started, 1)
    return report


class DossierGenerator:
    def __init__(
        self, province: Province, table: WorkingDays, now: dt.datetime, rng: random.Random
    ) -> None:
        self.province = province
        self.table = table
        self.now = table.position(now)
        self.rng = rng
        self.hours = table.hours
        self.versions = [v for v in province.versions if v.weight > 0]
        self.version_weights = list(itertools.accumulate(v.weight for v in self.versions))
        self.communes = province.communes
        self.commune_weights = list(itertools.accumulate(a.weight for a in self.communes))
        self.agencies = province.agencies
        self.dossiers = TableWriter(Dossier, DOSSIER_COLUMNS)
        self.steps = TableWriter(DossierStep, STEP_COLUMNS)
        self.events = TableWriter(DossierEvent, EVENT_COLUMNS)
        self.counters = TableWriter(DossierCounter, COUNTER_COLUMNS)
        self.supplements = TableWriter(SupplementRequest, SUPPLEMENT_COLUMNS)
        self.supplement_id = next_id(SupplementRequest)
        self.dossier_id = next_id(Dossier)
        self.step_id = next_id(DossierStep)
        self.event_id = next_id(DossierEvent)
        self.counter_id = next_id(DossierCounter)
        self.statuses: dict[str, int] = {}
        self.serial = 0

    # --- the plan: how many dossiers on which day ---------------------------------------------

    def _days(self, total: int) -> list[int]:
        """Dossiers per working day before today, growing over the years (more online)."""
        last = self.now[0]  # submissions end with the last working day before today
        if last <= 0:
            raise ValueError("the seeded period has no working day before today")
        weights = [0.6 + 0.8 * d / last for d in range(last)]
        scale = total / sum(weights)
        counts = [int(w * scale) for w in weights]
        for d in range(total - sum(counts)):
            counts[last - 1 - d % last] += 1
        return counts

    def run(self, total: int, progress: Progress | None) -> SeedReport:
        counts = self._days(total)
        done = 0
        pending = 0
        for day, count in enumerate(counts):
            self._day(day, count)
            pending += count
            done += count
            if pending >= CHUNK:
                self._flush()
                pending = 0
                if progress:
                    progress(done, total)
        self._flush()
        if progress:
            progress(done, total)
        with transaction.atomic():
            reset_sequences(Dossier, DossierStep, DossierEvent, DossierCounter, SupplementRequest)
        analyze(
            Dossier,
            DossierStep,
            DossierEvent,
            DossierCounter,
            Agency,
            User,
            RoleAssignment,
            ProcedureVersion,
        )
        report = SeedReport(
            dossiers=self.dossiers.written,
            steps=self.steps.written,
            events=self.events.written,
            counters=self.counters.written,
            statuses=dict(sorted(self.statuses.items())),
        )
        report.last_day = self.table.days[max(0, self.now[0] - 1)].isoformat()
        return report

    def _flush(self) -> None:
        with transaction.atomic():
            for writer in (self.dossiers, self.steps, self.events, self.counters, self.supplements):
                writer.flush()

    def _day(self, day: int, count: int) -> None:
        rng = self.rng
        picks = rng.choices(self.versions, cum_weights=self.version_weights, k=count)
        items: list[tuple[int, int, BenchVersion]] = []
        for version in picks:
            if len(version.agency_ids) == 1:
                agency_id = version.agency_ids[0]
            else:
                agency_id = rng.choices(self.communes, cum_weights=self.commune_weights)[0].id
            items.append((agency_id, self.table.random_seconds(rng), version))
        items.sort(key=lambda item: (item[0], item[1]))
        date = self.table.days[day]
        stamp = f"{date:%y%m%d}"
        last_agency = None
        number = 0
        for agency_id, seconds, version in items:
            if agency_id != last_agency:
                if last_agency is not None:
                    self._counter(last_agency, date, number)
                last_agency, number = agency_id, 0
            number += 1
            if number > MAX_PER_DAY:
                raise ValueError("more than 9999 dossiers for one agency and day")
            agency = self.agencies[agency_id]
            self._dossier(f"{agency.code}-{stamp}-{number:04d}", agency, version, (day, seconds))
        if last_agency is not None:
            self._counter(last_agency, date, number)

    def _counter(self, agency_id: int, date: dt.date, number: int) -> None:
        self.counters.add((self.counter_id, agency_id, date, number))
        self.counter_id += 1

    # --- one dossier ----------------------------------------------------------------------------

    def _after(self, instant: Instant, max_days: int) -> Instant:
        """A random instant strictly after ``instant``, within ``max_days`` working days."""
        rng = self.rng
        offset = rng.randint(0, max_days)
        if offset == 0:
            seconds = self.table.random_seconds_after(rng, instant[1])
            if seconds is not None:
                return (instant[0], seconds)
            offset = 1
        return (instant[0] + offset, self.table.random_seconds(rng))

    def _dossier(
        self, code: str, agency: BenchAgency, version: BenchVersion, submitted: Instant
    ) -> None:
        rng = self.rng
        table = self.table
        utc = table.utc
        now = self.now
        dossier_id = self.dossier_id
        self.dossier_id += 1
        self.serial += 1
        day = submitted[0]
        share = day / max(1, now[0])
        draw = rng.random()
        if version.online and draw < 0.3 + 0.45 * share:
            channel = Channel.ONLINE.value
        elif draw > 0.97:
            channel = Channel.POST.value
        else:
            channel = Channel.DIRECT.value
        officer = rng.choice(agency.officers)
        events: list[tuple[str, str, str, Staff | Citizen, int | None, Instant, str, str]] = []
        citizen: Citizen | None = None
        if channel == Channel.ONLINE.value:
            citizen = rng.choice(self.province.citizens)
            applicant_id: int | None = citizen.id
            name, id_number, phone = citizen.name, citizen.citizen_id, citizen.phone
            return_method = "online"
        else:
            applicant_id = None
            name = bench_province.person_name(rng)
            id_number = bench_province.citizen_id(rng, 50_000_000 + self.serial % 40_000_000)
            phone = bench_province.phone(60_000_000 + self.serial)
            return_method = "desk" if channel == Channel.DIRECT.value else "post"
        received: Instant | None = None
        finished: Instant | None = None
        returned: Instant | None = None
        paused: Instant | None = None
        due: Instant | None = None
        timeliness = ""
        status = SUBMITTED
        received_by = None
        rating = None
        steps: list[tuple[Any, ...]] = []

        if citizen is not None:
            events.append(
                ("submit", "", SUBMITTED, citizen, agency.id, submitted, "",
                 f'{{"procedure": "{version.code}"}}')
            )  # fmt: skip
            reception = self._after(submitted, 2)
            if reception < now:
                outcome = rng.random()
                if outcome < 0.03:
                    status, finished = Status.REFUSED.value, reception
                    events.append(
                        ("refuse", SUBMITTED, status, officer, agency.id, reception,
                         "Hồ sơ không thuộc thẩm quyền giải quyết.", "{}")
                    )  # fmt: skip
                elif outcome < 0.04:
                    status, finished = Status.WITHDRAWN.value, reception
                    events.append(
                        ("withdraw", SUBMITTED, status, citizen, agency.id, reception, "", "{}")
                    )
                else:
                    received = reception
        else:
            received = submitted

        if received is not None:
            due = table.add_days(received, version.days)
            received_by = officer.id
            due_text = timezone.localtime(utc(due)).isoformat()
            if citizen is not None:
                status = RECEIVED
                events.append(
                    ("accept", SUBMITTED, RECEIVED, officer, agency.id, received, "",
                     f'{{"due_at": "{due_text}"}}')
                )  # fmt: skip
            else:
                status = RECEIVED
                events.append(
                    ("receive", "", RECEIVED, officer, agency.id, received, "",
                     f'{{"procedure": "{version.code}", "due_at": "{due_text}"}}')
                )  # fmt: skip
            start = received if rng.random() < 0.7 else self._after(received, 1)
            if start < now:
                status = PROCESSING
                events.append(
                    ("start_processing", RECEIVED, PROCESSING, officer, agency.id, start, "", "{}")
                )
                status, finished, paused, timeliness, steps = self._process(
                    dossier_id, agency, version, officer, citizen, received, start, due, events
                )
                if status == PROCESSED:
                    returned_at = self._after(finished, 3) if finished else INF
                    if returned_at < now:
                        status, returned = RETURNED, returned_at
                        events.append(
                            ("return_result", PROCESSED, RETURNED, officer, agency.id, returned,
                             "", f'{{"method": "{return_method}"}}')
                        )  # fmt: skip
                        if citizen is not None and rng.random() < 0.3:
                            rating = rng.choice((3, 4, 5, 5, 5))
                            events.append(
                                ("rate", RETURNED, RETURNED, citizen, agency.id,
                                 self._after(returned, 2), "", f'{{"rating": {rating}}}')
                            )  # fmt: skip
                            if events[-1][5] >= now:
                                events.pop()
                                rating = None

        last = max(event[5] for event in events)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.dossiers.add(
            (
                dossier_id,
                code,
                version.id,
                agency.id,
                applicant_id,
                "citizen",
                name,
                id_number,
                phone,
                "",
                "",
                FORM,
                channel,
                return_method,
                status,
                len(events),
                utc(submitted),
                utc(received) if received else None,
                received_by,
                utc(due) if due else None,
                utc(paused) if paused else None,
                utc(finished) if finished else None,
                utc(returned) if returned else None,
                timeliness,
                1 if status == Status.SUPPLEMENT_REQUESTED.value else 0,
                version.fee_total,
                citizen is not None and version.fee_total > 0 and rng.random() < 0.5,
                "Đã giải quyết" if timeliness else "",
                rating,
                "",
                None,
                utc(submitted),
                utc(last),
            )
        )
        for step in steps:
            self.steps.add((self.step_id, dossier_id, *step))
            self.step_id += 1
        for action, source, target, actor, event_agency, at, note, data in events:
            self.events.add(
                (
                    self.event_id,
                    dossier_id,
                    action,
                    source,
                    target,
                    actor.id,
                    actor.label,
                    event_agency,
                    utc(at),
                    note,
                    data,
                )
            )
            self.event_id += 1

    def _classify(self, finished: Instant, due: Instant) -> str:
        """``deadlines.classify`` on instants (no appraisal supplements in seeded dossiers)."""
        if finished > due:
            return Timeliness.LATE.value
        if finished[0] < due[0]:
            return Timeliness.EARLY.value
        return Timeliness.ON_TIME.value

    def _process(
        self,
        dossier_id: int,
        agency: BenchAgency,
        version: BenchVersion,
        officer: Staff,
        citizen: Citizen | None,
        received: Instant,
        start: Instant,
        due: Instant,
        events: list[Any],
    ) -> tuple[str, Instant | None, Instant | None, str, list[tuple[Any, ...]]]:
        """Steps and outcome of a dossier whose processing started at ``start``."""
        rng = self.rng
        table = self.table
        now = self.now
        days = version.days
        outcome = rng.random()
        # When it would finish: early (most), on the due day, or late.
        if outcome < 0.70 and days >= 1:
            finish: Instant = (received[0] + rng.randint(0, days - 1), table.random_seconds(rng))
        elif outcome < 0.92:
            finish = (due[0], table.random_seconds_until(rng, due[1]))
        else:
            finish = (due[0] + rng.randint(1, 8), table.random_seconds(rng))
        if finish <= start:
            finish = self._after(start, 0)
        interruption = rng.random()
        stuck = interruption < 0.004  # forgotten: overdue for ever
        if stuck:
            finish = (max(now[0], finish[0]) + 5, finish[1])
        stop_at: Instant | None = None
        stop_action = ""
        if 0.004 <= interruption < 0.022:
            stop_at = self._after(start, max(1, days))
            stop_action = "stop" if interruption < 0.010 else "withdraw"
            if stop_at >= finish:
                stop_at = None
        end = stop_at or finish
        # The internal process: cumulative shares of the time to ``finish``.
        plan = version.steps
        span = finish[0] - start[0]
        completions: list[Instant] = []
        previous = start
        for position, _ in enumerate(plan, start=1):
            moment = (start[0] + span * position // len(plan), finish[1])
            moment = max(moment, previous)
            if position == len(plan):
                moment = finish
            completions.append(moment)
            previous = moment
        steps: list[tuple[Any, ...]] = []
        giver: Staff = officer
        begun = start
        active_seen = False
        for index, (step, completed) in enumerate(zip(plan, completions, strict=True)):
            step_agency = self.agencies[step.agency_id] if step.agency_id else agency
            taker = self._staff(step_agency, step.role)
            if completed < now and completed <= end:
                due_step = table.add_days(begun, step.days)
                last_step = index == len(plan) - 1
                following = [] if last_step else [plan[index + 1].code]
                step_time = self._classify(completed, due_step)
                steps.append(
                    (step.position, step.code, step.name, step_agency.id, step.role,
                     step.is_inter_agency, self.hours * step.days, "done", table.utc(begun),
                     table.utc(due_step), table.utc(completed), giver.id, taker.id, "Đạt",
                     step_time)
                )  # fmt: skip
                if last_step:
                    timeliness = self._classify(completed, due)
                    data = (
                        f'{{"step": "{step.code}", "result": "Đạt", "next": [], '
                        f'"timeliness": "{timeliness}"}}'
                    )
                    events.append(
                        ("complete_step", PROCESSING, PROCESSED, taker, step_agency.id, completed,
                         "", data)
                    )  # fmt: skip
                    return PROCESSED, completed, None, timeliness, steps
                events.append(
                    ("complete_step", PROCESSING, PROCESSING, taker, step_agency.id, completed,
                     "", f'{{"step": "{step.code}", "result": "Đạt", "next": ["{following[0]}"]}}')
                )  # fmt: skip
                giver, begun = taker, completed
            elif not active_seen:
                active_seen = True
                state = "cancelled" if stop_at is not None and stop_at < now else "active"
                steps.append(
                    (step.position, step.code, step.name, step_agency.id, step.role,
                     step.is_inter_agency, self.hours * step.days, state, table.utc(begun),
                     table.utc(table.add_days(begun, step.days)), None, giver.id, None, "", "")
                )  # fmt: skip
            else:
                state = "cancelled" if stop_at is not None and stop_at < now else "pending"
                steps.append(
                    (step.position, step.code, step.name, step_agency.id, step.role,
                     step.is_inter_agency, self.hours * step.days, state, None, None, None, None,
                     None, "", "")
                )  # fmt: skip
        if stop_at is not None and stop_at < now:
            actor: Staff | Citizen = (
                citizen if stop_action == "withdraw" and citizen else self._staff(agency, "leader")
            )
            if stop_action == "withdraw" and citizen is None:
                actor = officer
            target = Status.STOPPED.value if stop_action == "stop" else Status.WITHDRAWN.value
            events.append(
                (stop_action, PROCESSING, target, actor, agency.id, stop_at,
                 "Theo đề nghị." if stop_action == "withdraw" else "Hồ sơ không đủ điều kiện.",
                 "{}")
            )  # fmt: skip
            return target, stop_at, None, self._classify(stop_at, due), steps
        # Still in progress now: some wait for the applicant (supplement) or for fees.
        waiting = rng.random()
        if waiting < 0.05 and not stuck:
            paused_at = self._between(start, now)
            if paused_at is not None and all(event[5] < paused_at for event in events):
                moment = paused_at
                if waiting < 0.03:
                    target = Status.SUPPLEMENT_REQUESTED.value
                    events.append(
                        ("request_supplement", PROCESSING, target,
                         self._staff(agency, "specialist"), agency.id, moment, "Thiếu giấy tờ.",
                         '{"items": ["Giấy tờ số 1"], "stage": "appraisal", '
                         '"restarts_clock": false}')
                    )  # fmt: skip
                    self.supplements.add(
                        (self.supplement_id, dossier_id, "appraisal", table.utc(moment),
                         events[-1][3].id, '["Giấy tờ số 1"]', "Thiếu giấy tờ.",
                         moment <= table.add_days(received, 3), table.utc(due), None, None)
                    )  # fmt: skip
                    self.supplement_id += 1
                    return target, None, moment, "", steps
                if version.fee_total > 0:
                    target = Status.AWAITING_PAYMENT.value
                    events.append(
                        ("require_payment", PROCESSING, target, officer, agency.id, moment, "",
                         f'{{"amount": {version.fee_total}}}')
                    )  # fmt: skip
                    return target, None, None, "", steps
        return PROCESSING, None, None, "", steps

    def _between(self, first: Instant, last: Instant) -> Instant | None:
        if last[0] - 1 <= first[0]:
            return None
        return (self.rng.randint(first[0] + 1, last[0] - 1), self.table.random_seconds(self.rng))

    def _staff(self, agency: BenchAgency, role: str) -> Staff:
        pools = {
            "one_stop_officer": agency.officers,
            "specialist": agency.specialists,
            "head_of_unit": agency.heads,
            "leader": agency.leaders,
        }
        pool = pools.get(role) or agency.leaders or agency.heads or agency.officers
        if not pool and agency.parent_id:
            return self._staff(self.agencies[agency.parent_id], role)
        return self.rng.choice(pool)


# --- reception pool for `bench run` ----------------------------------------------------------


def add_submitted(
    *, agency: Agency, version: ProcedureVersion, applicants: list[User], count: int
) -> list[str]:
    """``count`` online dossiers waiting for reception at ``agency`` (the pool `bench run`
    accepts), numbered through the counters of past working days exactly as submission does."""
    from tinhso.audit.services import actor_label_for

    rng = random.Random(count)  # noqa: S311 - test data
    now = timezone.now()
    codes: list[str] = []
    dossiers = TableWriter(Dossier, DOSSIER_COLUMNS)
    events = TableWriter(DossierEvent, EVENT_COLUMNS)
    fee_total = sum(version.fees.values_list("amount", flat=True))
    day = timezone.localdate(now)
    with transaction.atomic():
        dossier_id, event_id = next_id(Dossier), next_id(DossierEvent)
        while len(codes) < count:
            day -= dt.timedelta(days=1)
            counter, _ = DossierCounter.objects.select_for_update().get_or_create(
                agency=agency, day=day, defaults={"last_number": 0}
            )
            room = min(MAX_PER_DAY - counter.last_number, count - len(codes))
            if room <= 0:
                continue
            latest = Dossier.objects.filter(
                agency=agency, code__startswith=f"{agency.code}-{day:%y%m%d}-"
            ).aggregate(last=Max("submitted_at"))["last"]
            base = latest or dt.datetime.combine(
                day, dt.time(16, 0), tzinfo=timezone.get_default_timezone()
            )
            for offset in range(1, room + 1):
                number = counter.last_number + offset
                applicant = applicants[rng.randrange(len(applicants))]
                at = base + dt.timedelta(milliseconds=offset)
                code = f"{agency.code}-{day:%y%m%d}-{number:04d}"
                dossiers.add(
                    (dossier_id, code, version.pk, agency.pk, applicant.pk, "citizen",
                     applicant.full_name, applicant.citizen_id or "", applicant.phone, "", "",
                     FORM, Channel.ONLINE.value, "online", SUBMITTED, 1, at, None, None, None,
                     None, None, None, "", 0, fee_total, False, "", None, "", None, at, at)
                )  # fmt: skip
                events.add(
                    (event_id, dossier_id, "submit", "", SUBMITTED, applicant.pk,
                     actor_label_for(applicant), agency.pk, at, "",
                     f'{{"procedure": "{version.procedure.code}"}}')
                )  # fmt: skip
                codes.append(code)
                dossier_id += 1
                event_id += 1
            DossierCounter.objects.filter(pk=counter.pk).update(
                last_number=counter.last_number + room
            )
        dossiers.flush()
        events.flush()
        reset_sequences(Dossier, DossierEvent)
    return codes


# --- reset -----------------------------------------------------------------------------------


def reset() -> dict[str, int]:
    """Delete every row the seed (and `bench run`) created, recognised by the markers of
    :mod:`tinhso.bench.province`, with set-based deletes (no per-row collection)."""
    agencies = Agency.objects.filter(code__endswith=bench_province.SUFFIX)
    users = User.objects.filter(username__startswith=bench_province.USER_PREFIX)
    procedures = ProcedureModel.objects.filter(code__endswith=bench_province.SUFFIX)
    versions = ProcedureVersion.objects.filter(procedure__in=procedures)
    dossiers = Dossier.objects.filter(agency__in=agencies)
    deleted: dict[str, int] = {}

    def raw_delete(model: Any, queryset: Any) -> None:
        sql, params = queryset.values("pk").query.sql_with_params()
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({sql})", params)  # noqa: S608
            deleted[model._meta.label] = deleted.get(model._meta.label, 0) + cursor.rowcount

    with transaction.atomic():
        for relation in Dossier._meta.related_objects:
            child = relation.related_model
            if relation.many_to_many or child is Dossier or isinstance(child, str):
                continue
            children = child._default_manager.filter(**{f"{relation.field.name}__in": dossiers})
            raw_delete(child, children)
        raw_delete(Dossier, dossiers)
        raw_delete(DossierCounter, DossierCounter.objects.filter(agency__in=agencies))
        raw_delete(ProcessStep, ProcessStep.objects.filter(version__in=versions))
        raw_delete(Component, Component.objects.filter(version__in=versions))
        raw_delete(FeeLine, FeeLine.objects.filter(version__in=versions))
        through = ProcedureVersion.implementing_agencies.through
        raw_delete(through, through.objects.filter(procedureversion__in=versions))
        raw_delete(ProcedureVersion, versions)
        raw_delete(ProcedureModel, procedures)
        raw_delete(Sector, Sector.objects.filter(code__startswith=bench_province.SECTOR_PREFIX))
        raw_delete(ApiToken, ApiToken.objects.filter(user__in=users))
        raw_delete(RoleAssignment, RoleAssignment.objects.filter(user__in=users))
        raw_delete(User, users)
        raw_delete(AgencyName, AgencyName.objects.filter(agency__in=agencies))
        raw_delete(Agency, agencies)
    vacuum(Dossier, DossierStep, DossierEvent, DossierCounter, SupplementRequest)
    return deleted


def vacuum(*bench_models: Any) -> None:
    """After deleting millions of rows: without it a smaller seed is measured on tables (and
    indexes) still the size of the big one, and its scans are several times slower."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in bench_models:
            cursor.execute(f"VACUUM (FULL, ANALYZE) {quote(model._meta.db_table)}")
