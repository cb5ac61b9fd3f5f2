"""Written notices to petitioners (an immutable snapshot per event, editable templates) and
messages to staff in their inbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    FORWARDED = "forwarded", _("转送告知书")
    RECEIPT = "receipt", _("受理告知书")
    REDIRECT = "redirect", _("告知书（其他法定途径）")
    NOT_ACCEPTED = "not_accepted", _("不予受理告知书")
    EXTENSION = "extension", _("延期办理告知书")
    OPINION = "opinion", _("信访事项处理意见书")
    REVIEW_OPINION = "review_opinion", _("信访事项复查意见书")
    REEXAM_OPINION = "reexam_opinion", _("信访事项复核意见书")
    REPEAT = "repeat", _("重复信访事项告知书")
    MERGED = "merged", _("并案办理告知书")
    SPLIT = "split", _("解除并案办理告知书")


class NoticeTemplate(models.Model):
    """The administrator's wording for one kind of notice (Django template syntax).

    Paragraphs are separated by blank lines. ``version`` rises on every save so that a
    rendered file cached for an older wording is never served for a newer one — issued
    notices keep the text they were issued with (``Notice.context['paragraphs']``).
    """

    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices, unique=True)
    title = models.CharField(_("标题"), max_length=60)
    body = models.TextField(_("正文模板"))
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            self.version += 1
        super().save(*args, **kwargs)


class Notice(models.Model):
    """A notice as issued: the text is fixed at issue time and never re-rendered from the
    matter, so later edits of the matter or the template do not change it."""

    matter = models.ForeignKey("cases.Matter", on_delete=models.PROTECT, related_name="notices")
    event = models.OneToOneField("cases.Event", on_delete=models.PROTECT, related_name="notice")
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    title = models.CharField(_("标题"), max_length=60)
    number = models.CharField(_("文号"), max_length=60, unique=True)
    organ = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("出具时间"))
    context = models.JSONField(default=dict)
    template_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("告知文书")
        verbose_name_plural = _("告知文书")
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class NoticeSerial(models.Model):
    """Per issuing organ, year and kind of notice, the last serial handed out: a notice's
    number is the organ's code, the year and this serial (GB/T 9704-2012 §7.2.4)."""

    organ = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organ", "year", "kind"], name="notice_serial_key")
        ]

    def __str__(self) -> str:
        return f"{self.organ_id}/{self.year}/{self.kind}: {self.last}"


class Level(models.TextChoices):
    WARNING = "warning", _("临期预警")
    OVERDUE = "overdue", _("超期")
    SUPERVISION = "supervision", _("督办")
    ESCALATION = "escalation", _("督办升级")
    EXTENSION = "extension", _("延期申请")
    OPINION = "opinion", _("处理意见待审批")
    REPLY = "reply", _("督办回复")


class Notification(models.Model):
    """A message to one staff member about one matter (shown in their inbox): written by
    ``notices.staff`` for the events that owe one, and by the sweep for deadlines."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    matter = models.ForeignKey("cases.Matter", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=12, choices=Level.choices)
    key = models.CharField(max_length=80)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "supervision_notification"  # created there; moved here with its rows
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "matter", "key"], name="notification_once")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.text
