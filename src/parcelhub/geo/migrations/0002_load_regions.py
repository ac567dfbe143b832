from __future__ import annotations

from django.db import migrations

from parcelhub.geo import regions_data


def load(apps, schema_editor):
    regions_data.load_regions(apps.get_model("geo", "Region"))


def unload(apps, schema_editor):
    regions_data.unload_regions(apps.get_model("geo", "Region"))


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
