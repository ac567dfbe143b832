"""Upsell recommendations with their reasons, and the offers made from them (offered → accepted / declined).

Rules (each recommendation lists every reason that fired):
- cross-border logistics: the cross-border industry, a cross-border acquisition channel, or SKU / order item names
  that speak of export (跨境, 外贸, 出口, 海外…);
- cold chain: the food and fresh-produce industry, or temperature-sensitive SKUs by keyword (生鲜, 冷冻, 冷藏…);
- a freight credit line: each of the last three 30-day windows spent at least ¥10,000 with the smallest at least
  70 % of the largest (steady), and at least three paid recharges in 90 days (regular top-ups), without a credit
  line yet;
- a higher plan: on the free plan while shipping like a waist or head merchant, or 90 % of the plan's monthly SMS
  quota used (below the top plan)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from parcelhub.accounts.models import Industry, Merchant
from parcelhub.billing.models import Recharge, RechargeStatus, Wallet
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.crm.models import UpsellKind, UpsellOffer
from parcelhub.crm.services import activity_log
from parcelhub.insights.models import MerchantDay
from parcelhub.notify.delivery import sms_quota_for
from parcelhub.notify.selectors import sms_used_this_month
from parcelhub.orders.models import OrderItem, Sku

CROSS_BORDER_WORDS = ("跨境", "外贸", "出口", "海外", "cross-border", "export")
CROSS_BORDER_CHANNEL_WORDS = ("crossborder", "cross-border", "kuajing", "跨境")
COLD_CHAIN_WORDS = ("生鲜", "冷冻", "冷藏", "冰鲜", "海鲜", "鲜肉", "牛排", "水果", "鲜花", "冰淇淋", "雪糕", "鲜奶", "酸奶",
                    "速冻", "frozen", "fresh", "chilled")
CREDIT_MIN_MONTH_FEN = 1_000_000      # ¥10,000 in each 30-day window
CREDIT_STEADY_PCT = 70
CREDIT_MIN_RECHARGES = 3
SMS_NEAR_LIMIT_PCT = 90
TOP_PLAN = "enterprise"


@dataclass(frozen=True)
class Recommendation:
    kind: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(UpsellKind(self.kind).label)


def _words_q(field: str, words: tuple[str, ...]) -> Q:
    query = Q(pk__in=[])
    for word in words:
        query |= Q(**{f"{field}__icontains": word})
    return query


def _named_products(merchant: Merchant, words: tuple[str, ...]) -> list[str]:
    """Up to three SKU or order-item names of the merchant containing one of the words."""
    names = list(Sku.objects.filter(_words_q("name", words), merchant=merchant).values_list("name", flat=True)[:3])
    if len(names) < 3:
        names += OrderItem.objects.filter(_words_q("name", words), order__merchant=merchant).values_list(
            "name", flat=True).distinct()[:3 - len(names)]
    return names


def _cross_border(merchant: Merchant) -> list[str]:
    reasons = []
    if merchant.industry == Industry.CROSS_BORDER:
        reasons.append(_("Industry is cross-border trade."))
    channel = merchant.acquisition_channel.lower()
    if any(word in channel for word in CROSS_BORDER_CHANNEL_WORDS):
        reasons.append(_("Came through a cross-border channel (%(channel)s).") % {"channel": channel})
    products = _named_products(merchant, CROSS_BORDER_WORDS)
    if products:
        reasons.append(_("Export products: %(names)s.") % {"names": "、".join(products)})
    return reasons


def _cold_chain(merchant: Merchant) -> list[str]:
    reasons = []
    if merchant.industry == Industry.FOOD:
        reasons.append(_("Industry is food and fresh produce."))
    products = _named_products(merchant, COLD_CHAIN_WORDS)
    if products:
        reasons.append(_("Temperature-sensitive products: %(names)s.") % {"names": "、".join(products)})
    return reasons


def _window_spend(merchant: Merchant, today: dt.date) -> list[int]:
    spend = []
    for n in range(3):
        last = today - dt.timedelta(days=30 * n)
        total = MerchantDay.objects.filter(merchant=merchant, day__gt=last - dt.timedelta(days=30),
                                           day__lte=last).aggregate(total=Sum("revenue_fen"))["total"]
        spend.append(total or 0)
    return spend


def _credit_line(merchant: Merchant, today: dt.date) -> list[str]:
    wallet = Wallet.objects.filter(merchant=merchant).first()
    if wallet is not None and wallet.credit_limit_fen > 0:
        return []
    spend = _window_spend(merchant, today)
    if min(spend) < CREDIT_MIN_MONTH_FEN or min(spend) * 100 < max(spend) * CREDIT_STEADY_PCT:
        return []
    recharges = Recharge.objects.filter(merchant=merchant, status=RechargeStatus.PAID,
                                        created_at__gte=clock.start_of_day(today - dt.timedelta(days=90))).count()
    if recharges < CREDIT_MIN_RECHARGES:
        return []
    return [_("Steady spend: ¥%(low)s–¥%(high)s in each of the last three 30-day periods.")
            % {"low": f"{min(spend) // 100:,}", "high": f"{max(spend) // 100:,}"},
            _("%(count)d recharges in 90 days.") % {"count": recharges}]


def _higher_plan(merchant: Merchant, *, plan_code: str, volume_band: str, shipments_30d: int) -> list[str]:
    reasons = []
    if plan_code in ("", "free") and volume_band != "long_tail":
        reasons.append(_("On the free plan while shipping %(count)s parcels in 30 days.")
                       % {"count": f"{shipments_30d:,}"})
    if plan_code != TOP_PLAN:
        quota, used = sms_quota_for(merchant), sms_used_this_month(merchant)
        if quota and used * 100 >= quota * SMS_NEAR_LIMIT_PCT:
            reasons.append(_("Used %(used)s of the plan's %(quota)s SMS this month.")
                           % {"used": f"{used:,}", "quota": f"{quota:,}"})
    return reasons


def recommendations(merchant: Merchant, *, plan_code: str, volume_band: str, shipments_30d: int,
                    today: dt.date | None = None) -> list[Recommendation]:
    """What to offer this merchant and why (plan and volume from the merchant profile)."""
    today = today or clock.today()
    found = [
        (UpsellKind.CROSS_BORDER, _cross_border(merchant)),
        (UpsellKind.COLD_CHAIN, _cold_chain(merchant)),
        (UpsellKind.CREDIT_LINE, _credit_line(merchant, today)),
        (UpsellKind.HIGHER_PLAN, _higher_plan(merchant, plan_code=plan_code, volume_band=volume_band,
                                               shipments_30d=shipments_30d)),
    ]
    return [Recommendation(str(kind), tuple(reasons)) for kind, reasons in found if reasons]


def upsell_offer(*, merchant: Merchant, kind: str, reasons: list[str] | tuple[str, ...] = (), actor=None) -> UpsellOffer:
    """Record that an operator offered this to the merchant (one open offer per kind)."""
    if kind not in UpsellKind.values:
        raise DomainError("upsell_kind_invalid", f"Unknown upsell {kind!r}.", f"未知的增购类型 {kind!r}。", status=422)
    if UpsellOffer.objects.filter(merchant=merchant, kind=kind, state=UpsellOffer.State.OFFERED).exists():
        raise DomainError("upsell_already_offered", "This is already on offer to the merchant.",
                          "已向该商户提出此推荐。", status=409)
    with transaction.atomic():
        offer = UpsellOffer.objects.create(merchant=merchant, kind=kind, reasons=list(reasons)[:6],
                                           offered_by=actor if getattr(actor, "is_authenticated", False) else None,
                                           offered_at=clock.now())
        audit(action="crm.upsell_offer", actor=actor, merchant=merchant, target=offer, data={"kind": kind})
        activity_log(merchant=merchant, kind="upsell", actor=actor, ref=offer.public_id,
                     summary=_("Offered: %(what)s") % {"what": UpsellKind(kind).label}, details={"kind": kind})
    return offer


def upsell_decide(*, offer: UpsellOffer, accepted: bool, actor=None) -> UpsellOffer:
    with transaction.atomic():
        offer = UpsellOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.state != UpsellOffer.State.OFFERED:
            raise DomainError("upsell_already_decided", "This offer was already answered.", "该推荐已有结果。",
                              status=409)
        offer.state = UpsellOffer.State.ACCEPTED if accepted else UpsellOffer.State.DECLINED
        offer.decided_at = clock.now()
        offer.save(update_fields=["state", "decided_at"])
        audit(action="crm.upsell_decide", actor=actor, merchant=offer.merchant, target=offer,
              data={"state": offer.state})
        template = _("Accepted: %(what)s") if accepted else _("Declined: %(what)s")
        activity_log(merchant=offer.merchant, kind="upsell", actor=actor, ref=offer.public_id,
                     summary=template % {"what": UpsellKind(offer.kind).label}, details={"state": offer.state})
    return offer


@dataclass(frozen=True)
class UpsellReportRow:
    kind: str
    label: str
    offered: int
    accepted: int
    declined: int

    @property
    def acceptance_pct(self) -> int:
        decided = self.accepted + self.declined
        return round(100 * self.accepted / decided) if decided else 0


def upsell_report(*, since: dt.date | None = None) -> list[UpsellReportRow]:
    """Offers per kind (every offer counts as offered, whatever became of it)."""
    offers = UpsellOffer.objects.all()
    if since is not None:
        offers = offers.filter(offered_at__gte=clock.start_of_day(since))
    counts = {row["kind"]: row for row in offers.values("kind").annotate(
        offered=Count("pk"), accepted=Count("pk", filter=Q(state="accepted")),
        declined=Count("pk", filter=Q(state="declined")))}
    return [UpsellReportRow(kind, str(label), counts.get(kind, {}).get("offered", 0),
                            counts.get(kind, {}).get("accepted", 0), counts.get(kind, {}).get("declined", 0))
            for kind, label in UpsellKind.choices]
