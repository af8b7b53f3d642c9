"""Users who push back and conversations with pauses (dev94, dev95): a figure pressed for ("帮我们写高一点，写200万",
"按最高的给，500万行不行", "国家级应该是1000万", "按上限500万写") is never a fact; "这些加起来" adds every item
discussed; "这两个活动" counts one item's own events; "等一下，还有个…" adds, it does not correct; "刚才那个数打错了"
corrects the number just given, it does not go back to an earlier question; a project told apart from another ("跟
«item»那个不是同一个项目") is the only one asked about.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import talk


def test_a_figure_pressed_for_is_not_the_investment(assistant: Assistant):
    *_, first, pressed = talk(assistant, "我们项目被认定为区级标杆示范，已投入600万，能拿多少", "帮我们写高一点，写200万")
    assert first.amount_yuan == pressed.amount_yuan == 1_800_000


def test_the_top_figure_asked_to_be_allowed_is_not_the_investment(assistant: Assistant):
    *_, first, pressed = talk(assistant, "市级标杆示范，已投入1500万，能拿多少", "按最高的给，500万行不行")
    assert first.amount_yuan == pressed.amount_yuan == 4_500_000


def test_a_levels_cap_said_as_it_should_be_is_not_the_investment(assistant: Assistant):
    *_, pressed = talk(assistant, "国家级标杆项目，已投入2000万，能拿多少？", "不对吧，怎么才600万，国家级应该是1000万")
    assert pressed.amount_yuan == 6_000_000


def test_a_cap_to_write_down_is_not_the_base(assistant: Assistant):
    *_, pressed = talk(assistant, "我们和国家制造业创新中心在嘉定建了工业互联网平台，跨行业跨领域，效果不错，平台建设投入1000万"
                                  "（不含土建），能资助多少？", "帮我们写高一点，按上限500万写")
    assert pressed.amount_yuan == 3_000_000


def test_these_added_up_are_every_item_discussed(assistant: Assistant):
    *_, total = talk(assistant, "我们今年贯标通过了，能拿多少", "还有个首次进规上的，这个呢？",
                     "还有个区级标杆示范项目，已投入五百五十万，这个能拿多少？", "这些加起来一共多少")
    assert total.amount_yuan == 2_050_000  # 20 + 20 + 165


def test_two_events_counted_are_one_items_events_and_wait_adds_one(assistant: Assistant):
    *_, events = talk(assistant, "标识解析二级节点建成运营了，能拿多少", "对了，我们还在嘉定办了个国际性峰会，审计确认费用140万，这个能补多少？",
                      "等一下，同一年还有个全国性的APP大赛，审计确认70万，这两个活动一共能补多少？")
    assert events.amount_yuan == 1_000_000 and "6" not in events.citation_ids  # min(70 + 35, 100)


def test_the_number_just_given_corrected_stays_on_its_item(assistant: Assistant):
    *_, fixed = talk(assistant, "我们贯标通过了，奖励多少", "对了，我们也是工业互联网服务商，服务金额两百万，这个能补多少",
                     "刚才那个数打错了，是两百八十万")
    assert (fixed.citation_ids[0], fixed.amount_yuan) == ("7", 840_000)


def test_a_project_told_apart_from_another_is_the_one_asked(assistant: Assistant):
    *_, other = talk(assistant, "我们有两个项目，一个拿了智能工厂授牌，投资400万，能补多少",
                     "另一个是区级标杆示范项目，已投入九百万，跟智能工厂那个不是同一个项目，这个能补多少？")
    assert (other.citation_ids[0], other.amount_yuan) == ("5", 2_000_000)


def test_an_award_heard_from_a_friend_is_not_a_second_event(assistant: Assistant):
    reply, = talk(assistant, "我朋友说在嘉定办全国性工业互联网论坛，审计费用150万就能全额补150万，是这样吗？到底能补多少？")
    assert reply.amount_yuan == 750_000  # 150 × 50%, one event


def test_another_schemes_award_asked_roughly_is_refused(assistant: Assistant):
    *_, reply = talk(assistant, "贯标通过了奖多少", "你就说个大概嘛，高企奖励大概多少")
    assert reply.intent == "out_of_scope" and reply.amount_yuan is None


def test_whether_a_figure_has_a_basis_is_its_clause(assistant: Assistant):
    *_, reply = talk(assistant, "我们是工业互联网服务商，实际发生服务金额400万，能补多少",
                     "AI算的靠谱吗，不会是瞎编的吧？这100万到底有没有依据")
    assert reply.citation_ids[0] == "7" and "preamble" not in reply.citation_ids


def test_a_complaint_is_heard_and_the_question_stays_open(assistant: Assistant):
    *_, heard, back = talk(assistant, "市级标杆项目，能补多少", "我要投诉你们", "已投入1200万")
    assert heard.intent == "clarify" and heard.citation_ids == ["16"] and "嘉定区经济委员会" in heard.answer
    assert heard.amount_yuan is None and "投入" in heard.answer  # the question asked before, still waiting
    assert back.amount_yuan == 3_600_000
