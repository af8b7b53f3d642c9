"""HTML helpers, calculator forms from the rules data and the standard reply — without a browser."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from assistant.dialogue.reply import Citation, Reply
from assistant.rules import calculate, load_rules
from assistant.ui import render
from assistant.ui.forms import facts_from_form, field_of, fields_of
from assistant.ui.standard_reply import standard_reply

SCRIPT = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@pytest.fixture(scope="module")
def rules(policy):  # noqa: ANN001 - fixture
    return load_rules(policy)


def test_user_text_is_escaped_everywhere(policy) -> None:  # noqa: ANN001
    assert "<script>" not in render.user_message_html(SCRIPT)
    assert "&lt;script&gt;" in render.user_message_html(SCRIPT)
    assert "<img" not in render.error_html(SCRIPT)
    reply = Reply(answer=SCRIPT, intent="lookup", as_of=date(2025, 6, 1),
                  citations=[Citation("p", "5", "第5条", SCRIPT, SCRIPT, SCRIPT)], validity_notice=SCRIPT)
    html = render.chat_answer_html(reply)
    assert "<script>" not in html and "<img" not in html
    assert html.count("&lt;script&gt;") == 5  # answer, banner, citation title, path, text
    assert 'onerror="' not in html


def test_highlight_escapes_then_marks() -> None:
    html = render.highlight("对建成二级节点<b>的</b>，给予二级节点资助", ["二级节点", "资助", "<b>"])
    assert html.count("<mark>二级节点</mark>") == 2
    assert "<mark>资助</mark>" in html
    assert "<b>" not in html and "<mark>&lt;b&gt;</mark>" in html


def test_reply_details_show_amount_trace_and_expandable_citations(policy, rules) -> None:  # noqa: ANN001
    result = calculate(rules, "5", {"level": "市级", "invested_yuan": 20_000_000}, date(2025, 6, 1))
    reply = Reply(answer="可获资助500万元", intent="award", as_of=date(2025, 6, 1),
                  citations=[Citation.of(policy.clause("5"))], amount_yuan=result.amount_yuan,
                  in_force=True, trace=list(result.trace))
    html = render.chat_answer_html(reply, {"5": "第5条"})
    assert "500万元" in html and "<table" in html and "<td>第5条</td>" in html
    assert '<details class="pqa-cite"' in html and "推广工业互联网创新应用及标杆建设" in html
    assert "pqa-banner" not in html
    expired = Reply(answer="…", intent="award", as_of=date(2026, 6, 1), validity_notice="本政策有效期至2025年12月31日")
    assert "pqa-banner" in render.chat_answer_html(expired)


def test_policy_tree_nests_sections_subsections_items(policy) -> None:  # noqa: ANN001
    html = render.policy_tree(policy, date(2025, 6, 1))
    for cid in ("一", "二", "二（一）", "5", "16"):
        assert f'data-clause="{cid}"' in html
    assert html.index('data-clause="二"') < html.index('data-clause="二（二）"') < html.index('data-clause="5"')
    assert "有效" in html


def test_forms_come_from_the_rules_data(rules) -> None:  # noqa: ANN001
    for item in rules.items:
        specs = fields_of(item, rules)
        assert [s.name for s in specs] == [f.name for f in rules.amount_facts(item.id)]
    specs = {s.name: s for s in fields_of(rules.item("5"), rules)}
    assert specs["level"].type == "choice" and specs["level"].options == ("区级", "市级", "国家级")
    assert specs["invested_yuan"].type == "money" and specs["invested_yuan"].required
    assert not specs["upper_subsidy_yuan"].required


def test_form_values_become_facts_or_clear_messages(rules) -> None:  # noqa: ANN001
    specs = fields_of(rules.item("5"), rules)
    values = {s.name: None for s in specs} | {"level": "市级", "invested_yuan": "2000万"}
    facts, problems = facts_from_form(specs, [values[s.name] for s in specs])
    assert problems == []
    assert facts["level"] == "市级" and facts["invested_yuan"] == 20_000_000
    assert calculate(rules, "5", facts, date(2025, 6, 1)).amount_yuan == 5_000_000
    bad = values | {"invested_yuan": "很多钱"}
    _, problems = facts_from_form(specs, [bad[s.name] for s in specs])
    assert len(problems) == 1 and "项目已投入金额" in problems[0] and "无法识别金额" in problems[0]
    count = field_of(rules.item("7").fact("served_enterprises_count"))
    assert facts_from_form([count], [12.0]) == ({"served_enterprises_count": 12}, [])
    _, problems = facts_from_form([count], [2.5])
    assert problems and "整数" in problems[0]


def test_no_per_item_ui_code() -> None:
    """The app builds every calculator form in one loop over the rules data: no item id in the UI code."""
    source = (Path(__file__).parents[1] / "assistant" / "ui" / "app.py").read_text(encoding="utf-8")
    literals = [n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    for name in ("invested_yuan", "investment_yuan", "level", "区级", "市级", "国家级"):
        assert name not in literals


def test_standard_reply_from_clause_and_rules(policy, rules) -> None:  # noqa: ANN001
    text = standard_reply(policy, policy.clause("5"), rules, as_of=date(2025, 6, 1))
    assert "第5条" in text and "区级项目资助额度不超过200万元" in text
    assert "【支持标准】" in text and "【有效期】" in text and "2025年12月31日" in text
    assert "不在有效期内" not in text
    later = standard_reply(policy, policy.clause("6"), rules, as_of=date(2026, 3, 1))
    assert "一次性资助200万元" in later and "不在有效期内" in later
    section = standard_reply(policy, policy.clause("二（一）"), rules, as_of=date(2025, 6, 1))
    assert "本部分包括" in section
