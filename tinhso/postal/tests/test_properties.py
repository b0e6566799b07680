"""Properties of a shipment's states under any sequence of officer submissions (repeated keys,
backwards moves, moves after the end): it only moves forward, a final state sticks, and each
accepted submission leaves exactly one event."""

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinhso.dossiers.models import Dossier
from tinhso.lib.errors import Conflict
from tinhso.postal import services
from tinhso.postal.models import FINAL_STATES, STATE_ORDER, Shipment, ShipmentEvent, ShipmentState

pytestmark = pytest.mark.django_db

SUBMISSIONS = st.lists(
    st.tuples(
        st.sampled_from(["handed_over", "in_transit", "delivered", "returned"]),
        st.sampled_from(["a", "b", "c", "d", "e", "f"]),  # idempotency keys, often repeated
    ),
    max_size=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(submissions=SUBMISSIONS)
def test_states_only_move_forward_and_events_are_recorded_once(
    received: Dossier, one_stop_officer: Any, submissions: list[tuple[str, str]]
) -> None:
    with transaction.atomic():
        shipment, _ = services.create_shipment(
            actor=one_stop_officer,
            dossier=received,
            direction="in",
            carrier="manual",
            tracking_number="RR000000001VN",
        )
        keys: set[str] = set()
        accepted = 0
        for state, key in submissions:
            before = shipment.state
            try:
                event = services.record_state(
                    actor=one_stop_officer, shipment=shipment, state=state, idempotency_key=key
                )
            except Conflict:
                assert (
                    before in FINAL_STATES
                    or STATE_ORDER[ShipmentState(state)] < STATE_ORDER[ShipmentState(before)]
                )
                continue
            finally:
                shipment.refresh_from_db()
            if key in keys:
                assert event is None
            if event is not None:
                accepted += 1
                keys.add(key)
            assert STATE_ORDER[ShipmentState(shipment.state)] >= STATE_ORDER[ShipmentState(before)]
            if before in FINAL_STATES:
                assert shipment.state == before
        events = list(ShipmentEvent.objects.filter(shipment=shipment).order_by("pk"))
        assert len(events) == 1 + accepted
        orders = [STATE_ORDER[ShipmentState(e.state)] for e in events]
        assert orders == sorted(orders)
        assert Shipment.objects.get(pk=shipment.pk).version == 1 + accepted
        transaction.set_rollback(True)
