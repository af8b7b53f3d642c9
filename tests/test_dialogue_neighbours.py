"""Other schemes, bodies, levels and districts named beside ours: their own programme asked about is refused (the
issuer, the ministry, a town, a district office, the city's document); our text asked about in the same breath is
answered (a rumour of another district as contrast, the support they gave as a fact, a side question set aside with a
note); a question refused as another district's is asked again of ours when the user turns to it ("嘉定呢"); the
giver of support already told of, named later, moves its amount to that giver's rule.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

import pytest

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import talk


@pytest.mark.parametrize("question", [
    "区金融办的上市辅导备案奖励是多少？辅导备案以后多久能拿到",
    "工信部今年的工业互联网试点示范项目申报通知出了没有？截止什么时候",
    "科委那个政策今年还能再申请第二期吗？",
    "镇里的工业互联网扶持政策是什么标准？",
    "会计问一下，收到区经委拨付的200万补助款，怎么入账？计其他收益还是递延收益",
    "青浦区对办工业互联网峰会的补贴标准是多少？",
    "《上海市工业互联网创新发展专项支持实施细则》里平台项目最高补多少？",
    "如果放在青浦办，青浦有类似的补贴吗",
    "区里上市挂牌补贴政策本身是多少钱？",
])
def test_another_bodys_own_programme_is_refused_without_figures(assistant: Assistant, question: str):
    (reply,) = talk(assistant, question)
    assert reply.intent == "out_of_scope" and reply.amount_yuan is None and not reply.citation_ids


@pytest.mark.parametrize(("question", "clause"), [
    ("同一个项目拿了镇里的补助，还能再拿区里的吗？", "13"),  # their support received: a fact of our case
    ("如果国家或者市里出了新政策，这个细则怎么处理？", "15"),  # a new policy issued: our clause on it
    ("听说宝山那边是先建后补，嘉定这个是先申报后补助吗？", "13"),  # another district told as a contrast
    ("2026年了，嘉定这个工业互联网专项还能报吗？", "16"),
    ("我们是区政府批准的重大项目，投资好几个亿，支持比例能突破30%、额度超过1000万吗？", "12"),
])
def test_our_text_asked_beside_another_body_is_looked_up(assistant: Assistant, question: str, clause: str):
    (reply,) = talk(assistant, question)
    assert reply.intent == "lookup" and reply.citation_ids[0] == clause


def test_a_side_question_of_another_scheme_is_set_aside_with_a_note(assistant: Assistant):
    (reply,) = talk(assistant, "我们是服务商，今年给区内制造企业做数字化改造，实际发生服务金额260万，能补多少？"
                               "研发费用加计扣除能不能一起享受？")
    assert (reply.intent, reply.amount_yuan, reply.citation_ids[0]) == ("award", 780_000, "7")
    assert "研发费用加计扣除不属于" in reply.answer


def test_a_question_refused_as_another_districts_is_asked_again_of_ours(assistant: Assistant):
    refused, ours = talk(assistant, "宝山那边智能工厂补多少", "嘉定呢 授牌了 投了750w")
    assert refused.intent == "out_of_scope"
    assert (ours.intent, ours.amount_yuan, ours.citation_ids[0]) == ("award", 2_000_000, "1")


def test_after_a_higher_levels_document_is_refused_our_upstream_is_looked_up(assistant: Assistant):
    refused, upstream = talk(assistant, "《上海市工业互联网创新发展专项支持实施细则》里平台项目最高补多少？",
                             "那嘉定区的政策是根据这个细则定的吗？")
    assert refused.intent == "out_of_scope" and (upstream.intent, upstream.citation_ids[0]) == ("lookup", "preamble")


def test_the_giver_named_after_the_amount_moves_it_to_that_givers_rule(assistant: Assistant):
    _, town, city = talk(assistant, "区级标杆项目，已投入600万，这个项目之前已经拿过50万补助了，区里还能拿多少",
                         "是镇里给的，镇里的产业扶持", "哦不对，我搞错了，是市经信委给的，市里那个不用配套")
    assert (town.amount_yuan, "13" in town.citation_ids) == (1_300_000, True)  # 180万 − 50万 (第13条)
    assert (city.intent, city.amount_yuan) == ("award", 1_500_000)  # 上级50万, no matching: 200万 − 50万


def test_a_side_question_of_another_bodys_programme_is_set_aside_with_a_note(assistant: Assistant):
    # The body is named twice: as who assessed the base (a fact of ours) and as the owner of the support asked.
    (reply,) = talk(assistant, "我们的实训基地通过市人社局考核，冠名“嘉定区工业互联网人才实训基地”了，区里给多少？"
                               "市人社局自己还有没有别的补贴？")
    assert (reply.intent, reply.amount_yuan) == ("award", 1_000_000) and "市人社局的政策不属于" in reply.answer


def test_a_title_of_our_region_above_does_not_make_the_title_ours(assistant: Assistant):
    (reply,) = talk(assistant, "上海市智能工厂本身怎么申报？评定要什么条件、找市里哪个部门？")
    assert reply.intent == "out_of_scope" and not reply.citation_ids
