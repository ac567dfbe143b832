"""A synthetic, seeded population of merchants and their daily shipments, with the ground truth of who churned
and when. Pure (numpy, no Django): the demo world, the churn tests, docs/churn.md and bench/churn.py share it.

What moves a merchant's volume here, so the churn detector meets what it would meet in production:
- size: head (hundreds to thousands a day), waist (tens to a few hundred), long tail (a few a day) and sparse
  shippers (a parcel every few days);
- a day-of-week pattern of its own, a growth trend, and a slow wander of its level (weeks of ±10 %);
- the calendar (crm.churn.calendar): 618 and Double 11 peaks (each merchant more or less seasonal) and the
  Chinese New Year shutdown, much deeper in the industrial belts whose workshops close;
- new merchants ramping up after sign-up;
- injected churners: a sudden stop, a slow decline over weeks, or a share of volume switched to a competitor;
- temporary dips that recover (a stock-out, a warehouse move) on healthy merchants.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from parcelhub.crm.churn.calendar import cny_factor, cny_offset, day_range, season_factor

SIZES = ("head", "waist", "tail", "sparse")
SIZE_SHARES = (0.05, 0.2, 0.6, 0.15)
CHURN_KINDS = ("stop", "decline", "switch")
CHURN_KIND_SHARES = (0.4, 0.35, 0.25)

# (adcode, city, industrial belt?, weight, industries the place is known for)
ORIGINS = (
    ("330782", "义乌", True, 0.24, ("small_commodities", "home")),
    ("440111", "广州", True, 0.16, ("apparel", "beauty")),
    ("440306", "深圳", True, 0.14, ("electronics", "cross_border")),
    ("440515", "汕头", True, 0.06, ("small_commodities",)),
    ("350582", "晋江", True, 0.06, ("apparel",)),
    ("371302", "临沂", True, 0.06, ("home", "food")),
    ("330110", "杭州", False, 0.08, ("apparel", "food", "books")),
    ("310115", "上海", False, 0.07, ("beauty", "cross_border", "food")),
    ("110105", "北京", False, 0.05, ("books", "electronics")),
    ("510107", "成都", False, 0.05, ("food", "other")),
    ("420111", "武汉", False, 0.03, ("food", "home")),
)
CHANNELS = ("ground_team", "erp_plugin", "marketplace_plugin", "referral", "search_ads", "organic")
# Ground teams work the belts; elsewhere merchants come more through plugins and search.
CHANNEL_WEIGHTS_BELT = (0.35, 0.2, 0.15, 0.15, 0.05, 0.1)
CHANNEL_WEIGHTS_ELSEWHERE = (0.05, 0.25, 0.25, 0.15, 0.15, 0.15)
INDUSTRIES = ("apparel", "small_commodities", "electronics", "beauty", "food", "home", "books", "cross_border",
              "other")
TRADE_WORDS = {"apparel": "服饰", "small_commodities": "小商品", "electronics": "数码", "beauty": "美妆",
               "food": "食品", "home": "家居", "books": "文化", "cross_border": "跨境", "other": "商贸"}
NAME_WORDS = ("星辰", "云帆", "优品", "汇通", "佳美", "鑫源", "瑞丰", "恒达", "锦程", "嘉禾", "博远", "盛世", "天禧",
              "新航", "蓝海", "金桥", "如意", "安泰", "宏图", "晨光", "青禾", "立信", "万象", "百川", "同心", "远景",
              "华彩", "启明", "和顺", "德胜")
NAME_SUFFIXES = ("有限公司", "电子商务有限公司", "商行", "贸易有限公司")
# Baseline weekly shape (Monday first): parcels pile up after the weekend, Sundays are quiet.
DOW_SHAPE = np.array([1.14, 1.1, 1.04, 1.02, 0.98, 0.9, 0.82])


@dataclass(frozen=True)
class Population:
    """Merchants (one entry per row of `shipments`) and their daily shipments from `start` on."""

    start: dt.date
    ids: tuple[str, ...]
    names: tuple[str, ...]
    size: np.ndarray          # SIZES values
    industry: np.ndarray      # INDUSTRIES values (= accounts.Industry values)
    adcode: np.ndarray        # origin district adcode
    belt: np.ndarray          # bool: the origin is an industrial belt
    channel: np.ndarray       # acquisition channel
    created_day: np.ndarray   # sign-up as a day offset from `start` (negative: before the data starts)
    shipments: np.ndarray     # int32 (merchants, days)
    price_fen: np.ndarray     # what one parcel brings in, per merchant
    cost_fen: np.ndarray      # what one parcel costs the platform, per merchant
    churn_kind: np.ndarray    # CHURN_KINDS value, or "" for merchants who stay
    drop_day: np.ndarray      # ground truth: day offset where the churn starts, -1 if none
    dip_day: np.ndarray       # day offset of a temporary dip that recovers, -1 if none
    dip_days: np.ndarray      # its length in days

    @property
    def days(self) -> int:
        return int(self.shipments.shape[1])

    @property
    def dates(self) -> np.ndarray:
        return day_range(self.start, self.days)

    @property
    def churned(self) -> np.ndarray:
        return self.drop_day >= 0

    def day(self, offset: int) -> dt.date:
        return self.start + dt.timedelta(days=int(offset))


def generate(*, merchants: int = 300, days: int = 400, end: dt.date | None = None, seed: int = 0,
             churn_share: float = 0.15, dip_share: float = 0.1) -> Population:
    """A population of `merchants` over `days` days ending on `end` (inclusive; default 2026-11-22)."""
    rng = np.random.default_rng(seed)
    end = end or dt.date(2026, 11, 22)
    start = end - dt.timedelta(days=days - 1)
    dates = day_range(start, days)
    n = merchants
    size = rng.choice(SIZES, size=n, p=SIZE_SHARES)
    origin = rng.choice(len(ORIGINS), size=n, p=[o[3] for o in ORIGINS])
    belt = np.array([ORIGINS[i][2] for i in origin], dtype=bool)
    industry = np.array([_industry(rng, ORIGINS[i][4]) for i in origin])
    channel = np.where(belt, rng.choice(CHANNELS, size=n, p=CHANNEL_WEIGHTS_BELT),
                       rng.choice(CHANNELS, size=n, p=CHANNEL_WEIGHTS_ELSEWHERE))
    created_day = np.where(rng.random(n) < 0.85, -rng.integers(0, 3 * 365, size=n),
                           rng.integers(0, max(days - 60, 1), size=n))
    mean = _expected(rng, size, belt, created_day, dates)
    kind, drop_day = _churners(rng, size, created_day, dates, churn_share)
    mean *= _churn_multiplier(rng, kind, drop_day, days)
    dip_day, dip_days = _dips(rng, size, drop_day, days, dip_share)
    mean *= _dip_multiplier(rng, dip_day, dip_days, days)
    shipments = rng.poisson(mean).astype(np.int32)
    price = np.where(size == "head", rng.integers(420, 560, n),
                     np.where(size == "waist", rng.integers(520, 700, n), rng.integers(650, 950, n)))
    cost = (price * rng.uniform(0.78, 0.9, n)).astype(np.int64)
    return Population(
        start=start, ids=tuple(f"m{i:06d}" for i in range(n)), names=_names(rng, origin, industry),
        size=size, industry=industry, adcode=np.array([ORIGINS[i][0] for i in origin]), belt=belt,
        channel=channel, created_day=created_day, shipments=shipments, price_fen=price.astype(np.int64),
        cost_fen=cost, churn_kind=kind, drop_day=drop_day, dip_day=dip_day, dip_days=dip_days,
    )


def _industry(rng: np.random.Generator, known_for: tuple[str, ...]) -> str:
    return str(rng.choice(known_for)) if rng.random() < 0.7 else str(rng.choice(INDUSTRIES))


def _level(rng: np.random.Generator, size: np.ndarray) -> np.ndarray:
    n = len(size)
    return np.select(
        [size == "head", size == "waist", size == "tail"],
        [np.clip(rng.lognormal(np.log(600), 0.6, n), 150, 5000),
         np.clip(rng.lognormal(np.log(70), 0.5, n), 20, 300),
         np.clip(rng.lognormal(np.log(6), 0.5, n), 2, 25)],
        # Sparse shippers: most ship on about every other day, some only once or twice a week.
        np.where(rng.random(n) < 0.85, rng.uniform(0.6, 1.5, n), rng.uniform(0.1, 0.5, n)))


def _expected(rng: np.random.Generator, size: np.ndarray, belt: np.ndarray, created_day: np.ndarray,
              dates: np.ndarray) -> np.ndarray:
    """Mean daily shipments of healthy merchants: level × weekday × trend × wander × calendar × ramp-up."""
    n, d = len(size), len(dates)
    t = np.arange(d)
    weekday = (dates.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday
    shape = DOW_SHAPE[None, :] ** rng.uniform(0.5, 2.0, (n, 1)) * rng.normal(1.0, 0.04, (n, 7))
    shape /= shape.mean(axis=1, keepdims=True)
    growth = rng.normal(0.1, 0.25, (n, 1)) * t[None, :] / 365.0
    wander = _ar1(rng, n, d, phi=0.97, sd=0.02)
    seasonal = season_factor(dates)[None, :] ** rng.uniform(0.5, 1.4, (n, 1))
    strength = np.where(belt, rng.uniform(0.85, 0.97, n), rng.uniform(0.45, 0.7, n))[:, None]
    ramp = np.clip(1.0 - np.exp(-(t[None, :] - created_day[:, None]) / 20.0), 0.0, 1.0)
    noise = rng.lognormal(-0.5 * 0.18 ** 2, 0.18, (n, d))
    mean: np.ndarray = (_level(rng, size)[:, None] * shape[:, weekday] * np.exp(growth + wander) * seasonal
            * cny_factor(dates, strength) * ramp * noise)
    return mean


def _ar1(rng: np.random.Generator, n: int, d: int, *, phi: float, sd: float) -> np.ndarray:
    shocks = rng.normal(0.0, sd, (n, d))
    out = np.empty((n, d))
    out[:, 0] = shocks[:, 0] / np.sqrt(1 - phi ** 2)
    for day in range(1, d):  # over days, vectorised over merchants
        out[:, day] = phi * out[:, day - 1] + shocks[:, day]
    return out


def _churners(rng: np.random.Generator, size: np.ndarray, created_day: np.ndarray, dates: np.ndarray,
              share: float) -> tuple[np.ndarray, np.ndarray]:
    """Who churns, how, and from which day. A churner has three months of history before its drop, and the drop
    falls outside the New Year shutdown: there nobody ships, so a stop only shows (and only has a date) after."""
    n, d = len(size), len(dates)
    drop = rng.integers(120, max(d - 30, 121), size=n)
    in_shutdown = np.isin(drop, np.flatnonzero((cny_offset(dates) >= -9) & (cny_offset(dates) <= 16)))
    drop = np.where(in_shutdown, drop + 26, drop)
    eligible = (created_day <= drop - 90) & (drop < d - 14)
    churns = eligible & (rng.random(n) < share / max(eligible.mean(), 1e-9))
    kind = np.where(churns, rng.choice(CHURN_KINDS, size=n, p=CHURN_KIND_SHARES), "")
    # A sparse shipper has little volume to switch: it simply stops.
    kind = np.where(churns & (size == "sparse"), "stop", kind)
    return kind, np.where(churns, drop, -1)


def _churn_multiplier(rng: np.random.Generator, kind: np.ndarray, drop_day: np.ndarray, d: int) -> np.ndarray:
    n = len(kind)
    since = np.arange(d)[None, :] - drop_day[:, None]
    after = since >= 0
    decline_days = rng.integers(7, 22, n)[:, None]
    floor = rng.uniform(0.0, 0.1, n)[:, None]
    kept = rng.uniform(0.1, 0.4, n)[:, None]  # a switcher keeps this share with us
    stop = np.where(after, 0.02, 1.0)
    decline = np.where(after, np.maximum(1.0 - (1.0 - floor) * since / decline_days, floor), 1.0)
    switch = np.where(after, np.maximum(kept, 1.0 - (1.0 - kept) * (since + 1) / 4.0), 1.0)
    return np.select([kind[:, None] == "stop", kind[:, None] == "decline", kind[:, None] == "switch"],
                     [stop, decline, switch], np.ones((n, d)))


def _dips(rng: np.random.Generator, size: np.ndarray, drop_day: np.ndarray, d: int,
          share: float) -> tuple[np.ndarray, np.ndarray]:
    n = len(size)
    dips = (drop_day < 0) & (size != "sparse") & (rng.random(n) < share)
    return np.where(dips, rng.integers(60, d - 10, n), -1), np.where(dips, rng.integers(2, 6, n), 0)


def _dip_multiplier(rng: np.random.Generator, dip_day: np.ndarray, dip_days: np.ndarray, d: int) -> np.ndarray:
    since = np.arange(d)[None, :] - dip_day[:, None]
    inside = (dip_day[:, None] >= 0) & (since >= 0) & (since < dip_days[:, None])
    return np.where(inside, 1.0 - rng.uniform(0.3, 0.6, len(dip_day))[:, None], 1.0)


def _names(rng: np.random.Generator, origin: np.ndarray, industry: np.ndarray) -> tuple[str, ...]:
    names: list[str] = []
    seen: set[str] = set()
    for place, trade in zip(origin, industry, strict=True):
        name = (ORIGINS[place][1] + str(rng.choice(NAME_WORDS)) + TRADE_WORDS[str(trade)]
                + str(rng.choice(NAME_SUFFIXES)))
        while name in seen:
            name = ORIGINS[place][1] + str(rng.choice(NAME_WORDS)) + str(rng.choice(NAME_WORDS)) \
                + TRADE_WORDS[str(trade)] + str(rng.choice(NAME_SUFFIXES))
        seen.add(name)
        names.append(name)
    return tuple(names)
