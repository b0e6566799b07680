"""A published procedure of the test province: 3 working days, a fee, three steps — appraisal
in the justice division, an inter-agency step at the construction department, approval by the
justice leader — received at the one-stop centre or at the department."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tinhso.catalog.models import (
    Component,
    FeeLine,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Sector,
)

FORM_SCHEMA = {
    "type": "object",
    "required": ["purpose"],
    "properties": {"purpose": {"type": "string", "minLength": 3, "title": "Mục đích"}},
}


@pytest.fixture
def procedure(province: dict[str, Any]) -> ProcedureVersion:
    sector = Sector.objects.create(code="G09-TP05", name="Lý lịch tư pháp")
    procedure = Procedure.objects.create(national_code="2.001417", code="2.001417.000.00.04.H99")
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=ProcedureVersion.Status.PUBLISHED,
        name="Cấp Phiếu lý lịch tư pháp cho công dân",
        name_folded="cap phieu ly lich tu phap",
        sector=sector,
        level="province",
        target_groups=["citizen"],
        channels=[1, 2, 3],
        online_mode="full",
        processing_time=Decimal(3),
        processing_time_unit="working_day",
        form_schema=FORM_SCHEMA,
        valid_from=dt.date(2020, 1, 1),
    )
    version.implementing_agencies.set([province["centre"], province["justice"]])
    Component.objects.create(version=version, position=1, code="TK", name="Tờ khai", originals=1)
    Component.objects.create(
        version=version,
        position=2,
        code="UQ",
        name="Văn bản ủy quyền",
        originals=1,
        is_required=False,
    )
    FeeLine.objects.create(version=version, position=1, description="Phí cấp phiếu", amount=200000)
    ProcessStep.objects.create(
        version=version,
        position=1,
        code="TD",
        name="Thẩm định",
        responsible_role="specialist",
        responsible_agency=province["justice_division"],
        allotted_hours=Decimal(8),
    )
    ProcessStep.objects.create(
        version=version,
        position=2,
        code="LT",
        name="Xác minh liên thông",
        responsible_role="specialist",
        responsible_agency=province["construction"],
        is_inter_agency=True,
        allotted_hours=Decimal(4),
    )
    ProcessStep.objects.create(
        version=version,
        position=3,
        code="PD",
        name="Phê duyệt",
        responsible_role="leader",
        responsible_agency=province["justice"],
        allotted_hours=Decimal(4),
    )
    return version


def declaration(citizen: Any) -> dict[str, list[int]]:
    """The required component (the declaration, TK) as a PDF in the citizen's store."""
    from tinhso.attachments.services import store_document
    from tinhso.attachments.tests.factories import pdf_bytes

    document = store_document(
        actor=citizen,
        holder_id_number=citizen.citizen_id,
        uploaded=pdf_bytes("to-khai"),
        name="Tờ khai.pdf",
        title="Tờ khai",
    )
    return {"TK": [document.pk]}
