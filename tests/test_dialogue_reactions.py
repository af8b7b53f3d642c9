"""Users reacting to what the assistant showed: an option picked by its place in the question's list ("第三个" to
"（区级/市级/国家级）"), words of our reply quoted back ("待确认里写“税务登记在本区”，我们税务在青浦": the quotation
is ours, not a fact of theirs), and a status that changed since ("一开始是区级，后来升成市级了").

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import IN_FORCE


def talk(a: Assistant, *turns: str):
    chat = a.new_conversation(IN_FORCE)
    return [chat.ask(t) for t in turns]


def test_an_option_picked_by_its_place_answers_the_question(assistant: Assistant):
    asked, picked = talk(assistant, "标杆示范项目，投入1200万，区里给多少", "第三个")
    assert asked.amount_yuan is None and "区级/市级/国家级" in asked.answer
    assert (picked.citation_ids[0], picked.amount_yuan) == ("5", 3_600_000)  # 国家级: 1200万×30% under 1000万


def test_words_of_our_reply_quoted_back_are_not_the_users_facts(assistant: Assistant):
    *_, verdict = talk(assistant, "我们想报服务商那个补贴，能申请吗", "待确认里写“税务登记在本区”，我们税务在青浦")
    assert verdict.intent == "eligibility" and verdict.answer.startswith("不符合")


def test_a_quotation_with_a_colon_inside_ends_at_its_closing_mark(assistant: Assistant):
    (verdict,) = talk(assistant, "条件里写“待确认：税务登记在本区”，我们工商注册在嘉定，但税是在宝山交的，这条是不是过不了？")
    assert verdict.intent == "eligibility" and verdict.answer.startswith("不符合")


def test_a_status_that_changed_since_is_the_later_one(assistant: Assistant):
    *_, reply = talk(assistant, "标杆项目，投了七百万，能拿多少", "一开始是区级，后来升成市级了")
    assert (reply.citation_ids[0], reply.amount_yuan) == ("5", 2_100_000)  # 市级: 700万×30%, not 区级's 200万 cap


def test_our_question_reported_back_is_not_the_users_question(assistant: Assistant):
    *_, reply = talk(assistant, "市级标杆项目，投入1500万，能补多少",
                     "待确认里问有没有拿过上级补助，我们拿过市里150万，市里没要求配套")
    assert (reply.intent, reply.amount_yuan) == ("award", 3_500_000)  # 市级 500万 cap less the city's 150万
