"""The pure key-account assignment rules."""

from __future__ import annotations

from parcelhub.crm.workbench.assignment import Account, Manager, plan_assignments

ZJ, GD = "330000", "440000"


def test_best_match_wins_with_region_over_industry():
    managers = [Manager(1, 5, provinces=frozenset({ZJ})), Manager(2, 5, industries=frozenset({"apparel"})),
                Manager(3, 5)]
    plan = plan_assignments([Account(10, 900, ZJ, "apparel"), Account(11, 800, GD, "apparel"),
                             Account(12, 700, GD, "food")], managers)
    assert {k: (d.manager, d.matches) for k, d in plan.decisions.items()} == {
        10: (1, ("region",)), 11: (2, ("industry",)), 12: (3, ())}
    assert plan.unassigned == ()


def test_capacity_limits_and_the_biggest_accounts_go_first():
    managers = [Manager(1, 1, provinces=frozenset({ZJ})), Manager(2, 1)]
    plan = plan_assignments([Account(10, 100, ZJ), Account(11, 5000, ZJ), Account(12, 50, ZJ)], managers)
    assert plan.decisions[11].manager == 1  # the biggest gets the regional manager
    assert plan.decisions[10].manager == 2
    assert plan.unassigned == (12,)


def test_ties_go_to_the_least_loaded_manager_by_share_of_capacity():
    managers = [Manager(1, 10), Manager(2, 2)]
    plan = plan_assignments([Account(k, 100 - k) for k in range(4)], managers)
    assert [plan.decisions[k].manager for k in range(4)] == [1, 2, 1, 1]


def test_existing_and_manual_assignments_are_kept():
    managers = [Manager(1, 1, provinces=frozenset({ZJ})), Manager(2, 3)]
    accounts = [Account(10, 10, ZJ, manager=2), Account(11, 20, GD, manager=1, manual=True),
                Account(12, 5000, ZJ)]
    plan = plan_assignments(accounts, managers)
    assert plan.decisions[10].manager == 2 and plan.decisions[10].kept
    assert plan.decisions[11].manager == 1 and plan.decisions[11].kept
    # Manager 1 is full with the manual account, so the big regional account goes to 2.
    assert (plan.decisions[12].manager, plan.decisions[12].kept) == (2, False)


def test_a_rule_assignment_over_capacity_or_to_a_missing_manager_moves():
    managers = [Manager(1, 1), Manager(2, 5, accepts_new=False)]
    accounts = [Account(10, 900, manager=1), Account(11, 800, manager=1), Account(12, 700, manager=9)]
    plan = plan_assignments(accounts, managers)
    assert plan.decisions[10].manager == 1
    # Manager 2 takes no new accounts and 1 is full: 11 and 12 wait.
    assert plan.unassigned == (11, 12)


def test_manual_assignment_may_exceed_capacity():
    plan = plan_assignments([Account(10, 1, manager=1, manual=True), Account(11, 2, manager=1, manual=True)],
                            [Manager(1, 1)])
    assert [plan.decisions[k].manager for k in (10, 11)] == [1, 1]
