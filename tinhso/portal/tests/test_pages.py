"""The portal pages through HTTP: what a citizen_binh, a staff member and a visitor see."""

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tinhso.identity.models import Role, RoleAssignment, User
from tinhso.organizations.models import AdministrativeUnit, Agency
from tinhso.portal.views import mask_citizen_id

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-dai-du-10"


def make_agency(
    code, name, *, kind="department", level="province", parent=None, valid_from=None, **extra
):
    return Agency.objects.create(
        code=code,
        identifier=f"H57.{code}",
        name=name,
        kind=kind,
        level=level,
        parent=parent,
        valid_from=valid_from or dt.date(2025, 7, 1),
        **extra,
    )


@pytest.fixture
def tien_giang():
    """Tiền Giang's people's committee with two departments, one retired agency and communes."""
    root = make_agency("000.00.00.H57", "Ủy ban nhân dân tỉnh Tiền Giang", kind="peoples_committee")
    make_agency("000.00.01.H57", "Văn phòng Ủy ban nhân dân tỉnh", kind="office", parent=root)
    make_agency("000.00.04.H57", "Sở Tư pháp", parent=root)
    make_agency(
        "000.00.09.H57",
        "Sở Thông tin và Truyền thông",
        parent=root,
        status="retired",
        valid_from=dt.date(2008, 1, 1),
        valid_to=dt.date(2025, 2, 28),
    )
    for index, name in enumerate(["Phường Mỹ Tho", "Xã Tân Phước", "Xã Chợ Gạo"]):
        AdministrativeUnit.objects.create(
            era="current", level="commune", code=f"2{index:04d}", name=name
        )
    AdministrativeUnit.objects.create(era="legacy", level="commune", code="28001", name="Phường 1")
    return root


@pytest.fixture
def officer(tien_giang):
    """A one-stop officer of the Department of Justice (not an admin)."""
    user = User.objects.create_user(
        username="nguyenvana", password=PASSWORD, kind="staff", full_name="Nguyễn Văn An"
    )
    justice = Agency.objects.get(code="000.00.04.H57")
    RoleAssignment.objects.create(
        user=user, agency=justice, role=Role.ONE_STOP_OFFICER, valid_from=dt.date(2025, 7, 1)
    )
    RoleAssignment.objects.create(
        user=user,
        agency=tien_giang,
        role=Role.CLERK,
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    return user


@pytest.fixture
def citizen_binh():
    return User.objects.create_user(
        username="tranthib",
        password=PASSWORD,
        kind="citizen",
        full_name="Trần Thị Bình",
        citizen_id="082190001234",
        phone="0912345678",
    )


def page(response):
    return response.content.decode()


def visible_text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- Layout -------------------------------------------------------------------------------------


def test_home_renders_on_an_empty_database(client):
    response = client.get("/")

    assert response.status_code == 200
    html = page(response)
    assert "Danh mục cơ quan, đơn vị chưa được nạp vào hệ thống" in html
    assert re.search(r'<span class="stat-number">0</span> cơ quan, đơn vị đang hoạt động', html)
    assert re.search(r'<span class="stat-number">0</span> xã, phường, đặc khu', html)
    assert '<span class="brand-province">' not in html


def test_every_page_has_the_accessible_skeleton(client):
    html = page(client.get("/"))

    assert '<html lang="vi">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert re.search(r"<title>[^<]+ — Tỉnh số</title>", html)
    assert 'name="viewport"' in html
    assert "AGPL-3.0-or-later" in html
    assert html == unicodedata.normalize("NFC", html)


def test_home_shows_counts_and_top_level_agencies(client, tien_giang):
    html = page(client.get("/"))

    # 3 active agencies (root + office + justice); the retired one is not counted.
    assert re.search(r'<span class="stat-number">3</span> cơ quan, đơn vị đang hoạt động', html)
    # Only current-era communes.
    assert re.search(r'<span class="stat-number">3</span> xã, phường, đặc khu', html)
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"code\">([^<]+)</td></tr>", html)
    assert rows == [
        ("Văn phòng Ủy ban nhân dân tỉnh", "000.00.01.H57"),
        ("Sở Tư pháp", "000.00.04.H57"),
    ]
    assert '<span class="brand-province">Tỉnh Tiền Giang</span>' in html
    assert "<title>Dịch vụ công tỉnh Tiền Giang — Tỉnh số</title>" in html


def test_home_links_to_api_docs_and_sign_in(client):
    html = page(client.get("/"))

    assert 'href="/api/v1/docs"' in html
    assert 'href="/api/v1/openapi.json"' in html
    assert 'href="/dang-nhap/"' in html


def test_home_page_weighs_less_than_200_kb(client, tien_giang):
    for number in range(100):
        make_agency(f"000.01.{number:02d}.H57", f"Đơn vị thử nghiệm số {number}", parent=tien_giang)
    html_size = len(client.get("/").content)
    css_path = finders.find("portal/site.css")
    logo_path = finders.find("portal/logo.svg")

    total = html_size + Path(css_path).stat().st_size + Path(logo_path).stat().st_size
    assert total < 200 * 1024


def test_home_uses_a_fixed_number_of_queries(client, tien_giang, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        client.get("/")


def test_static_files_are_found_by_the_finders():
    assert finders.find("portal/site.css")
    assert finders.find("portal/logo.svg")


def test_root_agency_falls_back_to_its_name_when_it_has_no_territory(client):
    make_agency("000.00.00.H82", "UBND tỉnh Đồng Tháp", kind="peoples_committee")

    assert '<span class="brand-province">Tỉnh Đồng Tháp</span>' in page(client.get("/"))


# --- Sign-in ------------------------------------------------------------------------------------


def test_sign_in_page_has_labelled_fields_with_autocomplete(client):
    html = page(client.get("/dang-nhap/"))

    assert '<label class="label" for="id_username">Tên đăng nhập</label>' in html
    assert '<label class="label" for="id_password">Mật khẩu</label>' in html
    username_input = re.search(r'<input type="text" name="username"[^>]*>', html).group()
    assert 'autocomplete="username"' in username_input
    assert 'autocapitalize="none"' in username_input
    assert 'spellcheck="false"' in username_input
    assert 'autocomplete="current-password"' in html
    assert "aria-invalid" not in html
    assert 'role="alert"' not in html


def test_sign_in_with_good_credentials_goes_to_next(client, officer):
    response = client.post(
        "/dang-nhap/", {"username": "nguyenvana", "password": PASSWORD, "next": "/lam-viec/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/lam-viec/"


def test_sign_in_without_next_goes_home(client, officer):
    response = client.post("/dang-nhap/", {"username": "nguyenvana", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_in_refuses_an_external_next(client, officer):
    response = client.post(
        "/dang-nhap/",
        {"username": "nguyenvana", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == "/"


def test_wrong_password_shows_the_error_summary_and_keeps_the_user_name(client, officer):
    response = client.post("/dang-nhap/", {"username": "nguyenvana", "password": "sai"})

    assert response.status_code == 200
    html = page(response)
    assert '<div class="error-summary" role="alert"' in html
    assert '<a href="#id_username">Tên đăng nhập hoặc mật khẩu không đúng.' in html
    assert 'value="nguyenvana"' in html
    # The message sits next to the user name field, and both fields point to it.
    assert re.search(
        r'<p class="error-message" id="id_username_error"><span class="visually-hidden">Lỗi:'
        r"</span> Tên đăng nhập hoặc mật khẩu không đúng\.",
        html,
    )
    for name in ("username", "password"):
        field = re.search(rf'<input type="[a-z]+" name="{name}"[^>]*>', html).group()
        assert 'aria-invalid="true"' in field
        assert re.search(r'aria-describedby="[^"]*\bid_username_error\b', field)
    assert "<title>Lỗi: Đăng nhập — Tỉnh số</title>" in html
    assert "_auth_user_id" not in client.session


def test_empty_fields_are_reported_next_to_each_field(client):
    html = page(client.post("/dang-nhap/", {"username": "", "password": ""}))

    assert '<a href="#id_username">Hãy nhập tên đăng nhập.</a>' in html
    assert '<a href="#id_password">Hãy nhập mật khẩu.</a>' in html
    assert 'id="id_password_error"' in html


def test_sign_in_page_keeps_next_in_the_form(client):
    html = page(client.get("/dang-nhap/?next=/lam-viec/"))

    assert '<input type="hidden" name="next" value="/lam-viec/">' in html


def test_five_wrong_passwords_lock_the_account(client, officer):
    responses = [
        client.post("/dang-nhap/", {"username": "nguyenvana", "password": f"sai-{attempt}"})
        for attempt in range(5)
    ]

    assert [response.status_code for response in responses] == [200, 200, 200, 200, 429]
    text = visible_text(page(responses[-1]))
    assert "Tài khoản tạm thời bị khoá" in text
    assert "nhập sai mật khẩu 5 lần liên tiếp" in text
    assert "trong 15 phút" in text
    # Even the right password is refused while locked.
    locked = client.post("/dang-nhap/", {"username": "nguyenvana", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_form_and_signs_out(client, officer):
    client.force_login(officer)
    html = page(client.get("/"))
    assert re.search(
        r'<form method="post" action="/dang-xuat/" data-allow-resubmit>\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken"',
        html,
    )

    assert client.get("/dang-xuat/").status_code == 405
    response = client.post("/dang-xuat/", follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "_auth_user_id" not in client.session
    assert "Bạn đã đăng xuất." in page(response)


def test_sign_out_requires_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/dang-xuat/")

    assert response.status_code == 403
    assert "Chưa gửi được biểu mẫu" in page(response)


# --- Workspace and account ----------------------------------------------------------------------


def test_workspace_requires_sign_in(client):
    response = client.get("/lam-viec/")

    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=/lam-viec/"


def test_workspace_lists_active_role_assignments(client, officer):
    client.force_login(officer)
    response = client.get("/lam-viec/")

    assert response.status_code == 200
    text = visible_text(page(response))
    assert "Xin chào, Nguyễn Văn An" in text
    assert (
        "Cán bộ Bộ phận Một cửa Sở Tư pháp Mã định danh 000.00.04.H57 · từ ngày 01/07/2025" in text
    )
    assert "Văn thư" not in text  # ended on 30/06/2025
    assert "/quan-tri/" not in page(response)


def test_workspace_links_to_the_admin_for_is_staff_users(client, officer):
    officer.is_staff = True
    officer.save()
    client.force_login(officer)

    assert 'href="/quan-tri/"' in page(client.get("/lam-viec/"))


def test_workspace_without_roles_says_what_to_do(client):
    user = User.objects.create_user(
        username="moi", password=PASSWORD, kind="staff", full_name="Lê Văn Mới"
    )
    client.force_login(user)

    assert "Bạn chưa được phân công vai trò nào." in page(client.get("/lam-viec/"))


def test_citizens_are_sent_from_the_workspace_to_their_account(client, citizen_binh):
    client.force_login(citizen_binh)
    response = client.get("/lam-viec/")

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/"


def test_account_page_masks_the_citizen_id(client, citizen_binh):
    client.force_login(citizen_binh)
    html = page(client.get("/tai-khoan/"))

    assert "Trần Thị Bình" in html
    assert "•••••••••234" in html
    assert "082190001234" not in html
    assert "0912345678" in html
    assert 'href="/lam-viec/"' not in html


def test_account_requires_sign_in(client):
    response = client.get("/tai-khoan/")

    assert response["Location"] == "/dang-nhap/?next=/tai-khoan/"


def test_mask_citizen_id():
    assert mask_citizen_id("082190001234") == "•••••••••234"
    assert mask_citizen_id(None) == ""
    assert mask_citizen_id("12") == "12"


# --- Error pages --------------------------------------------------------------------------------


def test_404_page_is_in_vietnamese(client, settings):
    settings.DEBUG = False
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    html = page(response)
    assert "<h1>Không tìm thấy trang</h1>" in html
    assert '<html lang="vi">' in html
    assert "<title>Không tìm thấy trang — Tỉnh số</title>" in html


def test_500_page_is_standalone(client, settings):
    from django.template import Context, engines

    template = engines["django"].get_template("500.html")
    html = template.template.render(Context())

    assert "Hệ thống đang gặp sự cố" in html
    assert '<html lang="vi">' in html
    assert "{%" not in template.template.source
