"""The rules data itself (after policyengine-us ``test_parameter_yaml_keys.py``), for EVERY policy folder
under corpus/ and tests/fixtures/policies/: every clause it cites exists, every number is written in the
clause it cites, every quote is the clause's own words, every fact is declared once and used, and texts shown
to users add no figure of their own. Jiading-specific readings are checked at the end."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.config import DEFAULT_CORPUS_DIR
from assistant.corpus import Corpus, Policy
from assistant.rules import PolicyRules
from assistant.rules.model import RULES_FILE, cited_clauses
from assistant.rules.money import format_yuan
from tests.fixtures_corpus import FIXTURE_POLICIES

FOLDERS = [
    f for root in (DEFAULT_CORPUS_DIR, FIXTURE_POLICIES) for f in sorted(root.iterdir()) if (f / "meta.yaml").is_file()
]
WITH_RULES = [f for f in FOLDERS if (f / RULES_FILE).is_file()]
IDS = [f.name for f in WITH_RULES]


def _norm(text: str) -> str:
    """Compare text regardless of full-/half-width punctuation and whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _as_written(kind: str, value: Any) -> str:
    """How a policy writes a number: '30%' for a rate, '200万' for 2000000 yuan."""
    return str(value) if kind == "rate" else format_yuan(value).removesuffix("元")


def test_every_folder_is_covered() -> None:
    assert {"jiading-iiot-2024", "example-software-2026", "example-digital-2027"} <= {f.name for f in FOLDERS}
    assert len(WITH_RULES) >= 3


@pytest.fixture(params=IDS)
def pair(request: pytest.FixtureRequest, all_rules: dict[str, PolicyRules], fixture_corpus: Corpus
         ) -> tuple[PolicyRules, Policy]:
    return all_rules[request.param], fixture_corpus.policy(request.param)


def test_every_cited_clause_exists(pair: tuple[PolicyRules, Policy]) -> None:
    rules, policy = pair
    for cid in cited_clauses(rules.data):
        assert policy.has_clause(cid), cid
    assert rules.meta.validity_clause and policy.has_clause(rules.meta.validity_clause)


def test_every_number_appears_literally_in_its_clause(pair: tuple[PolicyRules, Policy]) -> None:
    rules, policy = pair
    for item in rules.items:
        text = _norm(policy.clause(item.clause).text)
        numbers = item.numbers()
        assert numbers, f"item {item.id} has no number"
        for kind, value in numbers:
            assert _norm(_as_written(kind, value)) in text, (item.id, kind, value)
    conditions = [(i.clause, c) for i in rules.items for c in i.conditions]
    conditions += [(g.clause, c) for g in rules.condition_groups for c in g.conditions]
    for clause, cond in conditions:
        if cond.at_least is not None:
            kind = "money" if rules.facts[cond.fact].type == "money" else "count"
            written = _as_written(kind, cond.at_least) if kind == "money" else str(cond.at_least)
            assert _norm(written) in _norm(policy.clause(clause).text), (clause, cond.fact)


def test_every_quote_is_the_clauses_own_words(pair: tuple[PolicyRules, Policy]) -> None:
    rules, policy = pair

    def check(clause: str, quote: str) -> None:
        assert _norm(quote) in _norm(policy.clause(clause).text), (clause, quote)

    for item in rules.items:
        for quote in item.quotes():
            check(item.clause, quote)
        for part in item.parts:
            if getattr(part, "base_text", None):
                assert _norm(part.base_text) in _norm(policy.clause(item.clause).text) or part.part in ("each",)
    for group in rules.condition_groups:
        check(group.clause, group.quote)
    for rule in rules.cross_rules:
        check(rule.clause, rule.quote)
    for note in rules.notes:
        if note.quote:
            check(note.clause, note.quote)
    for name, spec in rules.facts.items():
        if spec.in_region:  # the words that limit a fact to the region are those of a clause that reads it
            texts = [_norm(policy.clause(i.clause).text) for i in rules.items if name in i.fact_names]
            assert any(_norm(spec.in_region) in t for t in texts), (name, spec.in_region)


def test_every_fact_is_declared_once_and_used(pair: tuple[PolicyRules, Policy]) -> None:
    rules, _ = pair
    used = {n for i in rules.items for n in i.fact_names}
    used |= {c.fact for g in rules.condition_groups for c in g.conditions}
    used |= {n.when.fact for n in rules.notes if n.when}
    used |= {f for r in rules.cross_rules if (f := getattr(r, "fact", None))}
    assert used <= set(rules.facts), used - set(rules.facts)
    assert set(rules.facts) <= used, f"declared but never used: {set(rules.facts) - used}"


def test_facts_are_fit_for_forms_and_questions(pair: tuple[PolicyRules, Policy]) -> None:
    rules, _ = pair
    for spec in rules.facts.values():
        assert spec.label and "？" in spec.question, spec.name
        if spec.type == "choice":
            assert all(o in spec.question for o in spec.real_options), spec.name
    for item in rules.items:
        names = [f.name for f in rules.facts_for(item.id)]
        assert len(names) == len(set(names))
        assert item.aliases and item.label


def test_aliases_route_to_one_item(pair: tuple[PolicyRules, Policy]) -> None:
    rules, _ = pair
    owner: dict[str, str] = {}
    for item in rules.items:
        for alias in item.aliases:
            assert owner.setdefault(alias, item.id) == item.id, alias
        assert rules.match_items(item.aliases[0])[0] == item.id


def test_texts_shown_to_users_hold_only_numbers_of_their_clause(pair: tuple[PolicyRules, Policy]) -> None:
    """Notes, conditions and questions end up in answers; the answer guard accepts a number only if the
    cited clause or the trace holds it, so the data may not add figures of its own."""
    rules, policy = pair

    def check(clause: str, text: str | None) -> None:
        for number in re.findall(r"\d+(?:\.\d+)?", text or ""):
            assert number in _norm(policy.clause(clause).text), (clause, number, text)

    for item in rules.items:
        for note in item.notes:
            check(item.clause, note.text)
        for cond in item.conditions:
            check(item.clause, cond.text)
            check(item.clause, cond.unknown_note)
        for name in item.fact_names:
            check(item.clause, rules.facts[name].question)
            check(item.clause, rules.facts[name].label)
        for part in item.parts:
            check(item.clause, getattr(part, "matching_note", None))
            check(item.clause, getattr(part, "text", None))
    for group in rules.condition_groups:
        check(group.clause, group.note)
        for cond in group.conditions:
            check(group.clause, cond.text)
    for note in rules.notes:
        check(note.clause, note.text)
        check(note.clause, note.text_when)
    for rule in rules.cross_rules:
        check(rule.clause, getattr(rule, "note", None))


@pytest.mark.parametrize("folder", WITH_RULES, ids=IDS)
def test_no_floats_and_no_validity_in_the_rules_file(folder: Path) -> None:
    data = yaml.safe_load((folder / RULES_FILE).read_text(encoding="utf-8"))
    assert "validity" not in data, "validity lives in meta.yaml only"

    def walk(node: Any) -> None:
        assert not isinstance(node, float), node
        if isinstance(node, dict):
            for k, v in node.items():
                walk(k)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(data)


@pytest.mark.parametrize("folder", WITH_RULES, ids=IDS)
def test_lexicon_names_only_declared_facts_and_options(folder: Path, all_rules: dict[str, PolicyRules]) -> None:
    path = folder / "lexicon.yaml"
    assert path.is_file(), "a policy with rules says how users phrase its facts"
    facts = all_rules[folder.name].facts
    for name, entry in (yaml.safe_load(path.read_text(encoding="utf-8"))["facts"] or {}).items():
        assert name in facts, name
        assert set((entry or {}).get("option_aliases") or {}) <= set(facts[name].options or ()), name


# -- Jiading: readings of this policy -----------------------------------------------------------------


def test_jiading_items_cover_every_award_clause(rules: PolicyRules, policy: Policy) -> None:
    award_clauses = [c.clause_id for c in policy.clauses if c.kind == "item" and (c.parent_id or "").startswith("二")]
    assert [item.clause for item in rules.items] == award_clauses == [str(n) for n in range(1, 11)]
    assert [item.label for item in rules.items] == [f"第{n}条" for n in range(1, 11)]


def test_jiading_bases_in_the_policys_own_words(rules: PolicyRules) -> None:
    bases = {item.id: next(p.base_text for p in item.parts if p.part == "rate") for item in rules.items
             if any(p.part == "rate" for p in item.parts)}
    assert bases == {
        "1": "项目实际投资",
        "5": "项目已投入金额",
        "7": "实际发生服务金额",
        "8": "平台建设（不含土建）总投入",
        "9": "专项审计确认费用",
    }


def test_jiading_不超过_is_a_ceiling_not_an_entitlement(rules: PolicyRules, policy: Policy) -> None:
    for item in rules.items:
        text = policy.clause(item.clause).text
        says_ceiling = "不超过" in text or "最高" in text
        assert item.entitlement is not says_ceiling, item.id
    assert [i.id for i in rules.items if i.once == "applicant"] == ["2", "3", "4", "6", "10"]


def test_jiading_clause_7_threshold_is_not_invented(rules: PolicyRules, policy: Policy) -> None:
    (cond,) = [c for c in rules.item("7").conditions if c.fact == "served_enterprises_count"]
    assert cond.threshold_unknown and cond.at_least is None
    assert "一定数量" in policy.clause("7").text
    assert "以申报指南为准" in (cond.unknown_note or "")


def test_jiading_validity_comes_from_metadata(rules: PolicyRules, policy: Policy) -> None:
    assert rules.meta is policy.meta
    assert policy.meta.valid_until_clause == "16" and "2025年12月31日" in policy.clause("16").text


def test_jiading_fact_names_are_unchanged(rules: PolicyRules) -> None:
    """The lexicon and the evals name these facts."""
    amount = {i.id: [f.name for f in rules.amount_facts(i.id)][:-2] for i in rules.items}
    assert amount["1"] == ["investment_yuan"]
    assert amount["5"] == ["level", "invested_yuan", "upper_subsidy_yuan", "upper_requires_matching", "upper_matching_yuan",
                           "upper_matching_ratio"]
    assert amount["8"] == ["platform_investment_yuan", "civil_works_yuan"]
    assert amount["9"] == ["audited_costs_yuan", "already_received_this_year_yuan"]
    assert amount["2"] == []
    assert [f.name for f in rules.amount_facts("1")][-2:] == ["other_support_same_project_yuan", "major_project_approved"]
    assert [f.name for f in rules.general_facts()] == [
        "legal_entity", "operating_in_jiading", "registered_in_jiading", "tax_registered_in_jiading",
        "normal_operation", "good_credit", "industry_direction", "serious_violation_prior_year",
    ]


def test_jiading_aliases_route_to_their_items(rules: PolicyRules) -> None:
    assert rules.match_items("我们拿到了智能工厂授牌")[0] == "1"
    assert rules.match_items("想问问贯标奖励")[0] == "2"
    assert rules.match_items("二级节点建好了")[0] == "6"
    assert rules.match_items("办了一场全国性峰会")[0] == "9"
    assert rules.match_items("实训基地冠名")[0] == "10"
    assert rules.match_items("今天天气不错") == []


def _code_strings(path: Path) -> list[str]:
    """String literals of a module that are not docstrings (docstrings may quote a clause as an example;
    CLI help strings may show a usage example)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docs]


@pytest.mark.parametrize("path", sorted(Path("assistant/rules").glob("*.py")), ids=lambda p: p.name)
def test_no_policy_wording_in_code(path: Path) -> None:
    strings = "\n".join(_code_strings(path))
    for word in ("区、镇", "嘉定", "一事一议", "从高不重复", "上海市智能工厂", "示例", "工程师", "首版次"):
        assert word not in strings, word
