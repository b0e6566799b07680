import datetime as dt

import pytest

from tinhso.lib.errors import InvalidInput
from tinhso.printing.services import FormKind, render_form
from tinhso.printing.tests import samples


def errors_for(kind, data):
    with pytest.raises(InvalidInput) as raised:
        render_form(kind, data)
    assert raised.value.status == 422
    assert raised.value.detail.startswith("Dữ liệu biểu mẫu không hợp lệ — ")
    return raised.value.extra["errors"]


def test_missing_applicant_name_is_named():
    data = samples.receipt()
    del data["applicant"]["name"]

    assert errors_for(FormKind.RECEIPT, data) == {"applicant.name": "Bắt buộc phải có."}


def test_blank_text_is_refused_after_normalisation():
    data = samples.receipt()
    data["applicant"]["name"] = " \t "
    data["officer_name"] = ""

    assert errors_for(FormKind.RECEIPT, data) == {
        "applicant.name": "Không được để trống.",
        "officer_name": "Không được để trống.",
    }


def test_due_before_received_is_refused():
    data = samples.receipt()
    data["due_at"] = samples.RECEIVED_AT - dt.timedelta(minutes=1)

    assert errors_for(FormKind.RECEIPT, data) == {"due_at": "Phải sau thời điểm nhận hồ sơ."}


def test_wrong_types_are_named_per_field():
    data = samples.receipt()
    data["components"][1]["originals"] = "một"
    data["dossier_sets"] = 0
    data["received_at"] = "hôm qua"
    data["issued_at"] = dt.datetime(2025, 1, 22, 10, 30)  # naive
    data["processing_time"] = 3
    data["applicant"]["email"] = "không-phải-email"
    data["lookup_url"] = "javascript:alert(1)"
    data["dossier_code"] = "mã hồ sơ"
    data["colour"] = "đỏ"

    assert errors_for(FormKind.RECEIPT, data) == {
        "issued_at": "Thời điểm phải có múi giờ.",
        "dossier_code": (
            "Mã hồ sơ chỉ gồm chữ cái không dấu, chữ số và các dấu . - _ /, tối đa 64 ký tự."
        ),
        "lookup_url": "Địa chỉ tra cứu phải là một URL http(s) đầy đủ.",
        "applicant.email": "Địa chỉ thư điện tử không hợp lệ.",
        "components.1.originals": "Phải là số nguyên.",
        "dossier_sets": "Giá trị nhỏ nhất là 1.",
        "processing_time": "Phải là chuỗi ký tự.",
        "received_at": "Phải là thời điểm (ISO 8601, có múi giờ).",
        "colour": "Trường không được phép.",
    }


def test_lists_and_choices_are_checked():
    control = samples.control_sheet()
    control["rows"][0]["result"] = "sớm"
    control["rows"][1]["taken_at"] = control["rows"][1]["given_at"] - dt.timedelta(hours=1)
    refusal = samples.refusal()
    refusal["reasons"] = []
    register = samples.register(rows=2)
    register["rows"][1]["returned_at"] = samples.RECEIVED_AT - dt.timedelta(days=1)

    assert errors_for(FormKind.CONTROL_SHEET, control) == {
        "rows.0.result": (
            "Giá trị không hợp lệ; chọn một trong: 'trước hạn', 'đúng hạn', 'quá hạn'."
        ),
        "rows.1.taken_at": "Phải sau thời điểm giao hồ sơ.",
    }
    assert errors_for(FormKind.REFUSAL, refusal) == {"reasons": "Cần ít nhất 1 phần tử."}
    assert errors_for(FormKind.REGISTER, register) == {
        "rows.1.returned_at": "Phải sau thời điểm nhận hồ sơ."
    }


def test_new_due_date_must_follow_the_previous_one():
    data = samples.apology()
    data["new_due_at"] = data["previous_due_at"]

    assert errors_for(FormKind.APOLOGY, data) == {
        "new_due_at": "Ngày hẹn trả mới phải sau ngày hẹn trả trước đó."
    }


def test_data_must_be_a_mapping():
    with pytest.raises(InvalidInput) as raised:
        render_form(FormKind.RECEIPT, ["không", "phải", "dict"])  # type: ignore[arg-type]

    assert raised.value.extra["errors"] == {"data": "sai kiểu"}
