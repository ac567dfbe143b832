"""Drawing primitives for e-waybills: the embedded CJK font, text, Code128 and QR as PDF operators.

reportlab's canvas methods format every number and encode every string on each call; a label has ~40 of
them, which alone would halve throughput. Here a page's content is collected as operator strings and handed
to the canvas once with `addLiteral`:

- text is encoded through the font's documented subset API (`splitString`, `getSubsetInternalName`) once
  per new character, then per page in one batch with `codecs.charmap_encode` (no Python loop per character);
- widths come the same way from a code point -> advance map, one batch per label;
- barcodes are drawn in module units under one transformation matrix, so a bar is a few small integers.
"""

from __future__ import annotations

import codecs
import functools
import math
import sys
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import Any, Literal

import numpy as np
import zxingcpp
from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfbase.ttfonts import TTFont

from parcelhub.core.fonts import CJK_FONT_NAME, CJK_FONT_PATH, FontMissing, cjk_font  # noqa: F401 (re-exported)

FONT_NAME = CJK_FONT_NAME
FONT_PATH = CJK_FONT_PATH
MM = 72 / 25.4          # points per millimetre
DOT = MM / 8            # one dot of a "203 dpi" thermal printer head: 8 dots/mm, so 0.125 mm
ELLIPSIS = "…"

Align = Literal["left", "center", "right"]


def label_font() -> TTFont:
    """The embedded (subset) CJK TrueType font: the process-wide one of core.fonts, shared with every PDF."""
    return cjk_font()


# --- measuring and line breaking ---------------------------------------------------------------------------
_SEP = "\x00"   # joins a batch of strings; clean_text() keeps it out of label text


@functools.cache
def width_map() -> tuple[dict[int, bytes], int]:
    """Code point -> advance at size 1000, rounded up (measuring never falls short), as two native-order
    bytes for `codecs.charmap_encode`; and the font's default advance for characters it lacks."""
    face = label_font().face
    widths: dict[int, float] = face.charWidths
    table = {cp: math.ceil(w).to_bytes(2, sys.byteorder) for cp, w in widths.items()}
    table[ord(_SEP)] = bytes(2)
    return table, math.ceil(face.defaultWidth)


_CONTROLS = dict.fromkeys([*range(32), 127, 0xFFFE, 0xFFFF], " ")


def clean_text(text: str) -> str:
    """One line of printable text: control characters (newlines typed into an address) become spaces,
    runs of spaces collapse."""
    return " ".join(text.translate(_CONTROLS).split())


# A line must not start with closing punctuation (避头尾); the character before it goes down with it.
_CLOSERS = frozenset("，。、；：！？）》」』】〕,.;:!?)]}%")


def _wordish(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def wrap_widths(text: str, cum: list[int], base: int, max_width: float) -> list[str]:
    """Greedy line breaking for CJK text, no line wider than max_width (cum[base + i]: width of text[:i]
    plus a constant, in the same unit): any character may end a line, but a run of Latin letters and digits
    (a room number, a model name) moves to the next line whole, with the character after it, when it fits
    there; and no line starts with closing punctuation."""
    n = len(text)
    lines: list[str] = []
    start = 0
    while start < n:
        end = bisect_right(cum, cum[base + start] + max_width, base, base + n + 1) - 1 - base
        if end >= n:
            lines.append(text[start:])
            break
        end = max(end, start + 1)
        brk = end
        if _wordish(text[end - 1]) and text[end] != " ":  # 1203室 / A座 / 5区1号 stay whole
            j = end - 1
            while j > start and _wordish(text[j - 1]):
                j -= 1
            if j > start:
                brk = j
        while brk < n and text[brk] in _CLOSERS and brk - 1 > start:
            brk -= 1
        lines.append(text[start:brk].rstrip())
        while brk < n and text[brk] == " ":
            brk += 1
        start = brk
    return lines


# --- text encoding -------------------------------------------------------------------------------------------
# Marker bytes: never hex digits, never part of an operator; 64 subsets of 256 glyphs = 16,384 characters.
_OPEN, _CLOSE, _MAX_MARKED = 0x80, 0xC0, 64
_OPENS = [bytes((_OPEN + k,)) for k in range(_MAX_MARKED)]
_CLOSES = [bytes((_CLOSE + k,)) for k in range(_MAX_MARKED)]
_JOINS = [c + o for c, o in zip(_CLOSES, _OPENS, strict=True)]
_SEP_OUT = "\x01"


class PageInk:
    """Collects one page's operators for one document.

    Each known character encodes to OPEN(subset) + two hex digits + CLOSE(subset), one marker byte per font
    subset. A page's strings are encoded together: deleting every CLOSE(s)+OPEN(s) pair merges neighbours of
    the same subset into one run, and replacing the remaining markers with `/F1+s <size> Tf<` and `>Tj`
    gives the operators.
    """

    def __init__(self, canvas: Any) -> None:
        self.font = label_font()
        self._doc = canvas._doc
        self._width_map, self._default_width = width_map()
        self._tokens: dict[int, bytes] = {ord(_SEP): _SEP_OUT.encode()}
        self._codes: dict[int, tuple[int, int]] = {}  # code point -> (subset, glyph code)
        self._unmarked = False                        # more subsets than markers: encode the slow way
        self._subset_names: list[str] = []            # /F1+0, /F1+1, ...
        self._heads: list[bytes] = []                 # b"/F1+0 \0 Tf<", ...: NUL stands for the size
        self._cum: dict[str, tuple[list[int], int]] = {}  # this page's measured strings
        self._pending: list[tuple[str, str, str, str]] = []  # (before, text, size, after)
        self.gfx: list[str] = []

    # --- measuring -------------------------------------------------------------------------------------
    def measure(self, texts: Iterable[str]) -> None:
        """Measures many strings in one go (optional: anything not measured here is measured on demand)."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._cum]
        if not todo:
            return
        joined = _SEP.join(todo)
        try:
            packed = codecs.charmap_encode(joined, "strict", self._width_map)[0]
        except UnicodeEncodeError:  # a character the font lacks (it prints as the default glyph)
            for text in todo:
                self._measure_slow(text)
            return
        cum = list(accumulate(memoryview(packed).cast("H"), initial=0))
        base = 0
        for text in todo:
            self._cum[text] = (cum, base)
            base += len(text) + 1

    def _measure_slow(self, text: str) -> None:
        get, default = self._width_map.get, self._default_width.to_bytes(2, sys.byteorder)
        cum = list(accumulate((int.from_bytes(get(ord(ch), default), sys.byteorder) for ch in text),
                              initial=0))
        self._cum[text] = (cum, 0)

    def _advances(self, text: str) -> tuple[list[int], int]:
        found = self._cum.get(text)
        if found is None:
            self.measure((text,))
            found = self._cum[text]
        return found

    def width(self, text: str, size: float) -> float:
        cum, base = self._advances(text)
        return (cum[base + len(text)] - cum[base]) * size / 1000

    def wrap(self, text: str, size: float, max_width: float) -> list[str]:
        cum, base = self._advances(text)
        return wrap_widths(text, cum, base, max_width * 1000 / size)

    def truncate(self, text: str, size: float, max_width: float) -> str:
        """text, or its longest start that fits with an ellipsis after it."""
        if self.width(text, size) <= max_width:
            return text
        cum, base = self._advances(text)
        budget = (max_width - self.width(ELLIPSIS, size)) * 1000 / size
        cut = max(0, bisect_right(cum, cum[base] + budget, base, base + len(text) + 1) - 1 - base)
        return text[:cut].rstrip() + ELLIPSIS

    # --- text ------------------------------------------------------------------------------------------
    def text(self, x: float, y: float, text: str, size: float, *, align: Align = "left",
             bold: bool = False, white: bool = False) -> None:
        """One line at baseline y; x is its left edge, centre or right edge according to align."""
        if not text:
            return
        if align != "left":
            w = self.width(text, size)
            x -= w if align == "right" else w / 2
        before = f"1 0 0 1 {x:.2f} {y:.2f} Tm\n"
        after = ""
        if bold or white:
            # fill and stroke: the one font has no bold face, and thermal heads like heavier strokes
            before = (f"2 Tr {size * 0.045:.2f} w " if bold else "") + ("1 g 1 G " if white else "") + before
            after = ("0 g 0 G " if white else "") + ("0 Tr\n" if bold else "\n")
        self._pending.append((before, text, f"{size:.2f}", after))

    def fit(self, x: float, y: float, text: str, size: float, max_width: float, *, min_size: float = 0,
            align: Align = "left", bold: bool = False, white: bool = False) -> float:
        """One line no wider than max_width: shrunk down to min_size, then cut with an ellipsis."""
        w = self.width(text, size)
        if w > max_width:
            size = max(min_size or size, math.floor(size * max_width / w * 100) / 100)
            text = self.truncate(text, size, max_width)
        self.text(x, y, text, size, align=align, bold=bold, white=white)
        return size

    def fit_pair(self, x: float, y: float, first: str, second: str, size: float, max_width: float, *,
                 min_size: float = 0, gap: str = "  ", bold: bool = False) -> None:
        """`first  second` on one line where second (a phone number) is never cut: the line shrinks to
        min_size, then first gives way with an ellipsis."""
        whole = f"{first}{gap}{second}"
        w = self.width(whole, size)
        if w > max_width:
            size = max(min_size or size, math.floor(size * max_width / w * 100) / 100)
            tail = gap + second
            first = self.truncate(first, size, max_width - self.width(tail, size))
            whole = first + tail
        self.text(x, y, whole, size, bold=bold)

    def paragraph(self, x: float, top: float, text: str, size: float, max_width: float, height: float, *,
                  min_size: float = 0, leading: float = 1.18, bold: bool = False) -> float:
        """Wrapped lines from `top` down, never below top - height: the size shrinks (to min_size) until the
        text fits; what still does not fit ends with an ellipsis. Returns the height used."""
        floor = min(min_size or size, size)
        while True:
            lines = self.wrap(text, size, max_width)
            room = max(1, int((height + 1e-6) / (size * leading)))
            if len(lines) <= room or size <= floor:
                break
            size = max(floor, size - 0.5)
        if len(lines) > room:
            lines = lines[:room]
            lines[-1] = self.truncate(lines[-1] + ELLIPSIS * 2, size, max_width)
        y = top - size * 0.80
        for line in lines:
            self.text(x, y, line, size, bold=bold)
            y -= size * leading
        return len(lines) * size * leading

    # --- encoding --------------------------------------------------------------------------------------
    def _learn(self, text: str) -> None:
        new = "".join(dict.fromkeys(ch for ch in text if ord(ch) not in self._tokens))
        chars = iter(new)
        for subset, chunk in self.font.splitString(new, self._doc):
            while len(self._subset_names) <= subset:
                name = self.font.getSubsetInternalName(len(self._subset_names), self._doc)
                self._subset_names.append(name)
                self._heads.append(f"{name} \0 Tf<".encode())
            for code in chunk:
                cp = ord(next(chars))
                self._codes[cp] = (subset, code)
                if subset < _MAX_MARKED:
                    self._tokens[cp] = _OPENS[subset] + b"%02x" % code + _CLOSES[subset]
                else:
                    self._unmarked = True
                    self._tokens[cp] = b""

    def _templates(self, texts: list[str]) -> list[str]:
        """Each text's show operators, with NUL where the font size goes."""
        joined = _SEP.join(texts)
        try:
            marked = codecs.charmap_encode(joined, "strict", self._tokens)[0]
        except UnicodeEncodeError:
            self._learn(joined)
            marked = codecs.charmap_encode(joined, "strict", self._tokens)[0]
        if self._unmarked:
            return [self._template_slow(text) for text in texts]
        for k, head in enumerate(self._heads):
            if _OPENS[k] in marked:
                marked = marked.replace(_JOINS[k], b"").replace(_OPENS[k], head).replace(_CLOSES[k], b">Tj\n")
        return marked.decode("ascii").split(_SEP_OUT)

    def _template_slow(self, text: str) -> str:
        out: list[str] = []
        run: list[int] = []
        current = -1
        for subset, code in map(self._codes.__getitem__, map(ord, text)):
            if subset != current and run:
                out.append(f"{self._subset_names[current]} \0 Tf<{bytes(run).hex()}>Tj\n")
                run = []
            current = subset
            run.append(code)
        if run:
            out.append(f"{self._subset_names[current]} \0 Tf<{bytes(run).hex()}>Tj\n")
        return "".join(out)

    # --- graphics and output ---------------------------------------------------------------------------
    def fill_rect(self, x: float, y: float, w: float, h: float) -> None:
        self.gfx.append(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re f\n")

    def flush(self, canvas: Any) -> None:
        """Hands the page's operators to the canvas: graphics first, then all text in one text object."""
        out = self.gfx
        pending = self._pending
        if pending:
            out.append("BT 1 j\n")  # round joins: no miter spikes on the stroked (bold) glyphs
            templates = self._templates([p[1] for p in pending])
            out.extend([f"{before}{template.replace(chr(0), size)}{after}" for (before, _, size, after), template
                        in zip(pending, templates, strict=True)])
            out.append("ET\n")
        canvas.addLiteral("".join(out))
        self.gfx = []
        self._pending = []
        self._cum = {}


# --- Code128 ---------------------------------------------------------------------------------------------
@functools.cache
def _code128_symbols() -> tuple[str, ...]:
    """Per Code128 symbol value, its bars as operators in module units from the symbol's left edge, ending
    with a fill and a move to the next symbol (every symbol but the last, stop, is 11 modules wide)."""
    fragments = []
    for value in range(107):
        barcode = Code128("", quiet=0)
        barcode.encoded = [value]
        pattern = barcode.decompose()  # reportlab's pattern: upper case bars, lower case spaces (modules)
        left = 0
        bars = []
        for c in pattern:
            if c.isupper():
                bars.append(f"{left} 0 {ord(c) - 64} 1 re")
                left += ord(c) - 64
            else:
                left += ord(c) - 96
        fragments.append(" ".join(bars) + f" f 1 0 0 1 {left} 0 cm\n")
    return tuple(fragments)


def code128_bars(value: str) -> tuple[str, int]:
    """reportlab's Code128 of value (its code set choice and check digit) as operators drawing bars of one
    unit wide per module and one unit high from the origin, and the number of modules (no quiet zones)."""
    barcode = Code128(value, quiet=0)
    barcode.validate()
    if not value or barcode.validated != value:  # reportlab drops what Code128 cannot carry
        raise ValueError(f"waybill number {value!r} cannot be printed as a Code128 barcode")
    encoded: list[int] = barcode.encode()
    symbols = _code128_symbols()
    return "".join([symbols[v] for v in encoded]), 11 * len(encoded) + 2


def bars_ops(bars: str, x: float, y: float, module: float, height: float) -> str:
    return f"q {module:.5f} 0 0 {height:.3f} {x:.3f} {y:.3f} cm\n{bars}Q\n"


# --- QR ----------------------------------------------------------------------------------------------------
# zint (zxing-cpp's writer) spends ~85% of a QR's encoding time scoring the eight data masks. On 500 tracking
# URLs mask 2 alone scored within 4% of the per-symbol best on average and no worse at the maximum (ISO 18004
# penalty), so it is fixed: ~30 µs a code instead of ~210 µs.
QR_DATA_MASK = 2


def qr_matrix(text: str) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Dark modules of the QR code for text (EC level M: labels get scuffed), without the quiet zone."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M", data_mask=QR_DATA_MASK)
    return np.asarray(code.to_image(scale=1, add_quiet_zones=False)) < 128


def qr_ops(dark: np.ndarray[Any, np.dtype[np.bool_]], x: float, y: float, module: float) -> str:
    """The matrix as a 1-bit inline image mask painted in the current colour, one sample per module: a
    tenth of the bytes of one rectangle per run of dark modules, and with modules of whole printer dots it
    rasterises to the same pixels."""
    n = dark.shape[0]
    side = n * module
    data = np.packbits(dark, axis=1).tobytes().hex()
    return (f"q {side:.4f} 0 0 {side:.4f} {x:.3f} {y:.3f} cm\n"
            f"BI /W {n} /H {n} /IM true /BPC 1 /D [1 0] /F /AHx ID\n{data}>\nEI Q\n")
