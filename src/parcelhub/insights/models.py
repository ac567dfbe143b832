from __future__ import annotations

from django.db import models


class MerchantDay(models.Model):
    """One merchant's shipping on one day: the rollup that churn detection, campaign evaluation, segments and the
    merchant 360 read instead of scanning shipments. Refreshed from purchased shipments (insights.services); the
    demo's synthetic merchant population writes it directly."""

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    shipments = models.PositiveIntegerField(default=0)
    revenue_fen = models.BigIntegerField(default=0)   # what the merchant paid, after discounts
    cost_fen = models.BigIntegerField(default=0)      # what the carriers charge the platform

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "day"], name="insights_merchantday_unique")]
        indexes = [models.Index(fields=["day"])]
        ordering = ["merchant_id", "day"]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.day}: {self.shipments}"

    @property
    def margin_fen(self) -> int:
        return self.revenue_fen - self.cost_fen
