"""Writes for merchants, users and API keys."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from parcelhub.accounts.keys import DISPLAY_PREFIX_LENGTH, generate_key, hash_key
from parcelhub.accounts.models import ApiKey, Merchant, MerchantRole, User
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError


@dataclass(frozen=True)
class SignupResult:
    merchant: Merchant
    owner: User


def merchant_signup(*, company_name: str, contact_name: str, phone: str, email: str, password: str,
                    industry: str, expected_monthly_volume: int, origin_region=None, origin_address: str = "",
                    acquisition_channel: str = "") -> SignupResult:
    """Create a merchant and its owner user; the channel comes from the sign-up link for attribution."""
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise DomainError("email_taken", "An account with this email already exists.", "该邮箱已注册。")
    try:
        validate_password(password, User(email=email, name=contact_name))
    except ValidationError as exc:
        raise DomainError("weak_password", " ".join(exc.messages), " ".join(exc.messages)) from exc
    with transaction.atomic():
        merchant = Merchant.objects.create(
            name=company_name.strip(), contact_name=contact_name.strip(), phone=phone.strip(),
            industry=industry, expected_monthly_volume=expected_monthly_volume,
            origin_region=origin_region, origin_address=origin_address.strip(),
            acquisition_channel=acquisition_channel.strip()[:64],
        )
        owner = User.objects.create_user(email, password, name=contact_name.strip(), merchant=merchant,
                                         merchant_role=MerchantRole.OWNER)
        audit(action="merchant.signup", actor=owner, merchant=merchant, target=merchant,
              data={"channel": merchant.acquisition_channel})
    return SignupResult(merchant=merchant, owner=owner)


def api_key_create(*, merchant: Merchant, name: str, mode: str, actor: User | None) -> tuple[ApiKey, str]:
    """Returns the key record and the raw key, which is never stored and cannot be shown again."""
    if mode not in ApiKey.Mode.values:
        raise DomainError("invalid_mode", "Mode must be live or test.", "模式必须是 live 或 test。")
    name = name.strip()
    if not name:
        raise DomainError("name_required", "Give the key a name.", "请为密钥命名。")
    raw = generate_key(mode)
    with transaction.atomic():
        key = ApiKey.objects.create(merchant=merchant, name=name[:60], mode=mode,
                                    prefix=raw[:DISPLAY_PREFIX_LENGTH], key_hash=hash_key(raw), created_by=actor)
        audit(action="api_key.create", actor=actor, merchant=merchant, target=key, data={"mode": mode})
    return key, raw


def api_key_revoke(*, key: ApiKey, actor: User | None) -> ApiKey:
    with transaction.atomic():
        updated = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
        if updated:
            audit(action="api_key.revoke", actor=actor, merchant=key.merchant, target=key)
    key.refresh_from_db()
    return key


def merchant_update_shipping(*, merchant: Merchant, origin_region, origin_address: str, contact_name: str,
                             phone: str, label_size: str, privacy_waybills: bool, actor: User | None) -> Merchant:
    """The sender on every label and the label preferences; new shipments take them from here."""
    from parcelhub.geo.parsing import ParseError, normalize_phone

    try:
        phone = normalize_phone(phone)
    except ParseError as exc:
        raise DomainError("phone_invalid", exc.message, exc.message_zh) from exc
    with transaction.atomic():
        merchant.origin_region, merchant.origin_address = origin_region, origin_address.strip()
        merchant.contact_name, merchant.phone = contact_name.strip(), phone
        merchant.label_size, merchant.privacy_waybills = label_size, privacy_waybills
        merchant.save(update_fields=["origin_region", "origin_address", "contact_name", "phone", "label_size",
                                     "privacy_waybills"])
        audit(action="merchant.update_shipping", actor=actor, merchant=merchant, target=merchant,
              data={"origin": origin_region.adcode, "label_size": label_size, "privacy": privacy_waybills})
    return merchant
