"""The hot read paths of the dossier API in plain SQL (decision 0009): the public lookup, the
dossier document (``GET /api/v1/dossiers/{code}`` and the answer of every action) and the
worklist page. They build the documents the API schemas describe (``LookupOut``,
``DossierDetailOut``, ``DossierOut``) as dicts, without model instances or pydantic
validation, which cost most of a request's time (docs/performance.md). Visibility is the
chokepoint's rule (:func:`tinhso.dossiers.access.may_see` / ``visible_dossiers``); tests check
every document against its schema and against the ORM path of the pages."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import cache
from typing import Any

from tinhso.attachments.models import StoredDocument
from tinhso.catalog.models import Procedure, ProcedureVersion
from tinhso.dossiers.access import (
    AgencyRef,
    AgencyTree,
    StepRef,
    may_see,
    permitted_actions,
)
from tinhso.dossiers.models import (
    NATIONAL_STATUS,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStep,
    Extension,
    Status,
)
from tinhso.identity.models import User
from tinhso.lib.errors import InvalidInput, NotFound
from tinhso.lib.sql import fetch, instant, json_value, table
from tinhso.organizations.models import Agency

# --- SQL: table names from the models (never input), values always as parameters ---------------


@cache
def _sql() -> dict[str, str]:
    dossier, agency = table(Dossier), table(Agency)
    version, procedure = table(ProcedureVersion), table(Procedure)
    step, event, user = table(DossierStep), table(DossierEvent), table(User)
    link, document, extension = table(DossierDocument), table(StoredDocument), table(Extension)
    return {
        # The public lookup: the dossier and its started steps in one round trip.
        "lookup": f"""
            SELECT d.code, d.status, d.applicant_phone, d.applicant_id_number, v.name, a.name,
                   d.submitted_at, d.received_at, d.due_at, d.finished_at, d.returned_at,
                   s.name, sa.name, s.state, s.started_at, s.completed_at
            FROM {dossier} d
            JOIN {version} v ON v.id = d.procedure_version_id
            JOIN {agency} a ON a.id = d.agency_id
            LEFT JOIN {step} s ON s.dossier_id = d.id AND s.state <> 'pending'
            LEFT JOIN {agency} sa ON sa.id = s.agency_id
            WHERE d.code = %s
            ORDER BY s.position, s.code""",  # noqa: S608
        # The dossier and its process steps in one round trip (one row per step).
        "dossier": f"""
            SELECT d.id, d.code, d.status, d.channel, p.code, v.name, a.code, a.name,
                   d.applicant_name, d.submitted_at, d.received_at, d.due_at, d.finished_at,
                   d.returned_at, d.timeliness, d.fee_total, d.rating, d.version,
                   d.applicant_kind, d.applicant_id_number, d.applicant_phone,
                   d.applicant_email, d.applicant_address, d.form_data, d.return_method,
                   d.paused_at, d.supplement_count, d.agency_id, a.parent_id, d.applicant_id,
                   s.position, s.code, s.name, sa.code, s.role, s.is_inter_agency, s.state,
                   s.started_at, s.due_at, s.completed_at, g.full_name, t.full_name, s.result,
                   s.timeliness, s.agency_id, sa.parent_id
            FROM {dossier} d
            JOIN {version} v ON v.id = d.procedure_version_id
            JOIN {procedure} p ON p.id = v.procedure_id
            JOIN {agency} a ON a.id = d.agency_id
            LEFT JOIN {step} s ON s.dossier_id = d.id
            LEFT JOIN {agency} sa ON sa.id = s.agency_id
            LEFT JOIN {user} g ON g.id = s.given_by_id
            LEFT JOIN {user} t ON t.id = s.taken_by_id
            WHERE d.code = %s
            ORDER BY s.position, s.code""",  # noqa: S608
        "events": f"""
            SELECT action, from_status, to_status, actor_label, occurred_at, note, data
            FROM {event} WHERE dossier_id = %s ORDER BY occurred_at, id""",  # noqa: S608
        "documents": f"""
            SELECT l.component_code, l.document_id, doc.title, doc.content_type, doc.size,
                   l.reused
            FROM {link} l JOIN {document} doc ON doc.id = l.document_id
            WHERE l.dossier_id = %s ORDER BY l.component_code, l.id""",  # noqa: S608
        "extended": f"SELECT 1 FROM {extension} WHERE dossier_id = %s",  # noqa: S608
    }


def _status(status: str) -> dict[str, Any]:
    value = Status(status)
    return {
        "status": status,
        "status_label": value.label,
        "national_status": NATIONAL_STATUS[value],
    }


# --- public lookup -----------------------------------------------------------------------------


def lookup_document(code: str, factor: str) -> dict[str, Any]:
    """The ``LookupOut`` document of the dossier with ``code`` whose applicant's phone or ID
    number is ``factor``; the same NotFound for a wrong code and a wrong factor."""
    code = (code or "").strip().upper()
    factor = "".join((factor or "").split())
    if not code or not factor:
        raise InvalidInput(
            "Cần mã hồ sơ và số điện thoại hoặc số giấy tờ của người nộp.",
            errors={"code": "trống"} if not code else {"factor": "trống"},
        )
    rows = fetch(_sql()["lookup"], [code])
    if not rows or not any(
        value and hmac.compare_digest(value, factor) for value in (rows[0][2], rows[0][3])
    ):
        raise NotFound("Không tìm thấy hồ sơ với mã và thông tin đã nhập.")
    first = rows[0]
    return {
        "code": first[0],
        **_status(first[1]),
        "procedure_name": first[4],
        "agency_name": first[5],
        "submitted_at": instant(first[6]),
        "received_at": instant(first[7]),
        "due_at": instant(first[8]),
        "finished_at": instant(first[9]),
        "returned_at": instant(first[10]),
        "steps": [
            {
                "name": row[11],
                "agency_name": row[12],
                "state": row[13],
                "started_at": instant(row[14]),
                "completed_at": instant(row[15]),
            }
            for row in rows
            if row[11] is not None
        ],
    }


# --- the dossier document ----------------------------------------------------------------------


def dossier_detail(user: Any, code: str) -> dict[str, Any]:
    """The ``DossierDetailOut`` document of the dossier with ``code`` as ``user`` may see it
    (NotFound otherwise, exactly as for a code that does not exist)."""
    code = (code or "").strip().upper()
    sql = _sql()
    found = fetch(sql["dossier"], [code])
    if not found:
        raise NotFound(f"Không tìm thấy hồ sơ {code}.")
    row = found[0]
    dossier_id, agency_id, parent_id, applicant_id = row[0], row[27], row[28], row[29]
    step_rows = [r[30:] for r in found if r[30] is not None]
    steps = [StepRef(AgencyRef(s[14], s[15]), s[4], bool(s[5]), s[6]) for s in step_rows]
    agency, tree = AgencyRef(agency_id, parent_id), AgencyTree()
    if not may_see(user, applicant_id=applicant_id, agency=agency, steps=steps, tree=tree):
        raise NotFound(f"Không tìm thấy hồ sơ {code}.")
    url = f"/api/v1/dossiers/{row[1]}/documents/"
    return {
        **summary_document(row[1:18]),
        "applicant_kind": row[18],
        "applicant_id_number": row[19],
        "applicant_phone": row[20],
        "applicant_email": row[21],
        "applicant_address": row[22],
        "form_data": json_value(row[23]),
        "return_method": row[24],
        "paused_at": instant(row[25]),
        "supplement_count": row[26],
        "steps": [
            {
                "position": s[0],
                "code": s[1],
                "name": s[2],
                "agency_code": s[3],
                "role": s[4],
                "is_inter_agency": bool(s[5]),
                "state": s[6],
                "started_at": instant(s[7]),
                "due_at": instant(s[8]),
                "completed_at": instant(s[9]),
                "given_by": s[10],
                "taken_by": s[11],
                "result": s[12],
                "timeliness": s[13],
            }
            for s in step_rows
        ],
        "events": [
            {
                "action": e[0],
                "from_status": e[1],
                "to_status": e[2],
                "actor_label": e[3],
                "occurred_at": instant(e[4]),
                "note": e[5],
                "data": json_value(e[6]),
            }
            for e in fetch(sql["events"], [dossier_id])
        ],
        "documents": [
            {
                "component_code": d[0],
                "document_id": d[1],
                "title": d[2],
                "content_type": d[3],
                "size": d[4],
                "reused": bool(d[5]),
                "url": f"{url}{d[1]}",
            }
            for d in fetch(sql["documents"], [dossier_id])
        ],
        "allowed_actions": permitted_actions(
            user,
            status=row[2],
            rating=row[16],
            applicant_id=applicant_id,
            agency=agency,
            steps=steps,
            has_extension=_extended(dossier_id),
            tree=tree,
        ),
    }


def _extended(dossier_id: int) -> Callable[[], bool]:
    return lambda: bool(fetch(_sql()["extended"], [dossier_id]))


# The summary columns as ORM lookups, for pages filtered by the ORM (same order as the SQL).
SUMMARY_COLUMNS = (
    "code",
    "status",
    "channel",
    "procedure_version__procedure__code",
    "procedure_version__name",
    "agency__code",
    "agency__name",
    "applicant_name",
    "submitted_at",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "timeliness",
    "fee_total",
    "rating",
    "version",
)


def summary_document(row: tuple[Any, ...]) -> dict[str, Any]:
    """``DossierOut`` from the 17 summary columns (:data:`SUMMARY_COLUMNS`)."""
    return {
        "code": row[0],
        **_status(row[1]),
        "channel": row[2],
        "procedure_code": row[3],
        "procedure_name": row[4],
        "agency_code": row[5],
        "agency_name": row[6],
        "applicant_name": row[7],
        "submitted_at": instant(row[8]),
        "received_at": instant(row[9]),
        "due_at": instant(row[10]),
        "finished_at": instant(row[11]),
        "returned_at": instant(row[12]),
        "timeliness": row[13],
        "fee_total": row[14],
        "rating": row[15],
        "version": row[16],
    }
