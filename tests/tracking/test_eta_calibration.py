"""The eta_calibration command on a hand-made delivered history."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.tracking.test_eta_data import ZTO_DAYS, delivered_history

pytestmark = pytest.mark.django_db


def test_calibration_report(world, merchant_a):
    delivered_history(merchant_a[0], "zto", ZTO_DAYS * 3)
    out = StringIO()
    call_command("eta_calibration", "--holdout", "0.2", "--seed", "3", stdout=out)
    # 2–3 days from pickup (3–4 from the evening purchase) hold 25 of every 30 parcels; 14 of the 17 held out.
    assert out.getvalue().splitlines() == [
        "delivered parcels: 90, holdout 20%, seed 3, minimum group size 30", "",
        "from pickup (after events): 14/17 inside = 82.4%", "  zto          14/17     82.4%", "",
        "from label purchase (quote time): 14/17 inside = 82.4%", "  zto          14/17     82.4%", "",
        # Every parcel took 2 days or more: after 1 or 2 days all are still on the way, and the remaining
        # intervals (1–2, then 0–1 days) hold the same parcels.
        "remaining days, 1 day(s) after pickup: 14/17 inside = 82.4%", "  zto          14/17     82.4%", "",
        "remaining days, 2 day(s) after pickup: 14/17 inside = 82.4%", "  zto          14/17     82.4%"]


def test_holdout_must_be_a_share(world):
    err = StringIO()
    call_command("eta_calibration", "--holdout", "1.5", stderr=err, stdout=StringIO())
    assert err.getvalue().strip() == "--holdout must be between 0 and 1"
