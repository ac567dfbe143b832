"""Normalised parcel statuses and the rule that moves a parcel from one to the next. Pure: no Django.

Every carrier's own codes (快递鸟 State/StateEx, 快递100 state, the sandbox network's events) are mapped to
these before they reach the status machine.

The rule: a parcel's status follows its newest event by event time, except that
* a late event (older than the newest one already applied) never changes the status — it only joins the
  timeline in its place;
* a terminal status (delivered, returned, cancelled) is final;
* progress never moves backwards: an event whose progress rank is below the current one (a second
  "in transit" scan after "out for delivery") is kept in the timeline but leaves the status alone;
* side states — exception, returning — can happen at any point; after an exception, the next progress
  event (a new delivery attempt) takes the parcel back onto the main line from where it was.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    CREATED = "created"
    PICKED_UP = "picked_up"                      # 揽收
    IN_TRANSIT = "in_transit"
    ARRIVED_AT_DESTINATION_CITY = "arrived_at_destination_city"
    OUT_FOR_DELIVERY = "out_for_delivery"        # 派件
    AVAILABLE_FOR_PICKUP = "available_for_pickup"  # 驿站 / 快递柜
    DELIVERED = "delivered"                      # 签收
    EXCEPTION = "exception"                      # 问题件
    RETURNING = "returning"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class ExceptionKind(StrEnum):
    REFUSED = "refused"
    ADDRESS_PROBLEM = "address_problem"
    DAMAGED = "damaged"
    LOST = "lost"
    DELAYED = "delayed"
    NO_UPDATE = "no_update"


# Progress along the main line; side states carry no rank of their own.
RANK: dict[Status, int] = {
    Status.CREATED: 0,
    Status.PICKED_UP: 1,
    Status.IN_TRANSIT: 2,
    Status.ARRIVED_AT_DESTINATION_CITY: 3,
    Status.OUT_FOR_DELIVERY: 4,
    Status.AVAILABLE_FOR_PICKUP: 5,
    Status.DELIVERED: 6,
}
SIDE_STATES = frozenset({Status.EXCEPTION, Status.RETURNING})
TERMINAL = frozenset({Status.DELIVERED, Status.RETURNED, Status.CANCELLED})


def next_status(current: Status, progress: Status, new: Status) -> tuple[Status, Status] | None:
    """The parcel's (status, furthest main-line progress) after an in-order event with status `new`, or None
    when the event leaves the status as it is. `progress` is the furthest main-line status reached so far
    (equal to `current` except while in a side state)."""
    if current in TERMINAL or new == current:
        return None
    if new in TERMINAL:
        if new == Status.DELIVERED and current == Status.RETURNING:
            return None  # "delivered" while returning is the return leg's scan, not the consignee's signature
        return new, new if new in RANK else progress
    if new in SIDE_STATES:
        return new, progress
    if current == Status.RETURNING:
        return None  # a returning parcel does not go back out for delivery to the consignee
    if RANK[new] < RANK[progress]:
        return None
    return new, new
