"""Matters (信访事项), their petitioners, attachments and the append-only event log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import blind_index, id_index, normalise_phone
from xinfang.core.fields import EncryptedTextField
from xinfang.core.rows import Columns, fetch
from xinfang.org.models import Unit

from .chain import event_fields, event_hash


class Channel(models.TextChoices):
    ONLINE = "online", _("网上")
    LETTER = "letter", _("来信")
    PHONE = "phone", _("来电")
    FAX = "fax", _("传真")
    VISIT = "visit", _("来访")


class Category(models.TextChoices):
    """XFGZ Arts. 29–31."""

    SUGGESTION = "suggestion", _("建议意见")
    REPORT = "report", _("检举控告")
    CLAIM = "claim", _("申诉求决")


class HotlineType(models.TextChoices):
    """12345 work-order types (BJ Art. 2)."""

    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    TIPOFF = "tipoff", _("举报")
    PROPOSAL = "proposal", _("建议")


class Kind(models.TextChoices):
    ORIGINAL = "original", _("信访事项")
    REVIEW = "review", _("复查")
    REEXAM = "reexam", _("复核")


class Status(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    DISPATCHED = "dispatched", _("待受理")
    OBJECTED = "objected", _("异议待定")
    HANDLING = "handling", _("办理中")
    OPINION_PENDING = "opinion_pending", _("意见待审批")
    ANSWERED = "answered", _("已答复")
    CONCLUDED = "concluded", _("已办结")
    REDIRECTED = "redirected", _("已告知其他途径")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    TRANSFERRED = "transferred", _("已紧急移交")
    CLOSED_ON_SPOT = "closed_on_spot", _("当场答复")
    MERGED = "merged", _("并案办理")
    LINKED = "linked", _("重复件，已并入原事项")


TERMINAL = {
    Status.CONCLUDED,
    Status.REDIRECTED,
    Status.NOT_ACCEPTED,
    Status.TRANSFERRED,
    Status.CLOSED_ON_SPOT,
    Status.LINKED,
}
# Not handled on their own: a merged matter (并案) is handled as part of its main matter,
# so it is not an open matter of its own for queues, sweeps and counts of handling.
NOT_OPEN = TERMINAL | {Status.MERGED}


class Decision(models.TextChoices):
    """XFGZ Art. 32."""

    SUPPORT = "support", _("予以支持")
    EXPLAIN = "explain", _("解释说明")
    REJECT = "reject", _("不予支持")


class Rating(models.TextChoices):
    """XFGZ Art. 21 evaluation; the scale is a setting (procedure.md §6)."""

    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Topic(models.Model):
    """An entry of the configurable topic catalogue (劳动社保, 征地拆迁, …)."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def active(code: str) -> Topic | None:
        """The active topic with ``code``, else, for a number, the active topic with that
        key (the API takes either), in a statement written once (``core.rows``)."""
        table = connection.ops.quote_name(Topic._meta.db_table)
        tries: list[tuple[str, Any]] = [("t.code", code)]
        if code.isdigit():
            tries.append(("t.id", int(code)))
        for col, value in tries:
            rows = fetch(
                f"SELECT {_TOPIC_COLUMNS.sql} FROM {table} t WHERE {col} = %s AND t.is_active",
                [value],
            )
            if rows:
                return _TOPIC_COLUMNS.build(rows[0])
        return None


_TOPIC_COLUMNS = Columns(Topic, "t")


def matter_in(matters: models.QuerySet[Matter], field: str = "matter") -> Exists:
    """The condition "the row's ``field`` is one of ``matters``" for rows that point at a
    matter (return visits, follow-up checks, notices, petitioners), tested row by row on the
    matter's key: as ``matter__in=matters`` SQLite first listed every matter ``matters``
    holds, reading the whole table for a ``access.visible`` set (the visit and check lists,
    a phone's earlier matters at intake)."""
    return Exists(matters.filter(pk=OuterRef(f"{field}_id")))


class MatterQuerySet(models.QuerySet["Matter"]):
    def open(self) -> MatterQuerySet:
        """Matters still handled on their own: neither finished nor merged into another
        (a merged matter's handling is its main matter's, so it never counts twice)."""
        return self.exclude(status__in=NOT_OPEN)

    def merged_into_main(self, main: Matter) -> MatterQuerySet:
        """The matters handled as part of ``main`` (并案办理), whatever their status now."""
        return self.filter(merged_into=main)

    def for_unit(self, unit: Unit) -> MatterQuerySet:
        return self.filter(Q(lead_unit=unit) | Q(registered_unit=unit, lead_unit__isnull=True))

    def overdue(self, today: Any) -> MatterQuerySet:
        return self.open().filter(current_due__lt=today)

    def due_within(self, days: int, today: Any) -> MatterQuerySet:
        from datetime import timedelta

        return self.open().filter(
            current_due__gte=today, current_due__lte=today + timedelta(days=days)
        )

    def by_deadline(self) -> MatterQuerySet:
        return self.order_by(models.F("current_due").asc(nulls_last=True), "id")


class Matter(models.Model):
    """A grievance (信访事项) or a review/re-examination of one.

    Fields after ``status`` are denormalised from the event log by the one transition
    function (``actions.workflow.transition``); the log stays the source of truth.
    """

    receipt_no = models.CharField(_("受理编号"), max_length=32, unique=True)
    secret_hash = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.ORIGINAL)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="followups",
        verbose_name=_("原信访事项"),
    )
    repeat_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        related_name="repeats",
        verbose_name=_("重复事项"),
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="merged",
        verbose_name=_("并入事项"),
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("性质"), max_length=12, choices=Category.choices)
    hotline_type = models.CharField(
        _("工单类型"), max_length=12, choices=HotlineType.choices, blank=True
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("问题类别")
    )
    area = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("问题属地"),
        db_index=False,  # ``matter_area_id`` leads with it
    )
    title = models.CharField(_("摘要"), max_length=120)
    content = models.TextField(_("诉求"))
    facts = models.TextField(_("事实和理由"), blank=True)
    received_at = models.DateTimeField(_("收到时间"))
    registered_at = models.DateTimeField(_("登记时间"))
    registered_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="registered_matters",
        verbose_name=_("登记机关"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    is_collective = models.BooleanField(_("集体访"), default=False)
    headcount = models.PositiveIntegerField(_("人数"), default=1)
    anonymous = models.BooleanField(_("匿名"), default=False)
    confidential = models.BooleanField(_("对信访人身份保密"), default=False)
    accused_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("被反映单位"),
    )

    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    lead_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="led_matters",
        verbose_name=_("承办单位"),
    )
    dispatched_by = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    designated = models.BooleanField(_("争议后指定"), default=False)
    is_paused = models.BooleanField(_("计时暂停"), default=False)
    extension_state = models.CharField(max_length=10, blank=True)  # "", requested, approved
    decision = models.CharField(_("处理意见"), max_length=10, choices=Decision.choices, blank=True)
    lead_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("包案领导"),
    )
    final = models.BooleanField(_("复核终结"), default=False)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    supervision_level = models.PositiveSmallIntegerField(_("督办层级"), default=0)
    supervision_due = models.DateField(_("督办回复期限"), null=True, blank=True)
    current_due = models.DateField(_("当前期限"), null=True, blank=True)
    current_due_kind = models.CharField(max_length=16, blank=True)
    # Whether the opinion was issued within its statutory period (handling, 复查 or 复核);
    # None until then. Denormalised from the clock so reports count it in one query.
    answered_on_time = models.BooleanField(_("按期答复"), null=True, blank=True)
    # When the (latest) written opinion was approved (XFGZ Art. 32): with the verdict above,
    # a period's on-time rate is one range of an index.
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    objects = MatterQuerySet.as_manager()

    # Not columns: set by ``register_matter`` on the instance it returns, the log and the
    # petitioners it has just written, so the registration's answer reads nothing back.
    fresh_events: list[Event] | None = None
    fresh_petitioners: list[Petitioner] | None = None

    class Meta:
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        indexes = [
            # Queues and overdue lists: a unit's open matters by deadline, found through
            # ``status IN (open statuses)`` without reading its finished ones.
            models.Index(
                fields=["lead_unit", "status", "current_due"], name="matter_lead_status_due"
            ),
            models.Index(
                fields=["registered_unit", "status", "current_due"], name="matter_reg_status_due"
            ),
            # The API's list: dated matters in deadline order (the undated follow by key).
            models.Index(
                fields=["current_due"],
                name="matter_due",
                condition=models.Q(current_due__isnull=False),
            ),
            # accused_unit_id too: a whole-province list decides Art. 30 from the index; the
            # lead unit, so overdue matters per unit are counted from it alone
            models.Index(
                fields=["status", "current_due", "accused_unit", "lead_unit"],
                name="matter_status_due_acc_lead",
            ),
            # A county's matters led there but registered elsewhere (``access.narrowed(outside=…)``,
            # the dashboard), decided in the index; the key spelled out, for PostgreSQL's
            # index-only scan (SQLite's indexes hold it anyway).
            models.Index(
                fields=["lead_unit", "registered_unit", "id"],
                name="matter_lead_reg",
                condition=models.Q(lead_unit__isnull=False),
            ),
            # A same-name petitioner's earlier matters in the area chosen at intake
            # (``similar._same_person_candidates``): the newest namesakes tested in the
            # index, not each read from the table.
            models.Index(fields=["area", "id"], name="matter_area_id"),
            # A scope's opinions of a period (``on_time``'s arms), one range per unit instead
            # of every opinion of the province in the period, read to keep a county's share;
            # only answered matters are in them.
            models.Index(
                fields=["lead_unit", "answered_at", "id"],
                name="matter_lead_answered",
                condition=models.Q(answered_at__isnull=False),
            ),
            models.Index(
                fields=["registered_unit", "answered_at", "id"],
                name="matter_reg_answered",
                condition=models.Q(answered_at__isnull=False),
            ),
            # A period's opinions and their verdicts (reports.queries.on_time).
            models.Index(
                fields=["answered_at", "kind", "answered_on_time", "accused_unit"],
                name="matter_answered",
                condition=models.Q(answered_at__isnull=False),
            ),
            models.Index(fields=["received_at"], name="matter_received"),
            # Partial indexes over the few linked matters, instead of the full FK indexes
            # (with those alone SQLite estimated "merged_into = X" as matching every NULL row
            # and scanned the table; and every registration wrote a NULL entry into each).
            # The lead and registering units are found through the first two indexes above.
            models.Index(
                fields=["merged_into"],
                name="matter_merged_into",
                condition=models.Q(merged_into__isnull=False),
            ),
            models.Index(
                fields=["repeat_of"],
                name="matter_repeat_of",
                condition=models.Q(repeat_of__isnull=False),
            ),
            models.Index(
                fields=["parent"],
                name="matter_parent",
                condition=models.Q(parent__isnull=False),
            ),
            # The sweep's escalation (XFGZ Art. 40) over the few matters with a supervision
            # reply due, instead of a scan of every matter.
            models.Index(
                fields=["supervision_due"],
                name="matter_supervision_due",
                condition=models.Q(supervision_due__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_no} {self.title}"


class PetitionerQuerySet(models.QuerySet["Petitioner"]):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        for p in objs:
            p.set_indexes()
        return super().bulk_create(objs, *args, **kwargs)

    def with_phone(self, phone: str) -> PetitionerQuerySet:
        return self.filter(phone_index=blind_index(normalise_phone(phone)))

    def with_id_number(self, value: str) -> PetitionerQuerySet:
        key = id_index(value)
        return self.filter(id_index=key) if key else self.none()


class Petitioner(models.Model):
    """A person or organisation who brought the matter (XFGZ Art. 17)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="petitioners")
    name = models.CharField(_("姓名或名称"), max_length=100)
    is_organisation = models.BooleanField(_("单位"), default=False)
    id_number = EncryptedTextField(_("证件号码"), blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, editable=False)
    # HMAC of the normalised ID number: exact-match lookups without decrypting (PIPL Art. 51)
    id_index = models.CharField(max_length=64, blank=True, editable=False)
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    is_representative = models.BooleanField(_("代表"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    objects = PetitionerQuerySet.as_manager()

    class Meta:
        verbose_name = _("信访人")
        verbose_name_plural = _("信访人")
        ordering = ["order", "id"]
        indexes = [
            models.Index(fields=["phone_index"], name="petitioner_phone_index"),
            # the same name in the same area at intake (search.similar): newest first
            models.Index(fields=["name", "matter"], name="petitioner_name"),
            models.Index(
                fields=["id_index"],
                name="petitioner_id_index",
                condition=~models.Q(id_index=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.set_indexes()
        super().save(*args, **kwargs)

    def set_indexes(self) -> None:
        """The blind indexes of the phone and ID numbers, kept with every write."""
        self.phone_index = blind_index(normalise_phone(self.phone))
        self.id_index = id_index(self.id_number)


class MatterUnit(models.Model):
    """A unit's part in handling: lead (主办) or assisting (协办), XFGZ Art. 24."""

    LEAD = "lead"
    ASSIST = "assist"
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="handling_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=[(LEAD, _("主办")), (ASSIST, _("协办"))])
    active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["unit", "role", "active"], name="matterunit_unit_role")]

    def __str__(self) -> str:
        return f"{self.matter_id}:{self.unit_id}:{self.role}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.matter_id}/{instance.sha256[:16]}"


class Attachment(models.Model):
    """A scan or file. Stored under MEDIA_ROOT (outside the web root), served by a view."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """One entry of a matter's append-only history; the source of truth for the clock.

    Each row carries an HMAC-SHA256 of its content under the audit key, chained to the
    previous row of the same matter, so an edited or deleted row is detectable; the witness
    (``ops.witness``) anchors the newest row of each matter outside the database.
    """

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_citizen = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(default=True)  # shown to the petitioner
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["matter_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["matter", "seq"], name="event_matter_seq")]
        # Rates, reports and 回头看 select one action in a period; with the matter, counting
        # them and listing their matters needs no table read.
        indexes = [models.Index(fields=["action", "at", "matter"], name="event_action_at_matter")]

    def __str__(self) -> str:
        return f"{self.matter_id}#{self.seq} {self.action}"

    def compute_hash(self) -> str:
        """The keyed hash of this row chained to ``prev_hash`` (``cases.chain``)."""
        return event_hash(**event_fields(self))


class ReceiptCounter(models.Model):
    """Per registering unit and year, the last receipt serial handed out."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="receipt_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"
