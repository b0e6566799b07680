"""The worklist: tabs per role with counts, filters, sorting, pagination and due badges."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhso.dossiers import services
from tinhso.dossiers.models import Dossier, Status
from tinhso.workspace import queries
from tinhso.workspace.queries import Badge, due_badge
from tinhso.workspace.tests.staff_dossiers import fresh, make_procedure, submit_online


@pytest.fixture
def procedure(province: dict[str, Any]) -> Any:
    return make_procedure(province)


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def counters(response: Any) -> dict[str, int]:
    html = response.content.decode()
    found = re.findall(
        r'danh-sach=([a-z_]+)[^"]*"[^>]*>[^<]*<span class="count">(\d+)</span>', html
    )
    return {slug: int(count) for slug, count in found}


def codes_in(response: Any) -> list[str]:
    return re.findall(
        r'<td class="code"[^>]*><a href="/lam-viec/ho-so/[^/]+/">([^<]+)</a>',
        response.content.decode(),
    )


def test_visitors_sign_in_and_citizens_go_to_their_account(client, citizen):
    assert client.get("/lam-viec/")["Location"] == "/dang-nhap/?next=/lam-viec/"
    client.force_login(citizen)
    assert client.get("/lam-viec/")["Location"] == "/tai-khoan/"


def test_the_one_stop_officer_sees_dossiers_to_receive(
    client, citizen, procedure, one_stop_officer
):
    dossier = submit_online(citizen, procedure)
    client.force_login(one_stop_officer)

    response = client.get("/lam-viec/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Việc của tôi — Chờ tiếp nhận — Tỉnh số</title>" in html
    assert counters(response) == {
        "receive": 1,
        "process": 0,
        "return": 0,
        "due_soon": 0,
        "overdue": 0,
        "all": 1,
    }
    assert 'href="?danh-sach=receive" aria-current="page"' in html
    assert codes_in(response) == [dossier.code]
    text = text_of(response)
    assert "Nguyễn Văn An" in text
    assert "Cấp Phiếu lý lịch tư pháp cho công dân" in text
    assert '<span class="tag tag-info">Mới đăng ký</span>' in html


def test_tabs_follow_the_dossier_through_the_roles(
    client, citizen, procedure, one_stop_officer, specialist, leader
):
    dossier = submit_online(citizen, procedure)
    services.accept_dossier(actor=one_stop_officer, dossier=fresh(dossier))
    services.start_processing(actor=one_stop_officer, dossier=fresh(dossier))

    client.force_login(specialist)
    response = client.get("/lam-viec/")
    assert counters(response) == {"process": 1, "due_soon": 0, "overdue": 0, "all": 1}
    assert codes_in(response) == [dossier.code]

    client.force_login(leader)
    assert counters(client.get("/lam-viec/"))["approve"] == 0
    services.complete_step(actor=specialist, dossier=fresh(dossier), step_code="TD", result="Đủ")
    response = client.get("/lam-viec/?danh-sach=approve")
    assert counters(response)["approve"] == 1
    assert codes_in(response) == [dossier.code]

    client.force_login(specialist)
    assert counters(client.get("/lam-viec/"))["process"] == 0

    services.complete_step(actor=leader, dossier=fresh(dossier), step_code="PD", result="Duyệt")
    client.force_login(one_stop_officer)
    response = client.get("/lam-viec/?danh-sach=return")
    assert counters(response)["return"] == 1
    assert codes_in(response) == [dossier.code]


def test_a_step_given_to_the_one_stop_desk_is_in_its_process_tab(
    client, province, citizen, procedure, one_stop_officer
):
    """Commune procedures start with the desk's own check (the demo's "TN" step)."""
    from tinhso.catalog.models import ProcessStep

    first = ProcessStep.objects.get(version=procedure, position=1)
    first.responsible_role = "one_stop_officer"
    first.responsible_agency = province["centre"]
    first.save()
    dossier = submit_online(citizen, procedure)
    services.accept_dossier(actor=one_stop_officer, dossier=fresh(dossier))
    services.start_processing(actor=one_stop_officer, dossier=fresh(dossier))

    client.force_login(one_stop_officer)
    response = client.get("/lam-viec/?danh-sach=process")
    assert counters(response)["process"] == 1
    assert codes_in(response) == [dossier.code]


def test_another_agency_sees_nothing(client, citizen, procedure, other_agency_officer):
    submit_online(citizen, procedure)
    client.force_login(other_agency_officer)

    response = client.get("/lam-viec/?danh-sach=all")

    assert counters(response)["all"] == 0
    assert codes_in(response) == []
    assert "Không có hồ sơ nào trong danh sách này." in text_of(response)


def test_overdue_and_due_soon_tabs_with_badges_in_words(
    client, citizen, procedure, one_stop_officer
):
    late = submit_online(citizen, procedure, purpose="Hồ sơ trễ")
    soon = submit_online(citizen, procedure, purpose="Hồ sơ sắp đến hạn")
    for dossier in (late, soon):
        services.accept_dossier(actor=one_stop_officer, dossier=fresh(dossier))
    now = timezone.now()
    Dossier.objects.filter(pk=late.pk).update(due_at=now - dt.timedelta(days=3))
    Dossier.objects.filter(pk=soon.pk).update(due_at=now + dt.timedelta(minutes=30))
    client.force_login(one_stop_officer)

    overdue = client.get("/lam-viec/?danh-sach=overdue")
    due_soon = client.get("/lam-viec/?danh-sach=due_soon")

    assert counters(overdue)["overdue"] == 1
    assert codes_in(overdue) == [late.code]
    assert '<span class="tag tag-danger">Quá hạn 3 ngày</span>' in overdue.content.decode()
    assert codes_in(due_soon) == [soon.code]
    badge = re.search(r'<span class="tag tag-warning">([^<]+)</span>', due_soon.content.decode())
    assert badge is not None
    assert badge.group(1) in {"Hạn hôm nay", "Còn 1 ngày"}


def test_due_badge_words_and_colours():
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # 16:00 in Ho Chi Minh City
    horizon = now + dt.timedelta(hours=8)

    def badge(status: str, due: dt.datetime | None, timeliness: str = "") -> Badge | None:
        return due_badge(status=status, due_at=due, timeliness=timeliness, now=now, horizon=horizon)

    assert badge(Status.PROCESSING, now + dt.timedelta(days=2)) == Badge("info", "Còn 2 ngày")
    assert badge(Status.PROCESSING, now + dt.timedelta(hours=1)) == Badge("warning", "Hạn hôm nay")
    assert badge(Status.PROCESSING, now - dt.timedelta(days=3)) == Badge("danger", "Quá hạn 3 ngày")
    assert badge(Status.PROCESSING, now - dt.timedelta(hours=1)) == Badge(
        "danger", "Quá hạn hôm nay"
    )
    assert badge(Status.SUPPLEMENT_REQUESTED, now) == Badge("neutral", "Tạm dừng tính hạn")
    assert badge(Status.RETURNED, now, "late") == Badge("danger", "Trễ hạn")
    assert badge(Status.RETURNED, now, "early") == Badge("success", "Trước hạn")
    assert badge(Status.SUBMITTED, None) is None


def test_filters_by_text_status_and_procedure(
    client, citizen, procedure, province, one_stop_officer
):
    other_procedure = make_procedure(
        province, code="1.000001.000.00.02.H99", name="Chứng thực bản sao"
    )
    first = submit_online(citizen, procedure, purpose="Một")
    second = submit_online(citizen, other_procedure, purpose="Hai")
    services.accept_dossier(actor=one_stop_officer, dossier=fresh(second))
    client.force_login(one_stop_officer)

    by_code = client.get(f"/lam-viec/?danh-sach=all&q={first.code[-4:]}")
    by_name = client.get("/lam-viec/?danh-sach=all&q=nguyễn văn")
    by_status = client.get("/lam-viec/?danh-sach=all&status=received")
    by_procedure = client.get(f"/lam-viec/?danh-sach=all&procedure={procedure.procedure.code}")

    assert codes_in(by_code) == [first.code]
    assert sorted(codes_in(by_name)) == sorted([first.code, second.code])
    assert codes_in(by_status) == [second.code]
    assert codes_in(by_procedure) == [first.code]
    # The filters stay filled in and the tabs keep them.
    html = by_status.content.decode()
    assert '<option value="received" selected>' in html
    assert 'href="?danh-sach=receive&amp;danh-sach=all' not in html
    assert "danh-sach=receive&amp;status=received" in html


def test_filter_by_reception_dates(client, citizen, procedure, one_stop_officer):
    dossier = submit_online(citizen, procedure)
    services.accept_dossier(actor=one_stop_officer, dossier=fresh(dossier))
    today = timezone.localdate()
    client.force_login(one_stop_officer)

    inside = client.get(
        f"/lam-viec/?danh-sach=all&received_from={today.isoformat()}&received_to={today.isoformat()}"
    )
    before = client.get(
        f"/lam-viec/?danh-sach=all&received_to={(today - dt.timedelta(days=1)).isoformat()}"
    )

    assert codes_in(inside) == [dossier.code]
    assert codes_in(before) == []


def test_bad_filters_are_explained_and_the_rest_still_applies(
    client, citizen, procedure, one_stop_officer
):
    dossier = submit_online(citizen, procedure)
    services.accept_dossier(actor=one_stop_officer, dossier=fresh(dossier))
    today = timezone.localdate()
    client.force_login(one_stop_officer)

    response = client.get(
        f"/lam-viec/?danh-sach=all&received_from={today.isoformat()}"
        f"&received_to={(today - dt.timedelta(days=3)).isoformat()}"
        f"&status=khong-co&q={dossier.code}"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert "<title>Lỗi: Việc của tôi" in html
    assert '<a href="#id_received_to">Ngày cuối không được trước ngày đầu.</a>' in html
    assert "Lựa chọn không hợp lệ; hãy chọn trong danh sách." in html
    assert codes_in(response) == [dossier.code]  # the text search still applies


def test_sorting_by_due_date_and_reception(client, citizen, procedure, one_stop_officer):
    early = submit_online(citizen, procedure, purpose="Sớm")
    late = submit_online(citizen, procedure, purpose="Muộn")
    for dossier in (early, late):
        services.accept_dossier(actor=one_stop_officer, dossier=fresh(dossier))
    now = timezone.now()
    Dossier.objects.filter(pk=early.pk).update(
        due_at=now + dt.timedelta(days=9), received_at=now - dt.timedelta(days=2)
    )
    Dossier.objects.filter(pk=late.pk).update(
        due_at=now + dt.timedelta(days=4), received_at=now - dt.timedelta(days=1)
    )
    client.force_login(one_stop_officer)

    assert codes_in(client.get("/lam-viec/?danh-sach=all&sort=due")) == [late.code, early.code]
    assert codes_in(client.get("/lam-viec/?danh-sach=all&sort=-due")) == [early.code, late.code]
    assert codes_in(client.get("/lam-viec/?danh-sach=all&sort=received")) == [
        late.code,
        early.code,
    ]
    assert codes_in(client.get("/lam-viec/?danh-sach=all&sort=-received")) == [
        early.code,
        late.code,
    ]


def test_pagination_keeps_the_filters(client, citizen, procedure, one_stop_officer, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    made = [submit_online(citizen, procedure, purpose=f"Hồ sơ {n}") for n in range(5)]
    client.force_login(one_stop_officer)

    first = client.get("/lam-viec/?danh-sach=all&sort=due")
    last = client.get("/lam-viec/?danh-sach=all&sort=due&trang=3")
    beyond = client.get("/lam-viec/?danh-sach=all&sort=due&trang=99")

    assert len(codes_in(first)) == 2
    assert "danh-sach=all&amp;sort=due&amp;trang=2" in first.content.decode()
    assert "5 hồ sơ · trang 1/3" in text_of(first)
    assert len(codes_in(last)) == 1
    assert codes_in(beyond) == codes_in(last)
    seen = set(codes_in(first)) | set(
        codes_in(client.get("/lam-viec/?danh-sach=all&sort=due&trang=2"))
    )
    assert seen | set(codes_in(last)) == {dossier.code for dossier in made}


def test_the_worklist_reads_a_fixed_number_of_queries(
    client, citizen, procedure, one_stop_officer, django_assert_max_num_queries
):
    submit_online(citizen, procedure, purpose="Thứ nhất")
    client.force_login(one_stop_officer)
    client.get("/lam-viec/?danh-sach=all")
    with CaptureQueriesContext(connection) as one_row:
        client.get("/lam-viec/?danh-sach=all")
    for n in range(6):
        dossier = submit_online(citizen, procedure, purpose=f"Thêm {n}")
        services.accept_dossier(actor=one_stop_officer, dossier=fresh(dossier))

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = client.get("/lam-viec/?danh-sach=all")

    assert len(codes_in(response)) == 7


def test_roles_are_listed_and_staff_without_roles_are_told_what_to_do(client, one_stop_officer):
    from tinhso.identity.services import create_user

    client.force_login(one_stop_officer)
    text = text_of(client.get("/lam-viec/"))
    assert "Cán bộ Bộ phận Một cửa Trung tâm Phục vụ hành chính công" in text

    newcomer = create_user(
        actor=None, username="moi", kind="staff", full_name="Lê Văn Mới", password="x" * 12
    )
    client.force_login(newcomer)
    response = client.get("/lam-viec/")
    assert response.status_code == 200
    assert "Bạn chưa được phân công vai trò nào." in text_of(response)
    assert counters(response) == {"due_soon": 0, "overdue": 0, "all": 0}


def test_a_head_of_unit_sees_the_units_steps_but_not_the_leaders_approvals(
    client, citizen, procedure, one_stop_officer, specialist, head_of_unit
):
    dossier = submit_online(citizen, procedure)
    services.accept_dossier(actor=one_stop_officer, dossier=fresh(dossier))
    services.start_processing(actor=one_stop_officer, dossier=fresh(dossier))
    client.force_login(head_of_unit)

    assert counters(client.get("/lam-viec/"))["process"] == 1

    services.complete_step(actor=specialist, dossier=fresh(dossier), step_code="TD", result="Đủ")
    response = client.get("/lam-viec/")
    assert counters(response)["process"] == 0
    assert "approve" not in counters(response)


def test_a_provincial_administrator_sees_every_dossier(
    client, citizen, procedure, provincial_administrator
):
    dossier = submit_online(citizen, procedure)
    client.force_login(provincial_administrator)

    response = client.get("/lam-viec/")

    assert counters(response) == {"due_soon": 0, "overdue": 0, "all": 1}
    assert codes_in(response) == [dossier.code]


def test_the_filters_open_when_used(client, citizen, procedure, one_stop_officer):
    client.force_login(one_stop_officer)

    closed = client.get("/lam-viec/").content.decode()
    opened = client.get("/lam-viec/?danh-sach=all&q=An").content.decode()

    assert '<details class="filters-details">' in closed
    assert '<details class="filters-details" open>' in opened
    assert 'value="An"' in opened
