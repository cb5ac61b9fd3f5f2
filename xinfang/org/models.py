"""Units (the organisation tree), staff users and their roles per unit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from xinfang.core.rows import Columns, fetch


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（区）")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", _("人民政府")
    DEPARTMENT = "department", _("职能部门")
    XINFANG_OFFICE = "xinfang_office", _("信访部门")
    HOTLINE = "hotline", _("12345热线中心")
    MEDIATION = "mediation", _("人民调解委员会")
    POLITICAL_LEGAL = "political_legal", _("政法机关")
    DISCIPLINE = "discipline", _("纪检监察机关")
    COMMITTEE = "committee", _("村（居）民委员会")


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree(self, unit: Unit) -> UnitQuerySet:
        """``unit`` and every unit below it."""
        return self.filter(path__startswith=unit.path)


class Unit(models.Model):
    """A unit in the tree (province → … → village, with departments at each level).

    ``path`` is a materialised path (``/1/7/23/``) kept by ``save`` so that subtree queries
    are one indexed prefix match. ``oversees`` names the unit whose subtree a supervising
    office (letters-and-visits office, hotline centre) watches — normally its government.
    """

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    oversees = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overseen_by",
        verbose_name=_("督办范围"),
    )
    division_code = models.CharField(_("行政区划代码"), max_length=12, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField(_("启用"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        path = (self.parent.path if self.parent else "/") + f"{self.pk}/"
        if path != self.path:
            old = self.path
            self.path = path
            Unit.objects.filter(pk=self.pk).update(path=path)
            if old:
                for child in Unit.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    child.path = path + child.path[len(old) :]
                    Unit.objects.filter(pk=child.pk).update(path=child.path)

    def ancestors(self) -> list[Unit]:
        """From the root down to the parent."""
        ids = [int(p) for p in self.path.strip("/").split("/")[:-1]]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def government(self) -> Unit:
        """The government (or the unit itself) that a department or office belongs to."""
        unit: Unit = self
        while unit.kind != UnitKind.GOVERNMENT and unit.parent_id is not None:
            unit = unit.parent  # type: ignore[assignment]
        return unit

    def organ_one_level_up(self) -> Unit | None:
        """The organ that reviews this unit's handling (XFGZ Art. 35: 上一级行政机关).

        A department's superior is its government; a government's is the government above.
        """
        if self.kind == UnitKind.GOVERNMENT:
            return self.parent.government() if self.parent else None
        return self.parent


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("登记员")
    HANDLER = "handler", _("承办人")
    LEADER = "leader", _("单位负责人")
    SUPERVISOR = "supervisor", _("督办员")
    MEDIATOR = "mediator", _("调解员")
    ADMIN = "admin", _("管理员")
    AUDITOR = "auditor", _("审计员")


# Roles whose holders must sign in with TOTP (and hold an API token only with it enrolled).
TOTP_ROLES = (Role.ADMIN, Role.AUDITOR)


def requires_2fa(user: Any) -> bool:
    """Whether ``user`` must use TOTP: a superuser, or a holder of a ``TOTP_ROLES`` role."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or user.memberships.filter(role__in=TOTP_ROLES).exists()
    )


class User(AbstractUser):
    """A staff member. Citizens do not have accounts: they use receipt number + secret."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True, editable=False)
    totp_confirmed_at = models.DateTimeField(
        _("双因素认证启用时间"), null=True, blank=True, editable=False
    )
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"), default=False, editable=False
    )
    # The last TOTP time step accepted (RFC 6238 §5.2): a code is accepted once.
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)
    # One-time recovery codes for a lost phone, as keyed hashes (org.twofactor); each is
    # struck off when used.
    recovery_codes = models.JSONField(default=list, blank=True, editable=False)

    _outgoing_password = ""  # not a field: see set_password

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        # the hash being replaced, for the password history (org.passwords)
        self._outgoing_password = self.password
        super().set_password(raw_password)

    def roles_at(self, unit_id: int) -> set[str]:
        return {m.role for m in self.memberships.all() if m.unit_id == unit_id}

    def has_role(self, role: str, unit_ids: set[int] | None = None) -> bool:
        return any(
            m.role == role and (unit_ids is None or m.unit_id in unit_ids)
            for m in self.memberships.all()
        )


class PasswordHistory(models.Model):
    """The hash of a password a user had before (never the password): a new password
    may not be one of them (``org.passwords.NotReusedValidator`` keeps the last few)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class Membership(models.Model):
    """A role a user holds in a unit (a user may hold several)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


def prefetch_memberships(user: User) -> None:
    """Read ``user``'s memberships with their units (and the units those oversee) once,
    for ``memberships_with_units`` and ``user.memberships.all()`` later in the request:
    what ``prefetch_related_objects([user], Prefetch("memberships",
    queryset=_with_units()))`` leaves, in one statement written once (``core.rows``;
    every API request reads them)."""
    ms, unit, oversees = _MEMBERSHIP_COLUMNS
    qn = connection.ops.quote_name
    rows = fetch(
        f"SELECT {ms.sql}, {unit.sql}, {oversees.sql} FROM {qn(Membership._meta.db_table)} m "
        f"JOIN {qn(Unit._meta.db_table)} un ON un.id = m.unit_id "
        f"LEFT JOIN {qn(Unit._meta.db_table)} ov ON ov.id = un.oversees_id "
        "WHERE m.user_id = %s ORDER BY m.id",
        [user.pk],
    )
    found = []
    for row in rows:
        m, u = ms.build(row), unit.build(row, len(ms))
        assert m is not None and u is not None
        _cache(Membership, "unit", m, u)
        _cache(Membership, "user", m, user)
        _cache(Unit, "oversees", u, oversees.build(row, len(ms) + len(unit)))
        found.append(m)
    # the user's memberships, filtered only if chained further, as a related manager's
    # queryset is (building the filter costs more than the read above)
    qs = Membership.objects.all()
    qs._defer_next_filter = True  # type: ignore[attr-defined]
    qs = qs.filter(user=user)
    qs._result_cache = found
    qs._prefetch_done = True  # type: ignore[attr-defined]
    user.__dict__.setdefault("_prefetched_objects_cache", {})["memberships"] = qs


def _cache(model: type[models.Model], name: str, obj: Any, value: Any) -> None:
    model._meta.get_field(name).set_cached_value(obj, value)  # type: ignore[union-attr]


def memberships_with_units(user: User) -> list[Membership]:
    """``user``'s memberships with their units: the ones ``prefetch_memberships`` read, or
    one query."""
    cached = getattr(user, "_prefetched_objects_cache", {}).get("memberships")
    if cached is not None:
        return list(cached)
    return list(_with_units().filter(user=user))


def _with_units() -> models.QuerySet[Membership]:
    return Membership.objects.select_related("unit", "unit__oversees")


_MEMBERSHIP_COLUMNS = (Columns(Membership, "m"), Columns(Unit, "un"), Columns(Unit, "ov"))
_UNIT_COLUMNS = Columns(Unit, "u")


def units_by_pk(pks: Sequence[int]) -> dict[int, Unit]:
    """``Unit.objects.in_bulk(pks)``, in a statement written once (``core.rows``): the
    units an API registration names."""
    pks = sorted(set(pks))
    if not pks:
        return {}
    marks = ", ".join(["%s"] * len(pks))
    rows = fetch(
        f"SELECT {_UNIT_COLUMNS.sql} FROM {connection.ops.quote_name(Unit._meta.db_table)} u "
        f"WHERE u.id IN ({marks})",
        pks,
    )
    return {u.pk: u for u in map(_UNIT_COLUMNS.build, rows) if u is not None}
