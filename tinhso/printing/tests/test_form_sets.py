import datetime as dt

import pytest

from tinhso.lib.errors import InvalidInput
from tinhso.printing.schemas import ReceiptData
from tinhso.printing.services import (
    TT03_2025_EFFECTIVE_FROM,
    FormKind,
    FormSet,
    form_set_for,
    render_form,
)
from tinhso.printing.templatetags.printing_format import long_date, long_datetime
from tinhso.printing.tests import samples

BEFORE = dt.datetime(2025, 6, 30, 16, 59, tzinfo=samples.VN)
FROM = dt.datetime(2025, 7, 1, 8, 0, tzinfo=samples.VN)


def test_form_set_switches_on_1_july_2025():
    assert dt.date(2025, 7, 1) == TT03_2025_EFFECTIVE_FROM
    assert form_set_for(dt.date(2019, 1, 6)) == FormSet.TT01_2018
    assert form_set_for(dt.date(2025, 6, 30)) == FormSet.TT01_2018
    assert form_set_for(dt.date(2025, 7, 1)) == FormSet.TT03_2025
    assert form_set_for(dt.date(2026, 11, 22)) == "tt03-2025"


def test_form_set_for_a_datetime_uses_the_vietnamese_date():
    # 30/6 17:30 UTC is already 1/7 00:30 in Viet Nam.
    assert form_set_for(dt.datetime(2025, 6, 30, 17, 30, tzinfo=dt.UTC)) == FormSet.TT03_2025


def test_render_picks_the_set_from_the_issue_date_unless_told():
    before = render_form(FormKind.RECEIPT, samples.receipt(issued_at=BEFORE))
    after = render_form(FormKind.RECEIPT, samples.receipt(issued_at=FROM))
    on = render_form(FormKind.RECEIPT, samples.receipt(issued_at=FROM), on=dt.date(2025, 6, 1))
    forced = render_form(FormKind.RECEIPT, samples.receipt(issued_at=BEFORE), form_set="tt03-2025")

    assert (before.form_set, after.form_set) == ("tt01-2018", "tt03-2025")
    assert on.form_set == "tt01-2018"
    assert forced.form_set == "tt03-2025"
    assert after.template == "printing/tt03-2025/receipt.html"


def test_stop_notice_does_not_exist_in_the_2018_set():
    with pytest.raises(InvalidInput) as raised:
        render_form(FormKind.STOP_NOTICE, samples.stop_notice(), form_set=FormSet.TT01_2018)

    assert raised.value.code == "form_not_in_set"
    assert "không có biểu mẫu “Thông báo dừng giải quyết hồ sơ”" in raised.value.detail
    assert set(raised.value.extra["errors"]) == {"form_set"}

    with pytest.raises(InvalidInput, match="Thông tư số 01/2018/TT-VPCP không có"):
        render_form(FormKind.STOP_NOTICE, samples.stop_notice(issued_at=BEFORE))


def test_unknown_kind_or_set_is_refused():
    with pytest.raises(InvalidInput) as raised:
        render_form("certificate", samples.receipt())
    assert raised.value.extra["errors"] == {"kind": "không hợp lệ"}

    with pytest.raises(InvalidInput) as raised:
        render_form(FormKind.RECEIPT, samples.receipt(), form_set="tt99-2030")
    assert raised.value.extra["errors"] == {"form_set": "không hợp lệ"}


def test_a_pydantic_model_is_accepted_as_data():
    model = ReceiptData.model_validate(samples.receipt())

    form = render_form(FormKind.RECEIPT, model, form_set=FormSet.TT01_2018)

    assert form.data == model.model_dump(mode="json")


def test_dates_follow_decree_30_leading_zeros():
    assert long_date(dt.date(2025, 2, 5)) == "ngày 05 tháng 02 năm 2025"
    assert long_date(dt.date(2025, 3, 15)) == "ngày 15 tháng 3 năm 2025"
    assert long_date(dt.date(2025, 12, 1)) == "ngày 01 tháng 12 năm 2025"
    assert (
        long_datetime(dt.datetime(2025, 2, 5, 2, 5, tzinfo=dt.UTC))
        == "09 giờ 05 phút, ngày 05 tháng 02 năm 2025"
    )
