"""Amounts at the edges of the rules (dev101): an amount "调整成" after a figure replaces the amount it was computed
with (a service amount of 333万 audited to 340万 reaches the cap); "为什么不按投资的30%算" after a fixed award is the
figure again with its steps; options listed together ("区级、市级、国家级…原文分别是怎么规定的") are not the case's
option — the question is about the text."""

from __future__ import annotations

from assistant.dialogue import Assistant
from assistant.nlu.fact_values import read_choice
from tests.fixtures_dialogue import talk


def test_an_amount_adjusted_after_a_figure_replaces_it(assistant: Assistant):
    first, reply = talk(assistant, "服务商，服务区内企业实际服务金额333万，能补多少？", "审计后调整成340万了")
    assert first.amount_yuan == 999_000 and reply.amount_yuan == 1_000_000  # 333 × 30% = 99.9; 340 × 30% → cap 100


def test_why_not_by_the_investment_after_a_fixed_award_is_the_figure_again(assistant: Assistant):
    _, reply = talk(assistant, "我们建成的工业互联网标识解析二级节点已经投入运营，总投资2000万，能资助多少？", "为什么不按投资的30%算？")
    assert reply.intent == "award" and reply.amount_yuan == 2_000_000 and reply.citation_ids[:1] == ["6"]


def test_options_listed_together_are_not_the_cases_option(assistant: Assistant):
    vocab = assistant.nlu.catalog.policy("jiading-iiot-2024")
    spec, cues = vocab.facts["level"], vocab.cues("level")
    assert read_choice("区级、市级、国家级怎么区分", spec, cues)[0] is None
    assert read_choice("我们是市级的", spec, cues)[0] == "市级"
    assert read_choice("是市级的，不是区级", spec, cues)[0] == "市级"  # two options, not a list
    reply, = talk(assistant, "第5条里对区级、市级、国家级标杆项目的资助上限，原文分别是怎么规定的？")
    assert reply.intent == "lookup" and reply.citation_ids[:1] == ["5"]


def test_what_could_be_had_is_not_support_received(assistant: Assistant):
    *_, reply = talk(assistant, "国家级标杆示范，项目计划总投资5000万，目前已投入1500万，能拿多少",
                     "不能按5000万算吗？那不就能拿满1000万了", "那等5000万全部投完了，能拿多少？")
    assert reply.citation_ids[:1] == ["5"] and reply.amount_yuan == 10_000_000  # not 第9条's "拿满了" (received)
    _, sure = talk(assistant, "人才实训基地冠名了，能拿多少？", "是不是一定能拿满100万？")
    assert sure.intent == "lookup" and sure.citation_ids[:1] == ["10"]  # whether it is certain: the text's word
