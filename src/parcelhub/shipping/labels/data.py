"""What an e-waybill shows: plain data, filled from a shipment by shipping.selectors, rendered by labels.render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

LABEL_SIZES = ("76x130", "100x150", "100x180")  # 一联; 二联 (two sizes); millimetres, width x height


@dataclass(frozen=True)
class LabelParty:
    name: str
    phone: str
    address: str          # one line: province city district detail


@dataclass(frozen=True)
class LabelData:
    carrier_code: str     # "sf", "zto", …
    carrier_name: str     # 顺丰速运
    service_name: str     # 顺丰标快
    waybill_no: str       # encoded as Code128
    sort_code: str        # 大头笔 / 三段码, printed large, e.g. "751-W01 034"
    hub: str              # 集包地, e.g. "杭州转运中心"
    tracking_url: str     # encoded in the QR code
    sender: LabelParty
    recipient: LabelParty
    items_summary: str    # e.g. "帆布包 ×2, 钥匙扣 ×5"
    weight_g: int
    insured_value_fen: int = 0   # 保价 mark when > 0
    cod_fen: int = 0             # 代收货款 mark when > 0
    privacy: bool = False        # privacy waybill: mask recipient name and phone
    printed_at: dt.datetime | None = None
    reference: str = ""          # merchant's order number
