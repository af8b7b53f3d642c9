"""The clause parser: the document's real structure, stable ids, exact text and offsets."""

from __future__ import annotations

import pytest

from assistant.corpus.clauses import parse_clauses
from assistant.corpus.model import PATH_SEPARATOR

EXPECTED_IDS = [
    "preamble", "一", "二", "二（一）", "1", "2", "3", "4", "二（二）", "5", "6", "7",
    "二（三）", "8", "9", "10", "三", "11", "12", "13", "14", "15", "16",
]


def test_document_structure(policy):
    assert [c.clause_id for c in policy.clauses] == EXPECTED_IDS
    kinds = [c.kind for c in policy.clauses]
    assert kinds.count("preamble") == 1
    assert kinds.count("section") == 3
    assert kinds.count("subsection") == 3
    assert kinds.count("item") == 16


def test_offsets_give_the_exact_text(policy):
    for c in policy.clauses:
        assert policy.text[c.start : c.end] == c.text
        assert c.text == c.text.strip()


def test_sections_and_subsections_have_titles(policy):
    assert [policy.clause(i).title for i in ("一", "二", "三")] == ["支持对象", "支持范围及标准", "附则"]
    assert policy.clause("二（二）").title == "支持工业互联网服务能力建设"
    assert policy.clause("二（二）").parent_id == "二"


def test_item_five_title_path_and_both_paragraphs(policy):
    five = policy.clause("5")
    assert five.title == "推广工业互联网创新应用及标杆建设"
    assert five.label == "第5条"
    assert five.path_str == PATH_SEPARATOR.join(
        ["二、支持范围及标准", "（二）支持工业互联网服务能力建设", "5、推广工业互联网创新应用及标杆建设"]
    )
    assert "形成具有嘉定区制造业特色的工业互联网创新应用示范" in five.text
    assert "国家级项目资助额度不超过1000万元" in five.text
    assert five.text.endswith("则就高执行。")


@pytest.mark.parametrize(
    ("clause_id", "title"),
    [("1", "支持企业“两化”深度融合"), ("8", "加强与大院大所合作"), ("10", "鼓励专业培训机构开展工业互联网相关培训"),
     ("13", "本政策中所有项目均采取先申报、后补助的方式")],
)
def test_item_short_titles(policy, clause_id, title):
    assert policy.clause(clause_id).title == title


def test_items_in_appendix_belong_to_section_three(policy):
    assert [c.clause_id for c in policy.children("三")] == ["11", "12", "13", "14", "15", "16"]
    assert policy.clause("16").text.startswith("16、本办法由嘉定区经济委员会负责解释")


def test_preamble_and_section_one_text(policy):
    assert policy.clause("preamble").text.startswith("为贯彻落实")
    assert policy.clause("一").text.startswith("一、支持对象\n专项资金的支持对象为实际经营")


ARTICLE_STYLE = """\
为规范本市某项专项资金管理，制定本办法。
第一章 总则
第一条 为了支持企业发展，制定本办法。
第二条 本办法适用于本市注册的企业。符合条件的，按第五条执行。
依照第三条规定申报的，不再重复支持。
第二章 支持标准
第三条 对符合条件的项目，按照以下标准给予支持：
（一）研发投入不超过500万元的，按20%给予补助；
（二）研发投入超过500万元的，补助不超过100万元。
第四条 申报材料包括：
1. 申请表；
2. 营业执照复印件。
第五条 本办法自2024年1月1日起施行，有效期至2026年12月31日。
"""


def test_article_style_policy_structure():
    clauses = parse_clauses("article-style", ARTICLE_STYLE)
    ids = [c.clause_id for c in clauses]
    assert ids == [
        "preamble", "第一章", "1", "2", "第二章", "3", "3（一）", "3（二）", "4", "4-1", "4-2", "5",
    ]
    by_id = {c.clause_id: c for c in clauses}
    assert by_id["2"].label == "第二条"
    assert by_id["3"].parent_id == "第二章"
    assert by_id["3（一）"].parent_id == "3"
    # A cross-reference inside a body, even at a line start, is not a heading.
    assert "依照第三条规定申报的" in by_id["2"].text
    assert "按第五条执行" in by_id["2"].text
    assert by_id["5"].text.endswith("有效期至2026年12月31日。")
    for c in clauses:
        assert ARTICLE_STYLE[c.start : c.end] == c.text


def test_numbers_inside_text_are_not_headings():
    text = "一、总则\n1、金额为1.2亿元的项目。\n1.5倍以上的不予支持。\n2、其他。\n"
    clauses = parse_clauses("p", text)
    assert [c.clause_id for c in clauses] == ["一", "1", "2"]
    assert "1.5倍以上的不予支持。" in clauses[1].text


RESTARTED = "一、总则\n1. 适用范围。\n2. 定义。\n二、支持标准\n1. 研发补贴。\n2. 人才奖励。\n3. 平台建设。\n"


def test_resolve_in_a_text_whose_item_numbers_restart():
    from assistant.corpus.labels import resolve_clause

    clauses = parse_clauses("restart", RESTARTED)
    assert [c.clause_id for c in clauses if c.kind == "item"] == ["一-1", "一-2", "二-1", "二-2", "二-3"]
    found = resolve_clause(clauses, "第3项")
    assert found is not None and found.clause_id == "二-3"
    assert resolve_clause(clauses, "第1项") is None  # two items 1: ask, do not guess
    assert resolve_clause(clauses, "二") is not None and resolve_clause(clauses, "支持标准").clause_id == "二"
