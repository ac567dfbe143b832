"""Words and figures for the operator pages: weights, rates and rounding rules as people say them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from parcelhub.carriers.ratecard_files import bp_to_pct_str, grams_to_kg_str


def kg(grams: int | None) -> str:
    return "—" if grams is None else f"{grams_to_kg_str(grams)} kg"


def pct(bp: int) -> str:
    return f"{bp_to_pct_str(bp)} %"


def describe_rounding(rounding: list[dict]) -> str:
    """[{500 under 100 kg}, {1000}] -> "0.5 kg steps under 100 kg, then 1 kg"."""
    if not rounding:
        return "—"
    parts = []
    for index, band in enumerate(rounding):
        step, up_to = grams_to_kg_str(band["step_g"]), band["up_to_g"]
        if index == 0:
            text = _("%(step)s kg steps") % {"step": step}
        else:
            text = _("then %(step)s kg") % {"step": step}
        if up_to is not None:
            text = _("%(text)s under %(limit)s kg") % {"text": text, "limit": grams_to_kg_str(up_to)}
        parts.append(text)
    return ", ".join(parts)


def margin_pct(list_fen: int, cost_fen: int) -> str:
    """Margin as a share of the list price, one decimal, for reading only (never used in a sum)."""
    if list_fen <= 0:
        return "—"
    tenths = round((list_fen - cost_fen) * 1000 / list_fen)
    sign = "-" if tenths < 0 else ""
    return f"{sign}{abs(tenths) // 10}.{abs(tenths) % 10} %"


def lane_rows(card) -> list[dict]:
    """The detail page's lanes with margins; `card.lanes` prefetched with their destinations."""
    rows = []
    for lane in card.lanes.all():
        rows.append({
            "lane": lane,
            "margin_first_fen": lane.list_first_fen - lane.cost_first_fen,
            "margin_first_pct": margin_pct(lane.list_first_fen, lane.cost_first_fen),
            "margin_additional_fen": lane.list_additional_per_kg_fen - lane.cost_additional_per_kg_fen,
            "margin_additional_pct": margin_pct(lane.list_additional_per_kg_fen, lane.cost_additional_per_kg_fen),
            "below_cost": lane.list_first_fen < lane.cost_first_fen
            or lane.list_additional_per_kg_fen < lane.cost_additional_per_kg_fen,
        })
    return rows
