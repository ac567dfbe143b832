"""Reads for shipments, pickups and bulk purchases; each resource's tenancy scope lives here."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from parcelhub.accounts.models import Merchant
from parcelhub.core.errors import NotFound
from parcelhub.shipping.labels.data import LabelData, LabelParty
from parcelhub.shipping.labels.render import render_labels
from parcelhub.shipping.models import BulkPurchase, Pickup, Shipment


def shipments_for(merchant: Merchant) -> QuerySet[Shipment]:
    return Shipment.objects.filter(merchant=merchant)


def shipment_get(merchant: Merchant, public_id: str) -> Shipment:
    shipment = shipments_for(merchant).select_related("sender_region", "recipient_region", "order").filter(
        public_id=public_id).first()
    if shipment is None:
        raise NotFound("shipment", "运单")
    return shipment


def pickups_for(merchant: Merchant) -> QuerySet[Pickup]:
    return Pickup.objects.filter(merchant=merchant)


def pickup_get(merchant: Merchant, public_id: str) -> Pickup:
    pickup = pickups_for(merchant).filter(public_id=public_id).first()
    if pickup is None:
        raise NotFound("pickup", "揽收预约")
    return pickup


def bulk_get(merchant: Merchant, public_id: str) -> BulkPurchase:
    bulk = BulkPurchase.objects.filter(merchant=merchant, public_id=public_id).first()
    if bulk is None:
        raise NotFound("bulk purchase", "批量下单")
    return bulk


def tracking_url(shipment: Shipment) -> str:
    return f"{settings.SITE_URL}/t/{shipment.public_id}"


def label_data_for(shipment: Shipment) -> LabelData:
    from parcelhub.carriers.models import Carrier

    carrier_name = Carrier.objects.filter(code=shipment.carrier_code).values_list("name", flat=True).first()
    return _label_data(shipment, carrier_name or shipment.carrier_code)


def label_pdf(shipment: Shipment) -> bytes:
    """The shipment's label as a one-page PDF in its paper size."""
    return render_labels([label_data_for(shipment)], size=shipment.label_size)


def labels_for(shipments: list[Shipment]) -> list[LabelData]:
    """Label data for many shipments with one query for carrier names (regions must be select_related)."""
    from parcelhub.carriers.models import Carrier

    names = dict(Carrier.objects.values_list("code", "name"))
    return [_label_data(s, names.get(s.carrier_code, s.carrier_code)) for s in shipments]


def _label_data(shipment: Shipment, carrier_name: str) -> LabelData:
    return LabelData(
        carrier_code=shipment.carrier_code, carrier_name=carrier_name, service_name=shipment.service_name,
        waybill_no=shipment.waybill_no, sort_code=shipment.sort_code, hub=shipment.hub,
        tracking_url=tracking_url(shipment),
        sender=LabelParty(shipment.sender_name, shipment.sender_phone,
                          shipment.sender_region.address(shipment.sender_detail)),
        recipient=LabelParty(shipment.recipient_name, shipment.recipient_phone,
                             shipment.recipient_region.address(shipment.recipient_detail)),
        items_summary=shipment.items_summary, weight_g=shipment.billable_weight_g or shipment.weight_g,
        insured_value_fen=shipment.declared_value_fen, cod_fen=shipment.cod_fen, privacy=shipment.privacy,
        printed_at=shipment.purchased_at, reference=shipment.reference,
    )


def purchased_with_regions() -> QuerySet[Shipment]:
    return Shipment.objects.filter(status=Shipment.Status.PURCHASED).select_related(
        "sender_region__parent__parent", "recipient_region__parent__parent")


def sample_label_data(count: int) -> list[LabelData]:
    """Labels of the newest bought shipments, for `parcelhub labels sample`."""
    return labels_for(list(purchased_with_regions().order_by("-purchased_at")[:count]))
