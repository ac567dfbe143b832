"""The demo world's orders: SKUs matching each merchant's industry and a few hundred pending marketplace orders.

Deterministic (seeded by the merchant's name) and idempotent: order numbers are derived from the seed, so a
second run finds them and adds nothing. Recipients are invented people at real streets across the provinces;
phone numbers are well-formed but random.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from parcelhub.accounts.models import Industry
from parcelhub.orders.building import ItemInput, build_order
from parcelhub.orders.models import Order, OrderItem, Sku
from parcelhub.orders.recipients import Recipient, RecipientInput, recipients_check
from parcelhub.orders.services import sku_upsert


@dataclass(frozen=True)
class DemoSku:
    code: str
    name: str
    weight_g: int
    size_cm: tuple[int, int, int]
    price_fen: int


SKUS: dict[str, list[DemoSku]] = {
    Industry.SMALL_COMMODITIES: [
        DemoSku("YW-HAIRCLIP-12", "韩版抓夹发夹 12只装", 180, (18, 12, 5), 990),
        DemoSku("YW-SOCK-5P", "纯棉中筒袜 5双装", 260, (22, 15, 4), 1590),
        DemoSku("YW-PHONE-STAND", "桌面手机支架 折叠款", 120, (12, 8, 3), 690),
        DemoSku("YW-STORAGE-BOX", "桌面收纳盒 三格", 420, (25, 18, 10), 1990),
        DemoSku("YW-XMAS-LIGHTS", "LED星星灯串 10米", 350, (20, 15, 8), 2590),
        DemoSku("YW-UMBRELLA", "晴雨两用折叠伞", 380, (28, 8, 8), 2990),
        DemoSku("YW-KEYCHAIN", "卡通亚克力钥匙扣", 40, (10, 6, 2), 390),
    ],
    Industry.APPAREL: [
        DemoSku("GZ-TEE-WHT-M", "纯棉圆领T恤 白色 M", 220, (30, 25, 3), 5900),
        DemoSku("GZ-TEE-BLK-L", "纯棉圆领T恤 黑色 L", 230, (30, 25, 3), 5900),
        DemoSku("GZ-JEANS-29", "高腰直筒牛仔裤 29码", 650, (35, 28, 5), 12900),
        DemoSku("GZ-DRESS-S", "法式碎花连衣裙 S", 320, (32, 26, 4), 15900),
        DemoSku("GZ-HOODIE-XL", "加绒连帽卫衣 XL", 780, (38, 30, 8), 16900),
        DemoSku("GZ-COAT-M", "双面羊毛大衣 M", 1500, (45, 35, 10), 59900),
    ],
    Industry.ELECTRONICS: [
        DemoSku("SZ-EARBUDS-PRO", "降噪蓝牙耳机 Pro", 210, (12, 10, 5), 29900),
        DemoSku("SZ-CHARGER-65W", "65W 氮化镓快充充电器", 160, (10, 8, 5), 12900),
        DemoSku("SZ-POWERBANK-20K", "20000mAh 移动电源", 420, (16, 10, 4), 15900),
        DemoSku("SZ-CABLE-C2C", "USB-C 编织快充线 2米", 80, (12, 10, 2), 3900),
        DemoSku("SZ-WATCH-S3", "智能手表 S3", 300, (14, 10, 8), 69900),
        DemoSku("SZ-KEYBOARD-84", "84键机械键盘 茶轴", 980, (38, 16, 6), 34900),
    ],
}

# Where each kind of merchant sells, as weights per marketplace.
CHANNELS: dict[str, dict[str, int]] = {
    Industry.SMALL_COMMODITIES: {Order.Source.PDD: 5, Order.Source.TAOBAO: 3, Order.Source.DOUYIN: 2},
    Industry.APPAREL: {Order.Source.TAOBAO: 5, Order.Source.DOUYIN: 4, Order.Source.PDD: 1},
    Industry.ELECTRONICS: {Order.Source.JD: 5, Order.Source.TAOBAO: 3, Order.Source.DOUYIN: 1},
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈任姚卢"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "晓东", "雨婷", "子涵", "浩然", "欣怡", "思远", "佳怡", "宇轩", "梓萱", "俊杰", "婷婷",
         "建国", "海燕", "志强", "文静", "嘉怡", "一鸣", "诗涵"]
MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159", "166",
                   "177", "180", "181", "182", "186", "187", "188", "189", "191", "198", "199")

# Real districts and streets; the building and room numbers are made up per order.
STREETS = [
    ("北京市", "北京市", "朝阳区", "建国路{n}号院{b}号楼"), ("北京市", "北京市", "海淀区", "中关村大街{n}号{b}层"),
    ("上海市", "上海市", "浦东新区", "张杨路{n}弄{b}号"), ("上海市", "上海市", "徐汇区", "漕溪北路{n}号{b}室"),
    ("天津市", "天津市", "南开区", "鞍山西道{n}号{b}门"), ("重庆市", "重庆市", "渝北区", "金开大道{n}号{b}栋"),
    ("浙江省", "杭州市", "西湖区", "文三路{n}号{b}幢"), ("浙江省", "宁波市", "鄞州区", "天童南路{n}号{b}室"),
    ("江苏省", "南京市", "鼓楼区", "中山北路{n}号{b}单元"), ("江苏省", "苏州市", "姑苏区", "人民路{n}号{b}室"),
    ("广东省", "广州市", "天河区", "天河路{n}号{b}楼"), ("广东省", "深圳市", "福田区", "深南中路{n}号{b}层"),
    ("广东省", "东莞市", "", "东城街道东纵大道{n}号{b}栋"), ("福建省", "厦门市", "思明区", "湖滨南路{n}号{b}室"),
    ("山东省", "济南市", "历下区", "泉城路{n}号{b}单元"), ("山东省", "青岛市", "市南区", "香港中路{n}号{b}室"),
    ("河南省", "郑州市", "金水区", "花园路{n}号{b}号楼"), ("湖北省", "武汉市", "洪山区", "珞喻路{n}号{b}栋"),
    ("湖南省", "长沙市", "岳麓区", "麓山南路{n}号{b}栋"), ("四川省", "成都市", "武侯区", "人民南路四段{n}号{b}栋"),
    ("陕西省", "西安市", "雁塔区", "小寨东路{n}号{b}单元"), ("安徽省", "合肥市", "蜀山区", "长江西路{n}号{b}栋"),
    ("江西省", "南昌市", "东湖区", "八一大道{n}号{b}室"), ("河北省", "石家庄市", "长安区", "中山东路{n}号{b}单元"),
    ("山西省", "太原市", "小店区", "长风街{n}号{b}号楼"), ("辽宁省", "沈阳市", "和平区", "太原北街{n}号{b}室"),
    ("吉林省", "长春市", "朝阳区", "人民大街{n}号{b}栋"), ("黑龙江省", "哈尔滨市", "南岗区", "西大直街{n}号{b}单元"),
    ("广西壮族自治区", "南宁市", "青秀区", "民族大道{n}号{b}栋"), ("云南省", "昆明市", "五华区", "东风西路{n}号{b}室"),
    ("贵州省", "贵阳市", "南明区", "中华南路{n}号{b}单元"), ("海南省", "海口市", "龙华区", "国贸大道{n}号{b}室"),
    ("甘肃省", "兰州市", "城关区", "东岗西路{n}号{b}号楼"), ("内蒙古自治区", "呼和浩特市", "新城区", "新华大街{n}号{b}栋"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放南路{n}号{b}室"), ("宁夏回族自治区", "银川市", "兴庆区", "解放西街{n}号{b}单元"),
    ("青海省", "西宁市", "城西区", "五四大街{n}号{b}室"), ("西藏自治区", "拉萨市", "城关区", "北京中路{n}号{b}室"),
]


def _rng(merchant) -> random.Random:
    return random.Random(zlib.crc32(f"orders:{merchant.name}".encode()))


# Order numbers must not depend on the day the demo is built, or a rebuild tomorrow would add new orders.
_PDD_BASE_DAY = dt.date(2026, 11, 1)


def _external_id(source: str, rng: random.Random) -> str:
    if source == Order.Source.TAOBAO:
        return f"{rng.randrange(10**18, 4 * 10**18)}"          # 19 digits
    if source == Order.Source.JD:
        return f"{rng.randrange(2 * 10**11, 3 * 10**11)}"      # 12 digits
    if source == Order.Source.PDD:
        day = _PDD_BASE_DAY + dt.timedelta(days=rng.randrange(28))
        return f"{day:%y%m%d}-{rng.randrange(10**14, 10**15)}"  # 261123-123456789012345
    return f"69{rng.randrange(10**16, 10**17)}"                 # 抖店: 19 digits starting 69


def demo_recipient(rng: random.Random) -> RecipientInput:
    province, city, district, street = rng.choice(STREETS)
    detail = street.format(n=rng.randrange(1, 400), b=rng.randrange(1, 30))
    room = f"{rng.randrange(1, 30)}0{rng.randrange(1, 9)}室"
    if not detail.endswith("室"):
        detail += room
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    phone = rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(8))
    return RecipientInput(name=name, phone=phone, province=province, city=city, district=district, street=detail)


def _skus(merchant) -> dict[str, Sku]:
    catalogue = SKUS.get(merchant.industry, SKUS[Industry.SMALL_COMMODITIES])
    for sku in catalogue:
        if not Sku.objects.filter(merchant=merchant, code=sku.code).exists():
            sku_upsert(merchant=merchant, code=sku.code, name=sku.name, weight_g=sku.weight_g,
                       length_cm=sku.size_cm[0], width_cm=sku.size_cm[1], height_cm=sku.size_cm[2],
                       unit_price_fen=sku.price_fen)
    return {s.code: s for s in Sku.objects.filter(merchant=merchant, code__in=[s.code for s in catalogue])}


def build_orders(*, merchants, today: dt.date, count_per_merchant: int = 100) -> dict:
    """Pending orders placed over the last two weeks; returns counts of what was created now."""
    created_skus_before = Sku.objects.count()
    created = skipped = 0
    for merchant in merchants:
        rng = _rng(merchant)
        skus = _skus(merchant)
        codes = sorted(skus)
        channels = CHANNELS.get(merchant.industry, CHANNELS[Industry.SMALL_COMMODITIES])
        plans = []
        for _ in range(count_per_merchant):
            source = rng.choices(list(channels), weights=list(channels.values()))[0]
            placed = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=rng.randrange(14)),
                                                             dt.time(rng.randrange(8, 23), rng.randrange(60))))
            external_id = _external_id(source, rng)
            picked = rng.sample(codes, k=min(len(codes), rng.choice((1, 1, 1, 2, 2, 3))))
            items = [ItemInput(quantity=rng.choice((1, 1, 1, 2, 3)), sku_code=code) for code in picked]
            plans.append((source, external_id, placed, demo_recipient(rng), items))
        existing = set(Order.objects.filter(merchant=merchant).values_list("source", "external_id"))
        fresh = [p for p in plans if (p[0], p[1]) not in existing]
        skipped += len(plans) - len(fresh)
        checked = recipients_check([p[3] for p in fresh])
        with transaction.atomic():
            orders, placed_at, item_rows = [], [], []
            for (source, external_id, placed, _, items), recipient in zip(fresh, checked, strict=True):
                if not isinstance(recipient, Recipient):
                    raise ValueError(f"demo address not understood: {recipient}")
                order, rows = build_order(merchant=merchant, source=source, external_id=external_id,
                                          recipient=recipient, items=items, skus=skus)
                orders.append(order)
                placed_at.append(placed)
                item_rows.append(rows)
            Order.objects.bulk_create(orders)
            for order, placed, rows in zip(orders, placed_at, item_rows, strict=True):
                order.created_at = placed
                for row in rows:
                    row.order = order
            # created_at is auto_now_add; the demo backdates it afterwards so the list spans two weeks.
            Order.objects.bulk_update(orders, ["created_at"], batch_size=500)
            OrderItem.objects.bulk_create([row for rows in item_rows for row in rows])
        created += len(orders)
    return {"skus": Sku.objects.count() - created_skus_before, "orders": created, "already_there": skipped}
