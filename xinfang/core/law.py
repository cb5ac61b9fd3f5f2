"""The local hotline regulation a deployment cites beside the 信访工作条例 (a 12345 hotline
regulation of its city or province), named by setting ``XINFANG["HOTLINE_REGULATION"]``:
its name, the abbreviation English citations use, and the article that governs each step
the system takes from it. A deployment without one cites nothing for those steps."""

from __future__ import annotations

from django.conf import settings

# The steps that follow a local hotline regulation rather than the national one.
STEPS = ("on_the_spot", "emergency", "routing", "return_visit", "ranking")


def _regulation() -> dict[str, object]:
    return dict(settings.XINFANG.get("HOTLINE_REGULATION") or {})


def name() -> str:
    return str(_regulation().get("name") or "")


def short() -> str:
    return str(_regulation().get("short") or "")


def cite(step: str) -> str:
    """The local regulation's article for ``step`` (e.g. 北京市接诉即办工作条例第十一条), or ""
    when the deployment names no regulation or no article for it."""
    reg = _regulation()
    articles = reg.get("articles") or {}
    assert isinstance(articles, dict)
    article = str(articles.get(step) or "")
    return f"{reg.get('name')}{article}" if reg.get("name") and article else ""
