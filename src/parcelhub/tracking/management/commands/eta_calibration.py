"""`parcelhub eta_calibration [--holdout 0.2]`: how often delivered parcels land inside the 80 % interval."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from parcelhub.tracking.eta import MIN_SAMPLES, Calibration, calibrate, split
from parcelhub.tracking.eta_data import history


class Command(BaseCommand):
    help = ("Fit the delivery-estimate model on delivered history minus a random holdout and report the share "
            "of held-out deliveries inside their interval (target 80 %), overall and per carrier.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--holdout", type=float, default=0.2, help="share of delivered parcels held out")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--min-samples", type=int, default=MIN_SAMPLES)

    def handle(self, *args, holdout: float, seed: int, min_samples: int, **options) -> None:
        if not 0 < holdout < 1:
            self.stderr.write("--holdout must be between 0 and 1")
            return
        data = history()
        self.stdout.write(f"delivered parcels: {len(data.ids)}, holdout {holdout:.0%}, seed {seed}, "
                          f"minimum group size {min_samples}")
        for name, samples in (("from pickup (after events)", data.from_pickup),
                              ("from label purchase (quote time)", data.from_purchase)):
            train, test = split(samples, holdout, seed=seed)
            self._report(name, calibrate(train, test, min_samples=min_samples))
        train, test = split(data.from_pickup, holdout, seed=seed)
        for days in (1, 2):
            self._report(f"remaining days, {days} day(s) after pickup",
                         calibrate(train, test, min_samples=min_samples, elapsed=days))

    def _report(self, name: str, result: Calibration) -> None:
        self.stdout.write(f"\n{name}: {result.inside}/{result.tested} inside = {result.coverage:.1%}")
        for carrier, (tested, inside) in result.per_carrier.items():
            self.stdout.write(f"  {carrier:<8} {inside:>6}/{tested:<6} {inside / tested:.1%}")
