"""Read-only data of the postal pages and of the dossier pages' postal section (plain values)."""

from __future__ import annotations

from typing import Any

from tinhso.dossiers.access import visible_dossiers
from tinhso.dossiers.models import Dossier
from tinhso.lib.errors import NotFound
from tinhso.postal.carriers import CARRIER_LABELS
from tinhso.postal.models import PostalChoice, Shipment, ShipmentState

STATE_TAGS = {
    ShipmentState.CREATED: "neutral",
    ShipmentState.HANDED_OVER: "info",
    ShipmentState.IN_TRANSIT: "info",
    ShipmentState.DELIVERED: "success",
    ShipmentState.RETURNED: "warning",
}


def shipment_values(shipment: Shipment) -> dict[str, Any]:
    return {
        "id": shipment.pk,
        "direction": shipment.direction,
        "direction_label": shipment.get_direction_display(),
        "carrier": shipment.carrier,
        "carrier_label": CARRIER_LABELS.get(shipment.carrier, shipment.carrier),
        "tracking_number": shipment.tracking_number,
        "state": shipment.state,
        "state_label": shipment.get_state_display(),
        "tag": STATE_TAGS[ShipmentState(shipment.state)],
        "is_final": shipment.state in (ShipmentState.DELIVERED, ShipmentState.RETURNED),
        "recipient_name": shipment.recipient_name,
        "recipient_phone": shipment.recipient_phone,
        "address": shipment.address,
        "created_at": shipment.created_at,
        "events": [
            {
                "state": event.state,
                "state_label": event.get_state_display(),
                "occurred_at": event.occurred_at,
                "location": event.location,
                "note": event.note,
                "source": event.source,
                "source_label": event.get_source_display(),
            }
            for event in shipment.events.all()
        ],
    }


def choice_values(choice: PostalChoice | None) -> dict[str, Any] | None:
    if choice is None:
        return None
    return {
        "submit_by_post": choice.submit_by_post,
        "receive_by_post": choice.receive_by_post,
        "recipient_name": choice.recipient_name,
        "recipient_phone": choice.recipient_phone,
        "address": choice.address,
        "updated_at": choice.updated_at,
    }


def postal_summary(dossier: Dossier) -> dict[str, Any]:
    """What the dossier pages show: the applicant's choice and every shipment with its events
    (context of ``postal/includes/dossier_postal.html``)."""
    shipments = Shipment.objects.filter(dossier=dossier).prefetch_related("events")
    return {
        "dossier_code": dossier.code,
        "choice": choice_values(PostalChoice.objects.filter(dossier=dossier).first()),
        "shipments": [shipment_values(s) for s in shipments],
    }


def shipment_by_tracking(user: Any, tracking_number: str) -> Shipment:
    """A shipment of a dossier the user may see; "not yours" and "unknown" are the same 404."""
    number = (tracking_number or "").strip().upper()[:40]
    shipment = (
        Shipment.objects.filter(tracking_number=number, dossier__in=visible_dossiers(user))
        .select_related("dossier")
        .first()
    )
    if shipment is None:
        raise NotFound(f"Không tìm thấy bưu gửi {number}.")
    return shipment
