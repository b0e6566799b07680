"""The demo catalogue: six common procedures of the demo province (Đồng Tháp, agency codes of
``tinhso.demo.province``). National codes, legal times and fees follow the national database as
known at the time of writing, but this is **demo data**: sector codes are illustrative, and a
province loads its real catalogue with ``tinhso catalog import``. Loading is idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from tinhso.catalog.models import Procedure
from tinhso.catalog.services import create_version, publish_version
from tinhso.organizations.models import Agency
from tinhso.organizations.services import create_agency

VALID_FROM = dt.date(2025, 7, 1)
PROVINCE_SUFFIX = "000.00.00.H82"
COMMUNES = [f"000.00.{number}.H82" for number in range(31, 41)]
JUSTICE = "000.00.04.H82"
JUSTICE_DIVISION = "000.01.04.H82"
CONSTRUCTION = "000.00.08.H82"
HOUSING_DIVISION = "000.01.08.H82"
AGRICULTURE_ENVIRONMENT = "000.00.07.H82"
CENTRE = "000.00.02.H82"
# The provincial police is a central branch (ngành dọc), not a department of the people's
# committee; the demo province has no code for it, so this illustrative one is used.
POLICE = "000.00.15.H82"
POLICE_NAME = "Công an tỉnh Đồng Tháp"

CITIZEN_ID = {"type": "string", "pattern": r"^\d{12}$", "title": "Số định danh cá nhân"}
ID_MESSAGE = "gồm đúng 12 chữ số"
SEX = {"type": "string", "enum": ["nam", "nu"], "title": "Giới tính"}
SEX_CHOICES = {"nam": "Nam", "nu": "Nữ"}


def _person(required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": {
            "full_name": {"type": "string", "minLength": 1, "maxLength": 100},
            "birth_date": {"type": "string", "format": "date"},
            "citizen_id": CITIZEN_ID,
            "ethnicity": {"type": "string", "maxLength": 50},
            "nationality": {"type": "string", "maxLength": 50, "default": "Việt Nam"},
            "residence": {"type": "string", "maxLength": 300},
        },
    }


def _person_ui(prefix: str, who: str) -> dict[str, dict[str, str]]:
    return {
        f"{prefix}.full_name": {"label": f"Họ, chữ đệm và tên {who}", "widget": "text"},
        f"{prefix}.birth_date": {"label": f"Ngày, tháng, năm sinh {who}", "widget": "date"},
        f"{prefix}.citizen_id": {
            "label": f"Số định danh cá nhân {who}",
            "widget": "text",
            "pattern_message": ID_MESSAGE,
        },
        f"{prefix}.ethnicity": {"label": f"Dân tộc {who}", "widget": "text"},
        f"{prefix}.nationality": {"label": f"Quốc tịch {who}", "widget": "text"},
        f"{prefix}.residence": {"label": f"Nơi cư trú {who}", "widget": "textarea"},
    }


REQUESTER = {
    "type": "object",
    "required": ["full_name", "citizen_id", "relationship"],
    "additionalProperties": False,
    "properties": {
        "full_name": {"type": "string", "minLength": 1, "maxLength": 100},
        "citizen_id": CITIZEN_ID,
        "relationship": {"type": "string", "minLength": 1, "maxLength": 50},
        "phone": {"type": "string", "pattern": r"^0\d{9,10}$"},
        "email": {"type": "string", "format": "email"},
    },
}
REQUESTER_UI = {
    "requester.full_name": {"label": "Họ, chữ đệm và tên người yêu cầu", "widget": "text"},
    "requester.citizen_id": {
        "label": "Số định danh cá nhân của người yêu cầu",
        "pattern_message": ID_MESSAGE,
    },
    "requester.relationship": {
        "label": "Quan hệ với người được đăng ký",
        "widget": "text",
        "placeholder": "ví dụ: cha, mẹ, ông, bà",
    },
    "requester.phone": {
        "label": "Số điện thoại",
        "widget": "tel",
        "pattern_message": "gồm 10–11 chữ số, bắt đầu bằng 0",
    },
    "requester.email": {"label": "Thư điện tử", "widget": "email"},
}

CIVIL_STATUS = {"code": "TP-HT", "name": "Hộ tịch"}
LEGAL_RECORDS = {"code": "TP-LLTP", "name": "Lý lịch tư pháp"}
CERTIFICATION = {"code": "TP-CT", "name": "Chứng thực"}
CONSTRUCTION_SECTOR = {"code": "XD-HDXD", "name": "Hoạt động xây dựng"}

COMMUNE_STEPS_ONE_DAY = [
    {
        "position": 1,
        "code": "TN",
        "name": "Tiếp nhận, kiểm tra hồ sơ",
        "responsible_role": "one_stop_officer",
        "allotted_hours": "1",
    },
    {
        "position": 2,
        "code": "TD",
        "name": "Thẩm định, ghi sổ hộ tịch, in giấy tờ",
        "responsible_role": "specialist",
        "allotted_hours": "3.5",
    },
    {
        "position": 3,
        "code": "KY",
        "name": "Chủ tịch Ủy ban nhân dân xã ký",
        "responsible_role": "leader",
        "allotted_hours": "2",
    },
    {
        "position": 4,
        "code": "TKQ",
        "name": "Trả kết quả",
        "responsible_role": "one_stop_officer",
        "allotted_hours": "1",
    },
]

BIRTH: dict[str, Any] = {
    "national_code": "1.001193",
    "data": {
        "name": "Đăng ký khai sinh",
        "sector": CIVIL_STATUS,
        "level": "commune",
        "implementing_agencies": COMMUNES,
        "target_groups": ["citizen"],
        "channels": [1, 2, 3],
        "online_mode": "full",
        "processing_time": "1",
        "processing_time_unit": "working_day",
        "legal_basis": (
            "Luật Hộ tịch số 60/2014/QH13\nNghị định số 123/2015/NĐ-CP\nThông tư số 04/2020/TT-BTP"
        ),
        "conditions": (
            "Trong thời hạn 60 ngày kể từ ngày sinh con, cha hoặc mẹ có trách nhiệm đăng ký "
            "khai sinh cho con. Hồ sơ nhận sau 15 giờ mà không giải quyết được ngay thì trả kết "
            "quả trong ngày làm việc tiếp theo."
        ),
        "results": ["Giấy khai sinh (bản chính)", "Bản sao Giấy khai sinh (nếu có yêu cầu)"],
        "components": [
            {
                "code": "TK",
                "name": "Tờ khai đăng ký khai sinh (theo mẫu)",
                "originals": 1,
                "copies": 0,
                "template_url": (
                    "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-nganh-doc.html"
                    "?ma_thu_tuc=1.001193"
                ),
            },
            {
                "code": "GCS",
                "name": "Giấy chứng sinh hoặc giấy tờ thay thế Giấy chứng sinh",
                "originals": 1,
                "copies": 0,
            },
            {
                "code": "UQ",
                "name": "Văn bản ủy quyền (nếu ủy quyền đăng ký khai sinh)",
                "originals": 1,
                "copies": 0,
                "is_required": False,
            },
        ],
        "fees": [
            {"description": "Lệ phí đăng ký khai sinh đúng hạn", "amount": 0, "note": "Miễn"},
        ],
        "process_steps": COMMUNE_STEPS_ONE_DAY,
        "form_schema": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "required": ["child", "mother", "requester"],
            "additionalProperties": False,
            "properties": {
                "child": {
                    "type": "object",
                    "required": ["full_name", "birth_date", "sex", "place_of_birth"],
                    "additionalProperties": False,
                    "properties": {
                        "full_name": {"type": "string", "minLength": 1, "maxLength": 100},
                        "birth_date": {"type": "string", "format": "date"},
                        "sex": SEX,
                        "ethnicity": {"type": "string", "maxLength": 50, "default": "Kinh"},
                        "nationality": {"type": "string", "maxLength": 50, "default": "Việt Nam"},
                        "place_of_birth": {"type": "string", "minLength": 1, "maxLength": 300},
                        "hometown": {"type": "string", "maxLength": 300},
                    },
                },
                "mother": _person(["full_name", "citizen_id"]),
                "father": _person(["full_name"]),
                "requester": REQUESTER,
            },
        },
        "form_ui": {
            "order": ["child", "mother", "father", "requester"],
            "fields": {
                "child": {"label": "Thông tin người được khai sinh"},
                "child.full_name": {"label": "Họ, chữ đệm và tên của trẻ", "widget": "text"},
                "child.birth_date": {"label": "Ngày, tháng, năm sinh", "widget": "date"},
                "child.sex": {"label": "Giới tính", "widget": "radio", "choices": SEX_CHOICES},
                "child.ethnicity": {"label": "Dân tộc", "widget": "text"},
                "child.nationality": {"label": "Quốc tịch", "widget": "text"},
                "child.place_of_birth": {
                    "label": "Nơi sinh",
                    "widget": "textarea",
                    "help": "Tên cơ sở y tế, hoặc xã, tỉnh nơi trẻ sinh ra",
                },
                "child.hometown": {"label": "Quê quán", "widget": "text"},
                "mother": {"label": "Thông tin người mẹ"},
                **_person_ui("mother", "của mẹ"),
                "father": {"label": "Thông tin người cha (nếu có)"},
                **_person_ui("father", "của cha"),
                "requester": {"label": "Người đi đăng ký"},
                **REQUESTER_UI,
            },
        },
    },
}

DEATH: dict[str, Any] = {
    "national_code": "1.000656",
    "data": {
        "name": "Đăng ký khai tử",
        "sector": CIVIL_STATUS,
        "level": "commune",
        "implementing_agencies": COMMUNES,
        "target_groups": ["citizen"],
        "channels": [1, 2, 3],
        "online_mode": "full",
        "processing_time": "1",
        "processing_time_unit": "working_day",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13\nNghị định số 123/2015/NĐ-CP",
        "conditions": (
            "Trong thời hạn 15 ngày kể từ ngày có người chết, vợ, chồng hoặc con, cha, mẹ hoặc "
            "người thân thích khác của người chết có trách nhiệm đăng ký khai tử."
        ),
        "results": ["Trích lục khai tử (bản chính)"],
        "components": [
            {"code": "TK", "name": "Tờ khai đăng ký khai tử (theo mẫu)", "originals": 1},
            {
                "code": "BT",
                "name": "Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử",
                "originals": 1,
            },
        ],
        "fees": [
            {"description": "Lệ phí đăng ký khai tử đúng hạn", "amount": 0, "note": "Miễn"},
        ],
        "process_steps": COMMUNE_STEPS_ONE_DAY,
        "form_schema": {
            "type": "object",
            "required": ["deceased", "date_of_death", "place_of_death", "requester"],
            "additionalProperties": False,
            "properties": {
                "deceased": _person(["full_name", "citizen_id"]),
                "date_of_death": {"type": "string", "format": "date"},
                "place_of_death": {"type": "string", "minLength": 1, "maxLength": 300},
                "cause_of_death": {"type": "string", "maxLength": 300},
                "requester": REQUESTER,
            },
        },
        "form_ui": {
            "order": ["deceased", "date_of_death", "place_of_death", "cause_of_death", "requester"],
            "fields": {
                "deceased": {"label": "Thông tin người chết"},
                **_person_ui("deceased", "của người chết"),
                "date_of_death": {"label": "Ngày chết", "widget": "date"},
                "place_of_death": {"label": "Nơi chết", "widget": "textarea"},
                "cause_of_death": {"label": "Nguyên nhân chết", "widget": "text"},
                "requester": {"label": "Người đi đăng ký"},
                **REQUESTER_UI,
            },
        },
    },
}

MARRIAGE: dict[str, Any] = {
    "national_code": "1.000894",
    "data": {
        "name": "Đăng ký kết hôn",
        "sector": CIVIL_STATUS,
        "level": "commune",
        "implementing_agencies": COMMUNES,
        "target_groups": ["citizen"],
        "channels": [1, 2],
        "online_mode": "partial",
        "processing_time": "1",
        "processing_time_unit": "working_day",
        "legal_basis": (
            "Luật Hôn nhân và gia đình số 52/2014/QH13\nLuật Hộ tịch số 60/2014/QH13\n"
            "Nghị định số 123/2015/NĐ-CP"
        ),
        "conditions": (
            "Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi; việc kết hôn do hai bên tự nguyện quyết định; "
            "không thuộc trường hợp cấm kết hôn. Hai bên phải có mặt khi đăng ký kết hôn. "
            "Trường hợp cần xác minh điều kiện kết hôn, thời hạn không quá 05 ngày làm việc."
        ),
        "results": ["Giấy chứng nhận kết hôn (mỗi bên một bản chính)"],
        "components": [
            {
                "code": "TK",
                "name": "Tờ khai đăng ký kết hôn (theo mẫu)",
                "originals": 1,
            },
            {
                "code": "XNTTHN",
                "name": "Giấy xác nhận tình trạng hôn nhân (nếu cư trú nơi khác)",
                "originals": 1,
                "is_required": False,
            },
        ],
        "fees": [{"description": "Lệ phí đăng ký kết hôn", "amount": 0, "note": "Miễn"}],
        "process_steps": COMMUNE_STEPS_ONE_DAY,
        "form_schema": {
            "type": "object",
            "required": ["husband", "wife"],
            "additionalProperties": False,
            "properties": {
                "husband": _person(["full_name", "birth_date", "citizen_id", "residence"]),
                "wife": _person(["full_name", "birth_date", "citizen_id", "residence"]),
                "ceremony_date": {"type": "string", "format": "date"},
            },
        },
        "form_ui": {
            "order": ["husband", "wife", "ceremony_date"],
            "fields": {
                "husband": {"label": "Bên nam"},
                **_person_ui("husband", "bên nam"),
                "wife": {"label": "Bên nữ"},
                **_person_ui("wife", "bên nữ"),
                "ceremony_date": {
                    "label": "Ngày mong muốn tổ chức trao giấy chứng nhận",
                    "widget": "date",
                },
            },
        },
    },
}

CRIMINAL_RECORD: dict[str, Any] = {
    "national_code": "2.000488",
    "data": {
        "name": (
            "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú "
            "tại Việt Nam"
        ),
        "sector": LEGAL_RECORDS,
        "level": "province",
        "implementing_agencies": [JUSTICE, CENTRE],
        "target_groups": ["citizen"],
        "channels": [1, 2, 3],
        "online_mode": "full",
        "processing_time": "10",
        "processing_time_unit": "working_day",
        "legal_basis": (
            "Luật Lý lịch tư pháp số 28/2009/QH12\n"
            "Nghị định số 111/2010/NĐ-CP\n"
            "Thông tư số 244/2016/TT-BTC (phí cung cấp thông tin lý lịch tư pháp)"
        ),
        "conditions": "",
        "results": ["Phiếu lý lịch tư pháp số 1 hoặc số 2"],
        "components": [
            {
                "code": "TK",
                "name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (mẫu số 03/2013/TT-LLTP)",
                "originals": 1,
            },
            {
                "code": "CCCD",
                "name": "Thẻ căn cước hoặc hộ chiếu của người được cấp Phiếu",
                "originals": 0,
                "copies": 1,
            },
            {
                "code": "UQ",
                "name": "Văn bản ủy quyền (nếu ủy quyền làm thủ tục)",
                "originals": 1,
                "is_required": False,
            },
        ],
        "fees": [
            {"description": "Phí cung cấp thông tin lý lịch tư pháp", "amount": 200_000},
            {
                "description": "Phí cung cấp thông tin lý lịch tư pháp (sinh viên, người có công "
                "với cách mạng, thân nhân liệt sĩ)",
                "amount": 100_000,
            },
            {
                "description": "Phiếu thứ 3 trở đi trong một lần yêu cầu",
                "amount": 5_000,
                "note": "mỗi phiếu",
            },
        ],
        "process_steps": [
            {
                "position": 1,
                "code": "TN",
                "name": "Tiếp nhận, kiểm tra hồ sơ, chuyển Sở Tư pháp",
                "responsible_role": "one_stop_officer",
                "responsible_agency": CENTRE,
                "allotted_hours": "4",
            },
            {
                "position": 2,
                "code": "TC",
                "name": "Tra cứu cơ sở dữ liệu lý lịch tư pháp, gửi yêu cầu xác minh",
                "responsible_role": "specialist",
                "responsible_agency": JUSTICE_DIVISION,
                "allotted_hours": "8",
            },
            {
                "position": 3,
                "code": "XM",
                "name": "Xác minh thông tin về án tích (liên thông Công an tỉnh)",
                "responsible_role": "specialist",
                "responsible_agency": POLICE,
                "is_inter_agency": True,
                "allotted_hours": "45",
            },
            {
                "position": 4,
                "code": "LP",
                "name": "Lập Phiếu lý lịch tư pháp, trình ký",
                "responsible_role": "head_of_unit",
                "responsible_agency": JUSTICE_DIVISION,
                "allotted_hours": "10",
            },
            {
                "position": 5,
                "code": "KY",
                "name": "Lãnh đạo Sở ký Phiếu, chuyển trả kết quả",
                "responsible_role": "leader",
                "responsible_agency": JUSTICE,
                "allotted_hours": "8",
            },
        ],
        "form_schema": {
            "type": "object",
            "required": [
                "full_name",
                "birth_date",
                "sex",
                "citizen_id",
                "place_of_birth",
                "residence",
                "record_kind",
                "copies",
            ],
            "additionalProperties": False,
            "properties": {
                "full_name": {"type": "string", "minLength": 1, "maxLength": 100},
                "birth_date": {"type": "string", "format": "date"},
                "sex": SEX,
                "citizen_id": CITIZEN_ID,
                "place_of_birth": {"type": "string", "minLength": 1, "maxLength": 300},
                "nationality": {"type": "string", "maxLength": 50, "default": "Việt Nam"},
                "residence": {"type": "string", "minLength": 1, "maxLength": 300},
                "father_name": {"type": "string", "maxLength": 100},
                "mother_name": {"type": "string", "maxLength": 100},
                "spouse_name": {"type": "string", "maxLength": 100},
                "record_kind": {"type": "string", "enum": ["1", "2"]},
                "copies": {"type": "integer", "minimum": 1, "maximum": 10},
                "purpose": {"type": "string", "maxLength": 300},
                "email": {"type": "string", "format": "email"},
            },
        },
        "form_ui": {
            "order": [
                "full_name",
                "birth_date",
                "sex",
                "citizen_id",
                "place_of_birth",
                "nationality",
                "residence",
                "father_name",
                "mother_name",
                "spouse_name",
                "record_kind",
                "copies",
                "purpose",
                "email",
            ],
            "fields": {
                "full_name": {"label": "Họ, chữ đệm và tên", "widget": "text"},
                "birth_date": {"label": "Ngày, tháng, năm sinh", "widget": "date"},
                "sex": {"label": "Giới tính", "widget": "radio", "choices": SEX_CHOICES},
                "citizen_id": {
                    "label": "Số định danh cá nhân",
                    "widget": "text",
                    "pattern_message": ID_MESSAGE,
                },
                "place_of_birth": {"label": "Nơi sinh", "widget": "text"},
                "nationality": {"label": "Quốc tịch", "widget": "text"},
                "residence": {"label": "Nơi cư trú", "widget": "textarea"},
                "father_name": {"label": "Họ và tên cha", "widget": "text"},
                "mother_name": {"label": "Họ và tên mẹ", "widget": "text"},
                "spouse_name": {"label": "Họ và tên vợ/chồng", "widget": "text"},
                "record_kind": {
                    "label": "Loại Phiếu yêu cầu cấp",
                    "widget": "radio",
                    "choices": {"1": "Phiếu số 1", "2": "Phiếu số 2"},
                },
                "copies": {"label": "Số lượng Phiếu", "widget": "number"},
                "purpose": {"label": "Mục đích sử dụng", "widget": "text"},
                "email": {"label": "Thư điện tử nhận thông báo", "widget": "email"},
            },
        },
    },
}

BUILDING_PERMIT: dict[str, Any] = {
    "national_code": "1.009997",
    "data": {
        "name": "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "sector": CONSTRUCTION_SECTOR,
        "level": "province",
        "implementing_agencies": [CONSTRUCTION, CENTRE],
        "target_groups": ["citizen", "organisation"],
        "channels": [1, 2, 3],
        "online_mode": "partial",
        "processing_time": "15",
        "processing_time_unit": "working_day",
        "legal_basis": (
            "Luật Xây dựng số 50/2014/QH13, sửa đổi bởi Luật số 62/2020/QH14\n"
            "Nghị định số 175/2024/NĐ-CP"
        ),
        "conditions": (
            "Phù hợp với quy hoạch sử dụng đất và quy hoạch chi tiết xây dựng; bảo đảm an toàn "
            "cho công trình, công trình lân cận và yêu cầu về bảo vệ môi trường, phòng cháy."
        ),
        "results": ["Giấy phép xây dựng"],
        "components": [
            {"code": "DON", "name": "Đơn đề nghị cấp giấy phép xây dựng (mẫu số 01)"},
            {
                "code": "QSDD",
                "name": "Giấy tờ chứng minh quyền sử dụng đất",
                "originals": 0,
                "copies": 1,
            },
            {
                "code": "BV",
                "name": "Hai bộ bản vẽ thiết kế xây dựng",
                "originals": 2,
                "copies": 0,
            },
            {
                "code": "CK",
                "name": "Bản kê khai năng lực, kinh nghiệm của tổ chức, cá nhân thiết kế",
                "is_required": False,
            },
        ],
        "fees": [
            {"description": "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", "amount": 75_000},
        ],
        "process_steps": [
            {
                "position": 1,
                "code": "TN",
                "name": "Tiếp nhận, kiểm tra hồ sơ, chuyển Sở Xây dựng",
                "responsible_role": "one_stop_officer",
                "responsible_agency": CENTRE,
                "allotted_hours": "4",
            },
            {
                "position": 2,
                "code": "TD",
                "name": "Thẩm định hồ sơ, kiểm tra thực địa",
                "responsible_role": "specialist",
                "responsible_agency": HOUSING_DIVISION,
                "allotted_hours": "60",
            },
            {
                "position": 2,
                "code": "YK",
                "name": "Lấy ý kiến về quy hoạch sử dụng đất (song song)",
                "responsible_role": "specialist",
                "responsible_agency": AGRICULTURE_ENVIRONMENT,
                "is_inter_agency": True,
                "allotted_hours": "40",
            },
            {
                "position": 3,
                "code": "TR",
                "name": "Dự thảo giấy phép, trình lãnh đạo",
                "responsible_role": "head_of_unit",
                "responsible_agency": HOUSING_DIVISION,
                "allotted_hours": "24",
            },
            {
                "position": 4,
                "code": "KY",
                "name": "Lãnh đạo Sở ký giấy phép",
                "responsible_role": "leader",
                "responsible_agency": CONSTRUCTION,
                "allotted_hours": "16",
            },
            {
                "position": 5,
                "code": "TKQ",
                "name": "Trả kết quả",
                "responsible_role": "one_stop_officer",
                "responsible_agency": CENTRE,
                "allotted_hours": "4",
            },
        ],
        "form_schema": {
            "type": "object",
            "required": ["owner_name", "citizen_id", "plot", "floor_area", "floors"],
            "additionalProperties": False,
            "properties": {
                "owner_name": {"type": "string", "minLength": 1, "maxLength": 200},
                "citizen_id": CITIZEN_ID,
                "phone": {"type": "string", "pattern": r"^0\d{9,10}$"},
                "plot": {
                    "type": "object",
                    "required": ["sheet_number", "plot_number", "address"],
                    "additionalProperties": False,
                    "properties": {
                        "sheet_number": {"type": "string", "minLength": 1, "maxLength": 20},
                        "plot_number": {"type": "string", "minLength": 1, "maxLength": 20},
                        "area": {"type": "number", "exclusiveMinimum": 0},
                        "address": {"type": "string", "minLength": 1, "maxLength": 300},
                    },
                },
                "floor_area": {"type": "number", "exclusiveMinimum": 0, "maximum": 100000},
                "floors": {"type": "integer", "minimum": 1, "maximum": 50},
                "height": {"type": "number", "exclusiveMinimum": 0, "maximum": 300},
                "expected_start": {"type": "string", "format": "date"},
            },
        },
        "form_ui": {
            "order": [
                "owner_name",
                "citizen_id",
                "phone",
                "plot",
                "floor_area",
                "floors",
                "height",
                "expected_start",
            ],
            "fields": {
                "owner_name": {"label": "Tên chủ đầu tư (chủ hộ)", "widget": "text"},
                "citizen_id": {
                    "label": "Số định danh cá nhân",
                    "widget": "text",
                    "pattern_message": ID_MESSAGE,
                },
                "phone": {
                    "label": "Số điện thoại",
                    "widget": "tel",
                    "pattern_message": "gồm 10–11 chữ số, bắt đầu bằng 0",
                },
                "plot": {"label": "Thửa đất xây dựng"},
                "plot.sheet_number": {"label": "Tờ bản đồ số", "widget": "text"},
                "plot.plot_number": {"label": "Thửa đất số", "widget": "text"},
                "plot.area": {"label": "Diện tích thửa đất (m²)", "widget": "number"},
                "plot.address": {"label": "Địa chỉ thửa đất", "widget": "textarea"},
                "floor_area": {"label": "Tổng diện tích sàn (m²)", "widget": "number"},
                "floors": {"label": "Số tầng", "widget": "number"},
                "height": {"label": "Chiều cao công trình (m)", "widget": "number"},
                "expected_start": {"label": "Dự kiến ngày khởi công", "widget": "date"},
            },
        },
    },
}

CERTIFIED_COPY: dict[str, Any] = {
    "national_code": "2.000815",
    "data": {
        "name": (
            "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của "
            "Việt Nam cấp hoặc chứng nhận"
        ),
        "sector": CERTIFICATION,
        "level": "commune",
        "implementing_agencies": COMMUNES,
        "target_groups": ["citizen", "business", "organisation"],
        "channels": [1, 2],
        "online_mode": "partial",
        "processing_time": "1",
        "processing_time_unit": "working_hour",
        "legal_basis": "Nghị định số 23/2015/NĐ-CP\nThông tư số 226/2016/TT-BTC",
        "conditions": (
            "Giải quyết trong ngày; yêu cầu tiếp nhận sau 15 giờ được giải quyết trong ngày "
            "làm việc tiếp theo."
        ),
        "results": ["Bản sao được chứng thực từ bản chính"],
        "components": [
            {"code": "BC", "name": "Bản chính giấy tờ, văn bản làm cơ sở chứng thực bản sao"},
            {
                "code": "BS",
                "name": "Bản sao cần chứng thực (nếu người yêu cầu tự chụp)",
                "originals": 0,
                "copies": 1,
                "is_required": False,
            },
        ],
        "fees": [
            {"description": "Trang thứ nhất, trang thứ hai", "amount": 2_000, "note": "mỗi trang"},
            {
                "description": "Từ trang thứ ba trở lên",
                "amount": 1_000,
                "note": "mỗi trang; tối đa 200.000 đồng/bản",
            },
        ],
        "process_steps": [
            {
                "position": 1,
                "code": "TN",
                "name": "Tiếp nhận, đối chiếu bản chính",
                "responsible_role": "one_stop_officer",
                "allotted_hours": "0.25",
            },
            {
                "position": 2,
                "code": "KY",
                "name": "Ký chứng thực, đóng dấu, ghi sổ",
                "responsible_role": "leader",
                "allotted_hours": "0.5",
            },
            {
                "position": 3,
                "code": "TKQ",
                "name": "Thu phí, trả kết quả",
                "responsible_role": "one_stop_officer",
                "allotted_hours": "0.25",
            },
        ],
        "form_schema": {
            "type": "object",
            "required": ["requester_name", "document_title", "pages", "copies"],
            "additionalProperties": False,
            "properties": {
                "requester_name": {"type": "string", "minLength": 1, "maxLength": 100},
                "document_title": {"type": "string", "minLength": 1, "maxLength": 300},
                "pages": {"type": "integer", "minimum": 1, "maximum": 500},
                "copies": {"type": "integer", "minimum": 1, "maximum": 50},
            },
        },
        "form_ui": {
            "order": ["requester_name", "document_title", "pages", "copies"],
            "fields": {
                "requester_name": {"label": "Họ và tên người yêu cầu", "widget": "text"},
                "document_title": {
                    "label": "Tên giấy tờ cần chứng thực",
                    "widget": "text",
                    "placeholder": "ví dụ: Bằng tốt nghiệp trung học phổ thông",
                },
                "pages": {"label": "Số trang của giấy tờ", "widget": "number"},
                "copies": {"label": "Số bản sao cần chứng thực", "widget": "number"},
            },
        },
    },
}

PROCEDURES: list[dict[str, Any]] = [
    BIRTH,
    DEATH,
    MARRIAGE,
    CRIMINAL_RECORD,
    BUILDING_PERMIT,
    CERTIFIED_COPY,
]


def demo_code(entry: dict[str, Any]) -> str:
    return f"{entry['national_code']}.{PROVINCE_SUFFIX}"


@dataclass
class DemoCatalogReport:
    procedures_created: int = 0
    agencies_created: int = 0


def _ensure_police(report: DemoCatalogReport) -> None:
    if Agency.objects.filter(code=POLICE).exists():
        return
    create_agency(
        actor=None,
        code=POLICE,
        name=POLICE_NAME,
        short_name="CA tỉnh",
        kind=Agency.Kind.CENTRAL_BRANCH,
        level=Agency.Level.PROVINCE,
        valid_from=VALID_FROM,
    )
    report.agencies_created += 1


def load_demo_catalog() -> DemoCatalogReport:
    """Create and publish the demo procedures that do not exist yet (needs the demo province)."""
    report = DemoCatalogReport()
    with transaction.atomic():
        _ensure_police(report)
        for entry in PROCEDURES:
            code = demo_code(entry)
            if Procedure.objects.filter(code=code).exists():
                continue
            version = create_version(
                actor=None,
                procedure_code=code,
                national_code=entry["national_code"],
                data={**entry["data"], "valid_from": VALID_FROM.isoformat()},
            )
            publish_version(actor=None, version=version, valid_from=VALID_FROM)
            report.procedures_created += 1
    return report
