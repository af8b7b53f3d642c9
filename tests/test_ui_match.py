"""政策匹配 tab without a browser: the profile form comes from the rules data, and for the same facts it gives
the chat's result (both call match_policy)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from assistant.evals.dataset import load_cases
from assistant.logstore import LogStore
from assistant.rules import load_all_rules
from assistant.ui import matching
from assistant.ui.forms import NO, YES
from assistant.ui.services import Services
from tests.fixtures_dialogue import IN_FORCE


def _services(assistant: Any, settings: Any, tmp_path: Any) -> Services:
    s = replace(settings, home=tmp_path)
    return Services(s, assistant.corpus, dict(assistant.rules), assistant, assistant.retriever, LogStore(s.db_path))


@pytest.fixture
def services(fast_assistant, settings, tmp_path) -> Services:  # noqa: ANN001
    return _services(fast_assistant, settings, tmp_path)


def _form_value(spec: Any, value: Any) -> Any:
    """What a user would put in the field for a fact value (the form's own representation)."""
    if value is None:
        return None
    if spec.type == "bool":
        return YES if value else NO
    if spec.type == "money_list":
        return "、".join(str(v) for v in value)
    return str(value)


def _values(forms: list[matching.PolicyForm], profiles: dict[str, dict[str, Any]]) -> list[Any]:
    return [_form_value(s, profiles.get(f.policy_id, {}).get(s.name)) for f in forms for s in f.specs]


def test_the_form_comes_from_the_rules_data_and_asks_each_fact_once(fixture_corpus) -> None:  # noqa: ANN001
    all_rules = dict(load_all_rules(fixture_corpus))
    for policy in fixture_corpus:
        if policy.policy_id not in all_rules:
            continue
        rules = all_rules[policy.policy_id]
        form = matching.profile_sections(policy, rules, IN_FORCE)
        names = [s.name for s in form.specs]
        assert len(names) == len(set(names))  # asked once, even when several items read it
        assert [s.name for s in form.general] == [f.name for f in rules.general_facts()]  # first, once
        needed = {f.name for f in rules.general_facts()} | {
            f.name for i in rules.items for f in rules.facts_for(i.id)}
        assert set(names) <= needed  # nothing no condition or formula reads
        own = {c.fact for i in rules.items for c in i.conditions} | {
            f.name for i in rules.items for f in rules.amount_facts(i.id) if f.required}
        assert own <= set(names)  # every item's own conditions and required figures are asked
        assert [b.item_id for b in form.items] == [i.id for i in rules.items]
        assert all(not s.required for s in form.optional)


def test_jiading_form_groups_general_conditions_then_items(policy, fast_assistant) -> None:  # noqa: ANN001
    form = matching.profile_sections(policy, fast_assistant.rules[policy.policy_id], IN_FORCE)
    assert form.general_heading == "基本条件（一、支持对象、第14条）"
    assert {"registered_in_jiading", "tax_registered_in_jiading", "operating_in_jiading", "legal_entity",
            "good_credit"} <= {s.name for s in form.general}
    five = next(b for b in form.items if b.item_id == "5")
    assert five.heading.startswith("第5条") and "区级200万元、市级500万元、国家级1000万元" in five.heading
    assert [s.name for s in five.conditions] == ["level"] and [s.name for s in five.amounts] == ["invested_yuan"]
    assert "upper_subsidy_yuan" in {s.name for s in form.optional}


MATCH_CASES = [c for c in load_cases() if c.category == "match" and c.question]


@pytest.mark.parametrize("case", MATCH_CASES[:12], ids=lambda c: c.id)
def test_the_tab_gives_the_chats_result_for_the_same_facts(case, services, fast_assistant) -> None:  # noqa: ANN001
    as_of = case.as_of or IN_FORCE
    conversation = fast_assistant.new_conversation(as_of)
    reply = conversation.ask(case.question)
    if reply.matches is None or (conversation.state.goal and conversation.state.goal.same_project):
        pytest.skip("not a match answer on separate projects")
    forms = matching.profile_forms(services, as_of)
    profiles = {f.policy_id: conversation.state.profile(f.policy_id) for f in forms}
    results, problems = matching.run_match(services, forms, as_of, _values(forms, profiles))
    assert problems == []
    tab = {(m.policy_id, m.item_id): (m.status, m.amount_yuan) for pm in results for m in pm.items}
    chat = {(m["policy_id"], m["item_id"]): (m["status"], m["amount_yuan"]) for m in reply.matches}
    assert tab == chat


def test_cards_are_sorted_by_figure_and_the_failures_folded(services) -> None:  # noqa: ANN001
    forms = matching.profile_forms(services, IN_FORCE)
    form = forms[0]
    answers = {"registered_in_jiading": YES, "smart_factory_awarded": YES, "investment_yuan": "500万",
               "two_integration_certified": YES, "secondary_node_operating": YES, "listed": NO}
    values = [answers.get(s.name) for s in form.specs]
    html, *shown = matching.make_match(services, forms)(IN_FORCE.isoformat(), *values)
    figures = [int(x) for x in re.findall(r'<div class="pqa-card-figure">[^<]*<b>(\d+)万元</b>', html)]
    assert figures == [200, 150, 20]  # 第6条 200, 第1条 150 (500×30%), 第2条 20
    assert html.index("符合 3 项") < html.index("按规则合计最高") and "370万元" in html
    folded = html[html.index("<summary>不符合（1项）"):]
    assert "第3条" in folded and "实现股改上市挂牌" in folded
    assert html.index('<div class="pqa-sec-title">符合</div>') < html.index("<summary>不符合")
    blocks = [b for b in form.items]
    visible = {b.item_id: u["visible"] for b, u in zip(blocks, shown, strict=True)}
    assert visible["1"] is True and visible["3"] is False  # 第3条 fails its own condition: no amount fields
    assert visible["5"] is False  # nothing said about 第5条 yet


def test_a_wrong_amount_is_a_chinese_message(services) -> None:  # noqa: ANN001
    forms = matching.profile_forms(services, IN_FORCE)
    values = [("很多钱" if s.name == "investment_yuan" else None) for s in forms[0].specs]
    html, *_ = matching.make_match(services, forms)(IN_FORCE.isoformat(), *values)
    assert "请检查输入" in html and "无法识别金额" in html


def test_several_policies_each_card_names_its_policy(multi_assistant, settings, tmp_path) -> None:  # noqa: ANN001
    services = _services(multi_assistant, settings, tmp_path)
    forms = matching.profile_forms(services, IN_FORCE)
    assert len(forms) >= 2
    html, *_ = matching.make_match(services, forms)(IN_FORCE.isoformat(), *[None] * sum(len(f.specs) for f in forms))
    assert html.count("pqa-validity") >= 1  # the fixture policies are not in force on this date: one line each
    assert "《" in html
