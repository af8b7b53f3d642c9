"""Planning ahead and incomplete cases: what-ifs swept over amounts, alternatives weighed, the cap said to fall
short, a condition awaited or undone, "不清楚" as an answer.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import IN_FORCE


def talk(a: Assistant, *turns: str):
    chat = a.new_conversation(IN_FORCE)
    return [chat.ask(t) for t in turns]


def test_an_amount_swept_with_a_question_of_the_figure(assistant: Assistant):
    *_, less = talk(assistant, "如果明年投1000万做智能工厂改造，评上上海市智能工厂，能补多少？", "那投500万呢", "再少点呢，300万")
    assert less.amount_yuan == 900_000  # 300万 × 30%


def test_of_two_alternatives_the_one_the_question_names(assistant: Assistant):
    (reply,) = talk(assistant, "我们在考虑今年先做两化融合贯标还是先冲规上，贯标通过了奖多少")
    assert reply.amount_yuan == 200_000 and reply.citation_ids[:1] == ["2"] and "4" not in reply.citation_ids
    (both,) = talk(assistant, "两化融合贯标通过了，今年又首次进了规上，一共能拿多少")
    assert both.amount_yuan == 400_000  # not alternatives: the two add up


def test_the_cap_said_to_fall_short_asks_for_the_case_by_case_rule(assistant: Assistant):
    (reply,) = talk(assistant, "我们有个十几亿的大项目，标杆1000万的上限太低了，有没有可能突破？")
    assert reply.intent == "lookup" and reply.citation_ids[0] == "12"
    (within,) = talk(assistant, "上级补助和区级补助总额不超过上限，这句话原文是在哪条？")
    assert within.citation_ids[0] == "5"


def test_one_project_under_two_items_counts_once(assistant: Assistant):
    (reply,) = talk(assistant, "我们一个项目拿了上海市智能工厂授牌，同时又被认定为市级标杆，投资1000万，两个加起来能拿多少？")
    assert reply.amount_yuan == 3_000_000 and "13" in reply.citation_ids  # the higher of 300万 and 300万, once


def test_a_figure_for_when_the_condition_is_met(assistant: Assistant):
    (reply,) = talk(assistant, "我们在建人才实训基地，人社局考核还没通过，要是通过并冠名了最多给多少？")
    assert reply.intent == "award" and reply.amount_yuan == 1_000_000
    (now,) = talk(assistant, "人社局考核还没通过，实训基地能先申请吗")
    assert now.intent == "eligibility" and now.answer.startswith("不符合")


def test_a_bad_state_undone_is_the_enterprise_s_case_not_the_policy_s_validity(assistant: Assistant):
    (reply,) = talk(assistant, "去年被列入经营异常了，上个月已经移出来了，今年还能申请吗？")
    assert reply.intent == "eligibility" and "一" in reply.citation_ids
    (still,) = talk(assistant, "去年被列入经营异常了，现在还没移出来，今年还能申请吗？")
    assert still.answer.startswith("不符合")


def test_a_minor_tax_matter_is_a_condition_to_confirm_not_another_scheme(assistant: Assistant):
    (reply,) = talk(assistant, "去年有一笔增值税晚交了几天，交了点滞纳金，这个会影响我们申请吗")
    assert reply.intent == "eligibility" and "14" in reply.citation_ids
    (scheme,) = talk(assistant, "增值税留抵退税怎么申请")
    assert scheme.intent == "out_of_scope"


def test_not_knowing_yet_answers_the_open_question(assistant: Assistant):
    *_, reply = talk(assistant, "去年厂里出了安全事故，今年还能申请工业互联网的补助吗", "具体算不算重大我们也不清楚，还在调查")
    assert reply.intent == "eligibility" and "14" in reply.citation_ids


def test_the_case_told_after_a_clause_was_looked_up_is_told_against_its_item(assistant: Assistant):
    *_, told, verdict = talk(assistant, "智能工厂那个资助需要什么条件？", "我们注册和纳税都在嘉定，是有限公司，今年5月授的牌",
                             "所以我们到底能不能申请？")
    assert told.intent == "award" and told.citation_ids[:1] == ["1"]
    assert verdict.intent == "eligibility" and "1" in verdict.citation_ids


def test_a_figure_said_back_to_confirm_is_not_a_fact(assistant: Assistant):
    *_, again = talk(assistant, "我们市级标杆项目，投入1200万，补多少", "那补助还是360万吗")
    assert again.amount_yuan == 3_600_000 and not again.missing_facts  # not read as an upper-level subsidy of 360万


def test_a_year_corrected_with_the_wrong_one_denied(assistant: Assistant):
    *_, before, after = talk(assistant, "我们市级标杆项目，投入1200万，补多少", "去年被查出偷税，定了重大税收违法案件，今年申报会受影响吗",
                             "哦说错了，是前年的事，去年没有")
    assert before.answer.startswith("不符合") and not after.answer.startswith("不符合")


def test_another_district_s_own_support_asked_is_refused_but_our_branch_there_is_judged(assistant: Assistant):
    (theirs,) = talk(assistant, "公司注册在松江，松江区有没有类似的工业互联网补贴政策？")
    assert theirs.intent == "out_of_scope"
    (branch,) = talk(assistant, "那我们在松江的分公司能报吗")
    assert branch.intent == "eligibility" and branch.answer.startswith("不符合")


def test_a_negative_state_after_another_negation_still_holds(assistant: Assistant):
    (reply,) = talk(assistant, "我们在建工业互联网标识解析二级节点，还在施工，没建好也没运营，现在能先申请那个资助吗？")
    assert reply.answer.startswith("不符合")
    (denied,) = talk(assistant, "二级节点不是没运营，已经运营了，能拿多少")
    assert denied.amount_yuan == 2_000_000 and "已满足" in denied.answer


def test_a_figure_for_once_it_is_built_holds_the_condition_unmet_now(assistant: Assistant):
    figure, now = talk(assistant, "我们公司在建标识解析二级节点，等建成投运以后能补多少？", "现在还在施工，能不能先申请？")
    assert figure.amount_yuan == 2_000_000 and "才能申请" in figure.answer
    assert now.intent == "eligibility" and now.answer.startswith("不符合")


def test_validity_for_a_later_year_the_message_speaks_of(assistant: Assistant):
    (later,) = talk(assistant, "如果明年才挂牌，这政策还适用吗")
    assert later.intent == "lookup" and later.citation_ids[:1] == ["16"] and later.answer.startswith("否")
    (now,) = talk(assistant, "这个政策今年还能用吗")
    assert now.answer.startswith("是")


def test_support_named_beside_an_everyday_question_is_not_asked_about(assistant: Assistant):
    *_, aside, back = talk(assistant, "二级节点建成运营能给多少", "今天股市怎么样，我们想把补贴拿去理财", "回到正题，人才实训基地冠名了给多少")
    assert aside.intent == "out_of_scope" and aside.amount_yuan is None
    assert back.amount_yuan == 1_000_000


def test_an_item_compared_with_the_one_just_figured(assistant: Assistant):
    *_, compared = talk(assistant, "想知道人才实训基地冠名以后给多少", "和二级节点比哪个多")
    assert compared.citation_ids[:2] == ["6", "10"] and "200万" in compared.answer and "100万" in compared.answer
    assert "不相加" in compared.answer


def test_a_what_if_of_one_event_named_by_its_word(assistant: Assistant):
    *_, what_if = talk(assistant, "今年在嘉定办一场全国性工业互联网论坛，审计确认费用90万，能补多少",
                       "下半年还有一场国际性的工业互联网峰会，也在嘉定，审计费用140万", "如果峰会只花了80万呢")
    assert what_if.amount_yuan == 850_000  # 90万×50% + 80万×50%: the summit's amount replaced, not a third event


def test_a_count_not_yet_tallied_keeps_the_question_waiting(assistant: Assistant):
    *_, waiting = talk(assistant, "我们是嘉定的工业互联网服务商，给区内工厂做诊断咨询，能补多少", "今年服务了几家还没统计完，估计十来家")
    assert waiting.intent == "award" and waiting.missing_facts


def test_operating_elsewhere_judged_when_the_section_is_named(assistant: Assistant):
    (reply,) = talk(assistant, "有家客户工商注册和税务登记都在嘉定，但实际生产经营全在昆山，算不算这个政策的支持对象？")
    assert reply.intent == "eligibility" and reply.answer.startswith("不符合") and "一" in reply.citation_ids
    (quoted,) = talk(assistant, "支持对象是怎么规定的？")
    assert quoted.intent == "lookup"


def test_the_rest_of_the_planned_investment_spent_adds_to_what_is_invested(assistant: Assistant):
    """"把剩下的500万也投完了再申报": the rest of the plan added to what is already invested, not in its place."""
    *_, done = talk(assistant, "区级工业互联网标杆示范项目，计划总投资900万，目前已经投了400万，能补多少？",
                    "那如果年底前把剩下的500万也投完了再申报呢？")
    assert done.intent == "award" and done.amount_yuan == 2_000_000  # (400万 + 500万) × 30% = 270万 > 区级 200万
