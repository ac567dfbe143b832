from __future__ import annotations

from django.core.management.base import BaseCommand

from parcelhub.geo import regions_data
from parcelhub.geo.models import Region


class Command(BaseCommand):
    help = "Load mainland China's provinces, cities and districts (idempotent; keeps existing rows)."

    def handle(self, *args, **options) -> None:
        created = regions_data.load_regions(Region)
        self.stdout.write(f"{created} regions created, {Region.objects.count()} in total.")
