"""Questions back while a fact is asked for, and whether something counts (dev103): "投资额含不含税？" while 第5条's
已投入金额 is asked for is answered from that item's clause, and the figure follows the answer; "算首次吗",
"算不算第9条支持的活动", "…按发票含税金额算吗", "…怎么区分…算哪一级" are questions about the text's terms (a
look-up), not a figure, even with facts around them; "这个算不算？" with nothing discussed is asked back.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

import pytest

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import talk


def test_a_question_back_about_the_fact_asked_for_is_answered_from_the_items_clause(assistant: Assistant):
    asked, back, reply = talk(assistant, "我们被认定为区级工业互联网标杆示范项目，能拿多少？", "投资额含不含税？",
                              "含税的是850万，不含税750万")
    assert asked.amount_yuan is None
    assert back.intent == "lookup" and back.citation_ids[:1] == ["5"]  # not 第1条's 实际投资
    assert "如需继续刚才的测算" in back.answer and "已投入金额" in back.answer  # the question left open, again
    assert reply.amount_yuan == 2_000_000  # both readings reach the 区级 cap


@pytest.mark.parametrize(("question", "clause"), [
    ("标杆项目的区级、市级、国家级怎么区分？我们拿到的证书是经信委发的，算哪一级", "5"),
    ("热线这边有来电问，在嘉定办的区域性行业沙龙，算不算第9条支持的活动？标准口径是什么", "9"),
    ("我是热线坐席，来电企业问：智能工厂资助的投资额是按发票含税金额算吗？标准怎么答？", "1"),
    ("来电的会展公司问：第9条的专项审计确认费用，用他们自己财务做的决算能不能算？标准怎么答", "9"),
])
def test_whether_something_counts_is_a_look_up(assistant: Assistant, question: str, clause: str):
    reply, = talk(assistant, question)
    assert reply.intent == "lookup" and reply.citation_ids[:1] == [clause] and reply.amount_yuan is None


def test_whether_a_condition_counts_after_a_figure_is_a_look_up(assistant: Assistant):
    figure, reply = talk(assistant, "今年首次进规上统计，有奖励吗，多少钱", "前年进过规上后来掉出去了，今年又进，算首次吗？")
    assert figure.amount_yuan == 200_000
    assert reply.intent == "lookup" and reply.citation_ids[:1] == ["4"]


def test_whether_it_counts_with_a_figure_asked_is_still_the_figure(assistant: Assistant):
    reply, = talk(assistant, "我们是市级标杆示范项目，已投入1000万，培训费不算在内，能补多少？")
    assert reply.intent == "award" and reply.amount_yuan == 3_000_000


def test_does_this_count_with_nothing_discussed_is_asked_back(assistant: Assistant):
    reply, = talk(assistant, "这个算不算？")
    assert reply.intent == "clarify"
    *_, later = talk(assistant, "服务商 企业数量 要求", "服务区外的企业算不算数")
    assert later.intent == "lookup" and later.citation_ids[:1] == ["7"]  # after a look-up: of the clause read


def test_a_scope_question_after_a_figure_is_asked_of_that_item(assistant: Assistant):
    figure, reply = talk(assistant, "我们和一个国家重点实验室在嘉定建了个跨行业的工业互联网平台 总投入2000万 土建500万 能资助多少",
                         "哪些机构建的平台才算")
    assert figure.amount_yuan == 4_500_000
    assert reply.intent == "lookup" and reply.citation_ids[:1] == ["8"]  # not 第10条's 培训机构…平台


def test_a_particle_is_never_a_homophone_typo() -> None:
    from assistant.retrieval.query_matches import _typo_of

    assert not _typo_of("建的", "兼得")  # "哪些机构建的平台": built, not "both had"
    assert _typo_of("归上", "规上")


def test_how_an_unknown_amount_would_count_after_a_figure_is_its_rule(assistant: Assistant):
    figure, rule, reply = talk(assistant, "区级标杆示范，已投入六百万，能拿多少", "上级补助有配套要求的话怎么算？",
                               "我们市里拿了100万，要求区里配套100万，那区里给多少")
    assert figure.amount_yuan == 1_800_000
    assert rule.intent == "lookup" and rule.citation_ids[:1] == ["5"] and "就高" in rule.answer
    assert reply.amount_yuan == 1_800_000  # 就高执行: no deduction
    # with the amount said, the figure is worked out again with it
    *_, deducted = talk(assistant, "我们是上海市智能工厂，项目投资600万，能补多少？", "镇里去年给这个项目补过40万，要扣吗？")
    assert deducted.intent == "award" and deducted.amount_yuan == 1_400_000


def test_after_a_look_up_a_condition_only_another_item_has_names_that_item(assistant: Assistant):
    *_, reply = talk(assistant, "人才实训基地能补多少钱", "冠名是谁来冠？我们区里已经挂牌了，算不算",
                     "明白，那通过市人社局考核冠名以后最多能拿多少")
    assert reply.citation_ids[:1] == ["10"] and reply.amount_yuan == 1_000_000  # not 第3条 (挂牌 of 上市挂牌)


def test_a_cue_straddling_an_options_word_is_not_said(assistant: Assistant):
    values = assistant.nlu.parse("我们做的是注塑机联网加数据采集，评上市级了，投了三百万").facts_of("jiading-iiot-2024").values
    assert values == {"level": "市级"}  # 评上|市级, not 上市
    *_, reply = talk(assistant, "标杆示范项目，什么样的项目能算进去", "我们做的是注塑机联网加数据采集，评上市级了，投了三百万")
    assert reply.citation_ids[:1] == ["5"] and reply.amount_yuan == 900_000
