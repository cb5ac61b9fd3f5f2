"""Deployment checks (``xinfang check --deploy``): the keys that protect personal data.

Django's own deploy checks cover HTTPS, cookies and the secret key's strength; these add
what Xinfang derives from its keys (PIPL Art. 51): phone and ID numbers are encrypted with
``XINFANG_FIELD_KEYS`` and looked up by an HMAC keyed with ``XINFANG_INDEX_KEY``; the audit
chains are keyed with ``XINFANG_AUDIT_KEY``. Without them all would be derived from the
secret key, and the development secret key is public.
"""

from __future__ import annotations

import os
from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def keys_are_the_deployments_own(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY or not os.environ.get("XINFANG_SECRET_KEY"):
        errors.append(
            Error(
                "XINFANG_SECRET_KEY 未设置，正在使用源代码中公开的开发密钥",
                hint="设置至少 50 个随机字符的 XINFANG_SECRET_KEY（docs/security.md）",
                id="xinfang.E001",
            )
        )
    raw = [k.strip() for k in os.environ.get("XINFANG_FIELD_KEYS", "").split(",") if k.strip()]
    if not raw:
        errors.append(
            Error(
                "XINFANG_FIELD_KEYS 未设置：电话和身份证号码的加密密钥将由 SECRET_KEY 推导",
                hint="用 Fernet.generate_key() 生成密钥，设置 XINFANG_FIELD_KEYS"
                "（docs/security.md）",
                id="xinfang.E002",
            )
        )
    for k in raw:
        try:
            Fernet(k.encode())
        except ValueError:
            errors.append(
                Error(
                    "XINFANG_FIELD_KEYS 中有无效的密钥"
                    "（须为 Fernet 密钥：32 字节的 URL 安全 Base64）",
                    id="xinfang.E003",
                )
            )
            break
    if len(os.environ.get("XINFANG_INDEX_KEY", "").strip()) < 32:
        errors.append(
            Error(
                "XINFANG_INDEX_KEY 未设置或短于 32 个字符：盲索引密钥将由 SECRET_KEY 推导",
                hint="设置至少 32 个随机字符的 XINFANG_INDEX_KEY（docs/security.md）",
                id="xinfang.E004",
            )
        )
    if len(os.environ.get("XINFANG_AUDIT_KEY", "").strip()) < 32:
        errors.append(
            Error(
                "XINFANG_AUDIT_KEY 未设置或短于 32 个字符：审计哈希链的密钥将由 SECRET_KEY 推导",
                hint="设置至少 32 个随机字符的 XINFANG_AUDIT_KEY（docs/security.md）",
                id="xinfang.E006",
            )
        )
    if os.environ.get("XINFANG_ALLOW_DEV_KEYS") == "1":
        errors.append(
            Error(
                "XINFANG_ALLOW_DEV_KEYS=1 只用于基准测试的临时数据，不得用于生产",
                id="xinfang.E005",
            )
        )
    return errors
