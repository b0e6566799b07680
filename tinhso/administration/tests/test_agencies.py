"""Agencies: the tree, creation, editing with a stale version, merging after confirmation."""

from tinhso.organizations.models import Agency, AgencySuccession

JUSTICE = "000.00.04.H99"


def agency_post(page, **changes):
    from tinhso.administration.tests.helpers import form_data

    data = form_data(page.context["form"])
    data.update(changes)
    return data


def test_the_tree_of_an_agency_administrator(signed_in, agency_administrator):
    response = signed_in(agency_administrator).get("/quan-ly/co-quan/")
    assert response.status_code == 200
    assert [(row.code, row.depth) for row in response.context["rows"]] == [
        ("000.00.04.H99", 0),
        ("000.01.04.H99", 1),
    ]


def test_creating_a_sub_unit(signed_in, agency_administrator):
    client = signed_in(agency_administrator)
    page = client.get("/quan-ly/co-quan/moi/")
    data = agency_post(
        page, code="000.02.04.H99", name="Phòng Bổ trợ tư pháp", kind="division", level="province"
    )
    response = client.post("/quan-ly/co-quan/moi/", data)
    assert response.status_code == 422  # an agency administrator must choose a parent
    data["parent_code"] = JUSTICE
    response = client.post("/quan-ly/co-quan/moi/", data)
    assert response.status_code == 302
    assert Agency.objects.get(code="000.02.04.H99").parent.code == JUSTICE
    data["code"] = "SAI"
    data["idempotency_key"] = "e" * 24
    response = client.post("/quan-ly/co-quan/moi/", data)
    assert response.status_code == 422
    assert "QCVN 102" in response.context["form"].errors["code"][0]


def test_editing_with_a_stale_version_is_refused_clearly(signed_in, agency_administrator):
    client = signed_in(agency_administrator)
    url = f"/quan-ly/co-quan/{JUSTICE}/"
    page = client.get(url)
    first = agency_post(page, phone="0273 3872 111")
    second = agency_post(page, phone="0273 3872 999", idempotency_key="f" * 24)
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 422
    assert "người khác đã lưu thay đổi" in response.context["form"].non_field_errors()[0]
    assert "0273 3872 999" in response.content.decode()  # what was typed is kept
    agency = Agency.objects.get(code=JUSTICE)
    assert (agency.phone, agency.version) == ("0273 3872 111", 2)


def test_an_agency_administrator_cannot_edit_another_agency(signed_in, agency_administrator):
    client = signed_in(agency_administrator)
    assert client.get("/quan-ly/co-quan/000.00.08.H99/").status_code == 404
    response = client.post("/quan-ly/co-quan/000.00.08.H99/", {"name": "Đổi tên", "version": 1})
    assert response.status_code == 404
    assert Agency.objects.get(code="000.00.08.H99").name == "Sở Xây dựng"
    assert client.get("/quan-ly/co-quan/000.00.08.H99/sap-nhap/").status_code == 403


def test_a_merger_is_confirmed_before_it_happens(signed_in, provincial_administrator, province):
    client = signed_in(provincial_administrator)
    url = "/quan-ly/co-quan/000.00.08.H99/sap-nhap/"
    page = client.get(url)
    assert page.status_code == 200
    data = agency_post(page, successor=JUSTICE, reason="Nghị quyết số 1/NQ-HĐND")
    confirm = client.post(url, data)
    assert confirm.status_code == 200
    assert "Xác nhận sáp nhập" in confirm.content.decode()
    assert Agency.objects.get(code="000.00.08.H99").is_active
    response = client.post(url, agency_post(confirm))
    assert response.status_code == 302
    assert not Agency.objects.get(code="000.00.08.H99").is_active
    again = client.post(url, agency_post(confirm))  # sent twice: the first result
    assert again["Location"] == response["Location"] == f"/quan-ly/co-quan/{JUSTICE}/"
    assert AgencySuccession.objects.count() == 1
    other = client.post(url, agency_post(confirm, idempotency_key="g" * 24))
    assert other.status_code == 422
    assert "đã giải thể/sáp nhập" in other.content.decode()
