"""The template pages (provincial administrators only) and the preference page, with their bad
inputs."""

from typing import Any

import pytest
from django.test import Client

from tinhso.audit.models import AuditEntry
from tinhso.notifications.models import NotificationPreference, NotificationTemplate

pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-thu-nghiem-2026"
EDIT = "/quan-ly/thong-bao/supplement_requested/sms/"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_the_provincial_administrator_sees_the_template_pages(
    client: Client,
    provincial_administrator: Any,
    agency_administrator: Any,
    one_stop_officer: Any,
    citizen: Any,
) -> None:
    for user in (agency_administrator, one_stop_officer, citizen):
        other = signed_in(user)
        assert other.get("/quan-ly/thong-bao/").status_code == 403
        assert other.get(EDIT).status_code == 403
        assert other.post(EDIT, {"body": "x", "action": "save"}).status_code == 403
        assert other.post(EDIT + "mac-dinh/").status_code == 403
        assert other.post(EDIT + "xem-truoc/", {"body": "x"}).status_code == 403
    assert NotificationTemplate.objects.count() == 0
    response = client.get("/quan-ly/thong-bao/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    page = signed_in(provincial_administrator).get("/quan-ly/thong-bao/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Mẫu thông báo</h1>" in html
    assert 'href="/quan-ly/thong-bao/overdue/email/"' in html
    assert 'href="/quan-ly/thong-bao/overdue/sms/"' not in html  # officers: e-mail only
    assert html.count('<span class="tag tag-neutral">Mặc định</span>') == 10 * 3 + 3


def test_unknown_events_and_channels_are_404(provincial_administrator: Any) -> None:
    admin = signed_in(provincial_administrator)
    assert admin.get("/quan-ly/thong-bao/nothing/email/").status_code == 404
    assert admin.get("/quan-ly/thong-bao/overdue/zalo/").status_code == 404
    assert admin.post("/quan-ly/thong-bao/overdue/fax/mac-dinh/").status_code == 404


def test_editing_previewing_saving_and_resetting_a_template(
    provincial_administrator: Any,
) -> None:
    admin = signed_in(provincial_administrator)
    page = admin.get(EDIT)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Mẫu «Yêu cầu bổ sung giấy tờ» — SMS — Tỉnh số</title>" in html
    assert "Ho so 000.00.02.H99-260315-0007 can bo sung: Ban chup can cuoc bi mo" in html

    broken = admin.post(EDIT, {"body": "Bo sung {{ giay_to }}", "action": "save"})
    html = broken.content.decode()
    assert broken.status_code == 422
    assert "<title>Lỗi: Mẫu «Yêu cầu bổ sung giấy tờ»" in html
    assert 'class="error-summary"' in html and 'href="#id_body"' in html
    assert "Dòng 1: biến {{ giay_to }} không có." in html
    assert "Bo sung {{ giay_to }}</textarea>" in html  # what was typed is kept
    assert NotificationTemplate.objects.count() == 0

    body = "HS {{ ma_ho_so }}: nop bo sung {{ noi_dung|khong_dau }}"
    preview = admin.post(EDIT, {"body": body, "action": "preview"})
    assert preview.status_code == 200
    assert "HS 000.00.02.H99-260315-0007: nop bo sung Ban chup can cuoc bi mo" in (
        preview.content.decode()
    )
    assert NotificationTemplate.objects.count() == 0  # a preview saves nothing

    live = admin.post(EDIT + "xem-truoc/", {"body": "{% if noi_dung %}x"})
    assert live.json() == {
        "error": "Dòng 1: thẻ {% if %} chưa được đóng (thiếu {% endif %}).",
        "subject": "",
        "body": "",
    }
    assert admin.post(EDIT + "xem-truoc/", {"body": "HS {{ ma_ho_so }}"}).json()["body"] == (
        "HS 000.00.02.H99-260315-0007"
    )

    saved = admin.post(EDIT, {"body": body, "is_active": "on", "action": "save"})
    assert saved.status_code == 302 and saved["Location"] == EDIT + "?ket-qua=da-luu"
    again = admin.post(EDIT, {"body": body, "is_active": "on", "action": "save"})  # double click
    assert again.status_code == 302
    template = NotificationTemplate.objects.get()
    assert (template.body, template.version, template.is_active) == (body, 1, True)
    assert "Đã lưu mẫu thông báo." not in admin.get(EDIT).content.decode()
    page = admin.get(saved["Location"]).content.decode()
    assert "Đã lưu mẫu thông báo." in page
    assert 'name="version" value="1"' in page

    stale = admin.post(EDIT, {"body": "Khac", "version": "0", "action": "save"})
    assert stale.status_code == 422
    assert "Mẫu vừa được người khác sửa" in stale.content.decode()

    reset = admin.post(EDIT + "mac-dinh/")
    assert reset.status_code == 302
    assert NotificationTemplate.objects.count() == 0
    assert AuditEntry.objects.filter(action="notifications.template.reset").count() == 1
    assert admin.get(EDIT + "mac-dinh/").status_code == 405


def test_the_email_editor_needs_a_subject(provincial_administrator: Any) -> None:
    admin = signed_in(provincial_administrator)
    response = admin.post(
        "/quan-ly/thong-bao/received/email/", {"subject": "", "body": "Nội dung", "action": "save"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'href="#id_subject"' in html and "Hãy nhập tiêu đề e-mail." in html


def test_the_preference_page_shows_the_defaults_and_saves_a_choice(citizen: Any) -> None:
    page = signed_in(citizen)
    response = page.get("/tai-khoan/thong-bao/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Cách nhận thông báo</h1>" in html
    assert 'value="sms" id="id_channels_1" checked' in html
    assert 'value="0912000111"' in html
    saved = page.post(
        "/tai-khoan/thong-bao/",
        {"channels": ["sms", "zalo"], "sms_phone": "0912 000 333", "zalo_recipient": "0912000333"},
    )
    assert saved.status_code == 302 and saved["Location"] == "/tai-khoan/thong-bao/?da-luu=1"
    choice = NotificationPreference.objects.get(user=citizen)
    assert (choice.email_enabled, choice.sms_enabled, choice.sms_phone, choice.zalo_enabled) == (
        False,
        True,
        "0912000333",
        True,
    )
    confirmation = page.get(saved["Location"]).content.decode()
    assert "Đã lưu cách nhận thông báo." in confirmation
    again = page.post(  # a double submission changes nothing and records nothing new
        "/tai-khoan/thong-bao/",
        {"channels": ["sms", "zalo"], "sms_phone": "0912000333", "zalo_recipient": "0912000333"},
    )
    assert again.status_code == 302
    assert NotificationPreference.objects.count() == 1
    assert AuditEntry.objects.filter(action="notifications.preferences.update").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"channels": ["sms"], "sms_phone": "091200"},
            "sms_phone",
            "Số điện thoại không hợp lệ: cần 10 chữ số, bắt đầu bằng 0 (hoặc +84).",
        ),
        (
            {"channels": ["sms"], "sms_phone": ""},
            "sms_phone",
            "Hãy nhập số điện thoại để nhận SMS.",
        ),
        (
            {"channels": ["zalo"], "zalo_recipient": "abc"},
            "zalo_recipient",
            "Không hợp lệ: nhập số điện thoại dùng Zalo",
        ),
        ({"channels": ["email"]}, "channels", "Tài khoản chưa có địa chỉ e-mail"),
        ({"channels": ["fax"]}, "channels", "Kênh không hợp lệ."),
    ],
)
def test_bad_preferences_are_refused_next_to_the_field(
    citizen: Any, data: dict[str, Any], field: str, message: str
) -> None:
    response = signed_in(citizen).post("/tai-khoan/thong-bao/", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "<title>Lỗi: Cách nhận thông báo — Tỉnh số</title>" in html
    assert f'id="id_{field}_error"' in html or f'id="id_{field}_error' in html
    assert message in html
    if data.get("sms_phone"):
        assert f'value="{data["sms_phone"]}"' in html  # typed values are kept
    assert NotificationPreference.objects.count() == 0


def test_the_preference_page_needs_a_signed_in_person(client: Client) -> None:
    response = client.get("/tai-khoan/thong-bao/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_a_preview_of_a_broken_subject_points_at_the_subject(provincial_administrator: Any) -> None:
    response = signed_in(provincial_administrator).post(
        "/quan-ly/thong-bao/received/email/",
        {"subject": "Hồ sơ {{ ma }}", "body": "Nội dung", "action": "preview"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'href="#id_subject"' in html and "biến {{ ma }} không có" in html
    assert NotificationTemplate.objects.count() == 0
