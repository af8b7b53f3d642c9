"""The rules data itself (after policyengine-us ``test_parameter_yaml_keys.py``): every rule names a
clause that exists in the parsed corpus, and every number in the data is written in that clause."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.corpus import Policy
from assistant.errors import DataError
from assistant.rules import PolicyRules, load_rules, load_rules_file
from assistant.rules.model import RULES_FILE, parse_rules
from assistant.rules.money import format_yuan

RULES_PATH = Path(__file__).resolve().parent.parent / "corpus" / "jiading-iiot-2024" / RULES_FILE


def _norm(text: str) -> str:
    """Compare text regardless of full-/half-width punctuation and whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _as_written(kind: str, value: Any) -> str:
    """How the policy writes a number: '30%' for a rate, '200万' for 2000000 yuan."""
    return str(value) if kind == "rate" else format_yuan(value).removesuffix("元")


def test_items_cover_every_award_clause(rules: PolicyRules, policy: Policy) -> None:
    award_clauses = [
        c.clause_id
        for c in policy.clauses
        if c.kind == "item" and c.parent_id and c.parent_id.startswith("二")
    ]
    assert [item.clause for item in rules.items] == award_clauses == [str(n) for n in range(1, 11)]


def test_every_clause_id_exists(rules: PolicyRules, policy: Policy) -> None:
    clause_ids = [item.clause for item in rules.items]
    clause_ids += [rules.applicant.clause, rules.disqualification.clause, rules.case_by_case.clause]
    clause_ids += [
        rules.no_duplication.clause,
        rules.validity.clause,
        *(n.clause for n in rules.general_notes),
    ]
    for cid in clause_ids:
        assert policy.has_clause(cid), cid


@pytest.mark.parametrize("item_id", [str(n) for n in range(1, 11)])
def test_every_number_appears_literally_in_its_clause(
    rules: PolicyRules, policy: Policy, item_id: str
) -> None:
    item = rules.item(item_id)
    text = _norm(policy.clause(item.clause).text)
    numbers = item.numbers()
    assert numbers, f"item {item_id} has no number"
    for kind, value in numbers:
        assert _norm(_as_written(kind, value)) in text, (kind, value)


def test_every_quote_is_the_clauses_own_words(rules: PolicyRules, policy: Policy) -> None:
    def check(clause: str, quote: str) -> None:
        assert _norm(quote) in _norm(policy.clause(clause).text), (clause, quote)

    for item in rules.items:
        for part in (item.rate, item.ceiling, item.amount, item.upper_subsidy, item.stacks_with):
            if part is not None:
                check(item.clause, part.quote)
        if item.base is not None:
            check(item.clause, item.base.text)
            for ex in item.base.exclude:
                check(item.clause, ex.quote)
    for group in (
        rules.applicant,
        rules.disqualification,
        rules.case_by_case,
        rules.no_duplication,
        rules.validity,
    ):
        check(group.clause, group.quote)


def test_bases_in_the_policys_own_words(rules: PolicyRules) -> None:
    bases = {item.id: item.base.text for item in rules.items if item.base}
    assert bases == {
        "1": "项目实际投资",
        "5": "项目已投入金额",
        "7": "实际发生服务金额",
        "8": "平台建设（不含土建）总投入",
        "9": "专项审计确认费用",
    }


def test_kinds_and_ceilings(rules: PolicyRules) -> None:
    kinds = {item.id: item.kind for item in rules.items}
    assert kinds == {
        "1": "ratio_with_ceiling",
        "2": "fixed",
        "3": "fixed",
        "4": "fixed",
        "5": "ratio_with_ceiling",
        "6": "fixed",
        "7": "ratio_with_ceiling",
        "8": "ratio_with_ceiling",
        "9": "ratio_with_ceiling",
        "10": "ceiling_only",
    }
    five = rules.item("5").ceiling
    assert five is not None and five.by == "level"
    on = rules.validity.valid_until
    assert on is not None
    assert {lvl: five.at(on, lvl) for lvl in ("区级", "市级", "国家级")} == {
        "区级": 2_000_000,
        "市级": 5_000_000,
        "国家级": 10_000_000,
    }
    nine = rules.item("9").ceiling
    assert nine is not None and nine.scope == "annual" and nine.at(on) == 1_000_000
    assert [i.id for i in rules.items if i.one_time] == ["2", "3", "4", "6", "10"]


def test_不超过_is_a_ceiling_not_an_entitlement(rules: PolicyRules, policy: Policy) -> None:
    for item in rules.items:
        text = policy.clause(item.clause).text
        says_ceiling = "不超过" in text or "最高" in text
        assert item.ceiling_is_entitlement is not says_ceiling, item.id


def test_clause_7_threshold_is_not_invented(rules: PolicyRules, policy: Policy) -> None:
    (cond,) = [c for c in rules.item("7").conditions if c.fact == "served_enterprises_count"]
    assert cond.threshold_unknown and cond.at_least is None
    assert "一定数量" in policy.clause("7").text
    assert "以申报指南为准" in (cond.unknown_note or "")


def test_validity_agrees_with_the_policy_metadata(rules: PolicyRules, policy: Policy) -> None:
    assert rules.validity.effective_from == policy.meta.effective_from
    assert rules.validity.valid_until == policy.meta.valid_until
    assert rules.validity.clause == policy.meta.valid_until_clause == "16"
    assert "2025年12月31日" in policy.clause("16").text


def test_facts_are_declared_for_forms_and_questions(rules: PolicyRules) -> None:
    for item in rules.items:
        facts = rules.facts_for(item.id)
        names = [f.name for f in facts]
        assert len(names) == len(set(names))
        for f in facts:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", f.name)
            assert f.label and "？" in f.question
            if f.type == "choice":
                assert f.options and all(o in f.question for o in f.options)
        assert item.aliases


def test_expected_fact_names(rules: PolicyRules) -> None:
    amount = {i.id: [f.name for f in rules.amount_facts(i.id)][:-2] for i in rules.items}
    assert amount["1"] == ["investment_yuan"]
    assert amount["5"] == [
        "level",
        "invested_yuan",
        "upper_subsidy_yuan",
        "upper_requires_matching",
        "upper_matching_yuan",
    ]
    assert amount["8"] == ["platform_investment_yuan", "civil_works_yuan"]
    assert amount["9"] == ["audited_costs_yuan", "already_received_this_year_yuan"]
    assert amount["2"] == []
    assert [f.name for f in rules.amount_facts("1")][-2:] == [
        "other_support_same_project_yuan",
        "major_project_approved",
    ]


def test_aliases_route_to_one_item(rules: PolicyRules) -> None:
    owner: dict[str, str] = {}
    for item in rules.items:
        for alias in item.aliases:
            assert owner.setdefault(alias, item.id) == item.id, alias
    assert rules.match_items("我们拿到了智能工厂授牌")[0] == "1"
    assert rules.match_items("想问问贯标奖励")[0] == "2"
    assert rules.match_items("二级节点建好了")[0] == "6"
    assert rules.match_items("办了一场全国性峰会")[0] == "9"
    assert rules.match_items("实训基地冠名")[0] == "10"
    assert rules.match_items("今天天气不错") == []


def test_no_floats_in_the_rules_file() -> None:
    def walk(node: Any) -> None:
        assert not isinstance(node, float), node
        if isinstance(node, dict):
            for k, v in node.items():
                walk(k)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(yaml.safe_load(RULES_PATH.read_text(encoding="utf-8")))


# -- loader errors are DataError with a Chinese message ---------------------------------------------


def _raw() -> dict[str, Any]:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def test_rate_as_float_is_rejected() -> None:
    data = _raw()
    data["items"][0]["rate"]["values"] = {"2024-05-25": 0.3}
    with pytest.raises(DataError, match="格式有误"):
        parse_rules(data)


def test_undeclared_fact_is_rejected() -> None:
    data = _raw()
    data["items"][0]["base"]["fact"] = "nonexistent_yuan"
    with pytest.raises(DataError, match="nonexistent_yuan"):
        parse_rules(data)


def test_level_cases_must_match_options() -> None:
    data = _raw()
    del data["items"][4]["ceiling"]["cases"]["国家级"]
    with pytest.raises(DataError):
        parse_rules(data)


def test_fixed_amount_must_not_be_a_ceiling() -> None:
    data = _raw()
    data["items"][1]["ceiling_is_entitlement"] = False
    with pytest.raises(DataError):
        parse_rules(data)


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / RULES_FILE
    bad.write_text("items: [unclosed", encoding="utf-8")
    with pytest.raises(DataError, match="不是有效的 YAML"):
        load_rules_file(bad)
    with pytest.raises(DataError, match="没有规则文件"):
        load_rules("no-such-policy", tmp_path)


def test_validity_must_agree_with_metadata(policy: Policy, tmp_path: Path) -> None:
    import dataclasses

    data = _raw()
    folder = tmp_path / policy.policy_id
    folder.mkdir()
    (folder / RULES_FILE).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_rules(policy, tmp_path).policy_id == policy.policy_id
    other = dataclasses.replace(policy, meta=dataclasses.replace(policy.meta, valid_until=None))
    with pytest.raises(DataError, match="不一致"):
        load_rules(other, tmp_path)


def test_texts_shown_to_users_hold_only_numbers_of_their_clause(rules: PolicyRules, policy: Policy) -> None:
    """Notes, conditions and questions end up in answers; the answer guard (issue 4) accepts a number
    only if the cited clause or the trace holds it, so the data may not add figures of its own."""

    def check(clause: str, text: str | None) -> None:
        for number in re.findall(r"\d+(?:\.\d+)?", text or ""):
            assert number in _norm(policy.clause(clause).text), (clause, number, text)

    for item in rules.items:
        check(item.clause, item.note)
        check(item.clause, item.stacks_with.note if item.stacks_with else None)
        check(item.clause, item.upper_subsidy.matching_note if item.upper_subsidy else None)
        for cond in item.conditions:
            check(item.clause, cond.text)
            check(item.clause, cond.unknown_note)
        for fact in item.facts:
            check(item.clause, fact.question)
            check(item.clause, fact.label)
    v = rules.validity
    for text in (v.expired_note, v.not_yet_note):
        check(v.clause, text)
    for group in (rules.case_by_case, rules.no_duplication):
        check(group.clause, group.note)
    check(rules.case_by_case.clause, rules.case_by_case.approved_note)
    for note in rules.general_notes:
        check(note.clause, note.text)
