"""Marketplace order exports for tests, written by hand in each marketplace's column order.

Each export is a header plus rows of text; `to_csv` and `to_xlsx` write it the way the marketplace does
(CSV in GBK or UTF-8 with a BOM; XLSX with amounts and quantities as numbers, order numbers as text).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook

# 淘宝/天猫 订单报表 (order-level rows; the order number protected from Excel as ="…").
TAOBAO_HEADER = ["订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "总金额", "买家实际支付金额",
                 "订单状态", "买家留言", "收货人姓名", "收货地址", "运送方式", "联系电话", "联系手机", "订单创建时间",
                 "订单付款时间", "宝贝标题", "宝贝种类", "物流单号", "物流公司", "订单备注", "宝贝总数量", "商家编码"]
TAOBAO_ROWS = [
    ['="3389012345678901234"', "花花小屋", "hua***@163.com", "59.80", "0.00", "59.80", "59.80", "买家已付款，等待卖家发货",
     "", "王芳", "浙江省 杭州市 西湖区 文三路90号 东部软件园1号楼(310012)", "快递", "", "13857100001",
     "2026-11-20 10:11:12", "2026-11-20 10:11:30", "韩版抓夹发夹 12只装", "1", "", "", "", "2", "YW-HAIRCLIP-12"],
    ['="3389012345678905678"', "lq_2019", "138****1234", "128.00", "0.00", "128.00", "128.00", "买家已付款，等待卖家发货",
     "周末送", "李强", "北京 北京市 朝阳区 建国路88号SOHO现代城2号楼1501", "快递", "010-65661234", "",
     "2026-11-20 11:00:00", "2026-11-20 11:00:40", "晴雨两用折叠伞", "1", "", "", "", "1", ""],
]

# 京东 POP 订单导出 (one row per item; the order total repeats on each row).
JD_HEADER = ["订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额", "结算金额", "余额支付",
             "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "客户地址", "联系电话", "订单备注", "货号"]
JD_ROWS = [
    ["281234567890", "100012345678", "降噪蓝牙耳机 Pro", "1", "在线支付", "2026-11-21 09:00:00", "299.00", "428.00",
     "428.00", "0.00", "428.00", "等待出库", "SOP", "jd_zhang", "张伟", "广东深圳市南山区粤海街道科技南十二路2号金蝶软件园A座",
     "13760000003", "", "SZ-EARBUDS-PRO"],
    ["281234567890", "100012345679", "65W 氮化镓快充充电器", "1", "在线支付", "2026-11-21 09:00:00", "129.00", "428.00",
     "428.00", "0.00", "428.00", "等待出库", "SOP", "jd_zhang", "张伟", "广东深圳市南山区粤海街道科技南十二路2号金蝶软件园A座",
     "13760000003", "", "SZ-CHARGER-65W"],
    ["281234567891", "100012345680", "USB-C 编织快充线 2米", "3", "在线支付", "2026-11-21 10:30:00", "39.00", "117.00",
     "117.00", "0.00", "117.00", "等待出库", "SOP", "jd_liu", "刘洋", "四川成都市武侯区人民南路四段12号华西坝小区3栋2单元501",
     "18980001234", "", ""],
]

# 拼多多 订单导出 (address split over 省/市/区/街道; the order number carries a trailing tab).
PDD_HEADER = ["商品", "订单号", "订单状态", "商品总价(元)", "店铺优惠折扣(元)", "平台优惠折扣(元)", "邮费(元)",
              "用户实付金额(元)", "商家实收金额(元)", "商品数量(件)", "身份证姓名", "身份证号码", "收货人", "手机", "是否审核中",
              "省", "市", "区", "街道", "支付时间", "拼单成功时间", "订单成交时间", "发货时间", "确认收货时间", "商品id",
              "商品规格", "用户购买手机号", "样式ID", "商家编码-SKU维度", "商家编码-商品维度", "快递单号", "快递公司"]
PDD_ROWS = [
    ["纯棉中筒袜 5双装", "261121-123456789012345\t", "待发货", "31.80", "2.00", "0.00", "0.00", "29.80", "29.80", "2", "",
     "", "赵丽", "15205238663", "否", "江苏省", "苏州市", "姑苏区", "人民路1188号三元坊小区5幢302室",
     "2026-11-21 20:01:02", "2026-11-21 20:01:05", "2026-11-21 20:01:05", "", "", "301234567", "白色 均码", "", "1001",
     "YW-SOCK-5P", "YW-SOCK", "", ""],
    ["桌面手机支架 折叠款", "261121-223456789012345\t", "待发货", "6.90", "0.00", "1.00", "0.00", "5.90", "6.90", "1", "",
     "", "孙浩然", "13834169403", "否", "山西省", "太原市", "小店区", "长风街208号3号楼1508室",
     "2026-11-21 21:00:00", "2026-11-21 21:00:09", "2026-11-21 21:00:09", "", "", "301234568", "黑色", "", "1002",
     "", "", "", ""],
]

# 抖店 订单导出 (one row per 子订单 with its own amount; 街道 and 详细地址 apart).
DOUYIN_HEADER = ["主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码", "商品单价",
                 "订单应付金额", "运费", "收件人", "收件人手机号", "省", "市", "区", "街道", "详细地址", "订单提交时间",
                 "订单状态"]
DOUYIN_ROWS = [
    ["6921234567890123456", "6921234567890123457", "纯棉圆领T恤", "白色 M", "2", "3601234567", "GZ-TEE-WHT-M", "59.00",
     "108.00", "0.00", "陈思远", "18666059439", "湖北省", "武汉市", "洪山区", "珞南街道", "珞喻路1037号华中科技大学东区12栋",
     "2026-11-22 12:00:00", "待发货"],
    ["6921234567890123456", "6921234567890123458", "高腰直筒牛仔裤", "29码", "1", "3601234568", "GZ-JEANS-29", "129.00",
     "119.00", "0.00", "陈思远", "18666059439", "湖北省", "武汉市", "洪山区", "珞南街道", "珞喻路1037号华中科技大学东区12栋",
     "2026-11-22 12:00:00", "待发货"],
    ["6929876543210987654", "6929876543210987655", "法式碎花连衣裙", "S", "1", "3601234569", "", "159.00", "149.00",
     "0.00", "周雨婷", "13693951180", "重庆市", "重庆市", "渝北区", "龙溪街道", "金开大道68号龙湖紫都城8栋2单元1201",
     "2026-11-22 13:14:15", "待发货"],
]

NUMERIC = {"买家应付货款", "买家应付邮费", "总金额", "买家实际支付金额", "宝贝总数量", "订购数量", "京东价", "订单金额",
           "结算金额", "余额支付", "应付金额", "商品总价(元)", "店铺优惠折扣(元)", "平台优惠折扣(元)", "邮费(元)",
           "用户实付金额(元)", "商家实收金额(元)", "商品数量(件)", "商品数量", "商品单价", "订单应付金额", "运费",
           "quantity", "unit_price_yuan", "declared_value_yuan", "weight_kg"}

EXPORTS = {"taobao": (TAOBAO_HEADER, TAOBAO_ROWS), "jd": (JD_HEADER, JD_ROWS), "pdd": (PDD_HEADER, PDD_ROWS),
           "douyin": (DOUYIN_HEADER, DOUYIN_ROWS)}


def to_csv(header: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def to_xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    """As the marketplace's XLSX holds it: amounts and quantities as numbers, everything else as text."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        cells = []
        for column, text in zip(header, row, strict=True):
            text = text.strip('="\t') if column not in NUMERIC else text
            if column in NUMERIC and text:
                number = Decimal(text)
                cells.append(int(number) if number == number.to_integral_value() else float(number))
            else:
                cells.append(text)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(layout: str, fmt: str, rows: list[list[str]] | None = None) -> tuple[bytes, str]:
    header, default_rows = EXPORTS[layout]
    rows = default_rows if rows is None else rows
    if fmt == "xlsx":
        return to_xlsx(header, rows), f"{layout}-orders.xlsx"
    # 淘宝's CSV comes in GBK, as Excel on Chinese Windows writes it.
    return to_csv(header, rows, encoding="gb18030" if layout == "taobao" else "utf-8-sig"), f"{layout}-orders.csv"


def with_cell(layout: str, row: int, column: str, value: str) -> list[list[str]]:
    """A copy of the layout's rows with one cell changed (row counts from 0, the first data row)."""
    header, rows = EXPORTS[layout]
    changed = [list(r) for r in rows]
    changed[row][header.index(column)] = value
    return changed
