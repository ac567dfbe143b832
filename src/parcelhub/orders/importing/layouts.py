"""The column layouts we import: our own template and the order exports of four marketplaces.

Each layout maps our fields to the headers the marketplace uses, several per field where versions of the
export differ (the first one present and filled wins, row by row). The layout of a file is told from its
header row: every required field must have a column, and the layout that recognises the most columns wins.
Header names are compared after `normalize_header` (NFKC, no spaces, lower case).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcelhub.core.errors import DomainError
from parcelhub.orders.importing.reading import Sheet, normalize_header
from parcelhub.orders.models import Order

# Our fields: what a row can tell about its order and its item.
ORDER_FIELDS = ("external_id", "name", "phone", "province", "city", "district", "street", "address",
                "order_amount", "weight_kg", "length_cm", "width_cm", "height_cm")
ITEM_FIELDS = ("sku_code", "item_name", "item_spec", "quantity", "unit_price", "line_amount")
ADDRESS_FIELDS = ("province", "city", "district", "street", "address")


@dataclass(frozen=True)
class Layout:
    key: str
    source: str
    label: Promise
    columns: dict[str, tuple[str, ...]]
    # Each entry is satisfied by a column for any one of its fields.
    required: tuple[tuple[str, ...], ...]
    # True when the amount column is per row (per item) and adds up; False when every row of an order
    # repeats the order's total.
    amount_per_row: bool = False
    # Marketplace exports always carry the order number; our template may leave it out (one row, one order).
    needs_external_id: bool = True

    def find_columns(self, header: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        """For each field, the file's headers that carry it, in preference order."""
        present = set(header)
        found = {}
        for name, aliases in self.columns.items():
            hits = tuple(a for a in (normalize_header(x) for x in aliases) if a in present)
            if hits:
                found[name] = hits
        return found

    def missing(self, header: tuple[str, ...]) -> list[str]:
        """Required columns the header lacks, named as this layout names them."""
        found = self.find_columns(header)
        return [" / ".join(self.columns[f][0] for f in group) for group in self.required
                if not any(f in found for f in group)]


TAOBAO = Layout(
    key="taobao", source=Order.Source.TAOBAO, label=_("Taobao / Tmall order export"),
    columns={
        "external_id": ("订单编号",),
        "name": ("收货人姓名",),
        "phone": ("联系手机", "联系电话"),
        "address": ("收货地址",),
        "item_name": ("宝贝标题", "商品标题"),
        "item_spec": ("商品属性", "宝贝属性"),
        "quantity": ("宝贝总数量", "购买数量", "商品数量"),
        "sku_code": ("商家编码", "外部系统编号"),
        "unit_price": ("商品价格", "宝贝单价"),
        "order_amount": ("实付款", "买家实际支付金额", "总金额"),
    },
    required=(("external_id",), ("name",), ("phone",), ("address",), ("quantity",), ("item_name", "sku_code")),
)

JD = Layout(
    key="jd", source=Order.Source.JD, label=_("JD.com order export"),
    columns={
        "external_id": ("订单号",),
        "name": ("客户姓名",),
        "phone": ("联系电话", "手机号"),
        "address": ("客户地址",),
        "item_name": ("商品名称",),
        "quantity": ("订购数量",),
        "sku_code": ("货号", "商家SKU", "商品ID"),
        "unit_price": ("京东价",),
        "order_amount": ("应付金额", "订单金额"),
    },
    required=(("external_id",), ("name",), ("phone",), ("address",), ("quantity",), ("item_name", "sku_code")),
)

PDD = Layout(
    key="pdd", source=Order.Source.PDD, label=_("Pinduoduo order export"),
    columns={
        "external_id": ("订单号",),
        "name": ("收货人",),
        "phone": ("手机", "收货人手机号"),
        "province": ("省",),
        "city": ("市",),
        "district": ("区",),
        "street": ("街道",),
        "address": ("详细地址",),
        "item_name": ("商品",),
        "item_spec": ("商品规格",),
        "quantity": ("商品数量(件)", "数量"),
        "sku_code": ("商家编码-SKU维度", "商家编码-商品维度"),
        "line_amount": ("商品总价(元)",),
        "order_amount": ("用户实付金额(元)", "商家实收金额(元)"),
    },
    required=(("external_id",), ("name",), ("phone",), ("province",), ("city",), ("street", "address"),
              ("quantity",), ("item_name", "sku_code")),
    amount_per_row=True,
)

DOUYIN = Layout(
    key="douyin", source=Order.Source.DOUYIN, label=_("Douyin shop order export"),
    columns={
        "external_id": ("主订单编号",),
        "name": ("收件人",),
        "phone": ("收件人手机号", "收件人电话"),
        "province": ("省",),
        "city": ("市",),
        "district": ("区",),
        "street": ("街道",),
        "address": ("详细地址",),
        "item_name": ("选购商品",),
        "item_spec": ("商品规格",),
        "quantity": ("商品数量",),
        "sku_code": ("商家编码", "货号"),
        "unit_price": ("商品单价",),
        "order_amount": ("订单应付金额",),
    },
    required=(("external_id",), ("name",), ("phone",), ("province",), ("city",), ("street", "address"),
              ("quantity",), ("item_name", "sku_code")),
    amount_per_row=True,
)

# Our template: English keys or the Chinese headers below, one row per item, rows of an order share order_id.
GENERIC = Layout(
    key="generic", source=Order.Source.GENERIC, label=_("ParcelHub template"),
    columns={
        "external_id": ("order_id", "外部订单号"),
        "name": ("recipient_name", "收件人姓名"),
        "phone": ("recipient_phone", "收件人电话"),
        "province": ("province", "省份"),
        "city": ("city", "城市"),
        "district": ("district", "区县"),
        "address": ("address", "详细地址"),
        "sku_code": ("sku_code", "商品编码"),
        "item_name": ("item_name", "商品名称"),
        "quantity": ("quantity", "数量"),
        "unit_price": ("unit_price_yuan", "单价(元)"),
        "order_amount": ("declared_value_yuan", "声明价值(元)"),
        "weight_kg": ("weight_kg", "重量(kg)"),
        "length_cm": ("length_cm", "长(cm)"),
        "width_cm": ("width_cm", "宽(cm)"),
        "height_cm": ("height_cm", "高(cm)"),
    },
    required=(("name",), ("phone",), ("address",), ("quantity",), ("item_name", "sku_code")),
    needs_external_id=False,
)

LAYOUTS: dict[str, Layout] = {layout.key: layout for layout in (TAOBAO, JD, PDD, DOUYIN, GENERIC)}

TEMPLATE_COLUMNS = ("order_id", "recipient_name", "recipient_phone", "province", "city", "district", "address",
                    "sku_code", "item_name", "quantity", "unit_price_yuan", "declared_value_yuan", "weight_kg",
                    "length_cm", "width_cm", "height_cm")


def template_header(language: str) -> list[str]:
    """The template's header row: English keys, or the Chinese headers (both import the same)."""
    if not language.startswith("zh"):
        return list(TEMPLATE_COLUMNS)
    chinese = {aliases[0]: aliases[1] for aliases in GENERIC.columns.values()}
    return [chinese[c] for c in TEMPLATE_COLUMNS]


def template_rows() -> list[list[str]]:
    """Two example orders, the first with two items (two rows sharing the order id)."""
    return [
        ["DEMO-1001", "王小明", "13800138000", "浙江省", "杭州市", "西湖区", "文三路90号东部软件园1号楼301",
         "TS-WHITE-L", "纯棉T恤 白色 L", "2", "39.90", "79.80", "0.6", "30", "25", "6"],
        ["DEMO-1001", "王小明", "13800138000", "浙江省", "杭州市", "西湖区", "文三路90号东部软件园1号楼301",
         "SOCK-5P", "运动袜 5双装", "1", "19.90", "", "", "", "", ""],
        ["DEMO-1002", "李娜", "13912345678", "", "", "", "广东省深圳市南山区粤海街道科技南十二路2号金蝶软件园A座",
         "", "手机壳", "1", "25.00", "", "", "", "", ""],
    ]


def detect_layout(sheet: Sheet) -> Layout | None:
    best: tuple[int, int] | None = None
    chosen = None
    for order, layout in enumerate(LAYOUTS.values()):
        if layout.missing(sheet.header):
            continue
        score = (len(layout.find_columns(sheet.header)), -order)
        if best is None or score > best:
            best, chosen = score, layout
    return chosen


def layout_for_table(sheet: Sheet, key: str | None) -> Layout:
    """The layout named by `key`, or detected; DomainError 422 when the header does not fit."""
    if key:
        layout = LAYOUTS[key]
        missing = layout.missing(sheet.header)
        if missing:
            raise DomainError("columns_missing",
                              f"The file is not a {_LABELS[layout.key][0]}: it has no column {', '.join(missing)}.",
                              f"该文件不是{_LABELS[layout.key][1]}：缺少列 {'、'.join(missing)}。", status=422,
                              details={"missing": missing})
        return layout
    layout = detect_layout(sheet)
    if layout is None:
        raise DomainError("layout_unknown",
                          "The header row does not match our template or a Taobao/Tmall, JD, Pinduoduo or "
                          "Douyin order export; choose the layout to see which columns are missing.",
                          "表头与本平台模板及淘宝/天猫、京东、拼多多、抖店的订单导出格式均不匹配；"
                          "请选择文件格式以查看缺少哪些列。", status=422)
    return layout


_LABELS = {"taobao": ("Taobao/Tmall order export", "淘宝/天猫订单导出文件"),
           "jd": ("JD.com order export", "京东订单导出文件"),
           "pdd": ("Pinduoduo order export", "拼多多订单导出文件"),
           "douyin": ("Douyin shop order export", "抖店订单导出文件"),
           "generic": ("ParcelHub template file", "本平台模板文件")}
