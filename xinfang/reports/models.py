"""Pre-aggregated counters: the three rates (BJ Art. 32), daily and monthly, and the
monthly counts behind the dashboards and reports."""

from __future__ import annotations

from django.db import models


class RateFields(models.Model):
    """The counts behind the three rates: valid return visits (reached) with how many found
    the unit had made contact and the matter solved, and the ratings given by kind."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    visits = models.PositiveIntegerField(default=0)
    contacted = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)
    unsatisfied = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class RateCount(RateFields):
    """Per unit and local day, the counts behind the three rates.

    Maintained in the same transaction as the ``rate`` transition and the recorded return
    visit (``reports.counters``); ``xinfang rebuild_counters`` recomputes them from the
    event log and the visits, which stay the source of truth. Counts matters, never people.
    """

    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "unit"], name="ratecount_day_unit")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}"


class RateMonth(RateFields):
    """The same counts per unit and local month (``month``: its first day), written with
    the daily row by the same statement's transaction: a year's ranking of every unit
    reads twelve rows a unit instead of 365."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "unit"], name="ratemonth_month_unit")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit_id}"


class MonthCount(models.Model):
    """Per local month and registering unit, the counts dashboards and the monthly and
    annual reports are made of: original matters received, counted by one dimension at a
    time (``dim``: channel, category, topic_area ``"topic:area"``, collective), and the
    events of the actions the summary names (``dim`` action). ``unit`` 0 holds the sums
    over every unit.

    Matters are counted when registered (``register_matter``) and events when appended
    (``append_event``), in the same transaction; neither dimension of a received matter,
    nor its registering unit, changes afterwards. A reader who sees every matter reads the
    sums; any other reader the rows of the units in their scope, with the few visible
    matters registered elsewhere counted live (``reports.queries.breakdown``). ``xinfang
    rebuild_counters`` recomputes them from the matters and the event log, which stay the
    source of truth.
    """

    ALL = 0  # ``unit`` of the sums over every unit

    month = models.DateField()  # the first day of the local month
    unit = models.IntegerField(default=ALL)  # the registering unit's id, or ALL
    dim = models.CharField(max_length=12)
    key = models.CharField(max_length=40, blank=True)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "dim", "key"], name="monthcount_unit_month_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit} {self.dim} {self.key}: {self.n}"
