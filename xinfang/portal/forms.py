"""Forms of the citizen portal: they parse and check input; the services write.

Error messages are in the reader's language (Chinese, or English when chosen), in the
office's own words: the length of a long text is said in characters of that text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xinfang.actions.registration import MAX_REPRESENTATIVES
from xinfang.cases.models import Category, Rating, Topic
from xinfang.core.crypto import normalise_phone
from xinfang.org.models import Level, Unit, UnitKind

# One line for each category, so a citizen can choose without knowing the regulation.
CATEGORY_HELP = {
    Category.SUGGESTION: _("对政府工作提出建议、意见（第二十九条）"),
    Category.REPORT: _("检举、控告公职人员或单位的违法失职行为（第三十条），您的身份将严格保密"),
    Category.CLAIM: _("对涉及自身权益的具体问题提出申诉，要求解决（第三十一条）"),
}
EXTRA_REPS = [f"rep{i}" for i in range(2, MAX_REPRESENTATIVES + 1)]  # the submitter is #1
TEXT_MAX = 5000


def organs() -> QuerySet[Unit]:
    """Organs that take matters online: letters-and-visits offices, governments and their
    departments (XFGZ Art. 17). Discipline and political-legal organs have own channels."""
    return Unit.objects.filter(
        is_active=True,
        kind__in=[UnitKind.XINFANG_OFFICE, UnitKind.GOVERNMENT, UnitKind.DEPARTMENT],
    ).order_by("path")


def areas() -> QuerySet[Unit]:
    """Places a matter can concern: the territorial units of the tree (属地管理)."""
    return Unit.objects.filter(
        is_active=True,
        kind__in=[UnitKind.GOVERNMENT, UnitKind.COMMITTEE],
        level__in=[Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE],
    ).order_by("path")


def place_name(unit: Unit) -> str:
    """A place, not an organ: 青山县城关镇 rather than 青山县城关镇人民政府, 桃园村 for both
    桃园村民委员会 and 桃园村村民委员会 (never 桃园村村)."""
    name = unit.name
    for suffix, short in (("人民政府", ""), ("村民委员会", "村"), ("居民委员会", "社区")):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem if short and stem.endswith(short) else stem + short
    return name


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return place_name(obj)


def organ_groups(units: Iterable[Unit]) -> list[tuple[Any, list[tuple[int, str]]]]:
    """The organs of the picker under their kind: letters-and-visits offices first, then
    governments, then their departments, each in tree order."""
    order = [UnitKind.XINFANG_OFFICE, UnitKind.GOVERNMENT, UnitKind.DEPARTMENT]
    groups: dict[str, list[tuple[int, str]]] = {k: [] for k in order}
    for u in units:
        groups.setdefault(u.kind, []).append((u.pk, u.name))
    return [(UnitKind(k).label, rows) for k, rows in groups.items() if rows]


def place_groups(units: Iterable[Unit]) -> list[tuple[Any, list[tuple[int, str]]]]:
    """The places of the picker: cities, counties and townships under one heading, and the
    villages under their township ("城关镇" → 桃园村, 新村 …), so two villages of the same
    name in different townships can be told apart."""
    towns: list[tuple[int, str]] = []
    villages: dict[int, list[tuple[int, str]]] = {}
    names: dict[int, str] = {}
    for u in units:
        names[u.pk] = place_name(u)
        if u.level == Level.VILLAGE and u.parent_id is not None:
            villages.setdefault(u.parent_id, []).append((u.pk, place_name(u)))
        else:
            towns.append((u.pk, names[u.pk]))
    out: list[tuple[Any, list[tuple[int, str]]]] = [(_("县、乡镇（街道）"), towns)] if towns else []
    for parent, rows in villages.items():
        out.append((names.get(parent) or _("村（社区）"), rows))
    return out


def _messages(label: Any, limit: int) -> dict[str, Any]:
    """A required field's messages: missing, and (``limit``) too long, counted in characters."""
    return {
        "required": format_lazy(_("请填写{label}"), label=label),
        "max_length": format_lazy(
            _("{label}最多{limit}字，请删减后再提交"), label=label, limit=limit
        ),
    }


def _longest(label: Any, limit: int) -> dict[str, Any]:
    return {"max_length": _messages(label, limit)["max_length"]}


def valid_phone(value: str) -> None:
    """7–15 digits after removing spaces and dashes: mobiles and landlines with area code."""
    digits = normalise_phone(value).lstrip("+")
    if not (7 <= len(digits) <= 15 and digits.isdigit()):
        raise forms.ValidationError(_("请填写正确的手机或固定电话号码"))


class SubmissionForm(forms.Form):
    """One online matter (XFGZ Arts. 17–20): organ, category, topic, place, the request,
    contact details; a collective submission with its head-count and ≤5 representatives."""

    organ = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择受理机关"), "invalid_choice": _("请选择受理机关")},
    )
    category = forms.ChoiceField(
        choices=Category.choices,
        initial=Category.CLAIM,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择事项性质")},
    )
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.filter(is_active=True), required=False, empty_label=_("请选择")
    )
    area = AreaChoiceField(queryset=Unit.objects.none(), required=False, empty_label=_("请选择"))
    # XFGZ Art. 30: whom a report accuses, so that it never reaches that unit or one under it.
    accused = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, empty_label=_("不清楚或不涉及单位")
    )
    title = forms.CharField(max_length=120, error_messages=_messages(_("事项摘要"), 120))
    content = forms.CharField(
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_messages(_("您的诉求"), TEXT_MAX),
    )
    facts = forms.CharField(
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        error_messages=_longest(_("事实和理由"), TEXT_MAX),
    )
    name = forms.CharField(
        max_length=100,
        error_messages=_messages(_("姓名"), 100),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        max_length=40,
        validators=[valid_phone],
        error_messages=_messages(_("联系电话"), 40),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(
        max_length=200,
        required=False,
        error_messages=_longest(_("地址"), 200),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    is_collective = forms.BooleanField(required=False)
    headcount = forms.IntegerField(
        min_value=1,
        max_value=100000,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("人数请填写数字")},
    )
    rep2 = forms.CharField(max_length=100, required=False)
    rep3 = forms.CharField(max_length=100, required=False)
    rep4 = forms.CharField(max_length=100, required=False)
    rep5 = forms.CharField(max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organ"].queryset = organs()  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas()  # type: ignore[attr-defined]
        # grouped for display; what is accepted is still each field's queryset
        for name, groups in (("organ", organ_groups(organs())), ("area", place_groups(areas()))):
            field = self.fields[name]
            blank = [("", field.empty_label or "---------")]  # type: ignore[attr-defined]
            field.choices = blank + groups  # type: ignore[attr-defined]
            field.widget.attrs["data-filter"] = ""
        self.fields["accused"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("path")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("category") != Category.REPORT:
            data["accused"] = None
        if data.get("is_collective"):
            reps = [data.get(r, "").strip() for r in EXTRA_REPS]
            data["representatives"] = [r for r in reps if r]
            head = data.get("headcount") or 0
            if head < 2 or head < 1 + len(data["representatives"]):
                self.add_error("headcount", _("多人联名反映的，人数应不少于2人且不少于代表人数"))
        else:
            data["representatives"] = []
            data["headcount"] = 1
        return data

    def carry(self) -> list[tuple[str, str]]:
        """The raw input, to carry through the confirmation step in hidden fields."""
        return [(k, str(self.data.get(k, ""))) for k in self.fields if self.data.get(k)]

    def representatives_display(self) -> str:
        return "、".join([self.cleaned_data["name"], *self.cleaned_data["representatives"]])

    def category_help(self) -> list[tuple[str, str, str]]:
        return [(c.value, str(c.label), str(CATEGORY_HELP[c])) for c in Category]


class RatingForm(forms.Form):
    """XFGZ Art. 21: the petitioner evaluates the handling."""

    rating = forms.ChoiceField(
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择评价")},
    )
    comment = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea,
        error_messages=_longest(_("评价理由"), 500),
    )


class LookupForm(forms.Form):
    receipt_no = forms.CharField(max_length=40)
    secret = forms.CharField(max_length=40)


class BookingForm(forms.Form):
    name = forms.CharField(max_length=50)
    phone = forms.CharField(max_length=40)
    description = forms.CharField(max_length=500, widget=forms.Textarea)
