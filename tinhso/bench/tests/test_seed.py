"""The seeded province holds data the services would have produced: well-formed gap-free codes
matching their counters, deadlines equal to the calendar service's, statuses consistent with
their timestamps and history."""

import datetime as dt
import itertools
import random
import re
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tinhso.bench import seed as bench_seed
from tinhso.bench.load import Request
from tinhso.bench.province import ROOT, SUFFIX, USER_PREFIX
from tinhso.bench.runner import consumed
from tinhso.bench.workdays import WorkingDays
from tinhso.calendar.services import add_working_days, add_working_hours
from tinhso.dossiers import deadlines
from tinhso.dossiers.models import Dossier, DossierCounter, DossierEvent, DossierStep, Status
from tinhso.identity.models import User
from tinhso.organizations.models import Agency

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=ZONE)  # a Wednesday
CODE = re.compile(r"^(\d{3}\.\d{2}\.\d{2}\.H91)-(\d{6})-(\d{4})$")


@pytest.fixture
def seeded(db: Any) -> bench_seed.SeedReport:
    return bench_seed.seed(dossiers=300, years=1, procedures=40, citizens=30, now=NOW)


def test_the_seeded_province_is_what_the_services_would_have_written(seeded: Any) -> None:
    """One seed, every invariant (seeding takes a second or two)."""
    _report_counts_what_was_written(seeded)
    _codes_are_well_formed_gap_free_and_match_the_counters()
    _numbers_follow_submission_time_within_an_agency_and_day()
    _submission_and_office_times_fall_on_working_days_inside_office_hours()
    _due_dates_are_the_calendar_services()
    _statuses_agree_with_timestamps_and_history()
    _reception_pool_takes_numbers_from_the_counters()


def _report_counts_what_was_written(seeded: bench_seed.SeedReport) -> None:
    assert seeded.dossiers == Dossier.objects.count() == 300
    assert seeded.events == DossierEvent.objects.count()
    assert seeded.steps == DossierStep.objects.count()
    assert seeded.counters == DossierCounter.objects.count()
    assert sum(seeded.statuses.values()) == 300
    assert 150 <= seeded.agencies <= 250
    assert seeded.procedures == 40
    assert Status.RETURNED in seeded.statuses


def _codes_are_well_formed_gap_free_and_match_the_counters() -> None:
    numbers: dict[tuple[str, str], list[int]] = defaultdict(list)
    for code, agency_code, submitted_at in Dossier.objects.values_list(
        "code", "agency__code", "submitted_at"
    ):
        match = CODE.match(code)
        assert match, code
        assert match.group(1) == agency_code
        assert match.group(2) == f"{timezone.localdate(submitted_at):%y%m%d}"
        numbers[(agency_code, match.group(2))].append(int(match.group(3)))
    counters = {
        (agency_code, f"{day:%y%m%d}"): last
        for agency_code, day, last in DossierCounter.objects.values_list(
            "agency__code", "day", "last_number"
        )
    }
    assert set(counters) == set(numbers)
    for key, found in numbers.items():
        assert sorted(found) == list(range(1, counters[key] + 1)), key


def _numbers_follow_submission_time_within_an_agency_and_day() -> None:
    by_day: dict[str, list[tuple[str, dt.datetime]]] = defaultdict(list)
    for code, submitted_at in Dossier.objects.values_list("code", "submitted_at"):
        by_day[code[:-5]].append((code, submitted_at))
    for rows in by_day.values():
        rows.sort()
        times = [t for _, t in rows]
        assert times == sorted(times)


def _submission_and_office_times_fall_on_working_days_inside_office_hours() -> None:
    table = WorkingDays(dt.date(2025, 1, 1), dt.date(2026, 12, 31))
    moments = list(Dossier.objects.values_list("submitted_at", flat=True))
    moments += [m for m in Dossier.objects.values_list("received_at", flat=True) if m]
    for moment in moments:
        _day, seconds = table.position(moment)
        assert seconds >= 0, moment  # a working day
        assert any(p.start < seconds < p.end for p in table.periods), moment


def _due_dates_are_the_calendar_services() -> None:
    received = Dossier.objects.filter(received_at__isnull=False).select_related("procedure_version")
    assert received.count() > 200
    for dossier in received[:120]:
        assert dossier.due_at == deadlines.legal_due(dossier.procedure_version, dossier.received_at)
    steps = DossierStep.objects.filter(started_at__isnull=False)[:120]
    for step in steps:
        assert step.due_at == add_working_hours(step.started_at, Decimal(step.allotted_hours))


def _statuses_agree_with_timestamps_and_history() -> None:
    events = defaultdict(list)
    for dossier_id, action, source, target, at in DossierEvent.objects.order_by(
        "dossier_id", "pk"
    ).values_list("dossier_id", "action", "from_status", "to_status", "occurred_at"):
        events[dossier_id].append((action, source, target, at))
    for dossier in Dossier.objects.all():
        history = events[dossier.pk]
        assert history[0][0] in ("submit", "receive")
        assert [at for *_, at in history] == sorted(at for *_, at in history)
        assert history[-1][2] == dossier.status
        for previous, current in itertools.pairwise(history):
            assert current[1] == previous[2], (dossier.code, history)
        assert dossier.version == len(history)
        assert dossier.submitted_at <= (dossier.received_at or dossier.submitted_at)
        status = dossier.status
        if status == Status.SUBMITTED:
            assert dossier.received_at is None and dossier.finished_at is None
        if status in (Status.RECEIVED, Status.PROCESSING, Status.AWAITING_PAYMENT):
            assert dossier.received_at and dossier.due_at and dossier.finished_at is None
        if status == Status.SUPPLEMENT_REQUESTED:
            assert dossier.paused_at and dossier.supplements.filter(completed_at=None).count() == 1
        if status == Status.REFUSED:
            assert dossier.received_at is None and dossier.finished_at
        if status in (Status.PROCESSED, Status.RETURNED):
            assert dossier.received_at <= dossier.finished_at < NOW
            assert dossier.timeliness == deadlines.classify(
                finished_at=dossier.finished_at, due_at=dossier.due_at, appraisal_supplements=0
            )
            assert set(dossier.steps.values_list("state", flat=True)) == {"done"}
        if status == Status.RETURNED:
            assert dossier.finished_at <= dossier.returned_at < NOW
        if status == Status.PROCESSING:
            assert dossier.steps.filter(state="active").count() == 1


def test_seeding_twice_is_refused_and_reset_removes_only_bench_rows(seeded: Any) -> None:
    other = Agency.objects.create(
        code="000.00.00.H98", identifier="H98", name="Khác", kind="office", level="province",
        valid_from=dt.date(2020, 1, 1),
    )  # fmt: skip
    with pytest.raises(bench_seed.BenchDataExists):
        bench_seed.seed(dossiers=10, years=1, procedures=5, citizens=5, now=NOW)
    bench_seed.reset()
    assert not Agency.objects.filter(code__endswith=SUFFIX).exists()
    assert not User.objects.filter(username__startswith=USER_PREFIX).exists()
    assert Dossier.objects.count() == 0
    assert Agency.objects.filter(pk=other.pk).exists()
    again = bench_seed.seed(dossiers=20, years=1, procedures=5, citizens=5, now=NOW)
    assert again.dossiers == 20
    assert Agency.objects.filter(code=ROOT).count() == 1


def _reception_pool_takes_numbers_from_the_counters() -> None:
    agency = Agency.objects.get(code=f"000.00.31{SUFFIX}")
    version = Dossier.objects.filter(agency=agency).first().procedure_version
    applicants = list(User.objects.filter(kind=User.Kind.CITIZEN)[:5])
    codes = bench_seed.add_submitted(
        agency=agency, version=version, applicants=applicants, count=30
    )
    assert len(set(codes)) == 30
    assert Dossier.objects.filter(code__in=codes, status=Status.SUBMITTED).count() == 30
    per_day = Counter(code[:-5] for code in Dossier.objects.filter(agency=agency).values_list(
        "code", flat=True
    ))  # fmt: skip
    for prefix, count in per_day.items():
        day = dt.datetime.strptime(prefix[-6:], "%y%m%d").date()
        assert DossierCounter.objects.get(agency=agency, day=day).last_number == count
    # How much of the pool a stage used up is read from the database, not from wrk's count.
    pool = [Request("POST", f"/api/v1/dossiers/{code}/accept") for code in codes]
    assert consumed(pool, settle=0) == 0
    Dossier.objects.filter(code__in=[codes[0], codes[6]]).update(status=Status.RECEIVED)
    assert consumed(pool, settle=0) == 7


def test_working_day_arithmetic_is_the_calendar_services(db: Any) -> None:
    table = WorkingDays(dt.date(2025, 1, 1), dt.date(2026, 6, 30))
    rng = random.Random(3)
    for _ in range(40):
        day = rng.randrange(0, 200)
        instant = (day, table.random_seconds(rng))
        count = rng.choice([0, 1, 3, 10, 30])
        expected = add_working_days(table.utc(instant), count)
        assert table.utc(table.add_days(instant, count)) == expected
        hours = table.hours * count
        assert table.utc(table.add_days(instant, count)) == add_working_hours(
            table.utc(instant), hours
        )
