"""Conversations that wander and come back: a second project asked alone, "这两个哪个多", "回到第一个项目",
one item picked among the items a project has ("按«item»算"), support taken back without its amount, a second
event of the year asked alone, and a figure asked right after a look-up that named the clause.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

import pytest

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import IN_FORCE


def talk(a: Assistant, *turns: str):
    chat = a.new_conversation(IN_FORCE)
    return [chat.ask(t) for t in turns]


def test_another_project_asked_with_that_one_is_asked_alone(assistant: Assistant):
    *_, other = talk(assistant, "我们有个二级节点已建成运营，能补多少",
                     "另外还有一个项目是市级标杆示范，已投入200万，那个呢")
    assert (other.citation_ids, other.amount_yuan) == (["5"], 600_000)  # 200万×30%, not the node's 200万 added


def test_two_figures_asked_one_by_one_then_compared(assistant: Assistant):
    *_, compared = talk(assistant, "区级标杆示范项目已投入400万，能拿多少", "我们也通过了两化融合贯标认证，这块呢",
                        "这两个哪个多")
    assert set(compared.citation_ids) >= {"5", "2"}
    assert compared.amount_yuan == 1_200_000  # the larger, never the two added up
    assert "较高" in compared.answer


def test_back_to_the_first_project_by_its_place(assistant: Assistant):
    *_, back, total = talk(assistant, "市级标杆示范项目已投入1000万，能补多少", "我们还有一个智能工厂授牌的项目，投资300万，这个呢",
                           "回到第一个项目，如果是1200万呢", "两个加起来一共多少")
    assert (back.citation_ids[:1], back.amount_yuan) == (["5"], 3_600_000)  # 1200万×30%, the smart factory untouched
    assert total.amount_yuan == 4_500_000  # 360万 + 300万×30%


def test_one_item_picked_among_a_projects_items(assistant: Assistant):
    (reply,) = talk(assistant, "这个项目同时是上海市智能工厂和区级标杆示范，投资500万，只按标杆算能拿多少")
    assert (reply.citation_ids, reply.amount_yuan) == (["5"], 1_500_000)


def test_support_taken_back_without_its_amount(assistant: Assistant):
    *_, deducted, back = talk(assistant, "区级标杆示范项目已投入500万，能拿多少", "这个项目镇上已经给过30万",
                              "搞错了，镇上给的其实是另外一个仓库改造项目")
    assert deducted.amount_yuan == 1_200_000
    assert back.amount_yuan == 1_500_000


def test_a_rent_subsidy_is_another_scheme(assistant: Assistant):
    (reply,) = talk(assistant, "厂房租金补贴怎么申请")
    assert reply.intent == "out_of_scope" and reply.amount_yuan is None


def test_the_second_event_of_the_year_asked_alone(assistant: Assistant):
    *_, second = talk(assistant, "今年在嘉定办了一场全国性的工业APP大赛，审计确认费用120万，能补多少",
                      "下个月还要办一场国际性的工业互联网论坛，审计确认费用100万，那场能拿多少")
    assert second.amount_yuan == 400_000  # 100万×50% = 50万, the year's 100万 cap less the first event's 60万


def test_a_figure_asked_after_a_look_up_that_named_the_clause(assistant: Assistant):
    *_, asked = talk(assistant, "我们公司给区内工厂做安全态势感知，这个在政策里是哪一条", "能补多少")
    assert asked.intent == "award" and asked.citation_ids[:1] == ["7"]
    assert asked.amount_yuan is None  # its base (the service amount) still to be asked


def test_loan_interest_asked_after_a_figure_is_another_scheme(assistant: Assistant):
    *_, aside = talk(assistant, "我们二级节点建成运营了，能补多少", "我们还在银行借了500万，贷款的利息区里给补贴吗")
    assert aside.intent == "out_of_scope" and aside.amount_yuan is None


@pytest.mark.parametrize("text", ["那明年人数涨到300个，奖励会多一些吗？", "换成国家级的话补贴会不会高"])
def test_will_it_be_more_is_a_question_about_the_figure(assistant: Assistant, text: str):
    assert assistant.nlu.parse(text).asks_amount


def test_will_it_be_more_asks_the_figure_again(assistant: Assistant):
    *_, again = talk(assistant, "我们今年首次纳入规上统计，是工业互联网企业，奖励多少", "那明年人数涨到300个，奖励会多一些吗？")
    assert again.intent == "award" and again.amount_yuan == 200_000


def test_a_violation_moved_to_the_year_the_rules_mean(assistant: Assistant):
    *_, moved = talk(assistant, "公司2022年被认定有重大违法，今年申报二级节点资助有影响吗",
                     "那如果那次处罚发生在去年呢")
    assert moved.intent == "eligibility" and "不符合" in moved.answer


def test_where_an_institute_settled_is_not_the_residence_scheme(assistant: Assistant):
    first, picked = talk(assistant, "我们研究所2016年在嘉定落户，有80个研究员，去年科研经费3000万，想问区里能给我们补多少",
                         "就是和大院大所合作建的那个工业互联网平台")
    assert first.intent == "clarify"
    assert picked.intent == "award" and picked.amount_yuan is None  # the research budget is no platform investment


def test_a_correction_beside_other_amounts_takes_only_the_replacement(assistant: Assistant):
    *_, fixed = talk(assistant, "我们是工业互联网服务商，去年给区内企业实际发生服务金额200万，能补多少",
                     "财务说全年收入3000万，区内的服务金额刚才报错了，不是200万是180万，另外给区外企业做了500万，员工也多了20个")
    assert fixed.amount_yuan == 540_000  # 180万×30%: not the revenue, not the work outside the district


def test_one_project_under_another_item_then_both(assistant: Assistant):
    *_, other, both = talk(assistant, "我们的平台项目被评为区级工业互联网标杆示范，已投入600万，能补多少",
                           "同一个平台如果按大院大所合作那条算呢？不含土建投入1000万",
                           "两条可以叠加吗？这个平台最多能拿多少")
    assert (other.citation_ids[:1], other.amount_yuan) == (["8"], 3_000_000)
    assert both.amount_yuan == 3_000_000 and {"5", "8"} <= set(both.citation_ids)  # the higher, not 180+300


@pytest.mark.parametrize(("text", "verdict"), [
    ("我们做工业互联网服务，公司在嘉定，但客户全都在苏州和无锡，能申请服务商资助吗", "不符合"),
    ("我们做工业互联网服务，公司在嘉定，客户大部分在苏州，能申请服务商资助吗", "还需确认"),
])
def test_every_client_elsewhere_serves_none_here(assistant: Assistant, text: str, verdict: str):
    (reply,) = talk(assistant, text)
    assert reply.intent == "eligibility" and reply.answer.startswith(verdict)


@pytest.mark.parametrize("why", ["为什么", "为啥？", "这是为什么呢"])
def test_a_bare_why_after_a_figure_shows_its_steps_again(assistant: Assistant, why: str):
    first, again = talk(assistant, "二级节点建成运营了，区里补多少", why)
    assert again.intent == "award" and again.amount_yuan == first.amount_yuan and "第6条" in again.answer


def test_a_bare_why_with_nothing_before_asks_what_about(assistant: Assistant):
    (reply,) = talk(assistant, "为什么")
    assert reply.intent == "clarify"


def test_a_scheme_asked_with_a_bare_particle_is_out_of_scope(assistant: Assistant):
    (aside,) = talk(assistant, "培训出来的学员能在嘉定落户吗")  # the item's own word (培训) in the same clause
    assert aside.intent == "out_of_scope" and aside.amount_yuan is None


@pytest.mark.parametrize("text", ["能转人工吗", "你是AI吧？给我个人工电话", "你是机器人吗"])
def test_asked_for_a_person_mid_figure_then_the_figure_goes_on(assistant: Assistant, text: str):
    # asked of the assistant, not of a policy: no figure, no invented contact, the open question kept
    first, aside, last = talk(assistant, "区级标杆项目能补多少", text, "那算了，投了500万")
    assert aside.intent == "out_of_scope" and aside.amount_yuan is None and not aside.citation_ids
    assert "嘉定区经济委员会" in aside.answer and "已投入金额" in aside.answer  # who to ask; what we still need
    assert not any(ch.isdigit() for ch in aside.answer.split("如需继续")[0])  # no phone number of our making
    assert (last.intent, last.amount_yuan) == ("award", 1_500_000)


def test_a_person_named_beside_a_policy_question_is_not_about_us(assistant: Assistant):
    (reply,) = talk(assistant, "刚才找人工问了，说我们智能工厂授牌、投资500万能补150万，对吗")
    assert reply.intent == "award" and reply.citation_ids[0] == "1"
