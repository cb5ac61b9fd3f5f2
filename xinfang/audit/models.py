"""The access log: who read which matter's personal data, or exported what, when, from where
and why (PIPL Art. 51; scope.md principle 4). Append-only and hash-chained under the audit
key; the witness (``ops.witness``) anchors its head outside the database."""

from __future__ import annotations

import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import audit_mac


class AccessLog(models.Model):
    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    matter = models.ForeignKey(
        "cases.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(_("访问内容"), max_length=40)  # matter, attachment, notice, export…
    detail = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(_("用途"), max_length=100, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=10, default="web")  # web | api | portal
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["matter", "at"], name="access_matter"),
            models.Index(fields=["user", "at"], name="access_user"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.what} {self.matter_id}"

    @property
    def what_label(self) -> str:
        """What was accessed, in the auditors' words (``WHAT_LABELS``)."""
        return str(WHAT_LABELS.get(self.what, self.what))

    def hash_body(self) -> bytes:
        """The hashed text: every column but the hash, the previous row's hash included."""
        return json.dumps(
            [
                self.at.astimezone(UTC).isoformat(timespec="microseconds"),
                self.user_id,
                self.matter_id,
                self.what,
                self.detail,
                self.purpose,
                self.ip,
                self.channel,
                self.prev_hash,
            ],
            ensure_ascii=False,
        ).encode()

    def compute_hash(self) -> str:
        """HMAC-SHA256 under the audit key (not in the database), chained."""
        return audit_mac(self.hash_body())


class ChainHead(models.Model):
    """The hash of the newest access-log row (one row): a deleted tail is detectable."""

    name = models.CharField(max_length=20, unique=True)
    hash = models.CharField(max_length=64, blank=True)
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} {self.count}"


# What each access-log entry records, as the auditors read it (``AccessLog.what``).
WHAT_LABELS = {
    "matter": _("查看事项"),
    "unmask": _("显示完整号码"),
    "attachment": _("下载附件"),
    "notice": _("下载告知书"),
    "receipt": _("打印登记回执"),
    "export": _("导出报表"),
    "dossier": _("导出案卷"),
    "search": _("全文检索"),
    "similar": _("同一事项提示"),
    "petitioner_search": _("查询信访人"),
    "booking": _("查看接访预约"),
    "duty_log": _("查看值班日志"),
    "final_matters": _("复核终结提示"),
    "admin": _("系统管理查看"),
    "grant_role": _("授予角色"),
    "revoke_role": _("撤销角色"),
    "reset_password": _("重置密码"),
    "change_password": _("修改密码"),
    "reset_2fa": _("重置双因素认证"),
    "enrol_2fa": _("启用双因素认证"),
    "recovery_code": _("使用恢复码登录"),
    "revoke_token": _("吊销接口令牌"),
    "unlock_login": _("解除登录锁定"),
    "login_failed": _("登录失败"),
    "login_locked": _("登录锁定"),
    "lookup_locked": _("网上查询锁定"),
    "account_flag": _("账号标记"),
}
