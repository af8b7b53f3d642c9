"""Calculator tests as YAML tables (OpenFisca style): tests/calculator/*.yaml (Jiading) and
tests/fixtures/policies/<id>/calculator.yaml (the fictional fixture policies).

Each case's ``name`` states the expected result as a sentence. A single-item case has ``item`` (an id or a
label as people type it), ``input`` (facts, as a user would write them), optional ``as_of`` (default: the
Jiading tables 2025-06-01, a fixture policy its first day in force) and either ``output`` or ``error``. A
combination case has ``requests`` (item, input, project, subjects). ``steps`` lists the trace as
``kind:clause``, so each step's clause is checked.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.corpus import Corpus
from assistant.errors import InputError
from assistant.rules import CalcRequest, PolicyRules, calculate, calculate_many
from tests.fixtures_corpus import FIXTURE_POLICIES, JIADING

CASES_DIR = Path(__file__).parent / "calculator"
DEFAULT_AS_OF = date(2025, 6, 1)


def _tables() -> list[tuple[str, Path]]:
    tables = [(JIADING, path) for path in sorted(CASES_DIR.glob("*.yaml"))]
    return tables + [(p.parent.name, p) for p in sorted(FIXTURE_POLICIES.glob("*/calculator.yaml"))]


def _load_cases() -> list[Any]:
    params = []
    for policy_id, path in _tables():
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            label = path.stem if policy_id == JIADING else policy_id
            params.append(pytest.param(policy_id, case, id=f"{label}: {case['name']}"))
    return params


CASES = _load_cases()


def _steps(trace: Any) -> list[str]:
    return [f"{s.kind}:{s.clause}" for s in trace]


def _check_common(expected: dict[str, Any], trace: Any) -> None:
    if "steps" in expected:
        assert _steps(trace) == expected["steps"]
    text = "\n".join(s.description for s in trace)
    for fragment in expected.get("trace_contains", []):
        assert fragment in text


def test_there_are_cases_for_every_policy_with_rules(all_rules: dict[str, PolicyRules]) -> None:
    per_policy = {pid: sum(1 for c in CASES if c.values[0] == pid) for pid in all_rules}
    assert per_policy[JIADING] >= 40
    assert all(n >= 20 for n in per_policy.values()), per_policy


@pytest.mark.parametrize(("policy_id", "case"), CASES)
def test_case(all_rules: dict[str, PolicyRules], fixture_corpus: Corpus, policy_id: str, case: dict[str, Any]) -> None:
    rules, policy = all_rules[policy_id], fixture_corpus.policy(policy_id)
    as_of = case.get("as_of", DEFAULT_AS_OF if policy_id == JIADING else policy.meta.effective_from)
    expected = case.get("output", {})
    if "requests" in case:
        requests = [
            CalcRequest(r["item"], r.get("input") or {}, r.get("project"), tuple(r.get("subjects") or ()))
            for r in case["requests"]
        ]
        combined = calculate_many(rules, requests, as_of)
        assert combined.total_yuan == expected["total_yuan"]
        if "counted_yuan" in expected:
            assert list(combined.counted_yuan) == expected["counted_yuan"]
        if "missing_facts" in expected:
            assert {k: list(v) for k, v in combined.missing_facts.items()} == expected["missing_facts"]
        _check_common(expected, combined.trace)
        assert all(policy.has_clause(s.clause) for s in combined.trace)
        return

    if "error" in case:
        with pytest.raises(InputError) as info:
            calculate(rules, case["item"], case.get("input") or {}, as_of)
        assert case["error"] in str(info.value)
        return

    result = calculate(rules, case["item"], case.get("input") or {}, as_of)
    assert result.amount_yuan == expected["amount_yuan"]
    assert list(result.missing_facts) == expected.get(
        "missing_facts", [] if result.amount_yuan is not None else None
    )
    assert result.in_force is expected.get("in_force", True)
    if "ceiling_yuan" in expected:
        assert result.ceiling_yuan == expected["ceiling_yuan"]
    _check_common(expected, result.trace)
    note_clauses = {n.clause for n in result.notes}
    assert set(expected.get("note_clauses", [])) <= note_clauses
    notes = "\n".join(n.text for n in result.notes)
    for fragment in expected.get("notes_contain", []):
        assert fragment in notes
    # Every step and note rests on a clause the parsed policy has.
    assert all(policy.has_clause(c) for c in result.clauses())
    if result.amount_yuan is not None:
        assert result.trace[-1].amount_yuan == result.amount_yuan


def test_result_to_dict_is_json_ready(rules: PolicyRules) -> None:
    import json

    result = calculate(rules, "5", {"level": "市级", "invested_yuan": "2000万"}, DEFAULT_AS_OF)
    d = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert d["amount_yuan"] == 5_000_000
    assert d["amount_text"] == "500万元"
    assert all(step["clause"] == "5" for step in d["trace"])
    assert d["in_force"] is True and d["missing_facts"] == []
    assert "12" in d["clauses"] and "13" in d["clauses"]


def test_combined_to_dict_and_mapping_requests(rules: PolicyRules) -> None:
    combined = calculate_many(
        rules,
        [{"item_id": "2", "facts": {}}, {"item_id": "4", "facts": {}, "project": None}],
        DEFAULT_AS_OF,
    )
    d = combined.to_dict()
    assert d["total_yuan"] == 400_000 and d["total_text"] == "40万元"
    assert len(d["results"]) == 2


def test_calculation_is_deterministic_and_ignores_unrelated_facts(rules: PolicyRules) -> None:
    facts = {"investment_yuan": "800万", "level": "胡说", "unrelated": object()}
    first = calculate(rules, "1", facts, DEFAULT_AS_OF)
    assert first == calculate(rules, "1", facts, DEFAULT_AS_OF)
    assert first.amount_yuan == 2_000_000


def test_ceiling_is_never_an_entitlement_where_the_text_says_不超过(rules: PolicyRules) -> None:
    for item in rules.items:
        result = calculate(rules, item.id, {}, DEFAULT_AS_OF)
        assert result.ceiling_is_entitlement is (item.kind == "fixed") is item.entitlement


# -- policy-qa calc ------------------------------------------------------------------------------------


def _run_calc(argv: list[str]) -> int:
    import argparse

    from assistant.rules import cli as rules_cli

    parser = argparse.ArgumentParser(prog="policy-qa")
    rules_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["calc", *argv])
    return int(args.func(args) or 0)


def test_cli_json_has_amount_and_clause_cited_trace(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert _run_calc(["5", "level=市级", "invested_yuan=2000万", "--as-of", "2025-06-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["amount_yuan"] == 5_000_000
    assert [s["clause"] for s in out["trace"]] == ["5", "5", "5"]
    assert out["in_force"] is True


def test_cli_set_option_list_facts_and_expiry(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    argv = ["9", "--set", "audited_costs_yuan=120万、100万", "--fact", "already_received_this_year_yuan=无"]
    assert _run_calc([*argv, "--as-of", "2026-01-05", "--json", "--check"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["amount_yuan"] == 1_000_000 and out["in_force"] is False
    assert out["eligibility"]["status"] == "needs_info"


def test_cli_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_calc(["1", "investment_yuan=800万", "--as-of", "2025-06-01"]) == 0
    out = capsys.readouterr().out
    assert "结果：最高可获200万元" in out and "[第1条]" in out and "[第12条]" in out


def test_cli_missing_facts_are_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_calc(["5", "--as-of", "2025-06-01"]) == 0
    out = capsys.readouterr().out
    assert "level=…" in out and "区级/市级/国家级" in out


def test_cli_list(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert _run_calc(["--list"]) == 0
    assert "investment_yuan" in capsys.readouterr().out
    assert _run_calc(["--list", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)["items"]
    assert [i["item_id"] for i in items] == [str(n) for n in range(1, 11)]
    level = next(f for f in items[4]["facts"] if f["name"] == "level")
    assert level["type"] == "choice" and level["options"] == ["区级", "市级", "国家级", "未认定"]
    assert level["none_options"] == ["未认定"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["1", "foo=1"], "没有信息项“foo”"),
        (["1", "investment_yuan"], "格式不对"),
        (["1", "investment_yuan=abc"], "无法识别金额“abc”"),
        (["12"], "没有第“12”项资助"),
        (["1", "--as-of", "2025/01/01"], "YYYY-MM-DD"),
        ([], "请指定资助项目编号"),
    ],
)
def test_cli_errors_are_chinese(argv: list[str], message: str) -> None:
    from assistant.errors import PolicyQAError

    with pytest.raises(PolicyQAError, match=message):
        _run_calc(argv)


def test_calc_is_registered_in_policy_qa(capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    assert main(["calc", "2", "--as-of", "2025-06-01"]) == 0
    assert "可获20万元" in capsys.readouterr().out
    assert main(["calc", "1", "investment_yuan=-5万"]) == 2
    assert "错误：" in capsys.readouterr().err


def test_a_yearly_cap_counts_each_years_claims_apart(rules: PolicyRules) -> None:
    event = {"event_in_jiading": True, "event_scope": "全国性", "event_iiot_related": True, "filed_before_event": True}
    last_year = CalcRequest("9", {**event, "audited_costs_yuan": [1_600_000]}, year=2024)
    this_year = CalcRequest("9", {**event, "audited_costs_yuan": [1_400_000]})
    # 80万 and 70万 in two years: each under its own 年度累计 100万.
    assert calculate_many(rules, [last_year, this_year], DEFAULT_AS_OF).total_yuan == 1_500_000
    # The same claims in one year share the cap.
    same_year = CalcRequest("9", {**event, "audited_costs_yuan": [1_600_000]})
    assert calculate_many(rules, [same_year, this_year], DEFAULT_AS_OF).total_yuan == 1_000_000
