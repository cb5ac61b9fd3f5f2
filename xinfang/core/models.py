"""Infrastructure rows without business rules."""

from __future__ import annotations

from django.db import models


class Throttle(models.Model):
    """One counter of attempts (failed sign-ins, portal submissions, failed lookups) in a
    fixed window, in the database that every worker process shares (``core.throttle``).

    ``expires`` is the window's end in Unix seconds: a row whose window has ended counts
    as absent and is deleted now and then. Written only by ``core.throttle``.
    """

    key = models.CharField(max_length=255, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = "限流计数"
        verbose_name_plural = "限流计数"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
