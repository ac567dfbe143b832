"""The upload as a table of clean text cells, read with the rate card files' CSV/XLSX reader.

Marketplace exports protect long numbers from Excel in their own ways (`="3390…"`, a leading apostrophe,
a trailing tab); headers come with full-width brackets (商品总价（元）) in some versions and not in others.
Both are normalised here so the layouts can name each column once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from parcelhub.carriers.ratecard_files import FileUnreadable, read_table
from parcelhub.core.errors import DomainError

_EXCEL_TEXT_RE = re.compile(r'^="(.*)"$', re.S)


def normalize_header(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def clean_cell(text: str) -> str:
    text = text.strip().strip("\t").strip()
    match = _EXCEL_TEXT_RE.match(text)
    if match:
        text = match[1].strip()
    if text.startswith("'"):
        text = text[1:].strip()
    return text


@dataclass(frozen=True)
class Sheet:
    header: tuple[str, ...]                        # normalised
    rows: tuple[tuple[int, dict[str, str]], ...]   # (spreadsheet row, header = 1; normalised header -> text)


def read_upload(content: bytes, filename: str) -> Sheet:
    try:
        table = read_table(content, filename)
    except FileUnreadable as exc:
        raise DomainError("file_unreadable", exc.message, exc.message_zh, status=422) from None
    header = tuple(normalize_header(h) for h in table.header)
    keys = {h: normalize_header(h) for h in table.header}
    rows = tuple((number, {keys[h]: clean_cell(v) for h, v in cells.items()}) for number, cells in table.rows)
    return Sheet(header=header, rows=rows)
