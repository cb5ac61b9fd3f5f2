"""The default topic catalogue (procedure.md §1); administrators edit it in the admin."""

from __future__ import annotations

from .models import Topic

DEFAULT_TOPICS = [
    ("LD", "劳动社保"),
    ("ZD", "征地拆迁"),
    ("ZJ", "住房城建"),
    ("YL", "医疗卫生"),
    ("JY", "教育"),
    ("HB", "环境保护"),
    ("NC", "农村农业"),
    ("JT", "交通运输"),
    ("ZF", "政法"),
    ("JJ", "纪检监察"),
    ("SC", "市场监管"),
    ("QT", "其他"),
]


def ensure_default_topics() -> None:
    """Create the default topics that are missing (an emptied database, a fresh tenant)."""
    for i, (code, name) in enumerate(DEFAULT_TOPICS):
        Topic.objects.get_or_create(code=code, defaults={"name": name, "order": i * 10})
