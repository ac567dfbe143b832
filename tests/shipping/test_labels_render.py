"""E-waybill PDFs read back the way a printer and a scanner see them: pages rasterised at 203 dpi (pypdfium2)
and decoded (zxing-cpp); text extracted with pypdfium2. No database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
import zxingcpp

from parcelhub.shipping.labels.data import LABEL_SIZES, LabelData, LabelParty
from parcelhub.shipping.labels.layout import layout_for
from parcelhub.shipping.labels.preview import rasterize, render_preview_png
from parcelhub.shipping.labels.render import format_money, format_weight, render_labels
from parcelhub.shipping.labels.samples import synthetic_labels

MM = 72 / 25.4
LONG_ADDRESS = ("新疆维吾尔自治区乌鲁木齐市沙依巴克区友好南路" + "幸福小区12栋3单元1203室，" * 12
                + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 3)
HANDMADE = LabelData(
    carrier_code="zto", carrier_name="中通快递", service_name="中通标快", waybill_no="78123456789012",
    sort_code="991-W01 034", hub="乌鲁木齐转运中心", tracking_url="https://www.parcelhub.cn/t/shp_01JD3TEST0000000000000000",
    sender=LabelParty("义乌优品小商品店", "13900001111", "浙江省金华市义乌市福田街道国际商贸城5区1号"),
    recipient=LabelParty("张三", "13812348000", LONG_ADDRESS),
    items_summary="帆布包 ×2, 钥匙扣 ×5, " + "超长的商品名称" * 20, weight_g=1250,
    insured_value_fen=200_000, cod_fen=123_450, privacy=True,
    printed_at=dt.datetime(2026, 11, 11, 0, 30, tzinfo=dt.UTC), reference="TB2026111100001",
)
PLAIN = dataclasses.replace(
    HANDMADE, carrier_code="sf", carrier_name="顺丰速运", service_name="顺丰特快", waybill_no="SF1234567890123",
    sort_code="571WB-012", recipient=LabelParty("李四", "13912345678", "浙江省杭州市西湖区文三路90号"),
    items_summary="T恤 ×1", insured_value_fen=0, cod_fen=0, privacy=False, printed_at=None)


def labels_for_tests() -> list[LabelData]:
    """Every carrier, privacy on and off, marks on and off, a landline, a very long address."""
    pool = synthetic_labels(40, seed=11)
    picked = pool[:8]  # one per carrier
    picked.append(next(lab for lab in pool if lab.cod_fen))
    picked.append(next(lab for lab in pool if "工作日" in lab.recipient.address))
    return [HANDMADE, PLAIN, *picked]


LABELS = labels_for_tests()


@pytest.fixture(scope="module", params=LABEL_SIZES)
def rendered(request) -> tuple[str, bytes]:
    return request.param, render_labels(LABELS, size=request.param)


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def test_every_page_decodes_to_its_waybill_and_tracking_url(rendered):
    size, pdf = rendered
    images = rasterize(pdf, dpi=203)
    assert len(images) == len(LABELS)
    stub = layout_for(size).stub
    for label, image in zip(LABELS, images, strict=True):
        found = {(r.format, r.text) for r in zxingcpp.read_barcodes(image)}
        assert (zxingcpp.BarcodeFormat.Code128, label.waybill_no) in found, (size, label.waybill_no, found)
        assert (zxingcpp.BarcodeFormat.QRCode, label.tracking_url) in found, (size, label.tracking_url, found)
        if stub is not None:  # the sender's receipt below the tear line carries its own readable barcode
            tear = round((layout_for(size).height - stub.tear_y) * 203 / 72)
            below = image.crop((0, tear, image.width, image.height))
            assert [r.text for r in zxingcpp.read_barcodes(below)] == [label.waybill_no], (size, label)


def test_page_count_and_size_are_exact(rendered):
    size, pdf = rendered
    width_mm, height_mm = (int(v) for v in size.split("x"))
    document = pdfium.PdfDocument(pdf)
    assert len(document) == len(LABELS)
    for i in range(len(document)):
        width, height = document[i].get_size()
        assert width == pytest.approx(width_mm * MM, abs=1e-3)
        assert height == pytest.approx(height_mm * MM, abs=1e-3)
    assert len(re.findall(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", pdf)) == len(LABELS)


def test_the_cjk_font_is_embedded_truetype_never_a_cid_font(rendered):
    _, pdf = rendered
    truetype = re.findall(rb"/BaseFont /([A-Z]{6}\+WenQuanYiMicroHei-\d+)", pdf)
    assert truetype, "no WenQuanYi subset"
    assert len(re.findall(rb"/BaseFont", pdf)) == len(truetype)  # no other font, not even an unused one
    assert pdf.count(b"/FontFile2") == len(set(truetype))  # every subset carries its glyphs
    assert b"/Type0" not in pdf and b"STSong" not in pdf and b"UniGB" not in pdf


def test_text_stays_inside_the_frame_even_for_a_very_long_address(rendered):
    size, pdf = rendered
    document = pdfium.PdfDocument(pdf)
    inset = 1.5 * MM  # the frame's margin
    for i in range(len(document)):
        page = document[i]
        width, height = page.get_size()
        text = page.get_textpage()
        for c in range(text.count_chars()):
            left, bottom, right, top = text.get_charbox(c)
            if right > left:  # spaces and line ends have empty boxes
                assert left >= inset and right <= width - inset, (size, i, c, text.get_text_range(c, 1))
                assert bottom >= inset and top <= height - inset, (size, i, c, text.get_text_range(c, 1))
    first = page_texts(pdf)[0]
    assert "新疆维吾尔自治区乌鲁木齐市沙依巴克区" in first
    assert "…" in first  # the rest of that address did not fit and says so


def test_privacy_waybill_masks_recipient_name_and_phone(rendered):
    _, pdf = rendered
    masked, plain = page_texts(pdf)[:2]
    assert "138****8000" in masked and "13812348000" not in masked
    assert "张*" in masked and "张三" not in masked
    assert "13900001111" in masked  # the sender is not masked
    assert "13912345678" in plain and "李四" in plain


def test_insurance_and_cod_marks_with_amounts(rendered):
    _, pdf = rendered
    marked, plain = page_texts(pdf)[:2]
    assert "保价" in marked and "保价：¥2,000.00" in marked
    assert "代收" in marked and "代收：¥1,234.50" in marked
    assert "重量：1.25kg" in marked
    assert "保价" not in plain and "代收" not in plain


def test_carrier_sort_code_hub_reference_and_print_time(rendered):
    _, pdf = rendered
    text = page_texts(pdf)[0]
    for expected in ("中通快递", "中通标快", "991-W01 034", "乌鲁木齐转运中心", "78123456789012",
                     "订单号：TB2026111100001", "2026-11-11 08:30", "物品：帆布包 ×2"):
        assert expected in text


def test_two_part_sizes_repeat_the_waybill_on_a_stub():
    counts = {size: page_texts(render_labels([PLAIN], size=size))[0].count("SF1234567890123")
              for size in LABEL_SIZES}
    assert counts == {"76x130": 1, "100x150": 2, "100x180": 2}


def test_preview_png_at_printer_resolution():
    png = render_preview_png(render_labels([PLAIN, HANDMADE], size="100x150"), page=1, dpi=203)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (800, 1199)  # 100 x 150 mm at 8 dots per mm
    with pytest.raises(IndexError):
        render_preview_png(render_labels([PLAIN]), page=1)


def test_refuses_unknown_sizes_and_empty_batches():
    with pytest.raises(ValueError, match="unknown label size"):
        render_labels([PLAIN], size="100x100")
    with pytest.raises(ValueError, match="no labels"):
        render_labels([])


def test_a_waybill_number_code128_cannot_carry_is_refused_not_misprinted():
    for bad in ("", "SF123中"):
        with pytest.raises(ValueError, match="Code128"):
            render_labels([dataclasses.replace(PLAIN, waybill_no=bad)])


def test_unusual_text_still_renders():
    odd = dataclasses.replace(PLAIN, tracking_url="", sort_code="", hub="", items_summary="",
                              recipient=LabelParty("😀王", "13800000000", "北京市朝阳区\n建国路1号\t2楼"))
    text = page_texts(render_labels([odd]))[0]
    assert "北京市朝阳区 建国路1号 2楼" in text
    assert {r.text for r in zxingcpp.read_barcodes(rasterize(render_labels([odd]))[0])} == {PLAIN.waybill_no}


def test_print_time_is_shown_in_china_time():
    late = dataclasses.replace(PLAIN, printed_at=dt.datetime(2026, 11, 10, 18, 5, tzinfo=ZoneInfo("UTC")))
    assert "2026-11-11 02:05" in page_texts(render_labels([late]))[0]


def test_money_and_weight_formats():
    assert [format_money(v) for v in (0, 5, 1250, 123_450, 100_000_000, -1250)] == [
        "¥0.00", "¥0.05", "¥12.50", "¥1,234.50", "¥1,000,000.00", "-¥12.50"]
    assert [format_weight(g) for g in (80, 377, 1000, 1250, 18_461)] == [
        "0.08kg", "0.377kg", "1kg", "1.25kg", "18.461kg"]


def test_reportlab_global_stream_setting_is_put_back():
    from reportlab import rl_config

    before = rl_config.useA85
    render_labels([PLAIN])
    assert rl_config.useA85 == before
    assert b"/ASCII85Decode" not in render_labels([PLAIN])  # page streams are plain Flate
