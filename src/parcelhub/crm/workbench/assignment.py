"""Key-account assignment rules (pure): who looks after which account, by region, industry and capacity.

Stable on purpose: an account keeps its manager while it stays a key account and the manager stays within
capacity, so a daily run never reshuffles relationships; manual overrides are never moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

REGION_WEIGHT, INDUSTRY_WEIGHT = 2, 1


@dataclass(frozen=True)
class Account:
    key: int
    volume_30d: int
    province: str = ""          # province adcode, "330000"
    industry: str = ""
    manager: int | None = None  # current manager
    manual: bool = False


@dataclass(frozen=True)
class Manager:
    key: int
    capacity: int
    provinces: frozenset[str] = field(default_factory=frozenset)
    industries: frozenset[str] = field(default_factory=frozenset)
    accepts_new: bool = True


@dataclass(frozen=True)
class Decision:
    manager: int
    kept: bool                  # the account already had this manager
    matches: tuple[str, ...]    # "region", "industry" for new rule-based assignments


@dataclass(frozen=True)
class Plan:
    decisions: dict[int, Decision]
    unassigned: tuple[int, ...]  # key accounts no manager had room for


def _score(account: Account, manager: Manager) -> tuple[int, tuple[str, ...]]:
    matches = []
    if account.province and account.province in manager.provinces:
        matches.append("region")
    if account.industry and account.industry in manager.industries:
        matches.append("industry")
    score = REGION_WEIGHT * ("region" in matches) + INDUSTRY_WEIGHT * ("industry" in matches)
    return score, tuple(matches)


def plan_assignments(accounts: Iterable[Account], managers: Iterable[Manager]) -> Plan:
    """Decide a manager for every account given (key accounts and manual overrides).

    Manual overrides stay; other current assignments stay while their manager exists and has room; the rest go,
    biggest volume first, to the open manager with room who matches best (region counts double), the least loaded
    one (by share of capacity) on a tie."""
    by_key = {m.key: m for m in managers}
    load = dict.fromkeys(by_key, 0)
    decisions: dict[int, Decision] = {}
    ordered = sorted(accounts, key=lambda a: (-a.volume_30d, a.key))
    for account in ordered:
        if account.manual and account.manager is not None:
            decisions[account.key] = Decision(account.manager, kept=True, matches=())
            load[account.manager] = load.get(account.manager, 0) + 1
    for account in ordered:
        if account.key in decisions or account.manager not in by_key:
            continue
        if load[account.manager] < by_key[account.manager].capacity:
            decisions[account.key] = Decision(account.manager, kept=True, matches=())
            load[account.manager] += 1
    unassigned = []
    for account in ordered:
        if account.key in decisions:
            continue
        open_managers = [m for m in by_key.values() if m.accepts_new and load[m.key] < m.capacity]
        if not open_managers:
            unassigned.append(account.key)
            continue
        best = min(open_managers, key=lambda m: (-_score(account, m)[0], load[m.key] / m.capacity, m.key))
        decisions[account.key] = Decision(best.key, kept=False, matches=_score(account, best)[1])
        load[best.key] += 1
    return Plan(decisions=decisions, unassigned=tuple(unassigned))
