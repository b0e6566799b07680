"""Procedures and dossiers for the workspace tests, made through the catalogue models and the
dossier services (the same way the citizen portal and the desk create them)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from tinhso.attachments.services import store_document
from tinhso.attachments.tests.factories import pdf_bytes, png_bytes
from tinhso.catalog.models import (
    Component,
    FeeLine,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from tinhso.dossiers import services
from tinhso.dossiers.models import Dossier

FORM_SCHEMA = {
    "type": "object",
    "required": ["purpose"],
    "properties": {"purpose": {"type": "string", "minLength": 3, "title": "Mục đích"}},
}


def make_procedure(
    province: dict[str, Any],
    *,
    code: str = "2.001417.000.00.04.H99",
    name: str = "Cấp Phiếu lý lịch tư pháp cho công dân",
    inter_agency: bool = False,
) -> ProcedureVersion:
    """A published procedure received at the one-stop centre: appraisal by a specialist of the
    justice division, (optionally an inter-agency check at construction), approval by the
    justice leader."""
    sector, _ = Sector.objects.get_or_create(code="G09-TP05", defaults={"name": "Lý lịch tư pháp"})
    procedure = Procedure.objects.create(national_code=code.split(".000")[0], code=code)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=ProcedureVersion.Status.PUBLISHED,
        name=name,
        name_folded=name.lower(),
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
    if inter_agency:
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


def submit_online(
    citizen: Any,
    version: ProcedureVersion,
    *,
    agency_code: str = "000.00.02.H99",
    with_image: bool = False,
    purpose: str = "Xin việc làm",
) -> Dossier:
    """An online dossier with its declaration (PDF) and, optionally, a scanned authorisation
    (PNG)."""
    declaration = store_document(
        actor=citizen,
        holder_id_number=citizen.citizen_id,
        uploaded=pdf_bytes(f"to-khai {purpose}"),
        name="Tờ khai.pdf",
        title="Tờ khai",
    )
    components = {"TK": [declaration.pk]}
    if with_image:
        scan = store_document(
            actor=citizen,
            holder_id_number=citizen.citizen_id,
            uploaded=png_bytes(),
            name="Ủy quyền.png",
            title="Văn bản ủy quyền",
        )
        components["UQ"] = [scan.pk]
    dossier, _ = services.submit_dossier(
        actor=citizen,
        procedure_code=version.procedure.code,
        agency_code=agency_code,
        form_data={"purpose": purpose},
        components=components,
    )
    return dossier


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related("agency", "procedure_version__procedure").get(
        pk=dossier.pk
    )


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden version and idempotency key of the first action form of a page."""
    found = {}
    for name in ("version", "idempotency_key"):
        match = re.search(rf'name="{name}" value="([^"]*)"', html)
        if match:
            found[name] = match.group(1)
    return found
