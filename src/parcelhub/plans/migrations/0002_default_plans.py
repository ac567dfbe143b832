from django.db import migrations


def seed(apps, schema_editor):
    from parcelhub.plans.defaults import ensure_default_plans

    ensure_default_plans(apps.get_model("plans", "Plan"))


class Migration(migrations.Migration):

    dependencies = [("plans", "0001_plans")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
