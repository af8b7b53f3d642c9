"""What users say back after a figure or a list: the figure asked back ("那就是55万？"), the actual amount after what-ifs
("实际就是三百二十万，按这个说"), a request for the short form ("说简单点"), an item's name said loosely, an item picked from
the list by name ("服务商那条，…400万"), the requirements of the applicant.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

import pytest

from assistant.dialogue import Assistant
from assistant.nlu.inputs import normalise
from tests.fixtures_dialogue import IN_FORCE

JIADING = "jiading-iiot-2024"


def talk(a: Assistant, *turns: str):
    chat = a.new_conversation(IN_FORCE)
    return [chat.ask(t) for t in turns]


@pytest.mark.parametrize("text", ["那就是55万？简单回我", "那我们就是55万吗", "也就是55万吧？"])
def test_a_result_asked_back_is_a_figure_expected_not_a_fact(assistant: Assistant, text: str):
    (money,) = assistant.nlu.parse(normalise(text)).facts_of(JIADING).money
    assert money.expected_award
    *_, reply = talk(assistant, "我们是上海市智能工厂授牌的，投资两百五十万，能补多少？", "这个项目镇里之前还给过20万", text)
    assert reply.amount_yuan == 550_000  # 250 × 30% = 75, less the town's 20 — never the town's 55


def test_the_users_own_amount_said_with_jiu_shi_is_still_a_fact(assistant: Assistant):
    (money,) = assistant.nlu.parse(normalise("好，实际就是三百二十万，按这个说")).facts_of(JIADING).money
    assert not money.expected_award


@pytest.mark.parametrize("back", ["好，实际就是三百二十万，按这个说", "其实就是三百二十万"])
def test_the_actual_amount_after_what_ifs_replaces_the_last_what_if(assistant: Assistant, back: str):
    *_, reply = talk(assistant, "我们小厂评上了上海市智能工厂，投了三百二十万，补多少？", "要是投到1000万呢", "那投五百万呢", back)
    assert reply.amount_yuan == 960_000  # 320 × 30%, not the what-if's 500 × 30%


def test_the_actual_support_after_a_what_if_replaces_it(assistant: Assistant):
    *_, reply = talk(assistant, "我们的项目是区级标杆，投入一千万，补多少？", "这个项目之前市里给过补助，120万，没有配套要求",
                     "要是市里给的是250万呢", "实际就是120万。简短点，区里还能给多少")
    assert reply.amount_yuan == 800_000  # cap 200 less the city's 120


@pytest.mark.parametrize("short", ["好，说简单点", "简短点说", "一句话告诉我"])
def test_asked_for_the_short_form_the_figure_is_given_again(assistant: Assistant, short: str):
    *_, first, again = talk(assistant, "我们给区里的厂做工业互联网诊断和咨询规划，能拿多少？", "一百五十来万", short)
    assert first.amount_yuan == again.amount_yuan == 450_000
    assert again.intent == "award" and [c.clause_id for c in again.citations][0] == "7"


@pytest.mark.parametrize(
    ("text", "item"),
    [("我们公司刚通过了两化融合那个管理体系的认证，区里给多少？", "2"), ("我们有个工业互联网方面的应用项目，已投入300万，能补多少", "5")],
)
def test_an_items_name_said_loosely_names_it(assistant: Assistant, text: str, item: str):
    assert [m.item_id for m in assistant.nlu.parse(normalise(text)).items_of(JIADING)][:1] == [item]


def test_a_loosely_said_name_needs_words_of_the_name_on_both_sides(assistant: Assistant):
    items = [m.item_id for m in assistant.nlu.parse(normalise("两化融合的事情我们也管，体系还没建")).items_of(JIADING)]
    assert "2" not in items


def test_an_item_picked_by_name_from_what_can_be_claimed_gets_its_figure(assistant: Assistant):
    *_, reply = talk(assistant, "有什么补贴我们能申请的？", "我们是做工业互联网咨询和改造服务的，在嘉定",
                     "服务商那条，今年实际发生服务金额400万")
    assert reply.intent == "award" and reply.amount_yuan == 1_000_000  # 400 × 30% = 120 → cap 100


def test_the_requirements_of_the_applicant_are_who_may_apply(assistant: Assistant):
    (reply,) = talk(assistant, "嘉定这个专项对申报企业有什么要求？")
    assert reply.intent == "lookup" and reply.citations[0].clause_id == "一"


def test_the_figure_said_back_with_a_doubt_of_its_own_is_not_a_fact(assistant: Assistant):
    """"那按规定就是90万，没得商量？", "也就是说三百六十万封顶？": the figure just given said back, with a clause or a word
    that asks us to confirm it — the base does not become that figure."""
    *_, back = talk(assistant, "区级标杆项目，投入300万，能补多少？", "那按规定就是90万，没得商量？")
    assert back.intent == "award" and back.amount_yuan == 900_000  # 300万 × 30%, not 90万 × 30%
    *_, capped = talk(assistant, "大院大所合作建的工业互联网平台，平台建设投入1200万，不含土建，能补多少？",
                      "也就是说三百六十万封顶？")
    assert capped.amount_yuan == 3_600_000  # 1200万 × 30%


def test_a_figure_pushed_back_on_is_given_again(assistant: Assistant):
    """"才20万？…能不能多奖点？" after a fixed award: the same figure again, not a verdict on eligibility."""
    *_, again = talk(assistant, "我们是工业互联网企业，今年首次达到规模以上并纳入统计，奖多少？",
                     "才20万？我们营收翻倍了，能不能多奖点？")
    assert again.intent == "award" and again.amount_yuan == 200_000 and again.citation_ids[:1] == ["4"]
