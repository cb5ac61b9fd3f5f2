"""Choice labels for list rows (``present.choice_label``): the queue shows 50 rows with a
status, a category and a kind each."""

from __future__ import annotations

from django import template

from xinfang.cases.models import Category, Kind, Status
from xinfang.web.present import choice_label

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    return choice_label(Status, value)


@register.filter
def category_label(value: str) -> str:
    return choice_label(Category, value)


@register.filter
def kind_label(value: str) -> str:
    return choice_label(Kind, value)
