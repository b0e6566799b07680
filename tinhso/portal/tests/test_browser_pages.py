"""The public pages in a real browser: accessible (axe), light, and screenshotted."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_lookup_and_sign_in_pages_pass_the_quality_gate(browser_session, province, citizen):
    visitor = browser_session("citizen")
    visitor.goto("/")
    visitor.check("home")
    visitor.goto("/tra-cuu/")
    visitor.check("lookup")
    visitor.goto("/dang-nhap/")
    visitor.check("sign-in")
    visitor.sign_in(citizen.username)
    visitor.goto("/tai-khoan/")
    visitor.check("account")
    assert visitor.page.get_by_role("heading", level=1).is_visible()


def test_the_language_switch_shows_english_and_back(browser_session, province):
    visitor = browser_session("visitor")
    visitor.goto("/")
    visitor.page.get_by_role("button", name="English").click()
    assert visitor.page.locator("html").get_attribute("lang") == "en"
    visitor.page.get_by_role("button", name="Tiếng Việt").click()
    assert visitor.page.locator("html").get_attribute("lang") == "vi"


def test_a_failed_sign_in_explains_the_error_and_keeps_the_user_name(
    browser_session, province, citizen
):
    visitor = browser_session("citizen")
    visitor.sign_in(citizen.username, password="mat-khau-sai")
    visitor.check("sign-in-error")

    page = visitor.page
    assert page.title().startswith("Lỗi: Đăng nhập")
    assert page.get_by_label("Tên đăng nhập").input_value() == citizen.username
    summary_link = page.locator(".error-summary a")
    assert summary_link.inner_text().startswith("Tên đăng nhập hoặc mật khẩu không đúng.")
    summary_link.click()
    assert page.evaluate("document.activeElement.id") == "id_username"
