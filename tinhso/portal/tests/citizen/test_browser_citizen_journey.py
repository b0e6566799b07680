"""A citizen's journey in a real browser: finds "Đăng ký khai sinh" typed without diacritics,
reads the procedure, follows a dossier in "Hồ sơ của tôi", provides the supplement an officer
asked for with a PDF, and rates the service after the result is returned. Every page passes the
quality gate (axe, weight, one h1, screenshots at 360 and 1280 px)."""

import re
from typing import Any

import pytest

from tinhso.attachments.tests.factories import pdf_bytes
from tinhso.dossiers import services as dossier_services
from tinhso.dossiers.models import Dossier, DossierDocument, Status
from tinhso.portal.tests.citizen.conftest import BIRTH, finish, submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_citizen_finds_a_procedure_follows_a_dossier_supplements_and_rates(
    browser_session: Any,
    catalogue: dict[str, Any],
    procedure: Any,
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    leader: Any,
    other_agency_officer: Any,
) -> None:
    visitor = browser_session("citizen")
    page = visitor.page
    visitor.sign_in(citizen.username)

    visitor.goto("/")
    visitor.check("home-with-search")
    page.get_by_label("Tìm thủ tục hành chính").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url("**/thu-tuc/?q=dang+ky+khai+sinh")
    visitor.check("search-results")
    assert page.get_by_text("Tìm thấy 1 thủ tục.").is_visible()

    page.get_by_role("link", name="Đăng ký khai sinh").click()
    page.wait_for_url(f"**/thu-tuc/{BIRTH}/")
    visitor.check("procedure")
    assert page.get_by_role("heading", level=1).inner_text() == "Đăng ký khai sinh"
    assert page.get_by_role("cell", name="Giấy chứng sinh").is_visible()

    # The citizen's dossier, received at the one-stop centre; the officer asks for a supplement.
    dossier = dossier_services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen))
    dossier_services.request_supplement(
        actor=one_stop_officer,
        dossier=dossier,
        items=["Văn bản ủy quyền có chứng thực"],
        reason="Người nộp thay cần văn bản ủy quyền.",
    )

    page.get_by_role("link", name="Hồ sơ của tôi").first.click()
    page.wait_for_url("**/ho-so-cua-toi/")
    visitor.check("my-dossiers")
    assert page.get_by_text("Cần bạn xử lý").is_visible()

    page.get_by_role("link", name=dossier.code).click()
    visitor.check("dossier-supplement-requested")
    assert page.get_by_text("Văn bản ủy quyền có chứng thực").is_visible()

    page.get_by_role("link", name="Nộp bổ sung").click()
    visitor.check("supplement-form")
    page.get_by_role("button", name="Nộp bổ sung").click()  # no file chosen
    visitor.check("supplement-error")
    assert page.title().startswith("Lỗi: ")
    page.get_by_label(re.compile(r"^Văn bản ủy quyền")).set_input_files(
        {"name": "uy-quyen.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("uq")}
    )
    page.get_by_label("Ghi chú cho cơ quan giải quyết").fill("Đã bổ sung văn bản ủy quyền.")
    page.get_by_role("button", name="Nộp bổ sung").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{dossier.code}/")
    visitor.check("dossier-after-supplement")
    assert page.get_by_role("link", name="uy-quyen.pdf").is_visible()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert DossierDocument.objects.filter(dossier=dossier, component_code="UQ").count() == 1

    # The agencies process it and return the result.
    finish(dossier, one_stop_officer, specialist, other_agency_officer, leader)

    page.reload()
    visitor.check("dossier-returned")
    page.get_by_role("link", name="Đánh giá mức độ hài lòng").click()
    visitor.check("rate-form")
    page.get_by_role("button", name="Gửi đánh giá").click()  # no rating chosen
    visitor.check("rate-error")
    assert page.get_by_text("Chọn một mức đánh giá từ 1 đến 5.").first.is_visible()
    page.get_by_label("5 — Rất hài lòng").check()
    page.get_by_label("Góp ý").fill("Nhanh, đúng hẹn.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{dossier.code}/")
    visitor.check("dossier-rated")
    assert page.get_by_text("Bạn đã đánh giá: 5/5.").is_visible()
    rated = Dossier.objects.get(pk=dossier.pk)
    assert (rated.rating, rated.rating_comment) == (5, "Nhanh, đúng hẹn.")


def test_the_other_citizen_pages_pass_the_quality_gate(
    browser_session: Any,
    catalogue: dict[str, Any],
    procedure: Any,
    citizen: Any,
    one_stop_officer: Any,
) -> None:
    """Error and empty states, a closed procedure, withdrawal and payment pages."""
    from tinhso.catalog.services import retire_procedure, today

    visitor = browser_session("citizen")
    page = visitor.page
    visitor.goto("/thu-tuc/?q=khai+t%E1%BB%AD&linh_vuc=KHONG-CO")
    visitor.check("search-invalid-filter")
    assert page.title().startswith("Lỗi: ")
    visitor.goto("/thu-tuc/?q=khai+t%E1%BB%AD")
    visitor.check("search-no-results")
    retire_procedure(actor=None, procedure_code=BIRTH, on=today(), reason="Bãi bỏ")
    visitor.goto(f"/thu-tuc/{BIRTH}/")
    visitor.check("procedure-closed")
    assert page.get_by_text("Thủ tục này hiện không tiếp nhận hồ sơ.").is_visible()
    visitor.goto("/thu-tuc/9.999999/")
    visitor.check("procedure-unknown")

    visitor.goto("/ho-so-cua-toi/")  # signed out: the sign-in page, then back here
    page.get_by_label("Tên đăng nhập").fill(citizen.username)
    page.get_by_label("Mật khẩu").fill("Mat-khau-thu-nghiem-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/ho-so-cua-toi/")
    visitor.check("my-dossiers-empty")

    dossier = dossier_services.accept_dossier(actor=one_stop_officer, dossier=submit(citizen))
    dossier_services.require_payment(actor=one_stop_officer, dossier=dossier)
    visitor.goto(f"/ho-so-cua-toi/{dossier.code}/")
    visitor.check("dossier-awaiting-payment")
    assert page.get_by_role("button", name="Thanh toán trực tuyến").is_visible()
    page.get_by_role("link", name="Đăng ký gửi, nhận qua bưu chính").click()
    page.get_by_label("Tôi nhận kết quả qua bưu chính", exact=False).check()
    page.get_by_label("Số điện thoại người nhận").fill("123")
    page.get_by_role("button", name="Lưu lựa chọn").click()
    visitor.check("postal-choice-error")
    assert page.title().startswith("Lỗi: ")
    page.get_by_label("Số điện thoại người nhận").fill("0912000111")
    page.get_by_label("Địa chỉ nhận").fill("Số 5 đường Lê Lợi, phường Một")
    page.get_by_role("button", name="Lưu lựa chọn").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{dossier.code}/")
    assert page.get_by_text("Đã lưu lựa chọn bưu chính của hồ sơ.").is_visible()
    page.get_by_role("link", name="Rút hồ sơ").click()
    visitor.check("withdraw-confirm")
    page.get_by_label("Lý do rút hồ sơ").fill("Không còn nhu cầu")
    page.get_by_role("button", name="Tôi xác nhận rút hồ sơ").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{dossier.code}/")
    visitor.check("dossier-withdrawn")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.WITHDRAWN
