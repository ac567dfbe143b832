from __future__ import annotations

from django.db import models


class Region(models.Model):
    """A province, city or district of mainland China, keyed by its 6-digit administrative code (adcode)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, "province"
        CITY = 2, "city"
        DISTRICT = 3, "district"

    adcode = models.CharField(max_length=6, primary_key=True)
    name = models.CharField(max_length=64)
    # Short form used on labels and rate cards: 浙江 for 浙江省, 新疆 for 新疆维吾尔自治区.
    short_name = models.CharField(max_length=32)
    level = models.PositiveSmallIntegerField(choices=Level.choices, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Provinces only: remote destinations that rate cards may surcharge (operator-configurable).
    is_remote = models.BooleanField(default=False)

    class Meta:
        ordering = ["adcode"]

    def __str__(self) -> str:
        return self.name

    def path_names(self) -> list[str]:
        """Province, city, district names, each once (北京市 北京市 朝阳区 -> 北京市 朝阳区). No queries when the
        parents are select_related."""
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return list(dict.fromkeys(reversed(names)))

    def address(self, detail: str = "") -> str:
        """One line for labels and forms: 浙江省金华市义乌市稠城街道工人北路1号."""
        return "".join(self.path_names()) + (detail or "")

    @property
    def province_code(self) -> str:
        return self.adcode[:2] + "0000"
