"""Amounts said of another place, for a base the clause limits to its own region (``FactSpec.in_region``): the
reader tags each amount with the place it is said of; the tracker leaves another place's amount out of the base
and says so in the working, with the clause's words.

The reader's tagging is tested alone; the dialogue with the real assistant (the product's policy) and with a
fixture policy written in another style (“在本区…推广应用”, a contract amount).
"""

from __future__ import annotations

from datetime import date

from assistant.dialogue import Assistant
from assistant.nlu.amount_mentions import amount_places
from assistant.rules.money_text import find_amounts

OUTSIDE = ["昆山", "青浦", "太仓", "苏州", "区外"]
HOME = ["嘉定区", "嘉定", "区内", "本区", "本地"]


def places(text: str) -> dict[str, tuple[str, bool]]:
    amounts = find_amounts(text)
    tagged = amount_places(text, amounts, OUTSIDE, HOME)
    return {a.text: (tagged[a.start].place, tagged[a.start].outside) for a in amounts if a.start in tagged}


def test_a_place_goes_with_the_nearest_amount_of_its_own_clause():
    assert places("一共420万，其中给区内企业做的280万，给昆山那边客户做的140万") == {
        "280万": ("区内", False), "140万": ("昆山", True)}
    # the part, not the total it is said to be part of
    assert places("这500万里有300万其实是给太仓客户做的") == {"300万": ("太仓", True)}


def test_a_place_in_a_clause_of_its_own_goes_with_the_next_amount_of_the_sentence():
    assert places("一场在嘉定，审计确认90万；另一场在青浦，审计确认70万") == {
        "90万": ("嘉定", False), "70万": ("青浦", True)}
    # never across a sentence, nor from a clause that says where the applicant is
    assert places("活动在青浦。审计确认70万") == {}
    assert places("我们在青浦有个厂，投资了500万") == {}


def talk(a: Assistant, *turns: str, as_of: date = date(2025, 6, 1)):
    chat = a.new_conversation(as_of)
    return [chat.ask(t) for t in turns]


def test_another_places_service_is_left_out_of_the_base_and_said_so(assistant: Assistant):
    (r,) = talk(assistant, "我们是嘉定的服务商，去年服务金额一共420万，其中给区内制造企业做的280万，"
                           "给昆山那边客户做的140万。第7条能补多少？")
    assert r.intent == "award" and r.amount_yuan == 840_000  # 280万 × 30%, not min(420万 × 30%, 100万)
    assert "昆山的140万元不计入" in r.answer and "为区内制造业企业提供" in r.answer
    assert r.citation_ids[:1] == ["7"]


def test_a_correction_that_moves_part_of_the_amount_elsewhere_recomputes(assistant: Assistant):
    first, corrected, what_if = talk(
        assistant, "我们是嘉定的服务商，给本地制造企业做数字化改造，去年服务金额合计500万，能补多少？",
        "不对，财务核了一下，这500万里有300万其实是给太仓客户做的",
        "那如果把给昆山客户做的120万也算上呢？")
    assert first.amount_yuan == 1_000_000
    # not refused as a question about 太仓's policy: where the money went is a fact of our base
    assert corrected.intent == "award" and corrected.amount_yuan == 600_000  # (500万 − 300万) × 30%
    assert what_if.intent == "award" and what_if.amount_yuan == 600_000  # 昆山's 120万 does not count either
    assert "昆山的120万元不计入" in what_if.answer


def test_an_event_held_elsewhere_is_no_element_of_the_list(assistant: Assistant):
    (r,) = talk(assistant, "今年办了两场全国性的工业APP大赛，一场在嘉定，专项审计确认费用90万；另一场在青浦，"
                           "审计确认70万。第9条能补多少？", as_of=date(2025, 11, 5))
    assert r.intent == "award" and r.amount_yuan == 450_000  # 90万 × 50% only
    assert "青浦的一项（70万元）不计入" in r.answer and "已满足：活动在嘉定区举办" in r.answer


def test_another_regions_own_figure_asked_is_still_out_of_scope(assistant: Assistant):
    (r,) = talk(assistant, "青浦区的智能工厂项目投了500万能补多少")
    assert r.intent == "out_of_scope" and r.amount_yuan is None


def test_a_fixture_policy_in_another_style_leaves_another_places_contract_out(multi_assistant: Assistant):
    """示例区《软件…》第五条 “对在本区重点行业推广应用的软件产品，按其合同金额的10%”: a contract with a client in
    another place is no part of the base."""
    (r,) = talk(multi_assistant, "示例区软件政策第五条，软件推广应用合同一共80万，其中苏州客户的合同30万，能补多少？",
                as_of=date(2026, 6, 1))
    assert r.intent == "award" and r.amount_yuan == 50_000  # (80万 − 30万) × 10%
    assert "苏州的30万元不计入" in r.answer
