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
