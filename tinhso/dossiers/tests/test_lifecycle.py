"""The dossier lifecycle through the service functions, with frozen time across Tết 2025."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tinhso.audit.services import verify_chain
from tinhso.catalog.models import ProcedureVersion
from tinhso.dossiers import services
from tinhso.dossiers.access import get_dossier_for
from tinhso.dossiers.deadlines import classify
from tinhso.dossiers.models import Dossier, DossierCounter, DossierStep, Status, Timeliness
from tinhso.dossiers.tests.conftest import declaration
from tinhso.lib.errors import Conflict, InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "2.001417.000.00.04.H99"


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        Dossier.objects.order_by("pk").values_list(
            "code", "status", "version", "due_at", "received_at", "finished_at"
        )
    )


def submit(citizen: Any, key: str | None = "k-1") -> Dossier:
    dossier, _ = services.submit_dossier(
        actor=citizen,
        procedure_code=CODE,
        agency_code="000.00.02.H99",
        form_data={"purpose": "Xin việc"},
        components=declaration(citizen),
        idempotency_key=key,
    )
    return dossier


def test_online_dossier_from_submission_to_rating_across_tet(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    leader: Any,
    other_agency_officer: Any,
) -> None:
    with time_machine.travel(at(2025, 1, 24, 9, 0), tick=False):
        dossier = submit(citizen)
        again, created = services.submit_dossier(
            actor=citizen,
            procedure_code=CODE,
            agency_code="000.00.02.H99",
            form_data={"purpose": "Xin việc"},
            components=declaration(citizen),
            idempotency_key="k-1",
        )
        assert (again.pk, created) == (dossier.pk, False)
        assert dossier.code == "000.00.02.H99-250124-0001"
        assert (dossier.status, dossier.national_status) == (Status.SUBMITTED, 1)
        assert dossier.fee_total == 200000

    with time_machine.travel(at(2025, 1, 24, 10, 0), tick=False):
        dossier = services.accept_dossier(
            actor=one_stop_officer, dossier=get_dossier_for(one_stop_officer, dossier.code)
        )
        assert dossier.national_status == 2
        assert dossier.due_at == at(2025, 2, 5, 10, 0)  # Tết 2025 ran 25 Jan – 2 Feb

    # Within 3 working days of reception: the clock restarts from zero when complete.
    with time_machine.travel(at(2025, 2, 3, 8, 0), tick=False):
        dossier = services.start_processing(actor=one_stop_officer, dossier=dossier)
        request = services.request_supplement(
            actor=specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu CCCD"
        )
        assert request.restarts_clock
        dossier.refresh_from_db()
        assert (dossier.status, dossier.national_status) == (Status.SUPPLEMENT_REQUESTED, 5)
    with time_machine.travel(at(2025, 2, 4, 14, 0), tick=False):
        dossier = services.provide_supplement(actor=citizen, dossier=dossier)
        assert dossier.status == Status.PROCESSING
        assert dossier.due_at == at(2025, 2, 7, 14, 0)

    with time_machine.travel(at(2025, 2, 5, 9, 0), tick=False):
        # The inter-agency step is not routed yet: the other agency cannot even see the dossier.
        with pytest.raises(NotFound):
            get_dossier_for(other_agency_officer, dossier.code)
        dossier = services.complete_step(
            actor=specialist, dossier=dossier, step_code="TD", result="Đủ điều kiện"
        )
        routed = get_dossier_for(other_agency_officer, dossier.code)
        dossier = services.complete_step(
            actor=other_agency_officer, dossier=routed, step_code="LT", result="Đã xác minh"
        )
        with pytest.raises(PermissionDenied):
            services.complete_step(
                actor=specialist, dossier=dossier, step_code="PD", result="Tự duyệt"
            )
        dossier = services.complete_step(
            actor=leader, dossier=dossier, step_code="PD", result="Đồng ý cấp phiếu"
        )
        assert (dossier.status, dossier.national_status) == (Status.PROCESSED, 9)
        assert dossier.timeliness == Timeliness.EARLY

    with time_machine.travel(at(2025, 2, 6, 8, 0), tick=False):
        dossier = services.return_result(actor=one_stop_officer, dossier=dossier)
        dossier = services.rate_dossier(actor=citizen, dossier=dossier, rating=5, comment="Nhanh")
        assert (dossier.status, dossier.national_status, dossier.rating) == (Status.RETURNED, 10, 5)
        with pytest.raises(Conflict, match="đã được đánh giá"):
            services.rate_dossier(actor=citizen, dossier=dossier, rating=1)

    steps = list(
        dossier.steps.order_by("position").values_list(
            "code", "state", "given_by__username", "taken_by__username"
        )
    )
    assert steps == [
        ("TD", "done", "motcua", "chuyenvien"),
        ("LT", "done", "chuyenvien", "chuyenvien.sxd"),
        ("PD", "done", "chuyenvien.sxd", "lanhdao"),
    ]
    actions = list(dossier.events.values_list("action", flat=True))
    assert actions == [
        "submit",
        "accept",
        "start_processing",
        "request_supplement",
        "supplement",
        "complete_step",
        "complete_step",
        "complete_step",
        "return_result",
        "rate",
    ]
    assert verify_chain().is_intact


def test_a_later_supplement_pauses_the_clock(
    procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any, specialist: Any
) -> None:
    ProcedureVersion.objects.filter(pk=procedure.pk).update(processing_time=10)
    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):  # Monday
        dossier = services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen))
        dossier = services.start_processing(actor=one_stop_officer, dossier=dossier)
        assert dossier.due_at == at(2025, 3, 17, 8, 0)
    with time_machine.travel(at(2025, 3, 10, 10, 0), tick=False):  # 5 working days later
        request = services.request_supplement(
            actor=specialist, dossier=dossier, items=["Bản chính"], reason="Cần đối chiếu"
        )
        assert not request.restarts_clock
    dossier.refresh_from_db()
    with time_machine.travel(at(2025, 3, 12, 9, 0), tick=False):
        dossier = services.provide_supplement(actor=citizen, dossier=dossier)
    # Mon 10:00 → Wed 09:00 is 14 hours of office time: the appointment moves by as much.
    assert dossier.due_at == at(2025, 3, 18, 16, 30)
    assert dossier.supplement_count == 1


def test_extension_once_and_at_least_one_working_day_before(
    procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any, leader: Any
) -> None:
    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):
        dossier = services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen))
        dossier = services.start_processing(actor=one_stop_officer, dossier=dossier)
    with time_machine.travel(at(2025, 3, 5, 9, 0), tick=False):
        before = snapshot()
        with pytest.raises(InvalidInput):
            services.extend_dossier(
                actor=leader, dossier=dossier, new_due_at=at(2025, 3, 5, 8, 0), reason="Thiếu"
            )
        assert snapshot() == before
        extension = services.extend_dossier(
            actor=leader, dossier=dossier, new_due_at=at(2025, 3, 12, 8, 0), reason="Chờ xác minh"
        )
        assert extension.previous_due_at == at(2025, 3, 6, 8, 0)
        dossier.refresh_from_db()
        assert dossier.due_at == at(2025, 3, 12, 8, 0)
        with pytest.raises(Conflict, match="một lần"):
            services.extend_dossier(
                actor=leader, dossier=dossier, new_due_at=at(2025, 3, 20, 8, 0), reason="Lần hai"
            )


def test_extension_on_the_due_day_is_refused(
    procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any, leader: Any
) -> None:
    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):
        dossier = services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen))
        dossier = services.start_processing(actor=one_stop_officer, dossier=dossier)
    with (
        time_machine.travel(at(2025, 3, 6, 7, 30), tick=False),
        pytest.raises(Conflict, match="ít nhất một ngày làm việc"),
    ):
        services.extend_dossier(
            actor=leader, dossier=dossier, new_due_at=at(2025, 3, 12, 8, 0), reason="Muộn"
        )


def test_illegal_transitions_are_refused_and_change_nothing(
    procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any
) -> None:
    dossier = submit(citizen)
    before = snapshot()
    with pytest.raises(Conflict, match="Không thể «trả kết quả»"):
        services.return_result(actor=one_stop_officer, dossier=dossier)
    with pytest.raises(Conflict):
        services.start_processing(actor=one_stop_officer, dossier=dossier)
    with pytest.raises(Conflict):
        services.rate_dossier(actor=citizen, dossier=dossier, rating=5)
    assert snapshot() == before


def test_two_officers_accepting_the_same_dossier_one_gets_409(
    procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any
) -> None:
    dossier = submit(citizen)
    first = Dossier.objects.get(pk=dossier.pk)
    second = Dossier.objects.get(pk=dossier.pk)
    services.accept_dossier(actor=one_stop_officer, dossier=first)
    with pytest.raises(Conflict):
        services.accept_dossier(actor=one_stop_officer, dossier=second)
    assert Dossier.objects.get(pk=dossier.pk).events.filter(action="accept").count() == 1


def test_officers_of_other_agencies_and_other_citizens_cannot_see_it(
    procedure: ProcedureVersion, citizen: Any, other_agency_officer: Any, specialist: Any
) -> None:
    from tinhso.identity.services import create_user

    dossier = submit(citizen)
    stranger = create_user(
        actor=None,
        username="nguoila",
        kind="citizen",
        full_name="Người Lạ",
        password="Mat-khau-dai-2026",
        citizen_id="082090009999",
    )
    for user in (other_agency_officer, stranger):
        with pytest.raises(NotFound):
            get_dossier_for(user, dossier.code)
    # A specialist of the receiving side's department is not a one-stop officer of the centre.
    with pytest.raises(NotFound):
        get_dossier_for(specialist, dossier.code)


def test_staff_without_the_role_get_permission_denied(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    clerk: Any,
    province: dict[str, Any],
) -> None:
    from tinhso.identity.services import assign_role

    dossier = submit(citizen)
    assign_role(actor=None, user=clerk, agency=province["centre"], role="clerk")
    visible = get_dossier_for(clerk, dossier.code)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.accept_dossier(actor=clerk, dossier=visible)
    assert snapshot() == before


def test_in_person_reception_requires_the_required_components(
    procedure: ProcedureVersion, one_stop_officer: Any
) -> None:
    applicant = services.Applicant("citizen", "Trần Văn Bình", "082190001234", "0912345678")
    with pytest.raises(InvalidInput, match="TK") as error:
        services.receive_in_person(
            actor=one_stop_officer,
            agency_code="000.00.02.H99",
            procedure_code=CODE,
            applicant=applicant,
            form_data={"purpose": "Xin việc"},
            components_checked=["UQ"],
        )
    assert "components.TK" in error.value.extra["errors"]
    assert Dossier.objects.count() == 0
    assert DossierCounter.objects.filter(last_number__gt=0).count() == 0
    with time_machine.travel(at(2025, 4, 25, 16, 0), tick=False):
        dossier = services.receive_in_person(
            actor=one_stop_officer,
            agency_code="000.00.02.H99",
            procedure_code=CODE,
            applicant=applicant,
            form_data={"purpose": "Xin việc"},
            components_checked=["TK"],
        )
    assert dossier.code == "000.00.02.H99-250425-0001"
    assert dossier.status == Status.RECEIVED
    # Friday 16:00 + 3 working days: Saturday 26 April 2025 was a working day (swap for 2 May).
    assert dossier.due_at == at(2025, 4, 29, 16, 0)


def test_codes_count_per_agency_and_day(
    procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any
) -> None:
    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):
        codes = [submit(citizen, key=f"k{n}").code for n in range(3)]
    with time_machine.travel(at(2025, 3, 4, 8, 0), tick=False):
        codes.append(submit(citizen, key="k9").code)
    assert codes == [
        "000.00.02.H99-250303-0001",
        "000.00.02.H99-250303-0002",
        "000.00.02.H99-250303-0003",
        "000.00.02.H99-250304-0001",
    ]


def test_invalid_form_and_applicant_data_name_each_field(
    procedure: ProcedureVersion, citizen: Any
) -> None:
    with pytest.raises(InvalidInput) as error:
        services.submit_dossier(
            actor=citizen,
            procedure_code=CODE,
            agency_code="000.00.02.H99",
            form_data={"purpose": "x"},
        )
    assert any(key.startswith("form") for key in error.value.extra["errors"])
    with pytest.raises(InvalidInput) as error:
        services.submit_dossier(
            actor=citizen,
            procedure_code=CODE,
            agency_code="000.00.02.H99",
            form_data={"purpose": "Xin việc"},
            applicant=services.Applicant("citizen", "", "123", "99"),
        )
    assert set(error.value.extra["errors"]) == {
        "applicant.name",
        "applicant.id_number",
        "applicant.phone",
    }
    assert Dossier.objects.count() == 0


def test_withdrawal_and_stop_finish_the_dossier(
    procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any, leader: Any
) -> None:
    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):
        first = services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen, "a"))
        second = services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen, "b"))
        first = services.withdraw_dossier(actor=citizen, dossier=first, reason="Không cần nữa")
        second = services.start_processing(actor=one_stop_officer, dossier=second)
        second = services.stop_dossier(actor=leader, dossier=second, reason="Giả mạo giấy tờ")
    assert (first.national_status, second.national_status) == (7, 8)
    assert first.timeliness == second.timeliness == Timeliness.EARLY
    assert not second.steps.filter(state=DossierStep.State.ACTIVE).exists()


@pytest.mark.parametrize(
    ("finished", "due", "supplements", "expected"),
    [
        (at(2025, 3, 5, 16, 0), at(2025, 3, 6, 8, 0), 0, Timeliness.EARLY),
        (at(2025, 3, 6, 7, 59), at(2025, 3, 6, 8, 0), 0, Timeliness.ON_TIME),
        (at(2025, 3, 6, 8, 0), at(2025, 3, 6, 8, 0), 0, Timeliness.ON_TIME),
        (at(2025, 3, 6, 8, 1), at(2025, 3, 6, 8, 0), 0, Timeliness.LATE),
        (at(2025, 3, 4, 8, 0), at(2025, 3, 6, 8, 0), 2, Timeliness.LATE),
    ],
)
def test_classification(
    finished: dt.datetime, due: dt.datetime, supplements: int, expected: Timeliness
) -> None:
    assert classify(finished_at=finished, due_at=due, appraisal_supplements=supplements) == expected


def test_a_merger_moves_dossiers_in_flight_and_keeps_their_codes(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    province: dict[str, Any],
) -> None:
    from tinhso.organizations.services import merge_agencies

    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):
        open_dossier = services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen, "a"))
        open_dossier = services.start_processing(actor=one_stop_officer, dossier=open_dossier)
        refused = services.refuse_dossier(
            actor=one_stop_officer, dossier=submit(citizen, "b"), reason="Sai thủ tục"
        )
        report = merge_agencies(
            actor=None,
            predecessor_codes=["000.00.04.H99"],
            successor_code="000.00.08.H99",
            effective_on=dt.date(2025, 3, 4),
        )
    assert report.handovers["dossiers"] == {"dossiers": 0, "steps": 1}
    step = open_dossier.steps.get(code="PD")
    assert step.agency.code == "000.00.08.H99"
    assert Dossier.objects.get(pk=open_dossier.pk).code == "000.00.02.H99-250303-0001"
    assert Dossier.objects.get(pk=refused.pk).agency.code == "000.00.02.H99"


def test_the_scanner_warns_then_escalates_once(
    procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any
) -> None:
    from django.core.management import call_command

    from tinhso.dossiers.models import DeadlineAlert
    from tinhso.dossiers.scanner import scan_deadlines

    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):  # due Thursday 08:00
        dossier = services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen))
        services.start_processing(actor=one_stop_officer, dossier=dossier)  # TD due Tue 08:30
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):  # TD falls due within a day
        first, again = scan_deadlines(), scan_deadlines()
        assert (first.due_soon, first.overdue, again.due_soon, again.overdue) == (1, 0, 0, 0)
    with time_machine.travel(at(2025, 3, 5, 9, 0), tick=False):
        report = scan_deadlines()
        assert (report.due_soon, report.overdue) == (1, 1)
        assert scan_deadlines().due_soon == 0  # idempotent
    alerts = {
        (a.kind, a.step.code if a.step else None, a.role)
        for a in DeadlineAlert.objects.select_related("step")
    }
    assert alerts == {
        ("due_soon", "TD", "specialist"),
        ("due_soon", None, "one_stop_officer"),
        ("overdue", "TD", "leader"),
    }
    with time_machine.travel(at(2025, 3, 6, 9, 0), tick=False):
        call_command("dossiers", "scan")
    assert DeadlineAlert.objects.filter(kind="overdue", step__isnull=True).count() == 1


def test_alerts_are_mailed_to_the_handlers_and_escalations_to_the_leader(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    leader: Any,
) -> None:
    from tinhso.dossiers.scanner import scan_deadlines
    from tinhso.outbox.models import OutboxMessage

    for person, address in ((specialist, "cv@example.vn"), (leader, "ld@example.vn")):
        person.email = address
        person.save(update_fields=["email"])
    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):
        dossier = services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen))
        services.start_processing(actor=one_stop_officer, dossier=dossier)
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        scan_deadlines()
        scan_deadlines()  # idempotent: no second e-mail
    with time_machine.travel(at(2025, 3, 5, 9, 0), tick=False):
        scan_deadlines()
    alerts = OutboxMessage.objects.filter(idempotency_key__startswith="alert:")
    mails = list(alerts.order_by("pk").values_list("recipient", "subject"))
    assert mails == [
        ("cv@example.vn", f"Sắp đến hạn: bước «Thẩm định» của hồ sơ {dossier.code}"),
        ("ld@example.vn", f"Quá hạn: bước «Thẩm định» của hồ sơ {dossier.code}"),
    ]


def test_components_are_required_and_provided_once(
    procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any
) -> None:
    from tinhso.dossiers.models import DossierDocument

    with pytest.raises(InvalidInput) as error:
        services.submit_dossier(
            actor=citizen,
            procedure_code=CODE,
            agency_code="000.00.02.H99",
            form_data={"purpose": "Xin việc"},
        )
    assert error.value.extra["errors"] == {"components.TK": "Thiếu «Tờ khai»."}
    with pytest.raises(InvalidInput) as error:
        services.submit_dossier(
            actor=citizen,
            procedure_code=CODE,
            agency_code="000.00.02.H99",
            form_data={"purpose": "Xin việc"},
            components={"TK": [999999], "XX": [1]},
        )
    assert set(error.value.extra["errors"]) == {"components.TK", "components.XX"}
    assert Dossier.objects.count() == 0
    first = submit(citizen, "first")
    second = submit(citizen, "second")  # the same declaration, from the store
    links = DossierDocument.objects.order_by("dossier_id")
    assert [(link.dossier_id, link.reused) for link in links] == [
        (first.pk, False),
        (second.pk, True),
    ]
    assert links[0].document_id == links[1].document_id


def test_each_change_queues_one_email_to_the_applicant(
    procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any, specialist: Any
) -> None:
    from tinhso.outbox.models import OutboxMessage

    citizen.email = "an@example.vn"
    citizen.save(update_fields=["email"])
    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):
        dossier = services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen))
        dossier = services.start_processing(actor=one_stop_officer, dossier=dossier)
        services.request_supplement(
            actor=specialist, dossier=dossier, items=["CCCD"], reason="Ảnh mờ"
        )
        with pytest.raises(Conflict):  # a refused action queues nothing
            services.accept_dossier(actor=one_stop_officer, dossier=dossier)
    subjects = list(OutboxMessage.objects.order_by("pk").values_list("recipient", "subject"))
    assert subjects == [
        ("an@example.vn", f"Đã nhận hồ sơ trực tuyến {dossier.code}"),
        ("an@example.vn", f"Hồ sơ {dossier.code} đã được tiếp nhận"),
        ("an@example.vn", f"Hồ sơ {dossier.code} cần bổ sung giấy tờ"),
    ]
    accepted = OutboxMessage.objects.get(subject__endswith="đã được tiếp nhận")
    assert "Ngày hẹn trả kết quả: 08 giờ 00, ngày 06/03/2025." in accepted.body
    assert f"/tra-cuu/?ma={dossier.code}" in accepted.body
