"""Line breaking and text fitting of the label renderer (no PDF reading needed)."""

from __future__ import annotations

import io

from reportlab.pdfgen.canvas import Canvas

from parcelhub.shipping.labels.pdfops import ELLIPSIS, PageInk, clean_text, wrap_widths


def wrap(text: str, max_width: int) -> list[str]:
    """Every character 10 wide."""
    cum = list(range(0, 10 * len(text) + 1, 10))
    return wrap_widths(text, cum, 0, max_width)


def test_cjk_breaks_anywhere_within_the_width():
    assert wrap("浙江省杭州市西湖区文三路", 50) == ["浙江省杭州", "市西湖区文", "三路"]


def test_latin_and_digit_runs_move_down_whole():
    assert wrap("华星时代广场A1203室", 80) == ["华星时代广场", "A1203室"]
    assert wrap("国际商贸城5区1号", 80) == ["国际商贸城5区", "1号"]  # a number keeps its measure word
    # a run longer than a line has to break somewhere
    assert wrap("1234567890", 40) == ["1234", "5678", "90"]


def test_no_line_starts_with_closing_punctuation():
    lines = wrap("一二三四，五六七八", 40)
    assert lines == ["一二三", "四，五六", "七八"]
    assert not any(line[0] in "，。）" for line in lines)


def test_spaces_at_a_break_are_dropped():
    assert wrap("ab cd ef", 30) == ["ab", "cd", "ef"]


def test_clean_text_makes_one_printable_line():
    assert clean_text("  浙江省\n杭州市\t西湖区\r\n\x00文三路  ") == "浙江省 杭州市 西湖区 文三路"


def test_fit_and_paragraph_never_exceed_their_width():
    ink = PageInk(Canvas(io.BytesIO()))
    text = "新疆维吾尔自治区乌鲁木齐市沙依巴克区友好南路幸福小区12栋3单元1203室" * 5
    for line in ink.wrap(text, 9, 200):
        assert ink.width(line, 9) <= 200
    cut = ink.truncate(text, 9, 150)
    assert cut.endswith(ELLIPSIS) and ink.width(cut, 9) <= 150
    assert ink.truncate("短", 9, 150) == "短"
