"""Long, compound messages: a story with numbers that are not the project's, a second question beside the
first, a correction inside a long sentence, a reply to the assistant's question that doubts itself.

The real reader and retrieval (``assistant``): what a long message is about depends on both.
"""

from __future__ import annotations

from datetime import date

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import IN_FORCE


def talk(a: Assistant, *turns: str, as_of: date = IN_FORCE):
    chat = a.new_conversation(as_of)
    return [chat.ask(t) for t in turns]


def test_the_amount_rejected_names_the_fact_a_correction_replaces(assistant: Assistant):
    """"«giver»给的不是100万，是300万" corrects the upper subsidy (the fact whose value was 100万), not the amount
    given last; "看了下到账记录" in a message that asks nothing is its story, not a question of procedure."""
    _, corrected = talk(assistant, "市级标杆，已投入一千万，市里给了一百万补助，市里没有配套要求，区里能补多少？",
                        "我刚核对了到账记录，市里给的不是一百万，是三百万，其他不变")
    assert corrected.intent == "award" and corrected.amount_yuan == 2_000_000  # min(300万, 500万, 500万 − 300万)


def test_an_indefinite_what_in_a_story_asks_nothing(assistant: Assistant):
    """"好像是被认定成什么«item»了" to "which item?": the item, told — its figure's next question, not its text."""
    _, told = talk(assistant, "您好，我们老板让我问一下，区里工业互联网那个政策，我们公司能拿多少补贴？",
                   "我们去年做的那个项目用了人工智能做排产，好像是被认定成什么工业互联网标杆示范项目了，文件在老板那里，我看不到")
    assert told.intent == "award" and told.citation_ids[:1] == ["5"] and told.amount_yuan is None
    assert "哪一级" in told.answer


def test_an_answer_to_the_fact_asked_that_doubts_itself_is_still_the_answer(assistant: Assistant):
    *_, figure = talk(assistant, "听商会的朋友讲区里工业互联网这块有补贴，想问问我们大概能拿多少钱？",
                      "哦是这样，我们去年做了个车间数字化改造，今年三月份拿到了上海市智能工厂的牌子，应该就是这个吧",
                      "这个项目的实际投资，财务那边算下来是三百八十万，另外我们厂房是一万平方的，去年营收一个多亿，不知道这些有没有用")
    assert figure.intent == "award" and figure.amount_yuan == 1_140_000  # 380万 × 30%


def test_a_company_wide_amount_beside_the_project_s_is_not_the_project_s(assistant: Assistant):
    *_, reply = talk(assistant, "我们的项目被评上了市级工业互联网标杆示范项目，想问问区里补多少",
                     "我们项目已投入的金额是九百万，公司整体一年研发投入是三千多万，别搞混了，就按项目那个算")
    assert reply.amount_yuan == 2_700_000  # 900万 × 30%, not 3000万's capped 500万


def test_another_project_s_figure_asked_alone_then_the_total(assistant: Assistant):
    first, other, total = talk(
        assistant, "我们有个区级标杆示范项目，已投入四百万，能补多少？",
        "另外还有一个完全独立的项目拿了上海市智能工厂授牌，实际投资二百五十万，又是多少？",
        "两个不同的项目，加在一起一共多少？")
    assert first.amount_yuan == 1_200_000
    assert other.amount_yuan == 750_000 and other.citation_ids[:1] == ["1"]
    assert total.amount_yuan == 1_950_000


def test_a_story_of_the_enterprise_with_no_project_gets_the_menu(assistant: Assistant):
    """A trade, staff and floor area told, no project: which item (one word shared with a clause is no item)."""
    (reply,) = talk(assistant, "我们是做注塑件的小厂，工人五十多个，厂房两千多平，听说区里工业互联网有钱补，我们能拿多少？")
    assert reply.intent == "clarify" and reply.amount_yuan is None
    (trade,) = talk(assistant, "我们是一家刚成立两年的小公司，做设备数据采集的，二十几个人，听说区里支持工业互联网，我们能补多少？")
    assert trade.intent == "clarify"  # what the enterprise does, in a clause's words, is no project it did


def test_a_project_told_in_one_clause_s_words_is_that_item_s(assistant: Assistant):
    (reply,) = talk(assistant, "我们和交大合作在嘉定建了工业互联网协同研发平台，平台投入能补多少？")
    assert reply.intent == "award" and reply.citation_ids[:1] == ["8"] and reply.amount_yuan is None


def test_validity_asked_beside_a_figure_is_answered_too(assistant: Assistant):
    (reply,) = talk(assistant, "市级标杆项目已投入1600万，区里能资助多少？另外这个政策什么时候到期？",
                    as_of=date(2025, 9, 12))
    assert reply.amount_yuan == 4_800_000 and "16" in reply.citation_ids
    assert "有效期至2025年12月31日" in reply.answer and "仍在有效期内" in reply.answer
    (plain,) = talk(assistant, "市级标杆项目已投入1600万，区里能资助多少？", as_of=date(2025, 9, 12))
    assert "16" not in plain.citation_ids  # not asked: not said


def test_a_shared_word_gives_way_to_the_item_the_rest_of_the_message_describes(assistant: Assistant):
    """"数字化改造" is one item's alias and another's clause's words: done for others for a fee, the service
    provider's item; done in one's own plant, the alias's item."""
    (provider,) = talk(assistant, "我们是做软件的小公司，专门帮嘉定的制造厂做数字化改造、上设备联网系统，收服务费的，这种区里能补多少？")
    assert provider.citation_ids[:1] == ["7"]
    (own,) = talk(assistant, "我们厂去年做了数字化改造，投了300万，能补多少")
    assert own.citation_ids[:1] == ["1"] and own.amount_yuan == 900_000


def test_a_second_amount_said_as_more_of_the_same_adds_to_the_first(assistant: Assistant):
    (reply,) = talk(assistant, "我们区级标杆项目，2024年投了280万，2025年又投了150万，到现在已投入就这些，能补多少？")
    assert reply.amount_yuan == 1_290_000  # (280万 + 150万) × 30%



def test_validity_and_an_items_own_step_in_one_message_are_both_answered(assistant: Assistant):
    """"活动在到期前办完就行吧？要先备案吗？" while an event's figure waits: the event's own rule (事前备案, 第9条) and
    the validity sentence (第16条) — not the validity alone, and not 第12条 found by the "12" of "12月"."""
    _, reply = talk(assistant, "我们12月要在嘉定办全国性的工业互联网峰会，能补多少？",
                    "政策12月31号到期，活动在到期前办完就行吧？要先备案吗？")
    assert reply.intent == "lookup"
    cited = {c.clause_id for c in reply.citations}
    assert {"9", "16"} <= cited and "12" not in cited
    assert "事前备案" in reply.answer and "2025年12月31日" in reply.answer
