"""The desk officer's postal page in a real browser: create a shipment, a validation error,
record a state — every page through the quality gate (axe, weight, one h1, screenshots)."""

from typing import Any

import pytest

from tinhso.dossiers.models import Dossier
from tinhso.postal import services
from tinhso.postal.models import Shipment

pytestmark = pytest.mark.django_db(transaction=True)


def test_desk_officer_sends_the_result_by_post(
    browser_session: Any, received: Dossier, citizen: Any, one_stop_officer: Any
) -> None:
    services.choose_postal(
        actor=citizen,
        dossier=received,
        submit_by_post=False,
        receive_by_post=True,
        recipient_name="Nguyễn Văn An",
        recipient_phone="0912000111",
        address="Số 12 đường Lê Lợi, phường Một, tỉnh Thử Nghiệm",
    )
    visitor = browser_session("officer")
    visitor.sign_in(one_stop_officer.username)
    visitor.goto(f"/lam-viec/buu-chinh/{received.code}/")
    visitor.check("postal-empty")
    page = visitor.page

    # No tracking number for a manual shipment: the error is shown, nothing is created.
    page.get_by_label("Gửi kết quả cho người nộp").check()
    page.get_by_role("button", name="Tạo bưu gửi").click()
    page.wait_for_load_state()
    assert page.title().startswith("Lỗi: ")
    visitor.check("postal-error")
    assert Shipment.objects.count() == 0

    page.get_by_label("Số hiệu bưu gửi").fill("EB123456789VN")
    page.get_by_role("button", name="Tạo bưu gửi").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã tạo bưu gửi EB123456789VN.").is_visible()
    visitor.check("postal-created")

    page.get_by_label("Trạng thái mới").select_option("handed_over")
    page.get_by_label("Địa điểm").fill("Bưu cục Một")
    page.get_by_role("button", name="Ghi nhận trạng thái").click()
    page.wait_for_load_state()
    visitor.check("postal-handed-over")
    assert Shipment.objects.get().state == "handed_over"
