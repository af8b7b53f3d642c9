"""Users who push back and doubt: the clause behind a figure asked for by the figure ("200万上限写在哪一条？"), a
rumour that the policy stopped ("听园区的人说上个月就停了，你确定？"), and asking to be told straight.

The real reader and retrieval (``assistant``): which clause answers depends on both.
"""

from __future__ import annotations

from datetime import date

from assistant.dialogue import Assistant


def talk(a: Assistant, *turns: str, as_of: date = date(2025, 10, 16)):
    chat = a.new_conversation(as_of)
    return [chat.ask(t) for t in turns]


def test_the_clause_of_a_figure_quoted_is_the_items_clause_that_says_it(assistant: Assistant):
    _, where = talk(assistant, "智能工厂授牌，投资1000万，能补多少？", "200万上限写在哪一条？")
    assert where.intent == "lookup" and where.citation_ids[:1] == ["1"]  # not another clause that says 上限


def test_a_rumour_that_the_policy_stopped_is_a_question_of_its_validity(assistant: Assistant):
    _, doubt = talk(assistant, "这个政策现在还有效吗？", "我听园区的人说上个月就停了，你确定？", as_of=date(2025, 11, 20))
    assert doubt.intent == "lookup" and doubt.citation_ids == ["16"] and "2025年12月31日" in doubt.answer


def test_asking_to_be_told_straight_is_answered_not_ignored(assistant: Assistant):
    *_, told = talk(assistant, "我们建成了二级节点，已经投入运营，区里给多少？", "你就直接告诉我这个政策的有效期到哪天",
                    as_of=date(2026, 11, 28))
    assert told.intent == "lookup" and told.citation_ids == ["16"] and "2025年12月31日" in told.answer
    assert "已被忽略" not in told.answer


def test_a_bare_plea_for_more_first_asks_which_item_but_a_named_rule_is_answered(assistant: Assistant):
    # "能不能多给点" matches 一事一议 only by a paraphrase and names no item: the item menu, not 第12条.
    (plea,) = talk(assistant, "能不能多给点？")
    assert plea.intent == "clarify" and "12" not in plea.citation_ids[:1]
    (named,) = talk(assistant, "重大项目能不能多给点")
    assert named.intent == "lookup" and named.citation_ids[:1] == ["12"]
    # After a figure, the same plea keeps the figure (the goal is pressed, not replaced).
    _, pressed = talk(assistant, "智能工厂授牌，投资900万，能补多少？", "能不能多给点？")
    assert pressed.intent == "award" and pressed.amount_yuan == 2_000_000


def test_recalling_a_heard_cap_to_dispute_the_figure_keeps_the_facts(assistant: Assistant):
    # "不是说…最高500万吗" recalls the cap: not a correction of the amount invested, and 市级 said again is no new fact.
    _, doubt = talk(assistant, "我们是市级标杆示范项目，已投入1000万，能补多少？", "不是说市级最高500万吗，怎么才300？")
    assert doubt.intent == "award" and doubt.amount_yuan == 3_000_000 and doubt.citation_ids[:1] == ["5"]


def test_disputing_a_look_up_about_the_document_is_answered_from_the_text_again(assistant: Assistant):
    _, doubt = talk(assistant, "这个政策由谁负责解释？", "不是市经信委吗？", as_of=date(2024, 9, 9))
    assert doubt.intent == "lookup" and doubt.citation_ids == ["16"] and "嘉定区经济委员会" in doubt.answer
