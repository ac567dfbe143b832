"""Believable synthetic e-waybills for demos, tests and the label benchmark (no database needed)."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from parcelhub.shipping.labels.data import LabelData, LabelParty

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# code, name, services, waybill number pattern ("#" = digit), how the carrier's sort codes look
CARRIERS: tuple[tuple[str, str, tuple[str, ...], str, str], ...] = (
    ("sf", "顺丰速运", ("顺丰标快", "顺丰特快"), "SF#############", "sf"),
    ("zto", "中通快递", ("中通标快",), "7#############", "three"),
    ("yto", "圆通速递", ("圆通标快",), "YT#############", "three"),
    ("sto", "申通快递", ("申通标快",), "77#############", "three"),
    ("yunda", "韵达快递", ("韵达标快",), "43###########", "three"),
    ("jt", "极兔速递", ("极兔标快",), "JT#############", "three"),
    ("jd", "京东快递", ("京东标快", "京东特快"), "JDV############", "jd"),
    ("ems", "EMS", ("EMS标准快递",), "11###########", "three"),
)

# province, city, area code (the first segment of many sort codes), districts, streets
DESTINATIONS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("北京市", "", "010", ("朝阳区", "海淀区", "丰台区", "通州区"), ("建国路", "中关村大街", "丰台北路", "新华大街")),
    ("上海市", "", "021", ("浦东新区", "闵行区", "徐汇区", "嘉定区"), ("张杨路", "七莘路", "漕溪北路", "城中路")),
    ("广东省", "广州市", "020", ("天河区", "白云区", "番禺区"), ("天河路", "白云大道北", "市桥街大北路")),
    ("广东省", "深圳市", "755", ("南山区", "福田区", "宝安区", "龙岗区"), ("科技园南路", "深南大道", "新安六路", "龙岗大道")),
    ("浙江省", "杭州市", "571", ("西湖区", "余杭区", "滨江区"), ("文三路", "文一西路", "江南大道")),
    ("江苏省", "南京市", "025", ("鼓楼区", "江宁区", "秦淮区"), ("中山北路", "双龙大道", "太平南路")),
    ("江苏省", "苏州市", "512", ("姑苏区", "工业园区", "吴中区"), ("人民路", "星湖街", "东吴北路")),
    ("四川省", "成都市", "028", ("武侯区", "锦江区", "高新区"), ("人民南路四段", "春熙路", "天府大道北段")),
    ("湖北省", "武汉市", "027", ("洪山区", "江汉区", "武昌区"), ("珞喻路", "解放大道", "中北路")),
    ("陕西省", "西安市", "029", ("雁塔区", "碑林区", "未央区"), ("小寨东路", "南大街", "凤城八路")),
    ("湖南省", "长沙市", "731", ("岳麓区", "芙蓉区", "雨花区"), ("麓山南路", "五一大道", "韶山中路")),
    ("河南省", "郑州市", "371", ("金水区", "二七区", "郑东新区"), ("花园路", "大学路", "商务外环路")),
    ("山东省", "济南市", "531", ("历下区", "市中区", "槐荫区"), ("泉城路", "经十路", "经七路")),
    ("山东省", "青岛市", "532", ("市南区", "崂山区", "黄岛区"), ("香港中路", "海尔路", "长江中路")),
    ("辽宁省", "沈阳市", "024", ("和平区", "沈河区", "浑南区"), ("中华路", "青年大街", "浑南中路")),
    ("黑龙江省", "哈尔滨市", "451", ("南岗区", "道里区"), ("西大直街", "中央大街")),
    ("福建省", "厦门市", "592", ("思明区", "湖里区"), ("湖滨南路", "吕岭路")),
    ("云南省", "昆明市", "871", ("五华区", "盘龙区"), ("东风西路", "北京路")),
    ("广西壮族自治区", "南宁市", "771", ("青秀区", "西乡塘区"), ("民族大道", "大学东路")),
    ("新疆维吾尔自治区", "乌鲁木齐市", "991", ("天山区", "沙依巴克区"), ("解放北路", "友好南路")),
    ("西藏自治区", "拉萨市", "891", ("城关区",), ("北京中路",)),
    ("重庆市", "", "023", ("渝中区", "江北区", "渝北区"), ("解放碑民族路", "观音桥步行街", "金开大道")),
    ("内蒙古自治区", "呼和浩特市", "471", ("新城区", "赛罕区"), ("新华大街", "大学东街")),
)
# merchants ship from the industrial belts of the demo world
ORIGINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("浙江省金华市义乌市", ("福田街道国际商贸城{n}区{m}号商铺", "稠江街道贝村路{n}号{m}仓")),
    ("广东省广州市白云区", ("石井街道庆丰工业园{n}栋{m}楼", "三元里大道{n}号服装城{m}档")),
    ("广东省深圳市宝安区", ("西乡街道固戍二路{n}号{m}楼", "福永街道凤凰第{n}工业区{m}栋")),
)
SHOPS = ("义乌优品小商品店", "白云女装工厂店", "宝安数码配件仓", "稠州家居百货", "广州童装批发", "深圳3C旗舰店")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
         "超", "秀兰", "霞", "平", "刚", "桂英", "子涵", "浩然", "欣怡", "梓轩", "一诺", "雨桐", "思远")
BUILDINGS = ("阳光花园", "金地名京", "万科城", "碧桂园", "华星时代广场", "世纪公寓", "锦绣家园", "保利香槟国际",
             "恒大绿洲", "龙湖春江郦城", "绿城桂花园", "软件园二期")
ITEMS = ("帆布包", "钥匙扣", "手机壳", "数据线", "T恤", "连衣裙", "儿童外套", "保温杯", "蓝牙耳机", "收纳盒", "发夹",
         "袜子", "雨伞", "台灯", "充电宝", "茶叶", "坚果礼盒", "运动鞋", "毛巾", "文具套装")
REF_PREFIXES = ("TB", "PDD", "DY", "JD", "KS", "WX")


def synthetic_labels(count: int, seed: int = 0, *, base_url: str = "https://www.parcelhub.cn") -> list[LabelData]:
    """`count` varied labels, the same for the same seed: all carriers, provinces, some privacy / insured / COD."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 11, 11, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    return [_label(rng, i, start, base_url) for i in range(count)]


def _label(rng: random.Random, i: int, start: dt.datetime, base_url: str) -> LabelData:
    code, carrier_name, services, pattern, sort_style = CARRIERS[i % len(CARRIERS)]
    province, city, area, districts, streets = rng.choice(DESTINATIONS)
    district = rng.choice(districts)
    waybill = "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in pattern)
    hub_city = (city or province)[:-1]
    hub = f"{hub_city}{rng.choice(('转运中心', '分拨中心', '集散中心'))}"
    detail = (f"{rng.choice(streets)}{rng.randrange(1, 999)}号{rng.choice(BUILDINGS)}"
              f"{rng.randrange(1, 30)}栋{rng.randrange(1, 3)}单元{rng.randrange(1, 33)}{rng.randrange(1, 9):02d}室")
    if rng.random() < 0.05:  # some people type their whole life story into the address box
        detail += "（工作日请送到公司前台，周末放小区南门菜鸟驿站，到了先打电话，谢谢快递小哥辛苦了）"
    origin, origin_patterns = rng.choice(ORIGINS)
    items = rng.sample(ITEMS, rng.choice((1, 1, 2, 3)))
    insured = rng.choice((50_000, 100_000, 200_000, 123_450, 500_000)) if rng.random() < 0.15 else 0
    cod = rng.randrange(1_000, 300_000) if code != "sf" and rng.random() < 0.08 else 0
    # most people leave a mobile number; some a landline (区号-号码)
    phone = _mobile(rng) if rng.random() < 0.95 else f"{area}-{rng.randrange(10_000_000, 89_999_999)}"
    ulid = "".join(rng.choice(_CROCKFORD) for _ in range(26))
    return LabelData(
        carrier_code=code, carrier_name=carrier_name, service_name=rng.choice(services), waybill_no=waybill,
        sort_code=_sort_code(rng, sort_style, area), hub=hub, tracking_url=f"{base_url}/t/shp_{ulid}",
        sender=LabelParty(rng.choice(SHOPS), _mobile(rng), origin + rng.choice(origin_patterns).format(
            n=rng.randrange(1, 40), m=rng.randrange(100, 999))),
        recipient=LabelParty(_person(rng), phone, f"{province}{city}{district}{detail}"),
        items_summary=", ".join(f"{item} ×{rng.randrange(1, 6)}" for item in items),
        weight_g=rng.choice((rng.randrange(80, 1000), rng.randrange(1000, 5000), rng.randrange(5000, 30_000))),
        insured_value_fen=insured, cod_fen=cod, privacy=rng.random() < 0.4,
        printed_at=start + dt.timedelta(seconds=17 * i + rng.randrange(17)),
        reference=f"{rng.choice(REF_PREFIXES)}{rng.randrange(10**15, 10**16)}",
    )


def _sort_code(rng: random.Random, style: str, area: str) -> str:
    if style == "sf":  # 城市代码 + 网点 - 派送路区
        return f"{area}{rng.choice('ABCDEFGHJKLMNPQRSTWXY')}{rng.choice('ABCDEFGH')}-{rng.randrange(1, 300):03d}"
    if style == "jd":
        return f"{area}-{rng.randrange(1, 99):02d}-{rng.randrange(1, 999):03d}"
    # 三段码: destination hub, delivery outlet, courier route
    return f"{area}-{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randrange(1, 99):02d} {rng.randrange(1, 999):03d}"


def _person(rng: random.Random) -> str:
    surname = rng.choice(("欧阳", "司马", "诸葛")) if rng.random() < 0.03 else rng.choice(SURNAMES)
    return surname + rng.choice(GIVEN)


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
