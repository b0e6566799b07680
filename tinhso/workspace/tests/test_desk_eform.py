"""The e-form at the desk: a JSON Schema shown as an ordinary form (nested objects as fieldsets),
the typed values put back together for the service, and the JSON text area for schemas a
simple form cannot show."""

from typing import Any

import pytest
from django import forms
from django.test import Client

from tinhso.catalog.demo import BIRTH, BUILDING_PERMIT
from tinhso.catalog.eforms import validate_form
from tinhso.catalog.models import ProcedureVersion
from tinhso.dossiers.tests.conftest import procedure  # noqa: F401 (fixture)
from tinhso.lib.errors import InvalidInput
from tinhso.workspace.desk_forms import JSON_FIELD, ApplicantForm, build_eform

APPLICANT = {
    "kind": "citizen",
    "name": "Trần Thị Bình",
    "id_number": "082090001234",
}


def schema_of(demo: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    return demo["data"]["form_schema"], demo["data"]["form_ui"]


def test_a_procedure_without_e_form_has_no_fields() -> None:
    layout = build_eform({}, {})
    assert not layout.present
    assert not layout.json_mode


def test_nested_objects_become_fieldsets_with_the_ui_hints() -> None:
    layout = build_eform(*schema_of(BIRTH))
    assert not layout.json_mode
    assert [(s.legend, s.optional) for s in layout.sections] == [
        ("Thông tin người được khai sinh", False),
        ("Thông tin người mẹ", False),
        ("Thông tin người cha (nếu có)", True),
        ("Người đi đăng ký", False),
    ]
    sex = layout.fields["ef_child__sex"]
    assert isinstance(sex, forms.ChoiceField)
    assert isinstance(sex.widget, forms.RadioSelect)
    assert list(sex.choices) == [("nam", "Nam"), ("nu", "Nữ")]
    assert sex.required  # shown as required; the schema judges it
    assert layout.fields["ef_child__birth_date"].widget.input_type == "date"
    assert layout.fields["ef_child__ethnicity"].initial == "Kinh"
    assert not layout.fields["ef_child__hometown"].required
    assert layout.fields["ef_child__full_name"].label == "Họ, chữ đệm và tên của trẻ"


def test_typed_values_are_put_back_together_for_the_schema() -> None:
    schema, ui = schema_of(BUILDING_PERMIT)
    form = ApplicantForm(
        {
            **APPLICANT,
            "ef_owner_name": "Trần Thị Bình",
            "ef_citizen_id": "082090001234",
            "ef_plot__sheet_number": "12",
            "ef_plot__plot_number": "345",
            "ef_plot__area": "120,5",
            "ef_plot__address": "Ấp Một, xã Một",
            "ef_floor_area": "250",
            "ef_floors": "3",
            "ef_height": "",
        },
        form_schema=schema,
        form_ui=ui,
    )
    form.is_valid()
    data = form.form_data()
    assert data == {
        "owner_name": "Trần Thị Bình",
        "citizen_id": "082090001234",
        "plot": {
            "sheet_number": "12",
            "plot_number": "345",
            "area": 120.5,
            "address": "Ấp Một, xã Một",
        },
        "floor_area": 250,
        "floors": 3,
    }
    assert validate_form(schema, ui, data) == data


def test_schema_errors_land_next_to_their_fields() -> None:
    schema, ui = schema_of(BUILDING_PERMIT)
    form = ApplicantForm(
        {**APPLICANT, "ef_owner_name": "Bình", "ef_floors": "ba", "ef_plot__area": "-1"},
        form_schema=schema,
        form_ui=ui,
    )
    form.is_valid()
    data = form.form_data()
    assert data is not None
    with pytest.raises(InvalidInput) as caught:
        validate_form(schema, ui, data)
    form.add_domain_errors(caught.value)
    assert form.errors["ef_floors"] == ["Số tầng: phải là số nguyên."]
    assert form.errors["ef_citizen_id"] == ["Số định danh cá nhân: chưa nhập (bắt buộc)."]
    assert "ef_plot__address" in form.errors
    assert "ef_plot__area" in form.errors


def test_an_optional_group_left_blank_is_left_out() -> None:
    schema, ui = schema_of(BIRTH)
    form = ApplicantForm({**APPLICANT, "ef_father__full_name": ""}, form_schema=schema, form_ui=ui)
    form.is_valid()
    data = form.form_data()
    assert data is not None
    assert "father" not in data


def test_a_schema_with_a_list_falls_back_to_json() -> None:
    schema = {
        "type": "object",
        "required": ["children"],
        "properties": {
            "children": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "object", "properties": {"name": {"type": "string"}}},
            }
        },
    }
    layout = build_eform(schema, {})
    assert layout.json_mode
    assert list(layout.fields) == [JSON_FIELD]

    def parsed(text: str) -> tuple[Any, Any]:
        form = ApplicantForm({**APPLICANT, JSON_FIELD: text}, form_schema=schema, form_ui={})
        form.is_valid()
        return form.form_data(), form.errors.get(JSON_FIELD)

    assert parsed('{"children": [{"name": "An"}]}') == ({"children": [{"name": "An"}]}, None)
    assert parsed("{children: }") == (None, ["Không đọc được JSON (dòng 1, cột 2)."])
    assert parsed("[1]") == (None, ["Tờ khai phải là một đối tượng JSON ({…})."])
    assert parsed("") == ({}, None)


@pytest.mark.django_db
@pytest.mark.usefixtures("procedure")
def test_the_json_text_area_at_the_desk(one_stop_officer: Any) -> None:
    ProcedureVersion.objects.update(
        form_schema={
            "type": "object",
            "required": ["purposes"],
            "properties": {
                "purposes": {"type": "array", "minItems": 1, "items": {"type": "string"}}
            },
        }
    )
    client = Client()
    client.force_login(one_stop_officer)
    response = client.post(
        "/lam-viec/tiep-nhan/bat-dau/",
        {"agency": "000.00.02.H99", "procedure": "2.001417.000.00.04.H99"},
    )
    step = response["Location"]
    page = client.get(step).content.decode()
    assert f'name="{JSON_FIELD}"' in page
    bad = client.post(step, {**APPLICANT, JSON_FIELD: '{"purposes": []}'})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "purposes: cần ít nhất 1 mục." in html
    assert f'href="#id_{JSON_FIELD}"' in html
    assert "{&quot;purposes&quot;: []}" in html  # the typed text stays
    good = client.post(step, {**APPLICANT, JSON_FIELD: '{"purposes": ["Xin việc"]}'})
    assert good.status_code == 302
