"""Loading rules.yaml: what the schema rejects (each a DataError with a Chinese message), binding to the
policy (labels from the clause parser, clauses that must exist), and policies without rules."""

from __future__ import annotations

import copy
import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.corpus import Corpus, Policy, load_corpus
from assistant.errors import DataError, RulesNotFound
from assistant.rules import PolicyRules, bind, load_all_rules, load_rules, load_rules_file
from assistant.rules.model import RULES_FILE, parse_rules

JIADING_RULES = Path(__file__).resolve().parent.parent / "corpus" / "jiading-iiot-2024" / RULES_FILE


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return yaml.safe_load(JIADING_RULES.read_text(encoding="utf-8"))


def _item(data: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(i for i in data["items"] if i["id"] == item_id)


def _rejects(data: dict[str, Any], match: str = "格式有误") -> None:
    with pytest.raises(DataError, match=match):
        parse_rules(data)


def test_the_product_file_parses(raw: dict[str, Any]) -> None:
    assert len(parse_rules(raw).items) == 10


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda d: _item(d, "1")["award"][0].update(values={"2024-05-25": 0.3}), "percentage"),
        (lambda d: _item(d, "1")["award"][0].update(base="nonexistent_yuan"), "nonexistent_yuan"),
        (lambda d: _item(d, "5")["award"][1]["cases"].pop("国家级"), "cases"),
        (lambda d: _item(d, "10").update(entitlement=True), "up_to"),
        (lambda d: d.update(validity={"clause": "16"}), "validity"),
        (lambda d: d["facts"].pop("level"), "level"),
        (lambda d: _item(d, "5")["conditions"][0].update(one_of=["未认定"]), "none option"),
        (lambda d: _item(d, "9")["award"][0].update(fact="investment_yuan"), "money_list"),
        (lambda d: _item(d, "5")["award"].pop(1), "upper_subsidy needs a cap"),
        (lambda d: _item(d, "2").update(once="person"), "each"),
        (lambda d: _item(d, "1")["award"].reverse(), "starts with"),
        (lambda d: _item(d, "9")["award"][0]["parts"][0].update(base="audited_costs_yuan"), "inside each"),
        (lambda d: d["cross_rules"][0].update(items=["99"]), "unknown items"),
        (lambda d: d["condition_groups"][0]["conditions"][0].update(fact="level"), "bool"),
        (lambda d: d.update(items=[_item(d, "1"), _item(d, "1")]), "duplicate"),
        (lambda d: _item(d, "9")["award"][0].update(element_facts=["level"]), "no condition of the item"),
    ],
    ids=[
        "rate-as-float", "undeclared-base", "cases-not-options", "up_to-entitlement", "validity-in-rules",
        "fact-undeclared", "one_of-none-option", "each-needs-list", "upper-subsidy-needs-cap", "once-person-each",
        "source-first", "base-inside-each", "cross-rule-unknown-item", "require-needs-bool", "duplicate-item",
        "element-fact-untested",
    ],
)
def test_malformed_rules_are_data_errors(raw: dict[str, Any], edit: Any, match: str) -> None:
    data = copy.deepcopy(raw)
    edit(data)
    _rejects(data, match)


def test_no_section_is_required_but_items(policy: Policy) -> None:
    minimal = {
        "policy_id": policy.policy_id,
        "title": policy.meta.title,
        "items": [{
            "id": "2", "clause": "2", "title": "贯标", "entitlement": True,
            "award": [{"part": "fixed", "quote": "给予一次性奖励20万元", "values": {"2024-05-25": 200000}}],
        }],
    }
    rules = bind(parse_rules(minimal), policy)
    assert rules.item("第2条").label == "第2条"
    assert rules.groups_for(None) == [] and rules.notes == () and rules.cross_rules == ()


def test_binding_checks_every_cited_clause(raw: dict[str, Any], policy: Policy) -> None:
    data = copy.deepcopy(raw)
    data["notes"][0]["clause"] = "99"
    with pytest.raises(DataError, match="不存在的条款：99"):
        bind(parse_rules(data), policy)


def test_binding_checks_the_policy_id(raw: dict[str, Any], policy: Policy) -> None:
    data = copy.deepcopy(raw)
    data["policy_id"] = "other"
    with pytest.raises(DataError, match="不符"):
        bind(parse_rules(data), policy)


def test_labels_come_from_the_clause_parser(all_rules: dict[str, PolicyRules], fixture_corpus: Corpus) -> None:
    for pid, rules in all_rules.items():
        policy = fixture_corpus.policy(pid)
        for item in rules.items:
            assert item.label == policy.clause(item.clause).label
    software = all_rules["example-software-2026"]
    assert [i.label for i in software.items] == ["第三条", "第四条", "第五条", "第六条", "第七条"]
    assert software.item("第三条").id == software.item("第3条").id == software.item("三").id == "3"
    assert all_rules["jiading-iiot-2024"].item("第五条").id == "5"


def test_bad_yaml_and_missing_rules(tmp_path: Path, policy: Policy) -> None:
    bad = tmp_path / RULES_FILE
    bad.write_text("items: [unclosed", encoding="utf-8")
    with pytest.raises(DataError, match="不是有效的 YAML"):
        load_rules_file(bad)
    folder = tmp_path / "corpus" / policy.policy_id
    shutil.copytree(policy.folder, folder)  # type: ignore[arg-type]
    (folder / RULES_FILE).unlink()
    text_only = load_corpus(tmp_path / "corpus").policy(policy.policy_id)
    with pytest.raises(RulesNotFound, match="暂无测算规则"):
        load_rules(text_only)


def test_a_policy_without_rules_is_left_out_not_a_crash(tmp_path: Path, fixture_corpus: Corpus) -> None:
    root = tmp_path / "corpus"
    for p in fixture_corpus:
        shutil.copytree(p.folder, root / p.policy_id)  # type: ignore[arg-type]
    (root / "example-digital-2027" / RULES_FILE).unlink()
    corpus = load_corpus(root)
    assert len(corpus) == 3
    assert set(load_all_rules(corpus)) == {"jiading-iiot-2024", "example-software-2026"}


def test_rules_read_validity_from_the_policy(policy: Policy, raw: dict[str, Any]) -> None:
    moved = dataclasses.replace(policy, meta=dataclasses.replace(policy.meta, valid_until=None))
    rules = bind(parse_rules(raw), moved)
    from datetime import date

    assert rules.in_force(date(2030, 1, 1)) is True
    assert load_rules(policy).in_force(date(2030, 1, 1)) is False


def test_load_rules_by_id(policy: Policy) -> None:
    assert load_rules(policy.policy_id).policy_id == policy.policy_id
