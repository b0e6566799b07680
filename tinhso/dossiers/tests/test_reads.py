"""The plain-SQL read paths (``dossiers.reads``) against the ORM rules they stand in for: at every
stage of a dossier's life and for every kind of user, the dossier document is given exactly to
those ``visible_dossiers`` lets see it, lists the actions ``services.allowed_actions`` allows,
and matches its API schema. The lookup document and the worklist page match theirs too."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tinhso.catalog.models import ProcedureVersion
from tinhso.dossiers import services
from tinhso.dossiers.access import get_dossier_for, visible_dossiers
from tinhso.dossiers.api import DossierDetailOut, DossierPage, LookupOut
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.reads import dossier_detail, lookup_document
from tinhso.dossiers.tests.conftest import declaration
from tinhso.identity.services import assign_role, create_user
from tinhso.identity.tokens import create_token
from tinhso.lib.errors import NotFound

pytestmark = pytest.mark.django_db
CODE = "2.001417.000.00.04.H99"


def _agree(users: dict[str, Any], code: str) -> None:
    orm = Dossier.objects.get(code=code)
    for name, user in users.items():
        visible = visible_dossiers(user).filter(code=code).exists()
        if not visible:
            with pytest.raises(NotFound):
                dossier_detail(user, code)
            continue
        document = dossier_detail(user, code)
        DossierDetailOut.model_validate(document)
        fresh = Dossier.objects.get(pk=orm.pk)  # no cached steps between stages
        assert document["allowed_actions"] == services.allowed_actions(user, fresh), name
        assert [s["code"] for s in document["steps"]] == list(
            fresh.steps.values_list("code", flat=True)
        )
        assert [e["action"] for e in document["events"]] == list(
            fresh.events.values_list("action", flat=True)
        )
        assert (document["status"], document["due_at"], document["version"]) == (
            fresh.status,
            fresh.due_at,
            fresh.version,
        )


def test_the_document_follows_the_chokepoint_and_the_state_machine_at_every_stage(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    leader: Any,
    other_agency_officer: Any,
    clerk: Any,
    head_of_unit: Any,
    provincial_administrator: Any,
    province: dict[str, Any],
) -> None:
    stranger = create_user(
        actor=None,
        username="nguoila",
        kind="citizen",
        full_name="Người Lạ",
        password="Mat-khau-dai-2026",
        citizen_id="082090009999",
    )
    assign_role(actor=None, user=clerk, agency=province["centre"], role="clerk")
    users = {
        "citizen": citizen,
        "stranger": stranger,
        "one_stop_officer": one_stop_officer,
        "specialist": specialist,
        "leader": leader,
        "other_agency_officer": other_agency_officer,
        "clerk": clerk,
        "head_of_unit": head_of_unit,
        "admin": provincial_administrator,
    }
    dossier, _ = services.submit_dossier(
        actor=citizen,
        procedure_code=CODE,
        agency_code="000.00.02.H99",
        form_data={"purpose": "Xin việc"},
        components=declaration(citizen),
        idempotency_key="k-1",
    )
    code = dossier.code

    def step(action: Callable[..., Any], actor: Any, **kwargs: Any) -> None:
        action(actor=actor, dossier=get_dossier_for(actor, code), **kwargs)
        _agree(users, code)

    _agree(users, code)
    step(services.accept_dossier, one_stop_officer)
    step(services.start_processing, one_stop_officer)
    step(services.complete_step, specialist, step_code="TD", result="Đủ điều kiện")
    step(services.complete_step, other_agency_officer, step_code="LT", result="Đã xác minh")
    step(services.complete_step, leader, step_code="PD", result="Đồng ý")
    step(services.return_result, one_stop_officer)
    step(services.rate_dossier, citizen, rating=5)


def test_lookup_and_worklist_documents_match_their_schemas(
    procedure: ProcedureVersion, citizen: Any, one_stop_officer: Any
) -> None:
    dossier, _ = services.submit_dossier(
        actor=citizen,
        procedure_code=CODE,
        agency_code="000.00.02.H99",
        form_data={"purpose": "Xin việc"},
        components=declaration(citizen),
    )
    services.accept_dossier(actor=one_stop_officer, dossier=dossier)
    looked_up = lookup_document(dossier.code.lower(), citizen.phone or dossier.applicant_id_number)
    assert LookupOut.model_validate(looked_up).code == dossier.code
    assert looked_up["steps"] == []  # nothing started yet

    _, token = create_token(actor=None, user=one_stop_officer, name="thử")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    answer = client.get("/api/v1/dossiers", {"status": "received", "page_size": 1})
    assert answer.status_code == 200, answer.content
    page = DossierPage.model_validate(answer.json())
    assert (page.count, [item.code for item in page.items]) == (1, [dossier.code])
    assert client.get("/api/v1/dossiers", {"page": 2}).json() == {"items": [], "count": 1}
    assert client.get("/api/v1/dossiers", {"page": 0}).status_code == 422
    assert client.get("/api/v1/dossiers", {"page_size": 101}).status_code == 422


def test_visibility_restricted_to_receiving_agencies_equals_the_general_rule(
    procedure: ProcedureVersion,
    citizen: Any,
    one_stop_officer: Any,
    specialist: Any,
    other_agency_officer: Any,
    provincial_administrator: Any,
    province: dict[str, Any],
) -> None:
    for n, agency_code in enumerate(["000.00.02.H99", "000.00.04.H99"]):
        services.submit_dossier(
            actor=citizen,
            procedure_code=CODE,
            agency_code=agency_code,
            form_data={"purpose": "Xin việc"},
            components=declaration(citizen),
            idempotency_key=f"r-{n}",
        )
    choices = [[province[name].pk] for name in ("centre", "justice", "construction", "root")]
    choices += [[province["centre"].pk, province["justice"].pk], []]
    seen = 0
    users = (citizen, one_stop_officer, specialist, other_agency_officer, provincial_administrator)
    for user in users:
        for received_by in choices:
            general = set(
                visible_dossiers(user)
                .filter(agency_id__in=received_by)
                .values_list("code", flat=True)
            )
            restricted = set(visible_dossiers(user, received_by).values_list("code", flat=True))
            assert restricted == general, (user.username, received_by)
            seen += len(general)
    assert seen > 0
