import datetime as dt
import unicodedata
from typing import Any

import pytest

from tinhso.catalog.models import ProcedureVersion
from tinhso.catalog.services import (
    create_version,
    retire_procedure,
    search_procedures,
    validate_form_data,
)
from tinhso.catalog.tests.conftest import BIRTH_CODE, RECORD_CODE, TODAY, record_data
from tinhso.lib.errors import InvalidInput

pytestmark = pytest.mark.django_db

VALID = {
    "child_full_name": "Nguyễn Văn Bình",
    "child_birth_date": "2026-02-20",
    "child_sex": "nam",
    "mother": {"full_name": "Trần Thị Mai", "citizen_id": "082190001234"},
}


def test_valid_form_data_comes_back_nfc_trimmed_without_blank_fields(
    birth: ProcedureVersion,
) -> None:
    decomposed = unicodedata.normalize("NFD", "  Nguyễn Văn Bình ")
    cleaned = validate_form_data(
        birth, {**VALID, "child_full_name": decomposed, "place_of_birth": "", "email": None}
    )
    assert cleaned == {**VALID, "child_full_name": "Nguyễn Văn Bình"}
    assert unicodedata.is_normalized("NFC", cleaned["child_full_name"])


def test_each_invalid_field_gets_its_own_vietnamese_message(birth: ProcedureVersion) -> None:
    data = {
        "child_full_name": "   ",
        "child_birth_date": "2026-02-30",
        "child_sex": "khác",
        "mother": {"full_name": "Trần Thị Mai", "citizen_id": "08219000123"},
        "weight_grams": 100,
        "email": "khong-phai-email",
        "nickname": "Bi",
    }
    with pytest.raises(InvalidInput) as caught:
        validate_form_data(birth, data)
    error = caught.value
    assert error.status == 422
    assert error.code == "invalid_form"
    assert error.extra["errors"] == {
        "form.child_birth_date": (
            "Ngày sinh: không phải ngày hợp lệ (dạng năm-tháng-ngày, ví dụ 2026-01-31)."
        ),
        "form.child_full_name": "Họ, chữ đệm và tên của trẻ: chưa nhập (bắt buộc).",
        "form.child_sex": "Giới tính: chọn một trong: Nam, Nữ.",
        "form.email": "Thư điện tử: không phải địa chỉ thư điện tử hợp lệ.",
        "form.mother.citizen_id": "Số định danh cá nhân của mẹ: gồm đúng 12 chữ số.",
        "form.nickname": "Trường 'nickname' không có trong biểu mẫu.",
        "form.weight_grams": "Cân nặng (gam): không được nhỏ hơn 300.",
    }
    assert error.detail.startswith("Biểu mẫu điện tử chưa hợp lệ: ")


def test_type_length_and_maximum_messages(birth: ProcedureVersion) -> None:
    data = {**VALID, "child_full_name": "A" * 101, "weight_grams": 9000.5, "mother": "Mai"}
    with pytest.raises(InvalidInput) as caught:
        validate_form_data(birth, data)
    assert caught.value.extra["errors"] == {
        "form.child_full_name": "Họ, chữ đệm và tên của trẻ: tối đa 100 ký tự.",
        "form.mother": "mother: phải là nhóm thông tin.",
        "form.weight_grams": "Cân nặng (gam): phải là số nguyên.",
    }


def test_missing_nested_fields_are_named_by_their_path(birth: ProcedureVersion) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_form_data(birth, {**VALID, "mother": {}})
    assert caught.value.extra["errors"] == {
        "form.mother.citizen_id": "Số định danh cá nhân của mẹ: chưa nhập (bắt buộc).",
        "form.mother.full_name": "Họ và tên mẹ: chưa nhập (bắt buộc).",
    }


def test_data_that_is_not_an_object_is_refused(birth: ProcedureVersion) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_form_data(birth, ["not", "an", "object"])  # type: ignore[arg-type]
    assert caught.value.extra["errors"] == {"form": "Dữ liệu biểu mẫu phải là một đối tượng JSON."}


def test_a_procedure_without_e_form_accepts_only_empty_data(
    province: dict[str, Any], make_published: Any
) -> None:
    version = make_published(RECORD_CODE, record_data())
    assert validate_form_data(version, {}) == {}
    with pytest.raises(InvalidInput) as caught:
        validate_form_data(version, {"x": 1})
    assert caught.value.extra["errors"] == {"form.x": "Trường 'x' không có trong biểu mẫu."}


def test_search_is_diacritic_insensitive_and_filters(
    province: dict[str, Any], make_published: Any
) -> None:
    birth = make_published()
    record = make_published(RECORD_CODE, record_data())
    assert list(search_procedures("dang ky khai sinh")) == [birth]
    assert list(search_procedures("ĐĂNG KÝ")) == [birth]
    assert list(search_procedures("khai sinh dang")) == [birth]  # every word, any order
    assert list(search_procedures("ly lich tu phap")) == [record]
    assert list(search_procedures("2.000488")) == [record]
    assert list(search_procedures("")) == [record, birth]  # by folded name
    assert list(search_procedures(None, level="commune")) == [birth]
    assert list(search_procedures(None, sector="TP-LLTP")) == [record]
    assert list(search_procedures(None, agency="000.00.31.h99")) == [birth]
    assert list(search_procedures(None, agency=province["justice"])) == [record]
    assert list(search_procedures(None, online_mode="partial")) == [record]
    assert list(search_procedures("khai tu")) == []


def test_search_shows_only_published_versions_in_force_by_default(
    province: dict[str, Any], make_published: Any
) -> None:
    birth = make_published(valid_from=dt.date(2026, 4, 1))
    create_version(
        actor=None, procedure_code=RECORD_CODE, national_code="2.000488", data=record_data()
    )
    assert list(search_procedures("")) == []
    assert list(search_procedures("", on=dt.date(2026, 4, 1))) == [birth]
    assert len(search_procedures("", effective_only=False)) == 2
    retire_procedure(actor=None, procedure_code=BIRTH_CODE, on=dt.date(2026, 5, 1), reason="x")
    assert list(search_procedures("", on=dt.date(2026, 5, 1))) == []
    assert list(search_procedures("", on=TODAY + dt.timedelta(days=30))) == [birth]
