"""Long conversations (dev76's theme): a fourth item added to a total, "这些…都…" asked of every item of it, "两个
一起多少" after two separate questions, an increment then the new total ("又追加了100万，一共三百万"), and a part of
the base set to zero in a what-if ("那土建如果是零呢").

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from datetime import date

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import IN_FORCE


def talk(a: Assistant, *turns: str):
    chat = a.new_conversation(IN_FORCE)
    return [chat.ask(t) for t in turns]


THREE = "我客户今年贯标认证通过了，首次纳入规上统计，还建成了二级节点投入运营，一共能拿多少"


def test_a_fourth_item_joins_the_total(assistant: Assistant):
    three, four = talk(assistant, THREE, "再加一个，他们还拿了上海市智能工厂授牌，那个项目投资500万，一共多少")
    assert three.amount_yuan == 2_400_000  # 20 + 20 + 200
    assert four.amount_yuan == 3_900_000 and {"1", "2", "4", "6"} <= set(four.citation_ids)  # + 500万×30%


def test_these_asked_together_cites_every_item_of_the_total(assistant: Assistant):
    _, these = talk(assistant, THREE, "这些奖励都是一次性的吗")
    assert these.intent == "lookup" and these.citation_ids[:3] == ["2", "4", "6"]


def test_both_together_after_two_separate_questions(assistant: Assistant):
    *_, both = talk(assistant, "那贯标认证能拿多少", "首次进规上奖励多少", "两个一起多少")
    assert both.amount_yuan == 400_000 and {"2", "4"} <= set(both.citation_ids)


def test_an_increment_then_the_new_total_is_the_base(assistant: Assistant):
    *_, more = talk(assistant, "第5条那个能补多少", "区级的，投了两百万", "这个项目要满足什么条件才能认定",
                    "还有，回到刚才那个，其实我们后来又追加了100万，一共三百万")
    assert more.amount_yuan == 900_000  # 300万×30%, not 200万's 60万 again


def test_a_part_of_the_base_set_to_zero_in_a_what_if(assistant: Assistant):
    *_, zero = talk(assistant, "大院大所合作的工业互联网平台最高补多少", "平台建设总投入两千二百万，土建七百万", "那土建如果是零呢")
    assert zero.amount_yuan == 5_000_000  # 2200万×30% = 660万, capped at 500万 (was (2200−700)×30% = 450万)


def test_these_asked_of_a_rule_is_the_rule(assistant: Assistant):
    _, rule = talk(assistant, THREE, "好的，这些钱是先申报后补助吧")
    assert rule.intent == "lookup" and rule.citation_ids[0] == "13"  # the procedure rule, not each item's clause


def test_why_not_both_is_the_rule_between_supports(assistant: Assistant):
    *_, why = talk(assistant, "我们一个项目同时拿了上海市智能工厂授牌和市级标杆示范认定，能拿多少", "投资是一千二百万",
                   "为什么不能两个都拿？")
    assert why.intent == "lookup" and why.citation_ids[0] == "13"


def test_an_item_with_other_support_together_is_the_rule_on_support_received(assistant: Assistant):
    *_, both = talk(assistant, "服务商补贴是按什么标准给的", "我们去年实际发生服务金额250w",
                    "这个补贴能跟区里别的服务商扶持一起拿吗，同一批服务")
    assert both.intent == "lookup" and both.citation_ids[0] == "13"


def test_support_received_is_asked_under_its_rule(assistant: Assistant):
    *_, asked = talk(assistant, "智能工厂授牌的项目能补多少", "投资七百万", "镇里之前也给过一笔")
    assert asked.amount_yuan is None and "13" in asked.citation_ids


def test_a_pick_by_its_place_in_the_menu(assistant: Assistant):
    menu, picked = talk(assistant, "喂，你好，有个企业问区里工业互联网有哪些补贴，能拿多少", "第二个")
    assert menu.intent == "clarify" and picked.intent == "award"
    assert picked.citation_ids[0] == menu.citation_ids[1] == "2" and picked.amount_yuan == 200_000


def test_a_pick_by_place_follows_the_order_the_menu_was_given_in(assistant: Assistant):
    # the largest first: "第一个" is the one listed first, whatever its clause number
    menu, picked = talk(assistant, "哪个补贴给的钱最多", "第一个")
    assert picked.citation_ids[0] == menu.citation_ids[0] != "1"


def test_a_place_with_no_menu_before_is_not_a_pick(assistant: Assistant):
    (reply,) = talk(assistant, "第二个")
    assert reply.intent == "clarify" and reply.amount_yuan is None


def test_the_cap_a_question_asks_to_go_past_is_not_a_fact_of_the_case(assistant: Assistant):
    chat = assistant.new_conversation(date(2025, 11, 2))
    chat.ask("客户准备在嘉定办一个国际性的工业互联网大会，专项审计下来估计三百万，能补多少")
    past = chat.ask("能不能突破100万的上限")
    assert past.intent == "lookup" and past.citation_ids[0] == "12"  # the case-by-case rule, not 100万 as the cost
    left = chat.ask("假如只按正常政策，他们今年上半年另一场活动已经拿了30万")
    assert (left.citation_ids[0], left.amount_yuan) == ("9", 700_000)  # 300万×50% capped by the year's 100万 less 30万
