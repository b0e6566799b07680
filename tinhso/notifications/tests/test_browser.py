"""The template editor and the preference page in a real browser: accessible (axe), light,
screenshotted; the live preview follows what the administrator types."""

from typing import Any

import pytest

from tinhso.notifications.models import NotificationPreference, NotificationTemplate

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_administrator_edits_a_template_with_a_live_preview(
    browser_session: Any, province: Any, provincial_administrator: Any
) -> None:
    visitor = browser_session("quantri")
    visitor.sign_in(provincial_administrator.username)
    visitor.goto("/quan-ly/thong-bao/")
    visitor.check("template-list")
    visitor.page.get_by_role("link", name="Sửa SMS — Yêu cầu bổ sung giấy tờ").click()
    visitor.check("template-editor")
    body = visitor.page.get_by_label("Nội dung")
    body.fill("HS {{ ma_ho_so }}: can bo sung {{ noi_dung|khong_dau }}")
    preview = visitor.page.locator("[data-preview-body]")
    preview.filter(has_text="can bo sung Ban chup can cuoc bi mo").wait_for()
    assert preview.inner_text() == (
        "HS 000.00.02.H99-260315-0007: can bo sung Ban chup can cuoc bi mo, de nghi nop lai"
    )
    body.fill("HS {{ ma_hoso }}")
    error = visitor.page.locator("[data-preview-error]")
    error.filter(has_text="biến {{ ma_hoso }} không có").wait_for()
    visitor.page.get_by_role("button", name="Lưu mẫu").click()
    visitor.page.wait_for_load_state()
    assert visitor.page.title().startswith("Lỗi: ")
    visitor.check("template-editor-error")
    body = visitor.page.get_by_label("Nội dung")
    body.fill("HS {{ ma_ho_so }} can bo sung giay to. Tra cuu: {{ tra_cuu }}")
    visitor.page.get_by_role("button", name="Lưu mẫu").click()
    visitor.page.get_by_text("Đã lưu mẫu thông báo.").wait_for()
    visitor.check("template-saved")
    assert NotificationTemplate.objects.get().body.startswith("HS {{ ma_ho_so }} can bo sung")
    visitor.page.get_by_role("button", name="Đặt lại mẫu mặc định").click()
    visitor.page.get_by_text("Đã đặt lại mẫu mặc định.").wait_for()
    assert NotificationTemplate.objects.count() == 0


def test_a_citizen_chooses_how_to_be_told(browser_session: Any, citizen: Any) -> None:
    visitor = browser_session("citizen")
    visitor.sign_in(citizen.username)
    visitor.goto("/tai-khoan/thong-bao/")
    visitor.check("preferences")
    visitor.page.get_by_label("Zalo", exact=True).check()
    visitor.page.get_by_label("Số điện thoại dùng Zalo hoặc mã Zalo").fill("12ab")
    visitor.page.get_by_role("button", name="Lưu").click()
    visitor.page.wait_for_load_state()
    assert visitor.page.title().startswith("Lỗi: ")
    visitor.check("preferences-error")
    visitor.page.get_by_label("Số điện thoại dùng Zalo hoặc mã Zalo").fill("0912000111")
    visitor.page.get_by_role("button", name="Lưu").click()
    visitor.page.get_by_text("Đã lưu cách nhận thông báo.").wait_for()
    visitor.check("preferences-saved")
    choice = NotificationPreference.objects.get(user=citizen)
    assert (choice.sms_enabled, choice.zalo_enabled, choice.zalo_recipient) == (
        True,
        True,
        "0912000111",
    )
