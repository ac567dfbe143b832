"""Reading insights.MerchantDay into the (merchants × days) matrix the detector scans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from parcelhub.insights.models import MerchantDay


@dataclass(frozen=True)
class VolumeMatrix:
    start: dt.date
    dates: list[dt.date]
    merchant_ids: np.ndarray  # one per row
    shipments: np.ndarray     # (merchants × days); a day without a row is a day without shipments

    def series(self, merchant_id: int) -> np.ndarray:
        rows = np.flatnonzero(self.merchant_ids == merchant_id)
        return self.shipments[rows[0]] if len(rows) else np.zeros(len(self.dates))


def volume_matrix(*, last: dt.date, days: int, merchant_ids: Iterable[int] | None = None) -> VolumeMatrix:
    """Daily shipments of the `days` days ending on `last`, for the given merchants (default: every active merchant
    with a shipment in the span). One query, read as flat columns."""
    start = last - dt.timedelta(days=days - 1)
    rows = MerchantDay.objects.filter(day__gte=start, day__lte=last, shipments__gt=0,
                                      merchant__is_active=True)
    if merchant_ids is not None:
        rows = rows.filter(merchant_id__in=list(merchant_ids))
    data = list(rows.order_by().values_list("merchant_id", "day", "shipments"))
    ids = np.array(sorted({m for m, _, _ in data}) if merchant_ids is None else sorted(set(merchant_ids)),
                   dtype=np.int64)
    matrix = np.zeros((len(ids), days))
    if data:
        merchant, day, count = zip(*data, strict=True)
        matrix[np.searchsorted(ids, np.array(merchant)), np.array([(d - start).days for d in day])] = count
    return VolumeMatrix(start, [start + dt.timedelta(days=i) for i in range(days)], ids, matrix)
