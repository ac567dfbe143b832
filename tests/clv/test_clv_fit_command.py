"""`parcelhub clv-fit` on the CDNOW summary, with and without spend, and its errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from tests.clv.cdnow import SUMMARY_CSV, cdnow


def test_fits_the_cdnow_summary_as_the_issue_spells_the_command(tmp_path):
    out = tmp_path / "fit.json"
    call_command("clv-fit", summary=str(SUMMARY_CSV), horizon=39, out=str(out))
    result = json.loads(out.read_text())
    assert set(result) == {"bgnbd", "customers"}
    bg = result["bgnbd"]
    assert set(bg) == {"r", "alpha", "a", "b", "log_likelihood"}
    assert (round(bg["r"], 3), round(bg["alpha"], 2), round(bg["a"], 3), round(bg["b"], 2)) == (0.243, 4.41, 0.793,
                                                                                                2.43)
    assert round(bg["log_likelihood"], 1) == -9582.4
    assert len(result["customers"]) == 2357
    first = result["customers"][0]
    assert set(first) == {"id", "p_alive", "expected_purchases"}
    assert (first["id"], round(first["p_alive"], 3), round(first["expected_purchases"], 3)) == ("1", 0.727, 1.226)
    no_repeat = result["customers"][2]
    assert (no_repeat["id"], no_repeat["p_alive"]) == ("3", 1.0)


def test_with_spend_fits_gamma_gamma_too(tmp_path):
    d = cdnow()
    summary = tmp_path / "spend.csv"
    lines = ["id,frequency,recency,T,monetary_value"]
    lines += [f"c{i},{int(x)},{t_x},{t},{z}" for i, (x, t_x, t, z) in enumerate(zip(d["x"], d["t_x"], d["T"],
                                                                                     d["zbar"], strict=True))]
    summary.write_text("\n".join(lines) + "\n")
    out = tmp_path / "fit.json"
    call_command("clv_fit", summary=str(summary), horizon=52, out=str(out))
    gg = json.loads(out.read_text())["gamma_gamma"]
    assert set(gg) == {"p", "q", "v"}
    assert (round(gg["p"], 2), round(gg["q"], 2), round(gg["v"], 1)) == (6.25, 3.74, 15.4)


@pytest.mark.parametrize(("content", "message"), [
    ("", "the file is empty"),
    ("id,frequency,recency\n1,0,0\n", "missing column(s): T"),
    ("id,frequency,recency,T\n", "no customers"),
    ("id,frequency,recency,T\n1,two,0,5\n", "row 2: frequency 'two' is not a number"),
    ("id,frequency,recency,T\n1,1,1,5\n2,3,6,5\n", "row 3: recency 6 must be between 0 and T (5)"),
    ("id,frequency,recency,T\n1,1,1,5\n1,1,1,5\n", "row 3: id '1' appears twice"),
    ("id,frequency,recency,T\n1,0,2,5\n", "row 2: recency must be 0 when frequency is 0"),
    ("id,frequency,recency,T,monetary_value\n1,1,1,5,-3\n", "row 2: monetary_value -3 must be 0 or more"),
    ("id,frequency,recency,T,monetary_value\n1,1,1,5,3\n2,0,0,5,0\n", "at least two customers"),
])
def test_bad_files_fail_with_a_clear_message_and_write_nothing(tmp_path, content, message):
    summary, out = tmp_path / "bad.csv", tmp_path / "out.json"
    summary.write_text(content)
    with pytest.raises(CommandError) as err:
        call_command("clv-fit", summary=str(summary), horizon=39, out=str(out))
    assert message in str(err.value)
    assert not out.exists()


def test_bad_horizon_and_missing_file(tmp_path):
    out = tmp_path / "out.json"
    with pytest.raises(CommandError, match="--horizon must be a positive"):
        call_command("clv-fit", summary=str(SUMMARY_CSV), horizon=0, out=str(out))
    with pytest.raises(CommandError, match="cannot read .*missing.csv"):
        call_command("clv-fit", summary=str(tmp_path / "missing.csv"), horizon=39, out=str(out))
    assert not out.exists()


def test_the_console_command_exits_non_zero_on_a_bad_file(tmp_path):
    summary = tmp_path / "bad.csv"
    summary.write_text("id,frequency\n1,0\n")
    done = subprocess.run([sys.executable, "-m", "parcelhub", "clv-fit", "--summary", str(summary), "--horizon", "4",
                           "--out", str(tmp_path / "o.json")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "missing column(s): recency, T" in done.stderr
