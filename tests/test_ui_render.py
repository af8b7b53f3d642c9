"""Answers rendered from their structured parts, the hotline's pieces, calculator forms and results, and the
standard reply — without a browser."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from assistant.dialogue.reply import Citation, Reply
from assistant.rules import calculate, load_rules
from assistant.ui import render
from assistant.ui.calculator import calc_result_html
from assistant.ui.forms import facts_from_form, field_of, fields_of
from assistant.ui.standard_reply import standard_reply, standard_reply_parts
from tests.fixtures_dialogue import AFTER_EXPIRY, IN_FORCE

SCRIPT = '<script>alert(1)</script><img src=x onerror="alert(2)">'
UI = Path(__file__).parents[1] / "assistant" / "ui"


@pytest.fixture(scope="module")
def rules(policy):  # noqa: ANN001 - fixture
    return load_rules(policy)


def _shown(html: str) -> str:
    """The markup without the hidden plain-text copy."""
    return re.sub(r'<div class="pqa-plain" hidden>.*?</div>', "", html, flags=re.S)


def _visible(html: str) -> str:
    """The text a reader sees before opening anything: no hidden copy, no folded <details> bodies."""
    html = re.sub(r'<div class="pqa-plain" hidden>.*?</div>', "", html, flags=re.S)
    html = re.sub(r"<details[^>]*>\s*<summary>(.*?)</summary>.*?</details>", r"\1", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", html)


def test_user_text_is_escaped_everywhere(policy) -> None:  # noqa: ANN001
    assert "<script>" not in render.user_message_html(SCRIPT)
    assert "&lt;script&gt;" in render.user_message_html(SCRIPT)
    assert "<img" not in render.error_html(SCRIPT)
    parts = {"steps": [SCRIPT], "conditions": [SCRIPT], "details": [SCRIPT], "citation_line": "", "validity": SCRIPT}
    reply = Reply(answer=SCRIPT, intent="award", as_of=IN_FORCE, headline=SCRIPT, parts=parts, notes=[SCRIPT],
                  citations=[Citation("p", "5", "第5条", SCRIPT, SCRIPT, SCRIPT)],
                  note_citations=[Citation("p", "13", "第13条", SCRIPT, SCRIPT, SCRIPT)])
    html = render.chat_answer_html(reply)
    assert "<script>" not in html and "<img" not in html and 'onerror="' not in html
    plain = render.chat_answer_html(Reply(answer=SCRIPT, intent="clarify", as_of=IN_FORCE))
    assert "<script>" not in plain and "&lt;script&gt;" in plain


def test_highlight_escapes_then_marks() -> None:
    html = render.highlight("对建成二级节点<b>的</b>，给予二级节点资助", ["二级节点", "资助", "<b>"])
    assert html.count("<mark>二级节点</mark>") == 2
    assert "<mark>资助</mark>" in html
    assert "<b>" not in html and "<mark>&lt;b&gt;</mark>" in html


# -- answers from their parts ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def award_expired(fast_assistant):  # noqa: ANN001, ANN201
    return fast_assistant.ask("已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？", AFTER_EXPIRY)


def test_award_answer_headline_first_steps_once_one_validity_line(award_expired) -> None:  # noqa: ANN001
    reply = award_expired
    html = _shown(render.chat_answer_html(reply))
    shown = _visible(html)
    assert html.index("pqa-headline") < html.index("pqa-validity") < html.index("计算过程")
    assert '<p class="pqa-headline">按第1条，最高可获资助<strong>200万元</strong>。</p>' in html
    assert "<table" not in html  # the steps once, as a list: no table beside them
    assert html.count("<ol>") == 1 and html.count("240万元超过上限200万元") == 1
    assert shown.count("有效期至2025年12月31日") == 1  # one validity line, no banner repeating it
    assert "pqa-banner" not in html


def test_notes_fold_with_their_own_citations_and_primary_citations_are_cards(award_expired) -> None:  # noqa: ANN001
    reply = award_expired
    html = _shown(render.chat_answer_html(reply))
    folded = html[html.index('<details class="pqa-notes">'):]
    assert folded.startswith(f'<details class="pqa-notes"><summary>申报须知（{len(reply.notes)}条）</summary>')
    assert len(reply.notes) >= 3
    for note in reply.notes:
        assert render.esc(note) in folded
        assert render.esc(note) not in _visible(html)  # folded
    assert "出处" in folded and "<summary>第13条" in folded  # the notes' own citations, folded with them
    basis = html[html.index('<div class="pqa-basis">'):html.index("pqa-notes")]
    labels = re.findall(r"<summary>([^<]*)</summary>", basis)
    assert labels == [render.esc(c.display) for c in reply.citations]  # primary first, one card each
    assert labels[0].startswith("第1条") and len(labels) <= 3


def test_copy_text_is_the_plain_answer_with_its_as_of_date(fast_assistant) -> None:  # noqa: ANN001
    reply = fast_assistant.ask("已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？", IN_FORCE)
    html = render.chat_answer_html(reply)
    hidden = re.search(r'<div class="pqa-plain" hidden>(.*?)</div>', html, re.S)
    assert hidden and "<" not in hidden.group(1)
    assert render.answer_text(reply) == f"{reply.answer}\n测算日：2025年6月1日"
    assert hidden.group(1) == render.esc(render.answer_text(reply))
    assert "测算日：2025年6月1日" in _visible(html)  # the answer states the date it used
    assert "pqa-validity" not in html  # in force: no validity line at all


def test_a_repeated_validity_line_is_folded(award_expired) -> None:  # noqa: ANN001
    html = render.chat_answer_html(award_expired, repeated_validity=True)
    assert "不在有效期内（同上）" in _visible(html)
    assert "有效期至2025年12月31日" not in _visible(html) and "有效期至2025年12月31日" in html


def test_a_quoted_clause_is_not_printed_again(fast_assistant) -> None:  # noqa: ANN001
    reply = fast_assistant.ask("第5条怎么规定的", IN_FORCE)
    assert reply.intent == "lookup" and reply.answer.startswith("根据第5条：支持开展")
    html = _shown(render.chat_answer_html(reply))
    card = html[html.index('<details class="pqa-cite">'):]
    assert "支持开展基于5G" not in card  # the part the answer quotes is not in the card again
    assert "（前文已引）" in card and "若该项目已获得上级补助" in card  # the rest of the clause is


def test_a_rephrased_or_bare_answer_is_shown_as_written() -> None:
    reply = Reply(answer="第一行\n第二行", intent="clarify", as_of=IN_FORCE, headline="别的", parts={"steps": []})
    html = render.chat_answer_html(reply)
    assert "第一行<br>第二行" in html and "pqa-headline" not in html


def test_citations_name_their_policy_when_several(fast_assistant) -> None:  # noqa: ANN001
    reply = fast_assistant.ask("贯标通过了给多少？", IN_FORCE)
    html = render.chat_answer_html(reply, {"jiading-iiot-2024": "嘉定工业互联网"})
    assert "<summary>《嘉定工业互联网》第2条" in html


# -- hotline ----------------------------------------------------------------------------------------


def test_policy_tree_nests_and_prints_each_number_once(policy) -> None:  # noqa: ANN001
    html = render.policy_tree(policy, IN_FORCE)
    for cid in ("一", "二", "二（一）", "5", "16"):
        assert f'data-clause="{cid}"' in html
    assert html.index('data-clause="二"') < html.index('data-clause="二（二）"') < html.index('data-clause="5"')
    assert "有效" in html
    assert "<summary>第5条 推广工业互联网创新应用及标杆建设</summary>" in html
    assert "第5条 5、" not in html and ">5、推广" not in html  # the number once, not in the text again
    assert "<summary>一、支持对象</summary>" in html


def test_search_shows_only_relevant_hits_and_never_a_bare_heading(policy) -> None:  # noqa: ANN001
    from assistant.ui.hotline import relevant

    class Hit:
        def __init__(self, clause_id: str, score: float) -> None:
            self.clause, self.score = policy.clause(clause_id), score

    class Retriever:
        def __init__(self, answerable: bool) -> None:
            self.ok = answerable

        def answerable(self, hits: object) -> bool:
            return self.ok

    hits = [Hit("二", 1.2), Hit("6", 1.0), Hit("5", 0.6), Hit("7", 0.2), Hit("二（二）", 0.1)]
    assert [h.clause.clause_id for h in relevant(Retriever(True), hits)] == ["6", "5"]
    assert relevant(Retriever(False), hits) == []  # below the floor: nothing, not the six nearest
    html = render.search_results(relevant(Retriever(True), hits), "二级节点", as_of=IN_FORCE)
    assert len(re.findall(r'class="pqa-hit( pqa-hit-on)?"', html)) == 2 and 'data-key="jiading-iiot-2024:6"' in html
    assert 'role="button" tabindex="0"' in html  # a card is a button for keyboards and screen readers
    assert "共 2 条" in html


def test_standard_reply_follows_the_answer_structure_and_is_short(policy, rules) -> None:  # noqa: ANN001
    parts = standard_reply_parts(policy, policy.clause("6"), rules, as_of=IN_FORCE)
    assert parts.headline == "第6条 推进标识解析体系（二级节点）：可获200万元（一次性）。"
    assert parts.validity is None and parts.conditions == ["建成工业互联网标识解析二级节点并投入运营"]
    text = standard_reply(policy, policy.clause("6"), rules, as_of=IN_FORCE)
    assert text.splitlines()[0] == parts.headline and text.splitlines()[-1].startswith("依据：")
    assert "⚠" not in text and len(text) <= 260
    later = standard_reply(policy, policy.clause("6"), rules, as_of=AFTER_EXPIRY)
    assert later.splitlines()[1].startswith("⚠ ") and later.count("有效期至2025年12月31日") == 1
    five = standard_reply(policy, policy.clause("5"), rules, as_of=IN_FORCE)
    assert "最高可获区级200万元、市级500万元、国家级1000万元" in five.splitlines()[0]
    assert "“不超过”为资助上限" in five and "一、支持对象" in five  # the item's notes; the general clauses named
    section = standard_reply(policy, policy.clause("二（一）"), rules, as_of=IN_FORCE)
    assert section.startswith("（一）支持推进企业工业互联网建设包括：第1条 支持企业“两化”深度融合；")
    for cid in ("1", "5", "9", "13", "16", "一", "二"):  # read out in well under a minute
        assert len(standard_reply(policy, policy.clause(cid), rules, as_of=AFTER_EXPIRY)) <= 400


def test_standard_reply_never_prints_the_item_number_twice(policy, rules) -> None:  # noqa: ANN001
    for clause in policy.clauses:
        first = standard_reply(policy, clause, rules, as_of=IN_FORCE).splitlines()[0]
        assert not re.search(r"第(\d+)条 \1、", first), first


# -- calculator -------------------------------------------------------------------------------------


def test_forms_come_from_the_rules_data(rules) -> None:  # noqa: ANN001
    for item in rules.items:
        specs = fields_of(item, rules)
        assert [s.name for s in specs] == [f.name for f in rules.amount_facts(item.id)]
    specs = {s.name: s for s in fields_of(rules.item("5"), rules)}
    assert specs["level"].type == "choice" and specs["level"].options == ("区级", "市级", "国家级", "未认定")
    assert specs["invested_yuan"].type == "money" and specs["invested_yuan"].required
    assert not specs["upper_subsidy_yuan"].required


def test_form_values_become_facts_or_clear_messages(rules) -> None:  # noqa: ANN001
    specs = fields_of(rules.item("5"), rules)
    values = {s.name: None for s in specs} | {"level": "市级", "invested_yuan": "2000万"}
    facts, problems = facts_from_form(specs, [values[s.name] for s in specs])
    assert problems == []
    assert facts["level"] == "市级" and facts["invested_yuan"] == 20_000_000
    assert calculate(rules, "5", facts, IN_FORCE).amount_yuan == 5_000_000
    bad = values | {"invested_yuan": "很多钱"}
    _, problems = facts_from_form(specs, [bad[s.name] for s in specs])
    assert len(problems) == 1 and "项目已投入金额" in problems[0] and "无法识别金额" in problems[0]
    count = field_of(rules.fact_spec("7", "served_enterprises_count"))
    assert facts_from_form([count], [12.0]) == ({"served_enterprises_count": 12}, [])
    assert facts_from_form([count], ["12"]) == ({"served_enterprises_count": 12}, [])
    _, problems = facts_from_form([count], [2.5])
    assert problems and "整数" in problems[0]
    other = field_of(rules.facts["other_support_same_project_yuan"])
    assert facts_from_form([other], [None]) == ({"other_support_same_project_yuan": 0}, [])
    assert facts_from_form([other], [None], defaults=False) == ({}, [])  # not known, as in the chat


def test_calculator_result_none_option_validity_once_and_clause_column(policy, rules) -> None:  # noqa: ANN001
    from assistant.corpus import validity_notice
    from assistant.rules import check_eligibility

    facts = {"level": "未认定", "invested_yuan": 8_000_000}
    result = calculate(rules, "5", facts, AFTER_EXPIRY)
    failed = [r for r in check_eligibility(rules, "5", facts, AFTER_EXPIRY).reasons
              if r.clause == "5" and r.status == "not_met"]
    notice = validity_notice(policy.meta, AFTER_EXPIRY)
    html = calc_result_html(result, notice, failed)
    assert html.index("不符合") < html.index("测算金额")
    assert _visible(html).count("有效期至2025年12月31日") == 1
    assert "<td class='pqa-clause'>第5条</td>" in html
    css = (UI / "style.css").read_text(encoding="utf-8")
    assert re.search(r"td\.pqa-clause[^{]*\{[^}]*white-space: nowrap", css)  # "第5条" never wraps


def test_no_per_item_ui_code() -> None:
    """Every form is built in one loop over the rules data: no item, fact or option is named in the UI code."""
    app = [f"app/{path.name}" for path in sorted((UI / "app").glob("*.py"))]  # the app package: layout, tabs
    assert len(app) > 1
    for name in (*app, "calculator.py", "matching.py", "forms.py", "chat.py"):
        source = (UI / name).read_text(encoding="utf-8")
        literals = [n.value for n in ast.walk(ast.parse(source))
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        for word in ("invested_yuan", "investment_yuan", "level", "区级", "市级", "国家级", "未认定"):
            assert word not in literals, (name, word)


def test_dates_render_in_chinese(policy) -> None:  # noqa: ANN001
    from assistant.ui.datepicker import template, year_range

    html = template("测算日期", "", year_range([policy.meta.effective_from, policy.meta.valid_until], date(2026, 1, 1)))
    assert "年</option>" in html and "12月</option>" in html and "31日</option>" in html and "今天" in html
    assert not re.search(r"January|Today|Now|Done|Clear", html)
    header = render.policy_status(policy.meta, AFTER_EXPIRY)
    assert "已过期" in header and "有效期至2025年12月31日" in header
    assert "有效" in render.policy_status(policy.meta, IN_FORCE) and "已过期" not in render.policy_status(
        policy.meta, IN_FORCE)
