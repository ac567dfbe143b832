"""The default programme: 普通 / 银牌 / 金牌 / 铂金, silver as the grace tier, 5 % minimum margin."""

from __future__ import annotations

from django.db import migrations

DEFAULT_TIERS = [
    # code, name, English name, rank, average monthly shipments, discount bp
    ("standard", "普通", "Standard", 0, 0, 0),
    ("silver", "银牌", "Silver", 1, 500, 300),
    ("gold", "金牌", "Gold", 2, 3000, 600),
    ("platinum", "铂金", "Platinum", 3, 10000, 1000),
]


def create(apps, schema_editor):
    Tier = apps.get_model("marketing", "Tier")
    TierSettings = apps.get_model("marketing", "TierSettings")
    tiers = {}
    for code, name, name_en, rank, threshold, bp in DEFAULT_TIERS:
        tiers[code], _ = Tier.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "rank": rank,
                                 "min_monthly_shipments": threshold, "discount_bp": bp})
    TierSettings.objects.get_or_create(pk=1, defaults={"grace_tier": tiers["silver"]})


def remove(apps, schema_editor):
    apps.get_model("marketing", "TierSettings").objects.all().delete()
    apps.get_model("marketing", "Tier").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("marketing", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
