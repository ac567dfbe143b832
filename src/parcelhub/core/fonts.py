"""The one CJK TrueType font every PDF embeds (labels, statements, reports).

reportlab's built-in CID fonts are not embedded (viewers and printers show boxes) and it cannot embed
CFF-based OpenType such as Noto CJK, so PDFs use WenQuanYi Micro Hei (Debian's fonts-wqy-microhei, installed
by scripts/system-deps.sh), subset into each file. It is registered once per process as ONE TTFont object:
two objects under one name share reportlab's registry but not their per-document subset state, which breaks
the second document that uses both.
"""

from __future__ import annotations

import functools
import os

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

CJK_FONT_NAME = "WenQuanYiMicroHei"
CJK_FONT_PATH = os.environ.get("PARCELHUB_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


class FontMissing(RuntimeError):
    """The CJK TrueType font is not installed (scripts/system-deps.sh installs fonts-wqy-microhei)."""


@functools.cache
def cjk_font() -> TTFont:
    if not os.path.exists(CJK_FONT_PATH):
        raise FontMissing(f"{CJK_FONT_PATH} not found: run scripts/system-deps.sh (Debian fonts-wqy-microhei)")
    font = TTFont(CJK_FONT_NAME, CJK_FONT_PATH, subfontIndex=0)
    pdfmetrics.registerFont(font)
    return font
