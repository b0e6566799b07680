"""Templates: the shipped defaults, a province's override, fall-back, refusal of unsafe or broken
syntax, and the audit trail of every change."""

from typing import Any

import pytest

from tinhso.audit.models import AuditEntry
from tinhso.lib.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tinhso.notifications import catalogue, services
from tinhso.notifications.models import NotificationTemplate
from tinhso.notifications.rendering import template_problem

pytestmark = pytest.mark.django_db

CONTEXT = dict(catalogue.APPLICANT_SAMPLE, ma_ho_so="H99-1", han_tra="")


def test_every_shipped_template_is_valid_and_renders_in_vietnamese() -> None:
    for event in catalogue.EVENTS.values():
        for channel in event.channels:
            _subject, body = event.default(channel)
            assert template_problem(body, event.variables) is None, (event.code, channel)
            text = services.render_notice(event.code, channel, event.sample)
            assert text.body
            assert bool(text.subject) == (channel == catalogue.EMAIL)
            if channel == catalogue.SMS:
                assert text.body.isascii(), (event.code, text.body)  # no diacritics
            else:
                assert not text.body.isascii(), (event.code, text.body)


def test_default_then_override_then_switched_off_then_reset(provincial_administrator: Any) -> None:
    assert services.render_notice("received", "sms", CONTEXT).body == (
        "Ho so H99-1 da duoc tiep nhan. Tra cuu: " + CONTEXT["tra_cuu"]
    )
    services.save_template(
        actor=provincial_administrator,
        event_code="received",
        channel="sms",
        subject="ignored for SMS",
        body="UBND tinh: HS {{ ma_ho_so }} da tiep nhan"
        "{% if han_tra %}, hen {{ han_tra }}{% endif %}",
        is_active=True,
        expected_version=None,
    )
    assert services.render_notice("received", "sms", CONTEXT) == services.Rendered(
        subject="", body="UBND tinh: HS H99-1 da tiep nhan"
    )
    template = NotificationTemplate.objects.get()
    assert (template.subject, template.version, template.updated_by) == (
        "",
        1,
        provincial_administrator,
    )
    # Other channels and events keep their defaults.
    assert services.render_notice("received", "email", CONTEXT).subject == (
        "Hồ sơ H99-1 đã được tiếp nhận"
    )
    services.save_template(
        actor=provincial_administrator,
        event_code="received",
        channel="sms",
        subject="",
        body=template.body,
        is_active=False,
        expected_version=1,
    )
    assert services.render_notice("received", "sms", CONTEXT).body.startswith("Ho so H99-1")
    assert services.reset_template(
        actor=provincial_administrator, event_code="received", channel="sms"
    )
    assert NotificationTemplate.objects.count() == 0
    actions = list(
        AuditEntry.objects.filter(action__startswith="notifications.").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "notifications.template.save",
        "notifications.template.save",
        "notifications.template.reset",
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hồ sơ {% if ma_ho_so %}{{ ma_ho_so }}", "thẻ {% if %} chưa được đóng"),
        ("{% debug %}", "thẻ {% debug %} không được dùng"),
        ("{% include 'base.html' %}", "thẻ {% include %} không được dùng"),
        ("{% load static %}", "thẻ {% load %} không được dùng"),
        ("Mã {{ ma_hoso }}", "biến {{ ma_hoso }} không có"),
        ("Mã {{ ma_ho_so|xoa }}", "Bộ lọc «xoa» không có"),
        ("Mã {{ ma_ho_so }", "Dòng 1: có «{{» hoặc «{%» chưa được đóng."),
        ("   ", "Hãy nhập nội dung."),
    ],
)
def test_invalid_templates_are_refused_with_a_vietnamese_reason(
    provincial_administrator: Any, body: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        services.save_template(
            actor=provincial_administrator,
            event_code="refused",
            channel="zalo",
            subject="",
            body=body,
            is_active=True,
            expected_version=None,
        )
    assert message in error.value.extra["errors"]["body"]
    assert NotificationTemplate.objects.count() == 0


def test_an_email_needs_a_one_line_subject_and_an_sms_fits_the_outbox(
    provincial_administrator: Any,
) -> None:
    def save(channel: str, subject: str, body: str) -> dict[str, str]:
        with pytest.raises(InvalidInput) as error:
            services.save_template(
                actor=provincial_administrator,
                event_code="received",
                channel=channel,
                subject=subject,
                body=body,
                is_active=True,
                expected_version=None,
            )
        return dict(error.value.extra["errors"])

    assert save("email", "", "Nội dung") == {"subject": "Hãy nhập tiêu đề e-mail."}
    assert save("email", "Hai\ndòng", "Nội dung") == {"subject": "Tiêu đề chỉ có một dòng."}
    assert save("sms", "", "{{ tra_cuu }}" * 20) == {
        "body": "Tin nhắn dài quá 1000 ký tự với dữ liệu mẫu."
    }


def test_only_the_provincial_administrator_edits_and_stale_edits_conflict(
    provincial_administrator: Any, agency_administrator: Any
) -> None:
    def save(actor: Any, body: str, version: int | None) -> NotificationTemplate:
        return services.save_template(
            actor=actor,
            event_code="overdue",
            channel="email",
            subject="Quá hạn {{ ma_ho_so }}",
            body=body,
            is_active=True,
            expected_version=version,
        )

    with pytest.raises(PermissionDenied):
        save(agency_administrator, "A", None)
    first = save(provincial_administrator, "A", None)
    assert save(provincial_administrator, "A", None).version == first.version  # double submit
    save(provincial_administrator, "B", 1)
    with pytest.raises(Conflict):
        save(provincial_administrator, "C", 1)  # edited from the page before B
    assert NotificationTemplate.objects.get().body == "B"
    with pytest.raises(NotFound):
        services.render_notice("overdue", "sms", {})  # officers get e-mail only
    with pytest.raises(PermissionDenied):
        services.reset_template(actor=agency_administrator, event_code="overdue", channel="email")
    assert NotificationTemplate.objects.count() == 1


def test_templates_cannot_walk_into_objects() -> None:
    assert template_problem("{{ ma_ho_so.upper }}", catalogue.APPLICANT_VARIABLES) == (
        "Dòng 1: {{ ma_ho_so.upper }} — chỉ dùng tên biến, không dùng dấu chấm."
    )
    # And the context holds plain strings only, so even a path leads nowhere.
    assert services.render_text("", "{{ ma_ho_so.len }}x", CONTEXT).body == "x"
