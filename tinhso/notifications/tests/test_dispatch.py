"""From a dossier's change to outbox messages: one per chosen channel, in the transaction of the
change, idempotent; officers told of assignments and deadlines, with the province's wording."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tinhso.dossiers import services as dossier_services
from tinhso.dossiers.notifications import ApplicantNotice, emit
from tinhso.dossiers.scanner import scan_deadlines
from tinhso.dossiers.standard_forms import lookup_url
from tinhso.lib.errors import Conflict
from tinhso.notifications import services
from tinhso.notifications.tests.conftest import submit
from tinhso.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def messages(prefix: str = "dossier:") -> list[tuple[str, str, str]]:
    return list(
        OutboxMessage.objects.filter(idempotency_key__startswith=prefix)
        .order_by("pk")
        .values_list("channel", "recipient", "idempotency_key")
    )


def choose_all_channels(citizen: Any) -> None:
    citizen.email = "an@example.vn"
    citizen.save(update_fields=["email"])
    services.update_preferences(
        actor=citizen,
        email=True,
        sms=True,
        sms_phone="+84 912 000 222",
        zalo=True,
        zalo_recipient="2468458835296117922",
    )


def test_a_status_change_queues_exactly_one_message_per_chosen_channel(
    procedure: Any, citizen: Any, one_stop_officer: Any
) -> None:
    choose_all_channels(citizen)
    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):
        dossier = submit(citizen)
        OutboxMessage.objects.all().delete()
        dossier = dossier_services.accept_dossier(actor=one_stop_officer, dossier=dossier)
    key = f"dossier:{dossier.code}:accept:{dossier.version}"
    assert messages() == [
        ("email", "an@example.vn", f"{key}:email"),
        ("sms", "0912000222", f"{key}:sms"),
        ("zalo", "2468458835296117922", f"{key}:zalo"),
    ]
    sms = OutboxMessage.objects.get(channel="sms")
    assert sms.body == (
        f"Ho so {dossier.code} da duoc tiep nhan. Hen tra: 08 gio 00, ngay 06/03/2025. "
        f"Tra cuu: {lookup_url(dossier.code)}"
    )
    zalo = OutboxMessage.objects.get(channel="zalo")
    assert zalo.body.startswith(f"Hồ sơ {dossier.code} đã được tiếp nhận. Hẹn trả: 08 giờ 00")
    # The same notice again (a retried request, a re-run) queues nothing more.
    emit(ApplicantNotice(dossier=dossier, action="accept"))
    assert len(messages()) == 3
    # A refused action queues nothing.
    with pytest.raises(Conflict):
        dossier_services.accept_dossier(actor=one_stop_officer, dossier=dossier)
    assert len(messages()) == 3


def test_defaults_without_a_choice_and_nothing_when_no_channel_is_chosen(
    procedure: Any, citizen: Any
) -> None:
    assert citizen.email == ""  # the persona has only a phone: SMS by default
    assert services.preferences_for(citizen) == services.Preferences(
        email=False, sms=True, sms_phone="0912000111", zalo=False, zalo_recipient="", saved=False
    )
    first = submit(citizen, "k-1")
    assert [(channel, to) for channel, to, _key in messages()] == [("sms", "0912000111")]
    services.update_preferences(
        actor=citizen, email=False, sms=False, sms_phone="", zalo=False, zalo_recipient=""
    )
    submit(citizen, "k-2")
    assert len(messages()) == 1
    assert messages()[0][2] == f"dossier:{first.code}:submit:{first.version}:sms"


def test_a_template_override_is_what_the_applicant_receives(
    procedure: Any, citizen: Any, provincial_administrator: Any
) -> None:
    services.save_template(
        actor=provincial_administrator,
        event_code="submitted",
        channel="sms",
        subject="",
        body="Tinh So: da nhan HS {{ ma_ho_so }} cua {{ ten_nguoi_nop|khong_dau }}",
        is_active=True,
        expected_version=None,
    )
    dossier = submit(citizen)
    assert OutboxMessage.objects.get().body == (
        f"Tinh So: da nhan HS {dossier.code} cua Nguyen Van An"
    )


def test_officers_are_told_when_a_step_is_handed_to_them_and_when_it_falls_due(
    procedure: Any,
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    leader: Any,
    provincial_administrator: Any,
) -> None:
    specialist.email = "cv@example.vn"
    specialist.save(update_fields=["email"])
    leader.email = "ld@example.vn"
    leader.save(update_fields=["email"])
    services.save_template(
        actor=provincial_administrator,
        event_code="due_soon",
        channel="email",
        subject="[Nhắc việc] {{ ma_ho_so }}",
        body="{{ ten_can_bo }}: {{ buoc }} đến hạn {{ han }}.",
        is_active=True,
        expected_version=None,
    )
    with time_machine.travel(at(2025, 3, 3, 8, 0), tick=False):
        dossier = dossier_services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen))
        dossier_services.start_processing(actor=one_stop_officer, dossier=dossier)
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        scan_deadlines()
        scan_deadlines()  # idempotent
    assigned = OutboxMessage.objects.get(idempotency_key__startswith="step:")
    assert (assigned.recipient, assigned.subject) == (
        "cv@example.vn",
        f"Được giao: bước «Thẩm định» của hồ sơ {dossier.code}",
    )
    assert "(người chuyển: " in assigned.body
    assert "Thời hạn: 08 giờ 30, ngày 04/03/2025." in assigned.body
    alert = OutboxMessage.objects.get(idempotency_key__startswith="alert:")
    assert (alert.recipient, alert.subject, alert.body) == (
        "cv@example.vn",
        f"[Nhắc việc] {dossier.code}",
        f"{specialist.full_name}: Thẩm định đến hạn 08 giờ 30, ngày 04/03/2025.",
    )


def test_a_message_that_cannot_be_queued_does_not_undo_the_change(
    procedure: Any, citizen: Any, provincial_administrator: Any, caplog: Any
) -> None:
    # A province text that renders empty for this dossier (no note): the SMS is skipped, the
    # submission stands.
    services.save_template(
        actor=provincial_administrator,
        event_code="submitted",
        channel="sms",
        subject="",
        body="{{ noi_dung }}",
        is_active=True,
        expected_version=None,
    )
    dossier = submit(citizen)
    assert dossier.pk is not None
    assert messages() == []
    assert f"Notice dossier:{dossier.code}:submit:{dossier.version}:sms not queued" in caplog.text
