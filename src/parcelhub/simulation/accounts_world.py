"""The demo world's people: an operator of each role, demo merchants and their logins and a test API key."""

from __future__ import annotations

from dataclasses import dataclass

from parcelhub.accounts.keys import DISPLAY_PREFIX_LENGTH, hash_key
from parcelhub.accounts.models import ApiKey, Industry, Merchant, MerchantRole, OperatorRole, User
from parcelhub.geo.models import Region

DEMO_PASSWORD = "parcelhub-demo"
# A fixed test-mode key so the README's curl examples work on any fresh demo database. Test mode only, and
# only ever created by the demo command, so it grants nothing outside a demo installation.
DEMO_API_KEY = "ph_test_" + "DemoKeyOfTheParcelHubDemoWorldOnly000000"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


DEMO_MERCHANTS = [
    # (name, contact, phone, industry, origin adcode, street, monthly volume, owner email)
    ("义乌优品小商品有限公司", "王芳", "13957900001", Industry.SMALL_COMMODITIES, "330782", "稠城街道工人北路1号",
     3000, "merchant@parcelhub.local"),
    ("广州衣橱服饰有限公司", "陈伟", "13802200002", Industry.APPAREL, "440106", "体育西路100号", 12000,
     "apparel@parcelhub.local"),
    ("深圳极客数码科技有限公司", "李娜", "13760000003", Industry.ELECTRONICS, "440305", "科技园南区8栋", 800,
     "digital@parcelhub.local"),
]


DEMO_OPERATORS = [("admin@parcelhub.local", OperatorRole.ADMIN, "平台管理员"),
                  ("pricing@parcelhub.local", OperatorRole.PRICING, "定价专员"),
                  ("marketing@parcelhub.local", OperatorRole.MARKETING, "市场运营")]


def demo_logins() -> list[DemoLogin]:
    # The account managers are made with their key accounts in workbench_world.
    from parcelhub.simulation.workbench_world import MANAGERS

    logins = [DemoLogin(f"operator · {role}", email, DEMO_PASSWORD) for email, role, _ in DEMO_OPERATORS]
    logins += [DemoLogin(f"operator · account_manager · {name}", email, DEMO_PASSWORD)
               for email, name, *_ in MANAGERS]
    logins += [DemoLogin(f"merchant · {m[0]}", m[7], DEMO_PASSWORD) for m in DEMO_MERCHANTS]
    return logins


def build_people() -> None:
    for email, role, name in DEMO_OPERATORS:
        _user(email, name=name, operator_role=role, is_staff=role == OperatorRole.ADMIN,
              is_superuser=role == OperatorRole.ADMIN)
    for name, contact, phone, industry, origin, street, volume, email in DEMO_MERCHANTS:
        merchant, _ = Merchant.objects.get_or_create(
            name=name,
            defaults={"contact_name": contact, "phone": phone, "industry": industry,
                      "origin_region": Region.objects.get(adcode=origin), "origin_address": street,
                      "expected_monthly_volume": volume, "acquisition_channel": "demo"},
        )
        _user(email, name=contact, merchant=merchant, merchant_role=MerchantRole.OWNER)
    _demo_key(Merchant.objects.get(name=DEMO_MERCHANTS[0][0]))


def _user(email: str, **fields) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, **fields)
    return user


def _demo_key(merchant: Merchant) -> None:
    ApiKey.objects.get_or_create(
        key_hash=hash_key(DEMO_API_KEY),
        defaults={"merchant": merchant, "name": "demo (test mode)", "mode": ApiKey.Mode.TEST,
                  "prefix": DEMO_API_KEY[:DISPLAY_PREFIX_LENGTH]},
    )
