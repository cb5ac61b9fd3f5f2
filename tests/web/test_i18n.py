"""The English catalogue covers the core's tables, and citations read in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from xinfang.actions.effects import (
    CONTACT_METHODS,
    EMERGENCY_LINES,
    REDIRECT_CHANNELS,
    SERVICE_METHODS,
    SUPERVISION_LEVELS,
)
from xinfang.actions.workflow import LABELS
from xinfang.core.masks import HIDDEN
from xinfang.deadlines.clock import LABELS as DEADLINE_LABELS
from xinfang.web import present, vocab

CORE_STRINGS = sorted(
    {
        *LABELS.values(),
        *(label for label, _ in DEADLINE_LABELS.values()),
        *REDIRECT_CHANNELS.values(),
        *EMERGENCY_LINES.values(),
        *CONTACT_METHODS.values(),
        *SUPERVISION_LEVELS.values(),
        *SERVICE_METHODS.values(),
        HIDDEN,
    }
)


def test_vocab_lists_every_core_label() -> None:
    listed = {*vocab.ACTION_LABELS, *vocab.DEADLINE_LABELS, *vocab.CHOICE_LABELS}
    assert set(CORE_STRINGS) <= listed, set(CORE_STRINGS) - listed


@pytest.mark.parametrize("zh", CORE_STRINGS)
def test_core_label_has_english(zh: str) -> None:
    with translation.override("en"):
        en = translation.gettext(zh)
    assert (en != zh and en.isascii()) or "“" in en, (zh, en)


def test_compiled_catalogue_is_current() -> None:
    here = Path(present.__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES"
    assert (here / "django.mo").stat().st_mtime >= (here / "django.po").stat().st_mtime - 1


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("信访工作条例第三十四条", "XFGZ Art. 34"),
        ("信访工作条例第二十三条第三款", "XFGZ Art. 23 para 3"),
        ("信访工作条例第十九条第三款、第三十六条第三款", "XFGZ Art. 19 para 3, Art. 36 para 3"),
        ("北京市接诉即办工作条例第十一条", "BJ Art. 11"),
        ("潍坊市12345条例第二十二条", "WF Art. 22"),
    ],
)
def test_cite(zh: str, en: str) -> None:
    assert present.cite(zh) == zh
    with translation.override("en"):
        assert present.cite(zh) == en


def test_dates_and_days() -> None:
    from datetime import date

    assert present.ymd(date(2026, 3, 5)) == "2026年3月5日"
    assert present.days_badge(3).text == "剩余 3 天" and present.days_badge(3).cls == "soon"
    assert present.days_badge(4).cls == "ok"
    assert present.days_badge(-2).text == "超期 2 天" and present.days_badge(-2).cls == "overdue"
    assert present.days_badge(0).text == "今日到期"
    with translation.override("en"):
        assert present.ymd(date(2026, 3, 5)) == "5 Mar 2026"
        assert present.days_badge(1).text == "1 day left"
        assert present.days_badge(-2).text == "2 days overdue"
