"""The e-form → pages mapping on its own (no database): sections, field kinds, parsing."""

from tinhso.portal.eforms import EForm, display_value

SCHEMA = {
    "type": "object",
    "$defs": {"name": {"type": "string", "minLength": 1, "title": "Họ và tên"}},
    "properties": {
        "owner": {"$ref": "#/$defs/name"},
        "area": {"type": "number", "exclusiveMinimum": 0, "title": "Diện tích"},
        "province": {"type": "string", "enum": [f"T{n}" for n in range(10)]},
        "uses": {"type": "array", "items": {"type": "string", "enum": ["o", "kd"]}},
        "notes": {"type": "array", "items": {"type": "string"}},
        "heirs": {"type": "array", "items": {"type": "object", "properties": {}}},
        "agree": {"type": "boolean", "title": "Cam đoan"},
    },
}
UI = {
    "sections": [
        {"title": "Chủ sở hữu", "fields": ["owner", "agree"]},
        {"title": "Thửa đất", "fields": ["area", "province", "nowhere"]},
    ],
    "fields": {"uses": {"label": "Mục đích", "choices": {"o": "Để ở", "kd": "Kinh doanh"}}},
}


def test_sections_of_the_hints_make_the_pages_and_the_rest_goes_last():
    eform = EForm(SCHEMA, UI)
    assert [(page.title, page.keys) for page in eform.pages] == [
        ("Chủ sở hữu", ["owner", "agree"]),
        ("Thửa đất", ["area", "province"]),
        ("Thông tin khác", ["uses", "notes", "heirs"]),
    ]


def test_without_sections_objects_get_their_own_page():
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string"},
            "person": {"type": "object", "title": "Người", "properties": {"x": {"type": "string"}}},
            "b": {"type": "string"},
            "c": {"type": "integer"},
        },
    }
    pages = EForm(schema, {"order": ["a", "person", "b", "c"]}).pages
    assert [(page.title, page.keys, page.is_single_group) for page in pages] == [
        ("Nội dung tờ khai", ["a"], False),
        ("Người", ["person"], True),
        ("Nội dung tờ khai", ["b", "c"], False),
    ]


def test_field_kinds_and_widgets():
    eform = EForm(SCHEMA, UI)
    kinds = {name: field.kind for name, field in eform.fields.items()}
    assert kinds == {
        "owner": "text",
        "agree": "boolean",
        "area": "number",
        "province": "choice",
        "uses": "multi",
        "notes": "lines",
        "heirs": "unsupported",
    }
    assert eform.fields["owner"].label == "Họ và tên"  # the $ref's title
    form = eform.form_for(eform.pages[1])
    assert "<select" in str(form["province"])  # ten options: a select, not radios
    assert [f.path for f in eform.unsupported] == ["heirs"]


def test_numbers_accept_a_decimal_comma_and_refuse_words():
    eform = EForm(SCHEMA, UI)
    page = eform.pages[1]
    form = eform.form_for(page, data={"area": "120,5", "province": "T3"})
    assert form.is_valid()
    assert eform.page_data(page, form.cleaned_data) == {"area": 120.5, "province": "T3"}
    form = eform.form_for(page, data={"area": "một trăm", "province": "T3"})
    assert not form.is_valid()
    assert form.errors["area"] == ["Diện tích: phải là số."]


def test_lists_and_multiple_choices_become_json_lists():
    eform = EForm(SCHEMA, UI)
    page = eform.pages[2]
    form = eform.form_for(page, data={"uses": ["o", "kd"], "notes": "một\n\nhai\n"})
    assert form.is_valid()
    assert eform.page_data(page, form.cleaned_data) == {
        "uses": ["o", "kd"],
        "notes": ["một", "hai"],
    }
    assert display_value(eform.fields["uses"], ["o", "kd"]) == "Để ở, Kinh doanh"


def test_errors_of_the_catalogue_land_on_their_field_or_wait_for_their_page():
    eform = EForm(SCHEMA, UI)
    page = eform.pages[0]
    form = eform.form_for(page, data={})
    form.is_valid()
    elsewhere = eform.add_errors(
        form, {"form.owner": "Họ và tên: chưa nhập (bắt buộc).", "form.area": "Diện tích: …"}, page
    )
    assert form.errors["owner"] == ["Họ và tên: chưa nhập (bắt buộc)."]
    assert elsewhere == {"form.area": "Diện tích: …"}
