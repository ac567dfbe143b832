from __future__ import annotations

import pytest

from parcelhub.tracking.status import Status, next_status

S = Status


@pytest.mark.parametrize(("current", "progress", "new", "expected"), [
    (S.CREATED, S.CREATED, S.PICKED_UP, (S.PICKED_UP, S.PICKED_UP)),
    (S.PICKED_UP, S.PICKED_UP, S.OUT_FOR_DELIVERY, (S.OUT_FOR_DELIVERY, S.OUT_FOR_DELIVERY)),  # skipped scans
    (S.OUT_FOR_DELIVERY, S.OUT_FOR_DELIVERY, S.IN_TRANSIT, None),            # never backwards
    (S.IN_TRANSIT, S.IN_TRANSIT, S.IN_TRANSIT, None),                        # same status
    (S.OUT_FOR_DELIVERY, S.OUT_FOR_DELIVERY, S.EXCEPTION, (S.EXCEPTION, S.OUT_FOR_DELIVERY)),
    (S.EXCEPTION, S.OUT_FOR_DELIVERY, S.OUT_FOR_DELIVERY, (S.OUT_FOR_DELIVERY, S.OUT_FOR_DELIVERY)),  # retry
    (S.EXCEPTION, S.OUT_FOR_DELIVERY, S.IN_TRANSIT, None),
    (S.EXCEPTION, S.OUT_FOR_DELIVERY, S.DELIVERED, (S.DELIVERED, S.DELIVERED)),
    (S.DELIVERED, S.DELIVERED, S.EXCEPTION, None),                           # terminal
    (S.IN_TRANSIT, S.IN_TRANSIT, S.RETURNING, (S.RETURNING, S.IN_TRANSIT)),
    (S.RETURNING, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, None),
    (S.RETURNING, S.IN_TRANSIT, S.DELIVERED, None),
    (S.RETURNING, S.IN_TRANSIT, S.RETURNED, (S.RETURNED, S.IN_TRANSIT)),
    (S.CREATED, S.CREATED, S.CANCELLED, (S.CANCELLED, S.CREATED)),
    (S.OUT_FOR_DELIVERY, S.OUT_FOR_DELIVERY, S.AVAILABLE_FOR_PICKUP, (S.AVAILABLE_FOR_PICKUP, S.AVAILABLE_FOR_PICKUP)),
])
def test_next_status(current, progress, new, expected):
    assert next_status(current, progress, new) == expected
