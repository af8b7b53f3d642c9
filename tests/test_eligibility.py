"""Eligibility: item conditions, 一、支持对象 and 第14条; statuses eligible / ineligible / needs_info / to_confirm."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from assistant.errors import InputError
from assistant.rules import PolicyRules, check_eligibility

AS_OF = date(2025, 6, 1)


@pytest.fixture
def applicant(rules: PolicyRules) -> dict[str, Any]:
    """An applicant that meets 一 and is not excluded by 14."""
    facts: dict[str, Any] = {f.name: True for f in rules.general_facts()}
    facts["serious_violation_prior_year"] = False
    return facts


@pytest.mark.parametrize(
    ("item_id", "facts"),
    [
        ("1", {"smart_factory_awarded": True}),
        ("2", {"two_integration_certified": "是"}),
        ("3", {"listed": True, "is_iiot_enterprise": True}),
        ("4", {"first_time_above_scale": True, "is_iiot_enterprise": True}),
        ("5", {"level": "国家级"}),
        ("6", {"secondary_node_operating": True}),
        (
            "8",
            {
                "research_institution_in_jiading": True,
                "cross_industry_platform_basis": True,
                "good_application_effect": True,
            },
        ),
        (
            "9",
            {
                "event_in_jiading": True,
                "event_scope": "全国性",
                "event_iiot_related": True,
                "filed_before_event": True,
            },
        ),
        ("10", {"hrss_named_base": True}),
    ],
)
def test_eligible_when_every_condition_holds(
    rules: PolicyRules, applicant: dict[str, Any], item_id: str, facts: dict[str, Any]
) -> None:
    result = check_eligibility(rules, item_id, {**applicant, **facts}, AS_OF)
    assert result.status == "eligible", [r.description for r in result.reasons]
    assert result.missing_facts == ()
    assert {"一", "14", rules.item(item_id).clause} <= set(result.clauses())


def test_not_awarded_smart_factory_is_ineligible_under_clause_1(
    rules: PolicyRules, applicant: dict[str, Any]
) -> None:
    result = check_eligibility(rules, "1", {**applicant, "smart_factory_awarded": "否"}, AS_OF)
    assert result.status == "ineligible"
    assert [(r.fact, r.clause) for r in result.failed] == [("smart_factory_awarded", "1")]
    assert "不符合：获得“上海市智能工厂”授牌（第1条）" in result.failed[0].description


def test_serious_violation_disqualifies_under_clause_14(
    rules: PolicyRules, applicant: dict[str, Any]
) -> None:
    facts = {**applicant, "two_integration_certified": True, "serious_violation_prior_year": True}
    result = check_eligibility(rules, "2", facts, AS_OF)
    assert result.status == "ineligible"
    assert [(r.fact, r.clause) for r in result.failed] == [("serious_violation_prior_year", "14")]


def test_tax_registered_elsewhere_is_ineligible_under_一(
    rules: PolicyRules, applicant: dict[str, Any]
) -> None:
    facts = {**applicant, "tax_registered_in_jiading": False, "listed": True, "is_iiot_enterprise": True}
    result = check_eligibility(rules, "3", facts, AS_OF)
    assert result.status == "ineligible"
    assert [(r.fact, r.clause) for r in result.failed] == [("tax_registered_in_jiading", "一")]


def test_needs_info_names_exactly_the_missing_facts(rules: PolicyRules, applicant: dict[str, Any]) -> None:
    result = check_eligibility(rules, "8", {**applicant, "cross_industry_platform_basis": True}, AS_OF)
    assert result.status == "needs_info"
    assert result.missing_facts == ("research_institution_in_jiading", "good_application_effect")


def test_nothing_known_asks_for_item_conditions_first(rules: PolicyRules) -> None:
    result = check_eligibility(rules, "1", {}, AS_OF)
    assert result.status == "needs_info"
    assert result.missing_facts[0] == "smart_factory_awarded"
    assert list(result.missing_facts[1:]) == [f.name for f in rules.general_facts()]


def test_ineligible_wins_over_missing(rules: PolicyRules) -> None:
    result = check_eligibility(rules, "1", {"smart_factory_awarded": False}, AS_OF)
    assert result.status == "ineligible"


@pytest.mark.parametrize("count", [None, 5, 500])
def test_clause_7_served_count_is_always_to_confirm(
    rules: PolicyRules, applicant: dict[str, Any], count: int | None
) -> None:
    result = check_eligibility(rules, "7", {**applicant, "served_enterprises_count": count}, AS_OF)
    assert result.status == "to_confirm"
    (reason,) = [r for r in result.reasons if r.fact == "served_enterprises_count"]
    assert reason.status == "to_confirm" and reason.clause == "7"
    assert "以申报指南为准" in reason.description
    assert result.missing_facts == ()


def test_clause_7_served_count_of_none_is_not_met(rules: PolicyRules, applicant: dict[str, Any]) -> None:
    # "达到一定数量" names no number, but none at all ("区内一家都没有") reaches no number
    result = check_eligibility(rules, "7", {**applicant, "served_enterprises_count": 0}, AS_OF)
    assert result.status == "ineligible"


def test_regional_event_is_ineligible_under_clause_9(rules: PolicyRules, applicant: dict[str, Any]) -> None:
    facts = {
        **applicant,
        "event_in_jiading": True,
        "event_scope": "区域性",
        "event_iiot_related": True,
        "filed_before_event": True,
    }
    result = check_eligibility(rules, "9", facts, AS_OF)
    assert result.status == "ineligible"
    assert [r.fact for r in result.failed] == ["event_scope"]


def test_event_not_filed_beforehand_is_ineligible(rules: PolicyRules, applicant: dict[str, Any]) -> None:
    facts = {
        **applicant,
        "event_in_jiading": True,
        "event_scope": "国际性",
        "event_iiot_related": True,
        "filed_before_event": "否",
    }
    assert [r.fact for r in check_eligibility(rules, "9", facts, AS_OF).failed] == ["filed_before_event"]


def test_expired_policy_is_flagged(rules: PolicyRules, applicant: dict[str, Any]) -> None:
    result = check_eligibility(rules, "6", {**applicant, "secondary_node_operating": True}, date(2026, 1, 1))
    assert result.in_force is False
    assert any(n.clause == "16" and "已过期" in n.text for n in result.notes)
    assert result.status == "eligible"


def test_bad_answer_is_an_input_error(rules: PolicyRules) -> None:
    with pytest.raises(InputError, match="请回答“是”或“否”"):
        check_eligibility(rules, "1", {"smart_factory_awarded": "也许吧"}, AS_OF)


def test_to_dict_is_json_ready(rules: PolicyRules, applicant: dict[str, Any]) -> None:
    d = json.loads(json.dumps(check_eligibility(rules, "1", applicant, AS_OF).to_dict(), ensure_ascii=False))
    assert d["status"] == "needs_info" and d["missing_facts"] == ["smart_factory_awarded"]
    assert d["status_text"] == "还需确认信息"
    assert all("clause" in r for r in d["reasons"])
