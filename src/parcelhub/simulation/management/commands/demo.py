"""`parcelhub demo`: build the demo world (carriers, rate cards, operators, merchants) and print the logins."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.simulation import (
    campaigns_world,
    churn_world,
    crm_world,
    marketing_world,
    plans_world,
    population_world,
    promotions_world,
    workbench_world,
)
from parcelhub.simulation.accounts_world import DEMO_API_KEY, DEMO_MERCHANTS, build_people, demo_logins
from parcelhub.simulation.billing_world import build_wallets
from parcelhub.simulation.carriers_world import build_carriers_and_cards
from parcelhub.simulation.notify_world import build_notify_world
from parcelhub.simulation.orders_world import build_orders
from parcelhub.simulation.shipping_world import build_shipment_history
from parcelhub.simulation.tracking_world import build_tracking_history


class Command(BaseCommand):
    help = "Create the demo world (idempotent) and print the demo logins and API key."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="leave a database that already has merchants as it is (still print the logins)")

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Merchant.objects.exists():
            self.stdout.write("The database already has merchants; the demo world was left as it is.")
        else:
            with transaction.atomic():
                # The cards have been in effect since before the months of shipment history.
                counts = build_carriers_and_cards(effective_from=clock.today() - dt.timedelta(days=150))
                build_people()
                merchants = [Merchant.objects.get(name=m[0]) for m in DEMO_MERCHANTS]
                counts |= build_wallets(merchants=merchants, today=clock.today())
                counts |= build_notify_world(merchants=merchants)
                counts |= build_orders(merchants=merchants, today=clock.today(), count_per_merchant=100)
                counts |= build_shipment_history(merchants=merchants, today=clock.today())
                counts |= build_tracking_history(merchants=merchants, today=clock.today())
                # Marketing and CRM, in dependency order: the population's history first, campaigns on top of
                # it, account managers before the churn alerts that open their tasks. They replay months of
                # history (tiers, campaigns, alerts) once, with the population; a later run leaves them as they are.
                population = population_world.build(merchants=merchants, today=clock.today())
                counts |= population
                if population["population_merchants"]:
                    for world in (plans_world, marketing_world, promotions_world, crm_world, campaigns_world,
                                  workbench_world, churn_world):
                        counts |= world.build(merchants=merchants, today=clock.today())
            counts.pop("balances_fen", None)
            summary = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.items()
                                if not name.endswith("_created"))
            self.stdout.write(self.style.SUCCESS(f"Demo world ready: {summary}."))
        self.stdout.write("\nDemo logins:")
        for login in demo_logins():
            self.stdout.write(f"  {login.role:<42} {login.email:<28} password: {login.password}")
        self.stdout.write(f"\nTest-mode API key of the first demo merchant:\n  {DEMO_API_KEY}\n")
