"""The rules API the dialogue layer codes against: max_award, eligibility across policies (a "none" option,
groups that govern some items, general eligibility), notes with kinds, the structured trace."""

from __future__ import annotations

import json
from datetime import date

import pytest

from assistant.rules import PolicyRules, calculate, check_eligibility, max_award
from assistant.rules.wording import STEPS

SOFTWARE, DIGITAL, JIADING = "example-software-2026", "example-digital-2027", "jiading-iiot-2024"


@pytest.mark.parametrize(
    ("policy_id", "item", "text", "amount"),
    [
        (JIADING, "1", "最高200万元", 2_000_000),
        (JIADING, "2", "20万元", 200_000),
        (JIADING, "5", "区级200万元、市级500万元、国家级1000万元", 10_000_000),
        (JIADING, "10", "最高100万元", 1_000_000),
        (SOFTWARE, "3", "每个产品最高50万元，合计最高150万元", 1_500_000),
        (SOFTWARE, "4", "每家1万元，最高30万元", 300_000),
        (SOFTWARE, "6", "每名工程师最高5万元", None),
        (SOFTWARE, "7", "50万元；被评为国家级专精特新“小巨人”企业的，再加100万元", 1_500_000),
        (DIGITAL, "1", "最高500万元", 5_000_000),
        (DIGITAL, "2", "最高200万元", 2_000_000),
        (DIGITAL, "3", "市级30万元、国家级100万元", 1_000_000),
    ],
)
def test_max_award_is_read_from_the_data(
    all_rules: dict[str, PolicyRules], policy_id: str, item: str, text: str, amount: int | None
) -> None:
    top = max_award(all_rules[policy_id], item, date(2027, 6, 1))
    assert (top.text, top.amount_yuan) == (text, amount)
    assert top.clause == all_rules[policy_id].item(item).clause
    json.dumps(top.to_dict(), ensure_ascii=False)


def test_max_award_cases_and_units(all_rules: dict[str, PolicyRules]) -> None:
    five = max_award(all_rules[JIADING], "第5条", date(2025, 1, 1))
    assert five.by_case == {"区级": 2_000_000, "市级": 5_000_000, "国家级": 10_000_000}
    four = max_award(all_rules[SOFTWARE], "第四条", date(2026, 6, 1))
    assert (four.per_unit_yuan, four.unit) == (10_000, "家")


def test_not_recognised_is_ineligible_not_to_confirm(rules: PolicyRules) -> None:
    """“项目还没被认定为标杆”: 未认定 is an option meaning none, which fails 第5条's one_of."""
    result = check_eligibility(rules, "5", {"level": "未认定"}, date(2025, 6, 1))
    assert result.status == "ineligible"
    assert [(r.fact, r.clause, r.label) for r in result.failed] == [("level", "5", "第5条")]
    assert calculate(rules, "5", {"level": "未认定", "invested_yuan": "100万"}, date(2025, 6, 1)).amount_yuan == 0


def test_a_group_governs_only_the_items_it_names(all_rules: dict[str, PolicyRules]) -> None:
    rules = all_rules[SOFTWARE]
    on = date(2026, 6, 1)
    six = check_eligibility(rules, "6", {"engineer_social_insurance_in_district": "否"}, on)
    assert six.status == "ineligible" and [r.fact for r in six.failed] == ["engineer_social_insurance_in_district"]
    four = check_eligibility(rules, "4", {"engineer_social_insurance_in_district": "否"}, on)
    assert "engineer_social_insurance_in_district" not in {r.fact for r in four.reasons}
    assert "engineer_social_insurance_in_district" not in {f.name for f in rules.general_facts()}
    assert "engineer_social_insurance_in_district" in {f.name for f in rules.eligibility_facts("6")}


def test_general_eligibility_judges_only_conditions_of_every_item(all_rules: dict[str, PolicyRules]) -> None:
    rules = all_rules[SOFTWARE]
    result = check_eligibility(rules, None, {"good_credit": "否"}, date(2026, 6, 1))
    assert result.item_id is None and result.status == "ineligible"
    assert {r.clause for r in result.reasons} == {"2", "9"}
    assert {r.label for r in result.reasons} == {"第二条", "第九条"}
    assert "engineer_social_insurance_in_district" not in result.missing_facts


def test_money_threshold_condition(all_rules: dict[str, PolicyRules]) -> None:
    rules, on = all_rules[SOFTWARE], date(2026, 6, 1)
    low = check_eligibility(rules, "7", {"revenue_yuan": "8000万"}, on)
    high = check_eligibility(rules, "7", {"revenue_yuan": "1.2亿"}, on)
    assert [r.fact for r in low.failed] == ["revenue_yuan"]
    assert "revenue_yuan" not in [r.fact for r in high.failed]


def test_notes_carry_kinds_so_answers_can_fold_general_ones(rules: PolicyRules) -> None:
    result = calculate(rules, "5", {"level": "市级", "invested_yuan": "2000万"}, date(2026, 1, 5))
    kinds = {(n.kind, n.clause) for n in result.notes}
    assert ("validity", "16") in kinds and ("item", "5") in kinds and ("condition", "5") in kinds
    assert {("general", "12"), ("general", "13"), ("general", "15")} <= kinds
    (validity,) = [n for n in result.notes if n.kind == "validity"]
    assert validity.label == "第16条" and "2025年12月31日" in validity.text and "嘉定区经济委员会" in validity.text


def test_trace_steps_are_data_with_wording_from_one_module(all_rules: dict[str, PolicyRules]) -> None:
    result = calculate(all_rules[SOFTWARE], "6", {"engineer_salaries_yuan": "80万、30万"}, date(2026, 6, 1))
    first = result.trace[0]
    assert first.kind == first.step == "rate" and first.clause == "6" and first.label == "第六条"
    assert first.figures == {"base_yuan": 800_000, "rate": "10%", "rounded": False, "amount_yuan": 80_000}
    assert all(s.kind in {k.split(".")[0] for k in STEPS} for s in result.trace)
    d = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert d["trace"][0]["figures"]["base_yuan"] == 800_000 and d["label"] == "第六条"


def test_missing_facts_in_asking_order_and_facts_for(rules: PolicyRules) -> None:
    assert calculate(rules, "5", {}, date(2025, 6, 1)).missing_facts == ("level", "invested_yuan")
    names = [f.name for f in rules.facts_for("5")]
    assert names[:2] == ["level", "invested_yuan"] and names[-1] == "serious_violation_prior_year"
    assert rules.fact_spec("5", "level").none_options == ("未认定",)


def test_cross_cutting_facts_concern_every_item(rules: PolicyRules, all_rules: dict[str, PolicyRules]) -> None:
    names = [f.name for f in rules.cross_cutting_facts()]
    assert names[-2:] == ["other_support_same_project_yuan", "major_project_approved"]
    assert names[:-2] == [f.name for f in rules.general_facts()]
    digital = [f.name for f in all_rules[DIGITAL].cross_cutting_facts()]
    assert "municipal_support_same_project_yuan" not in digital  # its rule names items 1 and 4 only
