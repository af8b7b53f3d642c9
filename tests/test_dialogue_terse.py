"""Terse phone typing, one fact a message: "投500 镇里补过50了", "不对 560", "谁解释", "哪条".

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import IN_FORCE


def talk(a: Assistant, *turns: str):
    chat = a.new_conversation(IN_FORCE)
    return [chat.ask(t) for t in turns]


def test_bare_numbers_after_money_words(assistant: Assistant):
    (reply,) = talk(assistant, "区级标杆 投400 镇里补过30了 还能拿多少")
    assert reply.amount_yuan == 900_000 and "13" in reply.citation_ids  # 400万×30% = 120万, less the town's 30万


def test_a_bare_correction_of_a_bare_number(assistant: Assistant):
    *_, fixed = talk(assistant, "二级节点以外，我们是区级标杆 能拿多少", "500", "不对 450")
    assert fixed.amount_yuan == 1_350_000


def test_who_interprets_said_in_two_words(assistant: Assistant):
    (reply,) = talk(assistant, "谁解释？")
    assert reply.intent == "lookup" and reply.citation_ids == ["16"]


def test_which_clause_after_a_figure_and_with_nothing_before(assistant: Assistant):
    *_, which = talk(assistant, "贯标认证通过了 奖多少", "哪条")
    assert which.intent == "lookup" and which.citation_ids == ["2"]
    (alone,) = talk(assistant, "哪条")
    assert alone.intent == "clarify"


def test_an_amount_added_then_the_total_it_reaches(assistant: Assistant):
    *_, total = talk(assistant, "我们的实训基地以外，还有个区级标杆项目，已投入300万，能补多少", "要是再投200，累计到500万呢")
    assert total.amount_yuan == 1_500_000  # 500万×30%: the total said, not 300 + 200 + 500


def test_a_bare_does_it_work_after_the_facts_of_a_verdict(assistant: Assistant):
    *_, verdict = talk(assistant, "二级节点 能申请吗", "工商在嘉定", "税务在青浦", "行不行")
    assert verdict.intent == "eligibility" and verdict.answer.startswith("不符合")
    *_, thanks = talk(assistant, "二级节点 能申请吗", "谢谢")
    assert thanks.intent != "eligibility"


def test_a_short_question_of_applying_is_a_verdict_and_a_bare_modal_is_not(assistant: Assistant):
    (alone,) = talk(assistant, "能申请吗")
    assert alone.intent == "eligibility" and "一" in alone.citation_ids
    (modal,) = talk(assistant, "能不能？")
    assert modal.intent == "clarify"
    *_, verdict = talk(assistant, "智能工厂", "还没授牌", "能拿吗")
    assert verdict.intent == "eligibility" and verdict.answer.startswith("不符合") and "1" in verdict.citation_ids


def test_an_unmet_condition_is_said_before_asking_for_the_figure_s_fact(assistant: Assistant):
    *_, asked = talk(assistant, "智能工厂", "还没授牌")
    assert asked.intent == "award" and asked.missing_facts and "尚不满足" in asked.answer
    *_, plain = talk(assistant, "智能工厂 授牌了")
    assert plain.missing_facts and "尚不满足" not in plain.answer


def test_this_policy_after_another_scheme_was_refused_asks_which_item(assistant: Assistant):
    _, menu, _, figure = talk(assistant, "高企认定补多少", "那这个政策呢", "服务商", "330")
    assert menu.intent == "clarify" and len(menu.citation_ids) >= 5
    assert figure.amount_yuan == 990_000  # 330万 × 30%


def test_a_shared_word_after_an_item_was_read_is_said_of_that_item(assistant: Assistant):
    *_, fixed = talk(assistant, "服务商", "给区内厂做数字化改造", "补多少", "服务额240", "不对 420")
    assert fixed.citation_ids[:1] == ["7"] and fixed.amount_yuan == 1_000_000  # 420万 × 30% = 126万 > 100万


def test_keywords_ending_in_a_word_for_the_ceiling_ask_for_the_figure(assistant: Assistant):
    """"标杆 市级 上限" typed by staff: the level's ceiling from the text (an award question), not a search."""
    (cap,) = talk(assistant, "标杆 市级 上限")
    assert cap.intent == "award" and cap.amount_yuan is None and "市级最高500万" in cap.answer
    cap, figure = talk(assistant, "7条 封顶", "服务金额二百八十万的话呢")
    assert cap.intent == "award" and "最高100万" in cap.answer
    assert figure.amount_yuan == 840_000  # 280万 × 30%
