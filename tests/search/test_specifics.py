"""Extraction and comparison of a complaint's specifics (general cues, no name lists)."""

from __future__ import annotations

import pytest

from xinfang.search.specifics import compare, extract


def kinds(text: str) -> dict[str, set[str]]:
    return {k: set(v) for k, v in extract(text).items.items()}


def test_names_by_suffix_cut_at_function_words():
    got = kinds("本人在城关镇安置房工地务工，宏达建筑公司拖欠我们12名工人工资共计30万元。")
    assert got == {
        "area": {"城关镇"},
        "site": {"安置房工地"},
        "org": {"宏达建筑公司"},
        "count": {"12"},
        "money": {"300000"},
    }


def test_one_name_in_two_pieces_and_ordinary_words_are_not_names():
    assert kinds("绿城物业分公司物业费每平米2元") == {"org": {"绿城物业分公司"}, "money": {"2"}}
    # 办法, 村民, 路灯 and a bare 物业公司 name nothing
    assert kinds("请尽快拿出解决办法，村民反映路灯不亮，要求物业公司整改。") == {}


def test_figures_fold_to_one_unit():
    assert kinds("每月5百元") == {"money": {"500"}}
    assert kinds("2.5万元") == {"money": {"25000"}}
    assert kinds("19户居民，家中3口人，凌晨2点，2024年3月") == {
        "households": {"19"},
        "count": {"3"},
        "hour": {"2"},
        "date": {"2024年", "3月"},
    }


@pytest.mark.parametrize(
    ("a", "b", "agree", "differ"),
    [
        # the same company, a slip of the pen in one telling
        ("安居物业服务公司涨价到3元", "安居务业服务公司涨价到3元", ["money", "org"], []),
        # another company of the same trade
        ("嘉禾物业服务公司涨价", "康桥物业服务公司涨价", [], ["org"]),
        # the same party, another amount
        ("宏达建筑公司欠薪30万元", "宏达建筑公司欠薪45万元", ["org"], ["money"]),
        # the short form of the same name
        ("宏达公司欠薪", "宏达建筑公司欠薪", ["org"], []),
        ("宏达建筑公司欠薪", "华鑫建筑公司欠薪", [], ["org"]),
        # dates only ever confirm
        ("2023年起漏水", "2024年起漏水", [], []),
        # different villages' groups
        ("三组低保", "五组低保", [], ["village"]),
    ],
)
def test_compare(a, b, agree, differ):
    c = compare(extract(a), extract(b))
    assert c.agree_kinds == agree and c.differ_kinds == differ


def test_contained_name_agrees():
    c = compare(extract("宏达建筑公司"), extract("反映宏达建筑公司欠薪"))
    assert c.agree_kinds == ["org"] and c.agree == ["宏达建筑公司"]
