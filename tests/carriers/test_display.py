from __future__ import annotations

import pytest

from parcelhub.carriers.display import describe_rounding, margin_pct


@pytest.mark.parametrize(("bands", "words"), [
    ([{"up_to_g": 100_000, "step_g": 500}, {"up_to_g": None, "step_g": 1000}], "0.5 kg steps under 100 kg, then 1 kg"),
    ([{"up_to_g": None, "step_g": 1000}], "1 kg steps"),
    ([{"up_to_g": 3000, "step_g": 100}, {"up_to_g": 30_000, "step_g": 500}, {"up_to_g": None, "step_g": 1000}],
     "0.1 kg steps under 3 kg, then 0.5 kg under 30 kg, then 1 kg"),
])
def test_rounding_in_words(bands, words):
    assert describe_rounding(bands) == words


def test_margin_percent_of_list():
    assert [margin_pct(1200, 960), margin_pct(400, 440), margin_pct(0, 10)] == ["20.0 %", "-10.0 %", "—"]
