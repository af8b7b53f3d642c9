"""Long messages told like voice notes: numbers that are not the figure's base (production lines, revenue, tax, a
supplier's city), a number taken back in the same breath, support said to be for something else, and a question
about the document at the end of a story.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

import pytest

from assistant.dialogue import Assistant
from assistant.nlu.inputs import normalise
from tests.fixtures_dialogue import IN_FORCE

JIADING = "jiading-iiot-2024"
STORY = "我们厂2012年成立，做五金工具，员工90人，营收1.2亿，交税800万，车间2200平方米，8条产线。"


def talk(a: Assistant, *turns: str):
    chat = a.new_conversation(IN_FORCE)
    return [chat.ask(t) for t in turns]


@pytest.mark.parametrize(("text", "refs"), [("8条产线", []), ("10条生产线", []), ("8条那个", ["8"]), ("看下第8条", ["8"])])
def test_a_count_of_lines_is_not_a_clause(assistant: Assistant, text: str, refs: list[str]):
    assert [r.number for r in assistant.nlu.parse(normalise(text)).clause_refs] == refs


def test_the_base_is_found_among_the_storys_numbers(assistant: Assistant):
    (reply,) = talk(assistant, STORY + "今年我们拿到了上海市智能工厂授牌，项目实际投资560万，设备是宁波一家供应商的。能补多少？")
    assert reply.intent == "award" and reply.amount_yuan == 1_680_000
    assert [c.clause_id for c in reply.citations] == ["1"]


def test_a_story_with_no_item_asks_which(assistant: Assistant):
    (reply,) = talk(assistant, STORY + "现在大家都在说数字化转型，我们也想搞一搞。像我们这样的企业，区里能补多少钱？")
    assert reply.intent == "clarify" and reply.amount_yuan is None


def test_a_number_taken_back_in_the_same_message(assistant: Assistant):
    (reply,) = talk(assistant, "上海市智能工厂的牌子下来了，改造项目实际投资600万，哦不对，刚才说错了，不是600是550，600是当初的预算。"
                               "能给多少？")
    assert reply.amount_yuan == 1_650_000


@pytest.mark.parametrize(
    ("message", "yuan"),
    [
        ("上海市智能工厂授牌，投资是1000万，哦不对刚才打错了，是500万，能补多少？", 1_500_000),
        # the later amount has its own cue for the same fact: it still replaces the one taken back
        ("上海市智能工厂授牌，投资400万，镇里已经给过这个项目30万扶持，哦刚才说错了，镇里给的是60万，区里还能拿多少", 600_000),
        # a slip about something else between two amounts does not take the first back
        ("上海市智能工厂授牌，投资400万，哦不对，是去年授的牌，镇里给过这个项目30万，区里还能拿多少", 900_000),
    ],
)
def test_an_amount_taken_back_without_repeating_it(assistant: Assistant, message: str, yuan: int):
    # "哦不对…是500万": no "不是X是Y" — the correction mark between the two is what says the first is withdrawn
    (reply,) = talk(assistant, message)
    assert reply.amount_yuan == yuan


def test_a_bare_number_taken_back_later(assistant: Assistant):
    *_, reply = talk(assistant, "上海市智能工厂授牌了，能补多少？", "项目实际投资六百二十万", "刚才说错了，不是620是680，620是去年年底的数")
    assert reply.amount_yuan == 2_000_000  # 680 × 30% = 204, capped at 200


def test_an_amount_said_short_is_corrected(assistant: Assistant):
    *_, reply = talk(assistant, "我们给区内30家制造企业做了评估诊断，实际发生服务金额200万，能补多少",
                     "财务刚跟我核对了，服务金额刚才说少了，是260万")
    assert reply.amount_yuan == 780_000  # "刚才说少了" is the user's slip, not a claim about our answer


def test_support_for_something_unrelated_is_not_deducted(assistant: Assistant):
    (reply,) = talk(assistant, "镇里前年给过我们80万，那是给屋顶光伏项目的，跟数字化没关系。今年我们的数字化车间评上了上海市智能工厂，"
                               "实际投资500万，能补多少？")
    assert reply.amount_yuan == 1_500_000


def test_this_items_money_already_received_uses_up_the_cap(assistant: Assistant):
    (reply,) = talk(assistant, "今年4月我们在嘉定办的全国性工业互联网论坛，区里已经按重大活动这条给了我们70万。上个月又在嘉定办了一场"
                               "全国性工业大数据大赛，也事前备案了，专项审计确认费用90万，这次能拿多少？")
    assert reply.amount_yuan == 300_000  # min(45, 100 − 70)


def test_a_validity_question_after_a_story_is_a_look_up(assistant: Assistant):
    (reply,) = talk(assistant, "我们的智能工厂改造项目2024年3月启动，投资650万，预计2026年3月才能验收。我想问一下这个政策明年还有效吗？"
                               "什么时候到期？")
    assert reply.intent == "lookup" and [c.clause_id for c in reply.citations] == ["16"]


def test_another_project_asked_about_on_its_own(assistant: Assistant):
    *_, b, total = talk(assistant, "项目A是数字化车间，今年评上了上海市智能工厂，实际投资500万，这个能补多少？",
                        "另外还有一个完全不同的项目B，被认定为区级工业互联网标杆示范项目，已投入300万，这个又能拿多少？",
                        "两个项目加起来一共多少？")
    assert b.amount_yuan == 900_000
    assert total.amount_yuan == 2_400_000


def test_amounts_named_as_something_else_do_not_fill_the_base(assistant: Assistant):
    first, reply = talk(assistant, "我们是一家会展公司，今年6月在嘉定办了一场全国性的工业互联网峰会，来了1200人，事前备案了，当时预算300万，"
                                   "门票收入50万。这个区里能资助多少？", "审计下来确认的是一百六十万")
    assert first.amount_yuan is None  # the audited cost is asked for: a budget and ticket income are not it
    assert reply.amount_yuan == 800_000  # 160 × 50%


def test_a_budget_given_when_asked_for_is_taken(assistant: Assistant):
    *_, reply = talk(assistant, "智能工厂授牌了，能补多少", "预算300万")
    assert reply.amount_yuan == 900_000
