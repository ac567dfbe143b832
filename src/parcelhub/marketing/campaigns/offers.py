"""What a campaign delivers, through the promotions toolbox and billing: the one place that knows the offer kinds.

- coupon (红包): a grant of a coupon (`offer_ref` = cpn_…); its cost is the discount of every redeemed grant.
- package (大促包): a promotion-season package given free (`offer_ref` = pkg_…); its cost is the labels used from
  the gifted balances × the package's price per label.
- bonus (赠送金): bonus credit of `offer_amount_fen` per merchant (no `offer_ref`); its cost is the bonus credit
  the merchants spent on labels after the grant, at most what the campaign gave each (see docs/campaigns.md).

Each function takes the kind and branches; the rest of the app never looks at a kind itself."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from parcelhub.billing.bonus import bonus_credit_give
from parcelhub.billing.models import AccountKind, LedgerEntry, TransactionKind
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.core.money import format_fen
from parcelhub.marketing.campaigns.models import Assignment, Campaign, OfferKind
from parcelhub.marketing.promotions.models import Coupon, Package, PackageBalance, PackageUse
from parcelhub.marketing.promotions.packages import package_gift
from parcelhub.marketing.promotions.selectors import coupon_redemptions
from parcelhub.marketing.promotions.services import coupon_grant

# Per treated merchant: a campaign multiplies it by a whole segment, so it stays well under billing's own cap.
BONUS_MAX_FEN = 100_000   # ¥1,000
PROMOTIONS_PATH = "/promotions/"
WALLET_PATH = "/wallet/"


@dataclass(frozen=True)
class Redemptions:
    """What the delivered offers cost so far: `count` redeemed coupons, labels used from gifted packages, or
    merchants who spent some of the bonus; `amount_fen` their value (the promotion cost)."""
    count: int
    amount_fen: int
    by_merchant: dict[int, int]   # merchant pk → cost fen


@dataclass(frozen=True)
class OfferText:
    """The offer described for people: `zh` and `en` name it in a sentence (for emails and CRM timelines)."""
    zh: str
    en: str
    subject: str
    body: str


def _error(code: str, field: str, en: str, zh: str) -> DomainError:
    return DomainError(code, en, zh, status=422, details={"field": field})


def offer_choices() -> list[Coupon]:
    """Coupons an operator may attach to a new campaign: active and not yet expired."""
    return list(Coupon.objects.filter(is_active=True, valid_until__gt=timezone.now()).order_by("-created_at"))


def package_choices() -> list[Package]:
    """Packages an operator may give: active, and their labels still usable."""
    return list(Package.objects.filter(is_active=True, use_until__gt=timezone.now()).order_by("-created_at"))


def offer_get(kind: str, ref: str) -> Coupon | Package:
    model = {OfferKind.COUPON: Coupon, OfferKind.PACKAGE: Package}.get(kind)
    item = model.objects.filter(public_id=ref).first() if model is not None and ref else None
    if item is None:
        raise _error("campaign_offer_unknown", "offer", f"No {kind} offer with id {ref}.", f"未找到优惠 {ref}。")
    return item


def offer_check(kind: str, ref: str, amount_fen: int = 0) -> Coupon | Package | None:
    """The offer, if it can be delivered now; a 422 DomainError naming the field otherwise."""
    if kind not in OfferKind.values:
        raise _error("invalid_campaign", "offer_kind", "offer_kind: one of coupon, package, bonus",
                     "offer_kind：须为 coupon、package 或 bonus")
    if kind == OfferKind.BONUS:
        if ref:
            raise _error("invalid_campaign", "offer", "offer: bonus credit has no offer id; give offer_amount_fen",
                         "offer：赠送金不需要优惠编号，请填写金额")
        if type(amount_fen) is not int or not 0 < amount_fen <= BONUS_MAX_FEN:
            raise _error("invalid_campaign", "offer_amount_fen",
                         f"offer_amount_fen: bonus credit between ¥0.01 and {format_fen(BONUS_MAX_FEN)} per merchant",
                         f"offer_amount_fen：每个商户的赠送金须在 ¥0.01 至 {format_fen(BONUS_MAX_FEN)} 之间")
        return None
    if amount_fen != 0:
        raise _error("invalid_campaign", "offer_amount_fen",
                     f"offer_amount_fen: a {kind} carries its own value; leave the amount at 0",
                     "offer_amount_fen：红包和大促包自带面值，金额须为 0")
    item = offer_get(kind, ref)
    now = timezone.now()
    if kind == OfferKind.COUPON and (not item.is_active or item.valid_until <= now):
        raise _error("campaign_offer_unavailable", "offer", "This coupon is inactive or has expired.",
                     "该红包已停用或已过期。")
    if kind == OfferKind.PACKAGE and (not item.is_active or item.use_until <= now):
        raise _error("campaign_offer_unavailable", "offer",
                     "This package is inactive or its labels can no longer be used.", "该大促包已停用或已过使用期限。")
    return item


def _bonus_label(amount_fen: int) -> str:
    return _("Bonus credit %(amount)s") % {"amount": format_fen(amount_fen)}


def offer_label(kind: str, ref: str, amount_fen: int = 0) -> str:
    """The offer's name for lists and reports, in the active language ("赠送金 ¥20.00", a coupon's or package's name)."""
    return offer_labels([(kind, ref, amount_fen)])[(kind, ref, amount_fen)]


def offer_labels(offers: list[tuple[str, str, int]]) -> dict[tuple[str, str, int], str]:
    """(kind, ref, amount) → the offer's name for many campaigns at once (one query per kind present)."""
    names: dict[str, dict[str, str]] = {}
    for kind, model in ((OfferKind.COUPON, Coupon), (OfferKind.PACKAGE, Package)):
        refs = {ref for k, ref, _amount in offers if k == kind}
        names[kind] = dict(model.objects.filter(public_id__in=refs).values_list("public_id", "name")) if refs else {}
    return {(kind, ref, amount): _bonus_label(amount) if kind == OfferKind.BONUS else names.get(kind, {}).get(ref, ref)
            for kind, ref, amount in offers}


def offer_text(campaign: Campaign, *, site_url: str) -> OfferText:
    """The notification and timeline wording of the campaign's offer, Chinese and English side by side (the
    delivery runs outside any request, so it does not depend on the active language)."""
    kind = campaign.offer_kind
    if kind == OfferKind.BONUS:
        amount = format_fen(campaign.offer_amount_fen)
        zh, en = f"赠送金 {amount}", f"bonus credit of {amount}"
        url = f"{site_url}{WALLET_PATH}"
        subject = f"Bonus credit for you / 您获得赠送金：{amount}"
        body = (f"ParcelHub has added {en} to your wallet. It pays for labels once your cash balance is used up "
                f"and cannot be withdrawn; see it in your wallet: {url}\n\n"
                f"ParcelHub 已向您的钱包发放{zh}。现金余额用完后可直接用于购买面单，不可提现。查看：{url}")
        return OfferText(zh=zh, en=en, subject=subject, body=body)
    name = offer_label(kind, campaign.offer_ref)
    url = f"{site_url}{PROMOTIONS_PATH}"
    if kind == OfferKind.PACKAGE:
        package = Package.objects.filter(public_id=campaign.offer_ref).first()
        labels = package.labels if package is not None else 0
        zh, en = f"大促包「{name}」", f"the promotion package “{name}”"
        subject = f"A promotion package for you / 您获得一个大促包：{name}"
        body = (f"ParcelHub has given you {en} free of charge: {labels} labels, taken automatically when you buy an "
                f"eligible label. See it on your promotions page: {url}\n\n"
                f"ParcelHub 已免费赠送您{zh}，含 {labels} 张面单，购买符合条件的面单时自动使用。查看：{url}")
        return OfferText(zh=zh, en=en, subject=subject, body=body)
    zh, en = f"红包「{name}」", f"the coupon “{name}”"
    subject = f"A coupon for you / 您获得一张红包：{name}"
    body = (f"ParcelHub has added {en} to your account. It is applied when you buy a label; "
            f"see it on your promotions page: {url}\n\n"
            f"ParcelHub 已向您的账户发放{zh}，购买面单时可直接抵扣。查看：{url}")
    return OfferText(zh=zh, en=en, subject=subject, body=body)


def offer_deliver(*, campaign: Campaign, merchants: list, actor=None) -> dict[int, str]:
    """Give the campaign's offer to `merchants` (the treated ones; control is never passed here); returns merchant
    pk → the delivered item's public id. Merchants who already got it from this campaign, or are at a coupon's
    per-merchant limit, are left out, so delivering twice gives nobody anything twice."""
    kind, source = campaign.offer_kind, campaign.public_id
    offer = offer_check(kind, campaign.offer_ref, campaign.offer_amount_fen)
    if kind == OfferKind.COUPON:
        grants = coupon_grant(coupon=offer, merchants=merchants, source=source, actor=actor)
        return {grant.merchant_id: grant.public_id for grant in grants}
    if kind == OfferKind.PACKAGE:
        balances = package_gift(package=offer, merchants=merchants, source=source, actor=actor)
        return {balance.merchant_id: balance.public_id for balance in balances}
    # Bonus credit lives in each merchant's own ledger account under its wallet lock: one posting per merchant
    # (billing's contract), idempotent through the reference.
    delivered = {}
    for merchant in merchants:
        txn = bonus_credit_give(merchant=merchant, amount_fen=campaign.offer_amount_fen,
                                reference=f"{source}:{merchant.public_id}", actor=actor,
                                reason=f"营销活动 {campaign.name} / campaign {source}")
        delivered[merchant.pk] = txn.public_id
    return delivered


def _end_of(day: dt.date) -> dt.datetime:
    return clock.start_of_day(day + dt.timedelta(days=1))


def _bonus_spent(campaign: Campaign, until: dt.date) -> dict[int, int]:
    """Treated merchant pk → bonus credit spent on labels after its grant through `until`, net of bonus that came
    back with refunds of those labels; one aggregate over the ledger."""
    assigned = "account__merchant__campaign_assignments__"
    after_grant = F(f"{assigned}assigned_at")
    rows = (LedgerEntry.objects
            .filter(Q(transaction__kind=TransactionKind.CHARGE, transaction__created_at__gte=after_grant)
                    # A refund counts only when the charge it reverses was paid after the grant.
                    | Q(transaction__kind=TransactionKind.REFUND, transaction__reverses__created_at__gte=after_grant),
                    account__kind=AccountKind.BONUS, transaction__created_at__lt=_end_of(until),
                    **{f"{assigned}campaign": campaign, f"{assigned}arm": Assignment.Arm.TREATMENT,
                       f"{assigned}delivered_ref__gt": ""})
            .values_list("account__merchant_id").annotate(net=Sum("amount_fen")))
    return {merchant_id: -net for merchant_id, net in rows}


def offer_redemptions(*, campaign: Campaign, until: dt.date | None = None) -> Redemptions:
    """What the campaign's offers cost up to the end of `until` (default: today)."""
    until = until or clock.today()
    by_merchant: dict[int, int] = defaultdict(int)
    count = 0
    if campaign.offer_kind == OfferKind.COUPON:
        for merchant_id, discount in (coupon_redemptions(source=campaign.public_id)
                                      .values_list("merchant_id", "discount_fen")):
            by_merchant[merchant_id] += discount
            count += 1
    elif campaign.offer_kind == OfferKind.PACKAGE:
        rows = (PackageBalance.objects.filter(source=campaign.public_id, package__public_id=campaign.offer_ref,
                                              labels_used__gt=0)
                .values_list("merchant_id", "labels_used", "package__price_fen", "package__labels"))
        for merchant_id, used, price_fen, labels in rows:
            # Rounded down per merchant: the cost is never overstated by rounding.
            by_merchant[merchant_id] += used * price_fen // labels
            count += used
    else:
        for merchant_id, spent in _bonus_spent(campaign, until).items():
            # Capped at the grant: bonus from elsewhere (recharge bonuses) is not the campaign's cost. Within the cap
            # the campaign's credit counts as spent first, so the cost is an upper bound, never an understatement.
            spent = min(max(spent, 0), campaign.offer_amount_fen)
            if spent:
                by_merchant[merchant_id] = spent
                count += 1
    return Redemptions(count=count, amount_fen=sum(by_merchant.values()), by_merchant=dict(by_merchant))


def offer_uses(campaign: Campaign) -> list[tuple[int, int, dt.datetime]]:
    """(merchant pk, value fen, when) of each use of the offer that lowered a label's price, so the report can add
    it back to the margin and count the promotion's cost once, in the ROI. Bonus credit lowers no price (a label
    paid with it is full revenue), so it has none."""
    if campaign.offer_kind == OfferKind.COUPON:
        return list(coupon_redemptions(source=campaign.public_id).filter(used_at__isnull=False)
                    .values_list("merchant_id", "discount_fen", "used_at"))
    if campaign.offer_kind == OfferKind.PACKAGE:
        rows = (PackageUse.objects.filter(balance__source=campaign.public_id, released_at__isnull=True,
                                          balance__package__public_id=campaign.offer_ref)
                .values_list("balance__merchant_id", "balance__package__price_fen", "balance__package__labels",
                             "used_at"))
        return [(merchant_id, price_fen // labels, used_at) for merchant_id, price_fen, labels, used_at in rows]
    return []
