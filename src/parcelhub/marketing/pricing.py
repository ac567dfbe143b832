"""Merchant prices: the engine's list-price quotes run through the pipeline of `marketing.stacking` for one
merchant — its tier discount, the promotions' offers and the margin guardrail — then flagged and ordered again.

Quotes for nobody in particular (anonymous, operators) stay list price: only callers with a merchant come here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import F
from django.utils.translation import gettext as _

from parcelhub.core import clock
from parcelhub.marketing import stacking
from parcelhub.marketing.offers import Offer, QuoteContext
from parcelhub.marketing.selectors import Programme, programme, tier_of
from parcelhub.rating.engine import flag_and_sort
from parcelhub.rating.types import PriceLine, Quote


@dataclass(frozen=True)
class PricedQuotes:
    quotes: list[Quote]                       # final prices, lines included, flagged and ordered
    stacks: dict[str, stacking.StackResult]   # "carrier.service" -> how the final price came about
    tier_code: str

    def stack_for(self, quote: Quote) -> stacking.StackResult | None:
        return self.stacks.get(f"{quote.carrier}.{quote.service}")


class OfferCache:
    """Offers per distinct quote context: a batch of thousands of parcels shares a few lanes."""

    def __init__(self, merchant, at: dt.datetime, enabled: bool = True) -> None:
        self.merchant, self.at, self.enabled = merchant, at, enabled
        self.cache: dict[tuple[str, str, str, str], tuple[Offer, ...]] = {}

    def get(self, carrier: str, service: str, origin: str, destination: str) -> tuple[Offer, ...]:
        if not self.enabled:
            return ()
        key = (carrier, service, origin, destination)
        if key not in self.cache:
            from parcelhub.marketing.promotions.offers import offers_for

            context = QuoteContext(merchant_id=self.merchant.pk, carrier_code=carrier, service_code=service,
                                   origin_province=origin, destination_province=destination, at=self.at)
            self.cache[key] = tuple(offers_for(context))
        return self.cache[key]


def _province(adcode: str) -> str:
    return adcode[:2] + "0000" if adcode else ""


def tier_label(name: str) -> str:
    return _("%(tier)s member discount") % {"tier": name}


def cap_label() -> str:
    return _("Minimum-margin adjustment")


def _line(line: stacking.Line) -> PriceLine:
    return PriceLine(line.code, line.amount_fen, label=line.label, source_id=line.source_id)


def stack_quote(quote: Quote, *, prog: Programme, tier_code: str, offers: tuple[Offer, ...],
                chosen: str | None) -> tuple[Quote, stacking.StackResult]:
    floor = prog.floor(quote.carrier, quote.service, quote.cost_fen)
    result = stacking.stack(stacking.StackInput(
        list_fen=quote.total_fen, cost_fen=quote.cost_fen, floor_fen=floor, tier_code=tier_code,
        tier_label=tier_label(prog.names[tier_code]),
        tier_discount_bp=prog.discount_bp(tier_code, quote.carrier, quote.service), offers=offers, chosen=chosen,
        cap_label=cap_label()))
    priced = replace(quote, total_fen=result.final_fen, flags=(),
                     breakdown=quote.breakdown + tuple(_line(line) for line in result.lines))
    return priced, result


def price_quotes(quotes: list[Quote], *, merchant, origin: str, destination: str, coupon: str | None = None,
                 with_offers: bool = True, at: dt.datetime | None = None, prog: Programme | None = None,
                 offers: OfferCache | None = None, tier_code: str | None = None) -> PricedQuotes:
    """`origin` / `destination`: adcodes (any level; their provinces scope the offers). `coupon`: the public id
    of the offer the merchant chose, stacking.NO_COUPON for none, None for the best one."""
    prog = prog or programme()
    tier_code = tier_code or tier_of(merchant).code
    cache = offers or OfferCache(merchant, at or clock.now(), enabled=with_offers)
    out: list[Quote] = []
    stacks: dict[str, stacking.StackResult] = {}
    changed = False
    for quote in quotes:
        if not quote.eligible:
            out.append(quote)
            continue
        found = tuple(o for o in cache.get(quote.carrier, quote.service, _province(origin), _province(destination))
                      if o.max_weight_g is None or quote.billable_weight_g <= o.max_weight_g)
        if not found and coupon in (None, stacking.NO_COUPON) \
                and not prog.discount_bp(tier_code, quote.carrier, quote.service):
            # Nothing to take off, so nothing the guardrail could cap: the list price stands as quoted.
            out.append(quote)
            stacks[f"{quote.carrier}.{quote.service}"] = stacking.StackResult(final_fen=quote.total_fen)
            continue
        priced, result = stack_quote(quote, prog=prog, tier_code=tier_code, offers=found, chosen=coupon)
        out.append(priced)
        stacks[f"{quote.carrier}.{quote.service}"] = result
        changed = True
    # The engine already flagged and ordered list prices; discounts may change which service is cheapest.
    return PricedQuotes(quotes=flag_and_sort(out) if changed else out, stacks=stacks, tier_code=tier_code)


def price_batch(batches: list[list[Quote]], *, merchant, places: list[tuple[str, str]],
                with_offers: bool = True) -> list[list[Quote]]:
    """Merchant prices for many parcels at once: the programme, tier and offers are looked up once."""
    prog = programme()
    tier_code = tier_of(merchant).code
    cache = OfferCache(merchant, clock.now(), enabled=with_offers)
    return [price_quotes(quotes, merchant=merchant, origin=origin, destination=destination, prog=prog,
                         offers=cache, tier_code=tier_code).quotes
            for quotes, (origin, destination) in zip(batches, places, strict=True)]


def count_quote_guardrail(priced: PricedQuotes, *, day: dt.date | None = None) -> None:
    """Add the quotes the guardrail touched to today's counters (one small update per service touched)."""
    from parcelhub.marketing.models import QuoteGuardrailDay

    day = day or clock.today()
    for key, result in priced.stacks.items():
        if not (result.capped_fen or result.subsidy_fen):
            continue
        carrier, service = key.split(".", 1)
        QuoteGuardrailDay.objects.get_or_create(day=day, carrier_code=carrier, service_code=service)
        QuoteGuardrailDay.objects.filter(day=day, carrier_code=carrier, service_code=service).update(
            capped_quotes=F("capped_quotes") + (1 if result.capped_fen else 0),
            capped_fen=F("capped_fen") + result.capped_fen,
            subsidised_quotes=F("subsidised_quotes") + (1 if result.subsidy_fen else 0),
            subsidised_fen=F("subsidised_fen") + result.subsidy_fen)


def line_payload(line: PriceLine) -> dict:
    """A price line as stored on a shipment and shown in the API: label and source only where they exist."""
    payload: dict = {"code": line.code, "amount_fen": line.amount_fen}
    if line.label:
        payload["label"] = line.label
    if line.source_id:
        payload["source_id"] = line.source_id
    return payload
