"""`parcelhub clv-fit --summary FILE.csv --horizon T --out FILE.json`: fit BG/NBD (and Gamma-Gamma) offline."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parcelhub.crm.workbench.clv_file import SummaryFileError, fit_summary, read_summary


class Command(BaseCommand):
    help = ("Fit BG/NBD (and Gamma-Gamma when a monetary_value column is present) to a customer summary "
            "id,frequency,recency,T[,monetary_value] and write parameters plus each customer's P(alive) and expected "
            "purchases over the next --horizon periods as JSON.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--summary", required=True, help="CSV file: id,frequency,recency,T[,monetary_value]")
        parser.add_argument("--horizon", required=True, type=float,
                            help="periods ahead for expected purchases, in the summary's time unit")
        parser.add_argument("--out", required=True, help="JSON file to write ('-' for standard output)")

    def handle(self, *args, summary: str, horizon: float, out: str, **options) -> None:
        try:
            with open(summary, newline="", encoding="utf-8-sig") as handle:
                result = fit_summary(read_summary(handle), horizon=horizon)
        except OSError as exc:
            raise CommandError(f"cannot read {summary}: {exc.strerror}") from None
        except (SummaryFileError, UnicodeDecodeError) as exc:
            raise CommandError(f"{summary}: {exc}") from None
        text = json.dumps(result, ensure_ascii=False, indent=1)
        if out == "-":
            sys.stdout.write(text + "\n")
            return
        try:
            with open(out, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror}") from None
        bg = result["bgnbd"]
        self.stderr.write(f"{len(result['customers'])} customers; BG/NBD r={bg['r']:.4f} alpha={bg['alpha']:.4f} "
                          f"a={bg['a']:.4f} b={bg['b']:.4f} LL={bg['log_likelihood']:.2f} -> {out}")
