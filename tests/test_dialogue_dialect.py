"""Local owners typing Shanghainese-flavoured Mandarin ("阿拉厂好申请伐", "勿要求配套", "老早补过六百万"): the genre's
regional words read them as the mainland words the policy texts use.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant.dialogue import Assistant
from assistant.nlu.inputs import normalise
from tests.fixtures_dialogue import IN_FORCE


def talk(a: Assistant, *turns: str, as_of: date = IN_FORCE):
    chat = a.new_conversation(as_of)
    return [chat.ask(t) for t in turns]


@pytest.mark.parametrize(("typed", "read"), [
    ("阿拉厂好申请伐？", "我们厂能申请吗?"),
    ("伊拉勿要求地方配套", "他们不要求地方配套"),
    ("搿趟还好补多少", "这趟还能补多少"),
    ("步伐", "步伐"),  # 伐 is the question particle only before a stop
])
def test_shanghainese_words_read_as_the_mainland_words(typed: str, read: str) -> None:
    assert normalise(typed) == read


def test_an_upper_subsidy_said_in_shanghainese_is_deducted(assistant: Assistant) -> None:
    (r,) = talk(assistant, "阿拉搿个项目评上国家级个工业互联网标杆示范了，已经投进去两千万。"
                           "国家那边老早补过六百万，伊拉勿要求地方配套个。区里还好给多少？")
    assert r.amount_yuan == 4_000_000  # 2000 × 30% = 600; the 国家级 cap 1000 less 600 received, no matching


def test_support_received_this_year_said_in_shanghainese_uses_the_yearly_cap(assistant: Assistant) -> None:
    (r,) = talk(assistant, "阿拉今年上半年辣嘉定办论坛，区里已经资助过六十万了。上个号头又办了一个国际性个工业APP大赛，"
                           "事前备过案个，审计确认个费用一百二十万，搿趟还好补多少？")
    assert r.amount_yuan == 400_000  # 120 × 50% = 60, but only 100 − 60 = 40 left this year


def test_a_branch_asking_in_shanghainese_gets_the_verdict(assistant: Assistant) -> None:
    (r,) = talk(assistant, "阿拉是江苏个公司，辣嘉定开了个分公司做工业互联网，分公司好申请搿个政策伐？")
    assert r.intent == "eligibility" and "不符合" in r.answer and "一" in {c.clause_id for c in r.citations}


@pytest.mark.parametrize("asked", ["搿个政策啥人好申请？", "这个政策哪些企业可以申报？"])
def test_who_may_apply_gets_the_shared_conditions_then_the_menu(assistant: Assistant, asked: str) -> None:
    (r,) = talk(assistant, asked)
    assert r.intent == "clarify" and r.citations[0].clause_id == "一" and "法人企业" in r.answer
    assert len(r.citations) >= 10  # and every item, to choose from


@pytest.mark.parametrize("then", ["那阿拉辣嘉定办过个全国性个工业APP大赛呢？审计确认四十万",
                                  "那我们在嘉定办的全国性工业APP大赛呢？审计确认四十万"])
def test_another_item_with_its_amount_after_a_figure_asks_its_figure(assistant: Assistant, then: str) -> None:
    """"那…呢" with another item and the amount its figure needs, after a figure: that item's figure, not a verdict."""
    *_, r = talk(assistant, "阿拉是培训机构，市人社局考核过，工业互联网人才实训基地冠名了，好补多少钞票？", then,
                 as_of=date(2025, 7, 30))
    assert r.intent == "award" and r.amount_yuan == 200_000  # 40 × 50%
