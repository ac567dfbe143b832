"""`parcelhub churn-scan`: the detector over a CSV, alerts as they would have fired up to --as-of."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from parcelhub.crm.churn.detector import scan
from parcelhub.simulation.population import generate

START = dt.date(2026, 3, 20)


def write_volumes(path: Path, rows: list[tuple[str, str, str]], header=("merchant_id", "date", "shipments")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def flat(merchant: str, days: int, level: int, stop_at: int | None = None) -> list[tuple[str, str, str]]:
    """A merchant shipping `level` a day, nothing from day `stop_at` on (no rows: missing days are zeros)."""
    return [(merchant, (START + dt.timedelta(days=d)).isoformat(), str(level)) for d in range(days)
            if stop_at is None or d < stop_at]


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_one_row_per_alert_with_reason_and_score(tmp_path):
    volumes = write_volumes(tmp_path / "v.csv", flat("shop-A", 150, 40, stop_at=120) + flat("shop-B", 150, 40))
    out = tmp_path / "alerts.csv"
    call_command("churn_scan", volumes=str(volumes), as_of="2026-08-17", out=str(out))
    # Day 120 is 18 July: flat 40 a day, then nothing; two empty days push the CUSUM over its threshold.
    assert read(out) == [{"merchant_id": "shop-A", "alert_date": "2026-07-19",
                          "reason": "volume −100% vs baseline over 2 days", "score": "1.000"}]


def test_as_of_cuts_the_data_and_nothing_after_it_changes_earlier_alerts(tmp_path):
    pop = generate(merchants=60, days=300, end=dt.date(2026, 10, 15), seed=5)
    rows = [(pop.ids[i], pop.day(d).isoformat(), str(int(pop.shipments[i, d])))
            for i in range(60) for d in range(300) if pop.shipments[i, d]]
    volumes = write_volumes(tmp_path / "v.csv", rows)
    call_command("churn_scan", volumes=str(volumes), as_of="2026-10-15", out=str(tmp_path / "all.csv"))
    call_command("churn_scan", volumes=str(volumes), as_of="2026-08-31", out=str(tmp_path / "cut.csv"))
    full, cut = read(tmp_path / "all.csv"), read(tmp_path / "cut.csv")
    assert cut == [row for row in full if row["alert_date"] <= "2026-08-31"]
    expected = scan(pop.shipments, pop.start)
    assert [(r["merchant_id"], r["alert_date"]) for r in full] == [
        (pop.ids[a.merchant], pop.day(a.day).isoformat()) for a in expected]
    assert len(full) > len(cut) > 0


def test_reasons_in_chinese(tmp_path):
    volumes = write_volumes(tmp_path / "v.csv", flat("shop-A", 150, 40, stop_at=120))
    call_command("churn_scan", volumes=str(volumes), as_of="2026-08-17", out=str(tmp_path / "o.csv"),
                 language="zh")
    assert read(tmp_path / "o.csv")[0]["reason"] == "近2天发货量较基线下降100%"


@pytest.mark.parametrize(("rows", "header", "message"), [
    ([("a", "2026-01-01", "3")], ("merchant", "date", "shipments"), "missing column(s) merchant_id"),
    ([("a", "2026-02-30", "3")], ("merchant_id", "date", "shipments"), "line 2: '2026-02-30' is not a date"),
    ([("a", "2026-02-03", "x")], ("merchant_id", "date", "shipments"), "line 2: shipments 'x' is not a whole"),
    ([("a", "2026-02-03", "-1")], ("merchant_id", "date", "shipments"), "line 2: shipments cannot be negative"),
    ([("a", "2026-02-03", "1"), ("a", "2026-02-03", "2")], ("merchant_id", "date", "shipments"),
     "line 3: a second row for merchant 'a' on 2026-02-03"),
])
def test_bad_files_stop_with_a_clear_error_and_write_nothing(tmp_path, rows, header, message):
    volumes = write_volumes(tmp_path / "v.csv", rows, header)
    out = tmp_path / "o.csv"
    with pytest.raises(CommandError) as error:
        call_command("churn_scan", volumes=str(volumes), as_of="2026-03-01", out=str(out))
    assert message in str(error.value)
    assert not out.exists()


def test_the_hyphenated_command_exits_non_zero_on_a_bad_as_of(tmp_path):
    volumes = write_volumes(tmp_path / "v.csv", flat("shop-A", 10, 4))
    done = subprocess.run([sys.executable, "-m", "parcelhub", "churn-scan", "--volumes", str(volumes),
                           "--as-of", "2026-13-01", "--out", str(tmp_path / "o.csv")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "--as-of: '2026-13-01' is not a date (YYYY-MM-DD)" in done.stderr
    assert not (tmp_path / "o.csv").exists()


def test_the_hyphenated_command_writes_the_alerts(tmp_path):
    volumes = write_volumes(tmp_path / "v.csv", flat("shop-A", 150, 40, stop_at=120))
    done = subprocess.run([sys.executable, "-m", "parcelhub", "churn-scan", "--volumes", str(volumes),
                           "--as-of", "2026-08-17", "--out", "-"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert done.stdout.splitlines() == ["merchant_id,alert_date,reason,score",
                                        "shop-A,2026-07-19,volume −100% vs baseline over 2 days,1.000"]
