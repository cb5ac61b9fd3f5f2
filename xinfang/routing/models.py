"""The dispatch catalogue (派单目录, BJ Art. 11) and the counts of this deployment's own
routing history that the learned ranking reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.cases.models import Category, HotlineType, Topic
from xinfang.org.models import Unit


class RoutingRule(models.Model):
    """topic (or a parent topic) × area (a unit and its subtree) × optional category and
    hotline type → lead and assisting units, for a period, with its legal basis.

    A rule for a parent topic covers its sub-topics and a rule for a county covers its
    townships, unless a more specific rule matches (``services.suggest``). Validation is
    ``services.check_rule``; writes go through ``services.save_rule``.
    """

    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("问题类别")
    )
    area = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("属地（含下级）"),
    )
    category = models.CharField(_("性质"), max_length=12, choices=Category.choices, blank=True)
    hotline_type = models.CharField(
        _("工单类型"), max_length=12, choices=HotlineType.choices, blank=True
    )
    lead = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("主办单位")
    )
    assisting = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("协办单位")
    )
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    basis = models.TextField(_("法律依据或三定职责"))
    priority = models.PositiveSmallIntegerField(
        _("优先级"), default=100, help_text=_("数字越大越优先（属地和问题类别相同时）")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单目录")
        ordering = ["topic__order", "area__path", "-priority", "id"]
        indexes = [models.Index(fields=["topic", "area"], name="routing_rule_topic_area")]

    def __str__(self) -> str:
        return f"{self.topic} · {self.area} → {self.lead}"


class RouteCount(models.Model):
    """How often matters of one topic × area were forwarded or assigned to a unit, and how
    often that unit objected (XFGZ Art. 23 para 3). Kept by the transition function."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    dispatched = models.PositiveIntegerField(default=0)
    objected = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "area", "unit"], name="routecount_key")
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}×{self.area_id}→{self.unit_id}: {self.dispatched}/{self.objected}"
