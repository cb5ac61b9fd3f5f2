"""Pre-aggregated daily counters behind the three rates (BJ Art. 32)."""

from __future__ import annotations

from django.db import models


class RateCount(models.Model):
    """Per unit and local day: valid return visits (reached) with how many found the unit
    had made contact and the matter solved, and the ratings given that day by kind.

    Maintained in the same transaction as the ``rate`` transition and the recorded return
    visit (``reports.counters``); ``xinfang rebuild_counters`` recomputes them from the
    event log and the visits, which stay the source of truth. Counts matters, never people.
    """

    day = models.DateField()
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    visits = models.PositiveIntegerField(default=0)
    contacted = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)
    unsatisfied = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "unit"], name="ratecount_day_unit")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}"
