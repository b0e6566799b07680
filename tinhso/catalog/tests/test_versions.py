import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tinhso.audit.models import AuditEntry
from tinhso.catalog.models import Procedure, ProcedureVersion
from tinhso.catalog.services import (
    create_version,
    legal_time_in_working_hours,
    open_version_for_submission,
    publish_version,
    retire_procedure,
    unpublish_version,
)
from tinhso.catalog.tests.conftest import BIRTH_CODE, RECORD_CODE, TODAY, birth_data, record_data
from tinhso.lib.errors import Conflict, InvalidInput, NotFound

pytestmark = pytest.mark.django_db
Status = ProcedureVersion.Status
NOON = dt.datetime(2026, 3, 2, 5, 0, tzinfo=dt.UTC)  # 12:00 in Hồ Chí Minh City


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 3, 0, tzinfo=dt.UTC)


def draft(code: str = BIRTH_CODE, data: dict[str, Any] | None = None) -> ProcedureVersion:
    return create_version(
        actor=None, procedure_code=code, national_code=code[:8], data=data or birth_data()
    )


def counts() -> tuple[int, int, int]:
    return Procedure.objects.count(), ProcedureVersion.objects.count(), AuditEntry.objects.count()


def test_create_version_stores_everything_normalised_and_audited(
    province: dict[str, Any], frozen_today: Any
) -> None:
    data = birth_data(name="  Đăng ky\u0301  khai   sinh ")  # decomposed accent, extra spaces
    version = draft(data=data)
    assert version.procedure.code == BIRTH_CODE
    assert version.procedure.national_code == "1.001193"
    assert version.number == 1
    assert version.status == Status.DRAFT
    assert version.name == "Đăng ký khai sinh"
    assert version.name_folded == "dang ky khai sinh"
    assert version.sector.code == "TP-HT"
    assert [a.code for a in version.implementing_agencies.all()] == ["000.00.31.H99"]
    assert version.valid_from == TODAY
    assert version.channels == [1, 2]
    assert [(c.position, c.code, c.originals) for c in version.components.all()] == [
        (1, "TK", 1),
        (2, "GCS", 1),
    ]
    assert [(f.description, f.amount) for f in version.fees.all()] == [
        ("Lệ phí đăng ký khai sinh đúng hạn", 0)
    ]
    assert [(s.position, s.code, s.allotted_hours) for s in version.process_steps.all()] == [
        (1, "TN", Decimal("1.00")),
        (2, "TD", Decimal("3.50")),
        (3, "KY", Decimal("2.00")),
        (4, "TKQ", Decimal("1.00")),
    ]
    assert len(version.content_hash) == 64
    entry = AuditEntry.objects.get(action="catalog.version.create")
    assert entry.object_id == str(version.pk)
    assert entry.after["code"] == BIRTH_CODE


def test_a_second_draft_gets_the_next_number(province: dict[str, Any], frozen_today: Any) -> None:
    draft()
    assert draft().number == 2


@pytest.mark.parametrize(
    ("overrides", "key", "message"),
    [
        (
            {"implementing_agencies": ["000.00.77.H99"]},
            "implementing_agencies[0]",
            "Không có cơ quan, đơn vị mang mã '000.00.77.H99'.",
        ),
        (
            {"implementing_agencies": ["000.00.04.H99"]},
            "implementing_agencies[0]",
            "Sở Tư pháp (000.00.04.H99) là cấp tỉnh, thủ tục thuộc cấp xã.",
        ),
        (
            {"target_groups": ["citizen", "alien"]},
            "target_groups",
            "Đối tượng không hợp lệ: alien; chọn trong: citizen, business, organisation.",
        ),
        (
            {"channels": [1, 4]},
            "channels",
            "Cách thức thực hiện chỉ gồm 1 (trực tiếp), 2 (trực tuyến), 3 (bưu chính).",
        ),
        (
            {"channels": [1]},
            "channels",
            "Thủ tục có dịch vụ công trực tuyến phải có cách thức 2 (trực tuyến).",
        ),
        (
            {"processing_time": "0"},
            "processing_time",
            "Thời hạn giải quyết phải là số lớn hơn 0 (tối đa 1000).",
        ),
        ({"results": []}, "results", "Cần ít nhất một kết quả thực hiện."),
        (
            {"level": "district"},
            "level",
            "Cấp thực hiện 'district' không hợp lệ; chọn: province, commune.",
        ),
        (
            {"form_schema": {"type": "objekt"}},
            "form_schema",
            "JSON Schema không hợp lệ tại type: 'objekt' is not valid under any of the given "
            "schemas",
        ),
        (
            {"form_schema": {"type": "string"}, "form_ui": {}},
            "form_schema",
            'Biểu mẫu phải có "type": "object" ở gốc (mỗi trường là một thuộc tính).',
        ),
        (
            {
                "form_schema": {
                    "type": "object",
                    "properties": {"a": {"$ref": "https://example.org/a.json"}},
                },
                "form_ui": {},
            },
            "form_schema",
            "Biểu mẫu chỉ được tham chiếu bên trong chính nó ($ref bắt đầu bằng #); "
            "không hỗ trợ: https://example.org/a.json.",
        ),
        (
            {
                "form_schema": {
                    "type": "object",
                    "properties": {"t": {"type": "string", "format": "date-time"}},
                },
                "form_ui": {},
            },
            "form_schema",
            "Định dạng chưa được máy chủ kiểm tra: date-time; dùng một trong: date, email, "
            "idn-email, ipv4, ipv6, regex, uuid hoặc pattern.",
        ),
        (
            {"form_ui": {"order": ["child_full_name", "nickname"]}},
            "form_ui.order",
            "Không có trong biểu mẫu: nickname.",
        ),
        (
            {"form_ui": {"fields": {"child_sex": {"widget": "slider"}}}},
            "form_ui.fields.child_sex",
            "Kiểu hiển thị 'slider' không hỗ trợ; chọn một trong: checkbox, date, email, hidden, "
            "number, radio, select, tel, text, textarea.",
        ),
    ],
)
def test_invalid_data_is_refused_naming_the_field_and_nothing_changes(
    province: dict[str, Any], frozen_today: Any, overrides: dict[str, Any], key: str, message: str
) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        draft(data=birth_data(**overrides))
    assert caught.value.extra["errors"][key] == message
    assert counts() == before


def test_duplicate_component_and_step_codes_are_refused(
    province: dict[str, Any], frozen_today: Any
) -> None:
    data = birth_data()
    data["components"].append({"code": "TK", "name": "Tờ khai khác"})
    data["process_steps"][3]["code"] = "TN"
    with pytest.raises(InvalidInput) as caught:
        draft(data=data)
    errors = caught.value.extra["errors"]
    assert errors["components[2].code"] == "Mã thành phần 'TK' trùng với thành phần thứ 1."
    assert errors["process_steps[3].code"] == "Mã bước 'TN' trùng với bước thứ 1."
    assert not Procedure.objects.exists()


def test_codes_must_match_the_national_format(province: dict[str, Any], frozen_today: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        create_version(
            actor=None, procedure_code="2.000001.H99", national_code="1.001193", data=birth_data()
        )
    assert caught.value.extra["errors"]["code"].startswith(
        "Mã thủ tục 2.000001.H99 phải là mã quốc gia 1.001193"
    )
    with pytest.raises(InvalidInput) as caught:
        create_version(
            actor=None, procedure_code="1.001193/H99", national_code="1001193", data=birth_data()
        )
    assert set(caught.value.extra["errors"]) == {"code", "national_code"}


def test_steps_exceeding_the_legal_time_are_refused_with_the_excess(
    province: dict[str, Any], frozen_today: Any
) -> None:
    data = birth_data()
    data["process_steps"][1]["allotted_hours"] = "4.25"  # 1 + 4.25 + 2 + 1 = 8.25 > 7.5
    with pytest.raises(InvalidInput) as caught:
        draft(data=data)
    assert caught.value.extra["errors"]["process_steps"] == (
        "Quy trình nội bộ cần 8.25 giờ làm việc, vượt thời hạn giải quyết 7.5 giờ "
        "(1 ngày làm việc × 7.5 giờ) là 0.75 giờ."
    )
    assert not Procedure.objects.exists()


def test_parallel_steps_count_once_at_their_position(
    province: dict[str, Any], frozen_today: Any
) -> None:
    # 4 + max(30, 45) + 26 = 75 h = 10 working days × 7.5 h: fits exactly.
    version = draft(RECORD_CODE, record_data())
    assert legal_time_in_working_hours(version) == Decimal("75")
    data = record_data()
    data["process_steps"][1]["allotted_hours"] = 46  # now the parallel branch is the longest
    data["process_steps"][2]["allotted_hours"] = 45.5
    with pytest.raises(InvalidInput) as caught:
        draft(RECORD_CODE, data)
    assert "cần 76 giờ làm việc" in caught.value.extra["errors"]["process_steps"]


def test_step_positions_must_be_contiguous_and_inter_agency_names_its_agency(
    province: dict[str, Any], frozen_today: Any
) -> None:
    data = record_data()
    data["process_steps"][3]["position"] = 5
    data["process_steps"][2]["responsible_agency"] = ""
    with pytest.raises(InvalidInput) as caught:
        draft(RECORD_CODE, data)
    errors = caught.value.extra["errors"]
    assert errors["process_steps[2].responsible_agency"] == (
        "Bước liên thông phải nêu cơ quan phối hợp thực hiện."
    )
    assert errors["process_steps"].startswith("Thứ tự các bước phải liên tục từ 1")


def test_legal_time_follows_the_office_hours(province: dict[str, Any], frozen_today: Any) -> None:
    from tinhso.calendar.services import set_working_periods

    version = draft(RECORD_CODE, record_data())
    set_working_periods([(dt.time(7, 0), dt.time(11, 0)), (dt.time(13, 0), dt.time(17, 0))])
    assert legal_time_in_working_hours(version) == Decimal("80")
    hourly = draft(
        data=birth_data(
            processing_time="7.5",
            processing_time_unit="working_hour",
        )
    )
    assert legal_time_in_working_hours(hourly) == Decimal("7.5")


def test_publish_makes_the_version_open_for_submission(
    province: dict[str, Any], frozen_today: Any
) -> None:
    version = publish_version(actor=None, version=draft())
    assert version.status == Status.PUBLISHED
    assert version.published_at is not None
    assert version.valid_to is None
    found = open_version_for_submission(BIRTH_CODE, province["commune"], NOON)
    assert found.pk == version.pk
    entry = AuditEntry.objects.get(action="catalog.version.publish")
    assert entry.before["status"] == "draft"
    assert entry.after["status"] == "published"
    assert entry.after["superseded"] is None


def test_a_new_version_ends_the_previous_one_the_day_before(
    province: dict[str, Any], birth: ProcedureVersion
) -> None:
    second = draft(data=birth_data(fees=[{"description": "Lệ phí", "amount": 8_000}]))
    publish_version(actor=None, version=second, valid_from=dt.date(2026, 4, 1))
    birth.refresh_from_db()
    assert birth.status == Status.PUBLISHED  # still the law for its period
    assert birth.valid_to == dt.date(2026, 3, 31)
    commune = province["commune"]
    assert open_version_for_submission(BIRTH_CODE, commune, at(dt.date(2026, 3, 31))).number == 1
    assert open_version_for_submission(BIRTH_CODE, commune, at(dt.date(2026, 4, 1))).number == 2
    entry = AuditEntry.objects.filter(action="catalog.version.publish").last()
    assert entry is not None
    assert entry.after["superseded"] == {"number": 1, "valid_to": "2026-03-31"}


def test_overlapping_and_retroactive_publications_are_refused(
    province: dict[str, Any], birth: ProcedureVersion
) -> None:
    second = draft()
    publish_version(actor=None, version=second, valid_from=dt.date(2026, 5, 1))
    third = draft()
    before = counts()
    with pytest.raises(Conflict) as caught:
        publish_version(actor=None, version=third, valid_from=dt.date(2026, 4, 1))
    assert caught.value.code == "overlapping_version"
    assert caught.value.detail.startswith(
        f"Thủ tục {BIRTH_CODE} đã có phiên bản 2 công bố hiệu lực từ 01/05/2026"
    )
    third.refresh_from_db()
    assert third.status == Status.DRAFT
    assert counts() == before
    with pytest.raises(Conflict) as caught:
        publish_version(actor=None, version=birth)
    assert caught.value.code == "not_draft"


def test_a_first_version_may_start_in_the_past_but_periods_are_never_cut_retroactively(
    province: dict[str, Any], make_published: Any
) -> None:
    first = make_published(valid_from=dt.date(2026, 1, 1))
    second = draft()
    with pytest.raises(InvalidInput) as caught:
        publish_version(actor=None, version=second, valid_from=dt.date(2026, 2, 1))
    assert caught.value.detail == (
        "Ngày hiệu lực 01/02/2026 đã qua: không thể rút ngắn hồi tố hiệu lực của phiên bản 1 "
        "đang áp dụng."
    )
    first.refresh_from_db()
    assert first.valid_to is None
    publish_version(actor=None, version=second, valid_from=TODAY)
    first.refresh_from_db()
    assert first.valid_to == dt.date(2026, 3, 1)


def test_unpublishing_a_version_not_yet_in_force_gives_the_period_back(
    province: dict[str, Any], birth: ProcedureVersion
) -> None:
    second = publish_version(actor=None, version=draft(), valid_from=dt.date(2026, 4, 1))
    with pytest.raises(InvalidInput):
        unpublish_version(actor=None, version=second, reason="  ")
    unpublish_version(actor=None, version=second, reason="Công bố nhầm")
    second.refresh_from_db()
    birth.refresh_from_db()
    assert second.status == Status.RETIRED
    assert second.withdrawal_reason == "Công bố nhầm"
    assert birth.valid_to is None
    later = at(dt.date(2026, 6, 1))
    assert open_version_for_submission(BIRTH_CODE, province["commune"], later).number == 1
    entry = AuditEntry.objects.get(action="catalog.version.unpublish")
    assert entry.reason == "Công bố nhầm"
    assert entry.after["restored"] == {"number": 1, "valid_to": None}


def test_unpublishing_the_version_in_force_closes_the_procedure(
    province: dict[str, Any], birth: ProcedureVersion
) -> None:
    unpublish_version(actor=None, version=birth, reason="Văn bản bị hủy bỏ")
    with pytest.raises(Conflict) as caught:
        open_version_for_submission(BIRTH_CODE, province["commune"], NOON)
    assert caught.value.code == "procedure_closed"
    assert caught.value.detail == (
        f"Thủ tục {BIRTH_CODE} đã ngừng tiếp nhận hồ sơ từ ngày 02/03/2026."
    )
    with pytest.raises(Conflict):
        unpublish_version(actor=None, version=birth, reason="lần nữa")


def test_retired_procedure_closes_to_new_dossiers_and_keeps_old_versions(
    province: dict[str, Any], birth: ProcedureVersion
) -> None:
    in_flight = ProcedureVersion.objects.get(pk=birth.pk)  # held by a dossier received earlier
    upcoming = publish_version(actor=None, version=draft(), valid_from=dt.date(2026, 6, 1))
    retire_procedure(
        actor=None,
        procedure_code=BIRTH_CODE,
        on=dt.date(2026, 5, 1),
        reason="Quyết định 123/QĐ-UBND bãi bỏ",
    )
    commune = province["commune"]
    assert open_version_for_submission(BIRTH_CODE, commune, at(dt.date(2026, 4, 30))).pk == birth.pk
    with pytest.raises(Conflict) as caught:
        open_version_for_submission(BIRTH_CODE, commune, at(dt.date(2026, 5, 1)))
    assert caught.value.code == "procedure_closed"
    assert caught.value.detail == (
        f"Thủ tục {BIRTH_CODE} đã ngừng tiếp nhận hồ sơ từ ngày 01/05/2026."
    )
    birth.refresh_from_db()
    upcoming.refresh_from_db()
    assert birth.status == Status.PUBLISHED
    assert birth.valid_to == dt.date(2026, 4, 30)
    assert upcoming.status == Status.RETIRED
    # The dossier's version object is untouched: same row, same content, nothing deleted.
    assert in_flight.content_hash == birth.content_hash
    assert birth.components.count() == 2
    assert ProcedureVersion.objects.filter(procedure__code=BIRTH_CODE).count() == 2
    entry = AuditEntry.objects.get(action="catalog.procedure.retire")
    assert entry.after == {
        "code": BIRTH_CODE,
        "retired_on": "2026-05-01",
        "ended_versions": [1],
        "withdrawn_versions": [2],
    }
    assert entry.reason == "Quyết định 123/QĐ-UBND bãi bỏ"


def test_retiring_twice_or_in_the_past_is_refused(
    province: dict[str, Any], birth: ProcedureVersion
) -> None:
    with pytest.raises(InvalidInput) as caught:
        retire_procedure(
            actor=None, procedure_code=BIRTH_CODE, on=dt.date(2026, 3, 1), reason="lý do"
        )
    assert caught.value.extra["errors"]["on"] == "Ngày 01/03/2026 đã qua: không bãi bỏ hồi tố."
    retire_procedure(actor=None, procedure_code=BIRTH_CODE, on=TODAY, reason="lý do")
    with pytest.raises(Conflict):
        retire_procedure(actor=None, procedure_code=BIRTH_CODE, on=TODAY, reason="lý do")
    with pytest.raises(NotFound):
        retire_procedure(actor=None, procedure_code="9.999999", on=TODAY, reason="lý do")


def test_publishing_again_reinstates_a_retired_procedure(
    province: dict[str, Any], birth: ProcedureVersion
) -> None:
    retire_procedure(actor=None, procedure_code=BIRTH_CODE, on=TODAY, reason="bãi bỏ")
    publish_version(actor=None, version=draft(), valid_from=dt.date(2026, 4, 1))
    procedure = Procedure.objects.get(code=BIRTH_CODE)
    assert procedure.retired_on is None
    found = open_version_for_submission(BIRTH_CODE, province["commune"], at(dt.date(2026, 4, 1)))
    assert found.number == 2


def test_open_version_for_submission_errors(
    province: dict[str, Any], birth: ProcedureVersion
) -> None:
    with pytest.raises(NotFound) as not_found:
        open_version_for_submission("9.999999.H99", province["commune"], NOON)
    assert not_found.value.detail == "Không có thủ tục mang mã '9.999999.H99'."
    with pytest.raises(InvalidInput) as wrong_agency:
        open_version_for_submission(BIRTH_CODE, province["justice"], NOON)
    assert wrong_agency.value.code == "agency_not_implementing"
    assert wrong_agency.value.detail == (
        f"Sở Tư pháp (000.00.04.H99) không thực hiện thủ tục {BIRTH_CODE} «Đăng ký khai sinh»."
    )
    with pytest.raises(Conflict) as early:
        open_version_for_submission(BIRTH_CODE, province["commune"], at(dt.date(2026, 3, 1)))
    assert early.value.detail == (
        f"Thủ tục {BIRTH_CODE} chưa có hiệu lực; bắt đầu tiếp nhận hồ sơ từ ngày 02/03/2026."
    )
    draft(RECORD_CODE, record_data())  # a draft only: unknown to the public
    with pytest.raises(NotFound):
        open_version_for_submission(RECORD_CODE, province["justice"], NOON)


def test_local_date_decides_the_version(province: dict[str, Any], birth: ProcedureVersion) -> None:
    publish_version(actor=None, version=draft(), valid_from=dt.date(2026, 4, 1))
    # 31/03 23:30 in UTC is already 1 April in Hồ Chí Minh City (UTC+7).
    late = dt.datetime(2026, 3, 31, 17, 30, tzinfo=dt.UTC)
    assert open_version_for_submission(BIRTH_CODE, province["commune"], late).number == 2


def test_publishing_refuses_a_process_that_no_longer_fits(
    province: dict[str, Any], frozen_today: Any
) -> None:
    from tinhso.calendar.services import set_working_periods

    version = draft()
    set_working_periods([(dt.time(8, 0), dt.time(12, 0)), (dt.time(13, 0), dt.time(16, 0))])
    with pytest.raises(InvalidInput) as caught:
        publish_version(actor=None, version=version)
    assert "vượt thời hạn giải quyết 7 giờ là 0.5 giờ" in caught.value.detail
    version.refresh_from_db()
    assert version.status == Status.DRAFT


def test_an_agency_merged_away_blocks_publication(
    province: dict[str, Any], frozen_today: Any
) -> None:
    from tinhso.organizations.services import merge_agencies

    version = draft(RECORD_CODE, record_data())
    merge_agencies(
        actor=None,
        predecessor_codes=["000.00.08.H99"],
        successor_code="000.00.04.H99",
        effective_on=dt.date(2026, 3, 2),
    )
    with pytest.raises(InvalidInput) as caught:
        publish_version(actor=None, version=version)
    assert caught.value.extra["errors"]["implementing_agencies"] == (
        "Cơ quan đã giải thể, sáp nhập: 000.00.08.H99."
    )


def test_a_renamed_sector_is_updated_and_audited(
    province: dict[str, Any], birth: ProcedureVersion
) -> None:
    draft(data=birth_data(sector={"code": "TP-HT", "name": "Hộ tịch, chứng thực"}))
    birth.sector.refresh_from_db()
    assert birth.sector.name == "Hộ tịch, chứng thực"
    entry = AuditEntry.objects.get(action="catalog.sector.rename")
    assert entry.before == {"code": "TP-HT", "name": "Hộ tịch"}
