"""Conversations that go wrong and are put right: "你理解错了，我是问…" (the question after the turn is the one
asked), "说简单点" after a look-up, a giver corrected with the amount kept ("不是镇里，是区里…，金额一样"), an amount
said not to be one thing but another ("1000万不是投资，是国家给的补助"), and what the user says we said — a topic
or an option, not a figure.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import IN_FORCE


def talk(a: Assistant, *turns: str):
    chat = a.new_conversation(IN_FORCE)
    return [chat.ask(t) for t in turns]


def test_the_question_after_i_am_asking_is_the_one_asked(assistant: Assistant):
    (reply,) = talk(assistant, "你理解错了，我不是问补多少，我是问我们是分公司，能不能申请")
    assert reply.intent == "eligibility" and reply.answer.startswith("不符合") and "一" in reply.citation_ids


def test_the_item_turned_to_replaces_the_one_misunderstood(assistant: Assistant):
    *_, reply = talk(assistant, "我们贯标过了，能拿多少",
                     "你理解错了，贯标是去年的事，我现在问的是智能工厂那个，授牌了，投资750万")
    assert (reply.citation_ids[0], reply.amount_yuan) == ("1", 2_000_000)  # 750万×30% capped at 200万, not 贯标 added
    assert "2" not in reply.citation_ids


def test_say_it_simpler_after_a_look_up_looks_up_the_same_clause(assistant: Assistant):
    first, again = talk(assistant, "第13条那个从高不重复、单项不重复是啥意思", "说简单点")
    assert again.intent == "lookup" and again.citation_ids[0] == first.citation_ids[0] == "13"


def test_a_cap_too_low_what_now_is_the_case_by_case_rule(assistant: Assistant):
    (reply,) = talk(assistant, "我们这个是区政府批准的重大项目，标杆上限200万根本不够，咋办")
    assert reply.intent == "lookup" and reply.citation_ids[0] == "12"


def test_money_wished_for_under_an_item_typed_wrong_is_its_figure(assistant: Assistant):
    (reply,) = talk(assistant, "两化融合惯标通过了有钱拿吗")
    assert (reply.intent, reply.amount_yuan) == ("award", 200_000)


def test_the_giver_corrected_keeps_the_support(assistant: Assistant):
    *_, reply = talk(assistant, "智能工厂项目投资600万，授牌了，能补多少", "哦对，这个项目镇里之前给了100万扶持",
                     "说错了，不是镇里，是区里另一个产业政策给的，金额一样")
    assert reply.amount_yuan == 800_000 and "13" in reply.citation_ids  # 180万 − 100万 (区、镇其他产业政策)


def test_an_amount_said_to_be_something_else(assistant: Assistant):
    *_, reply = talk(assistant, "国家级标杆项目，1000万，能拿多少",
                     "你理解错了，1000万不是投资，是国家给的补助，不过国家那个不用区里配套，我们这个项目实际已投入是2000万")
    assert reply.amount_yuan == 0  # 上级1000万 + 区级 ≤ 国家级上限1000万


def test_the_option_a_figure_was_said_of_is_the_users(assistant: Assistant):
    (reply,) = talk(assistant, "你刚才说市级标杆最高能补800万，我们投了3000万，那是不是就能拿800万？")
    assert reply.amount_yuan == 5_000_000  # 市级 cap, not the 800万 said back
    (other,) = talk(assistant, "你刚才说国家级最高能补1000万，那我们区级的投了3000万能拿多少")
    assert other.amount_yuan == 2_000_000  # an option of its own outside what is said back wins


def test_a_topic_said_back_keeps_the_verdict_asked(assistant: Assistant):
    (reply,) = talk(assistant, "你们刚才说的活动补贴，我们是在苏州办的全国性工业互联网论坛，能申请吗？")
    assert reply.intent == "eligibility" and reply.answer.startswith("不符合") and reply.citation_ids[0] == "9"


def test_the_levels_asked_while_the_level_is_awaited(assistant: Assistant):
    # a question about the choices is answered from the item's text, the level still asked for, then used
    _, levels, last = talk(assistant, "我们项目是标杆示范，能拿多少", "级别有几种啊？", "那就是市级的，已投入两千万")
    assert levels.intent == "lookup" and levels.citation_ids == ["5"] and levels.amount_yuan is None
    assert "如需继续" in levels.answer and "哪一级" in levels.answer
    assert last.amount_yuan == 5_000_000


def test_support_said_received_without_its_amount_is_asked_for(assistant: Assistant):
    *_, asked, last = talk(assistant, "来电企业问智能工厂补贴能拿多少", "投资他说是七百来万", "他说镇里已经给过一笔了", "五十万")
    assert asked.amount_yuan is None and "其他产业政策扶持" in asked.answer  # how much, not the figure pressed again
    assert last.amount_yuan == 1_500_000 and "13" in last.citation_ids  # 200万 cap − 50万 (从高不重复)


def test_an_amount_counted_in_is_added_to_the_base(assistant: Assistant):
    *_, added, received = talk(assistant, "我们智能工厂授牌项目实际投资三百三十万，能补多少", "那如果把二期的四百万也算进去呢",
                               "区里别的部门给过这个项目一次技改补贴20万")
    assert added.amount_yuan == 2_000_000  # (330+400)万×30% = 219万, capped at 200万
    assert received.amount_yuan == 1_800_000


def test_going_back_to_a_figure_already_given_corrects_it(assistant: Assistant):
    *_, back = talk(assistant, "我们的项目被评为区级工业互联网标杆示范，已投入一千万，能补多少", "区级标杆每年评多少个？",
                    "我们去年有过一次环保罚款，金额不大，会不会被取消资格？", "回到刚才那个，我前面说错了，是市级的不是区级")
    assert (back.intent, back.citation_ids[0], back.amount_yuan) == ("award", "5", 3_000_000)  # 1000万×30%, 市级


def test_also_preparing_a_listing_asks_that_award_alone(assistant: Assistant):
    *_, listing = talk(assistant, "我们是工业互联网平台企业，今年第一次进规上，能拿多少",
                       "我们同时在准备科创板上市，上市那个奖励是多少")
    assert (listing.citation_ids[0], listing.amount_yuan) == ("3", 2_000_000)


def test_the_amount_said_typed_wrong_gives_way_to_the_one_after_it(assistant: Assistant):
    # Neither amount names what it is: the one the user says was typed wrong is not the project's figure.
    *_, reply = talk(assistant, "标杆示范项目，市级的，投了800，能补多少", "不对，是800元写错了，是800万元")
    assert (reply.citation_ids[0], reply.amount_yuan) == ("5", 2_400_000)
