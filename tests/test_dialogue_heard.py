"""Word heard elsewhere and what people of other kinds of applicant say: rumoured figures and another company's
money (never the applicant's facts), the figure a user wants paid ("按300万给"), several projects added up with one
described only by its facts, conditions stated the other way round (a node not yet running, an event held
elsewhere), another scheme applied for, regional words, and support that is not money.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

import pytest

from assistant.dialogue import Assistant
from assistant.nlu.genre import load_genre
from assistant.nlu.inputs import normalise
from tests.fixtures_dialogue import IN_FORCE

JIADING = "jiading-iiot-2024"


def talk(a: Assistant, *turns: str):
    chat = a.new_conversation(IN_FORCE)
    return [chat.ask(t) for t in turns]


def _money(a: Assistant, text: str):
    return a.nlu.parse(normalise(text)).facts_of(JIADING).money


@pytest.mark.parametrize(
    "text",
    ["公众号上说上限提到了800万", "按截图是800万吧？差了这么多", "朋友说区里还能再给满800万", "听说最高给800万",
     "招商的人说能拿800万"],
)
def test_a_figure_heard_elsewhere_is_not_a_fact(assistant: Assistant, text: str):
    (money,) = _money(assistant, text)
    assert money.expected_award


@pytest.mark.parametrize("text", ["我们能不能也按300万给", "那就按300万给我们算吧"])
def test_an_amount_the_user_wants_paid_is_not_a_fact(assistant: Assistant, text: str):
    (money,) = _money(assistant, text)
    assert money.expected_award


def test_an_amount_spent_is_still_a_fact(assistant: Assistant):
    (money,) = _money(assistant, "我们按300万投资算，能补多少")
    assert not money.expected_award


def test_another_companys_figure_does_not_replace_the_investment(assistant: Assistant):
    *_, first, pressed = talk(assistant, "朋友公司拿了300万的智能工厂补贴，我们也评上了上海市智能工厂，我们能拿多少？",
                              "我们项目实际投资五百万左右", "那为什么他们能拿300万？我们能不能也按300万给")
    assert first.amount_yuan == pressed.amount_yuan == 1_500_000  # 500 × 30%, never 300 × 30%
    assert pressed.intent == "award"


def test_a_rumoured_cap_is_not_the_upper_levels_subsidy(assistant: Assistant):
    (reply,) = talk(assistant, "公众号上说市级标杆项目的补助上限提到了800万，我们市级标杆项目已投入3000万，现在能拿多少？")
    assert reply.amount_yuan == 5_000_000  # the text's 市级 cap; no question about a matching requirement


def test_the_same_projects_amount_under_another_item_is_not_support_it_got(assistant: Assistant):
    (reply,) = talk(assistant, "我们研究院同一个平台项目，被认定为区级工业互联网标杆示范（已投入900万），又想按大院大所平台申请"
                               "（不含土建投入也是900万），两项能叠加吗？最多拿多少？")
    assert reply.amount_yuan == 2_700_000  # the higher of 200 (区级 cap) and 270 (900 × 30%), nothing deducted


def test_support_said_of_the_same_project_is_still_deducted(assistant: Assistant):
    *_, reply = talk(assistant, "我们的实训基地通过了市人社局考核并冠名，能补多少？", "区里人社那边给过我们这个基地40万了，同一个基地")
    assert reply.amount_yuan == 600_000  # 100 less the 40 the same base got


def test_two_projects_added_up_count_the_one_described_by_its_facts(assistant: Assistant):
    (reply,) = talk(assistant, "我们大学在嘉定的独立研究院有两个项目：一是工业互联网平台，不含土建投入1,100万；二是建成并已运营的"
                               "标识解析二级节点。两个项目加起来区里能给多少？")
    assert reply.amount_yuan == 5_300_000  # 1100 × 30% = 330 under 第8条, plus 200 under 第6条
    assert {"6", "8"} <= {c.clause_id for c in reply.citations}


@pytest.mark.parametrize(
    "text",
    ["我们的二级节点刚建完，还在调试，没有正式运营，现在能申请第6条吗？", "二级节点建好了但还在试运行，能申请第6条吗",
     "我们协会今年要办全国性的工业大数据论坛，场地已经定在昆山了，能申请嘉定的第9条活动资助吗？"],
)
def test_an_items_condition_said_not_met_is_a_no(assistant: Assistant, text: str):
    (reply,) = talk(assistant, text)
    assert reply.intent == "eligibility" and reply.answer.startswith("不符合")


def test_a_year_already_funded_uses_up_the_cap(assistant: Assistant):
    (reply,) = talk(assistant, "本年度我会已获区工业互联网活动资助55万元，现拟于12月在嘉定举办全国性工业大数据创新大赛，"
                               "经专项审计确认费用1,234,567元，请问本次可获资助多少？")
    assert reply.amount_yuan == 450_000  # min(617,283.5, 100万 − 55万)


@pytest.mark.parametrize(
    "text",
    ["我们服务商今年在申报高企认定，有啥要求？", "顺便问下，我们的培训老师能申请嘉定的人才公寓吗",
     "我们课题组拿了国家重点研发计划的科研项目经费，区里对科研经费有配套吗？"],
)
def test_another_scheme_applied_for_is_out_of_scope(assistant: Assistant, text: str):
    (reply,) = talk(assistant, text)
    assert reply.intent == "out_of_scope" and reply.amount_yuan is None


def test_a_scheme_the_applicant_has_is_not_the_question(assistant: Assistant):
    (reply,) = talk(assistant, "我们是高新技术企业，能申请智能工厂补贴吗")
    assert reply.intent == "eligibility"


def test_taiwan_words_read_as_the_mainland_words():
    assert normalise("我們做的 AI 質檢專案 用的軟體") == "我们做的 AI 质检项目 用的软件"
    assert load_genre().mainland("专案") == "项目"


@pytest.mark.parametrize(
    ("text", "clause"),
    [("除了钱以外还有什么优惠吗？", "11"), ("发我条款原文，我转给老板", None), ("明年 still can apply 吗？", "16")],
)
def test_look_ups_said_in_other_ways(assistant: Assistant, text: str, clause: str | None):
    first = "市级标杆项目已投入1800万，能补多少？"
    *_, reply = talk(assistant, first, text) if clause is None else talk(assistant, text)
    assert reply.intent == "lookup"
    assert reply.citations and reply.citations[0].clause_id == (clause or "5")


def test_wanting_to_compare_two_supports_asks_which(assistant: Assistant):
    (reply,) = talk(assistant, "Hi, 我是台資廠總經理的助理，想比較一下兩個補助")
    assert reply.intent == "clarify" and reply.amount_yuan is None


def test_an_amount_said_of_the_same_project_without_money_received_is_not_its_support(assistant: Assistant):
    *_, reply = talk(assistant, "我们研究院的平台项目是区级工业互联网标杆示范，已投入900万，能补多少？",
                     "同一个项目又想按大院大所平台申请，也是900万")
    assert reply.amount_yuan == 2_700_000  # 900 is the platform's investment, not 900 of support already received


def test_a_rumour_checked_on_the_enterprises_own_case_gets_a_verdict(assistant: Assistant):
    (reply,) = talk(assistant, "我们公司现在被列入经营异常名录了，同行说不影响申报，是真的吗？我们还能申请吗？")
    assert reply.intent == "eligibility" and reply.answer.startswith("不符合")


def test_who_interprets_is_answered_though_a_rumour_names_another_body(assistant: Assistant):
    (reply,) = talk(assistant, "公众号说这个政策是市经信委负责解释的，是吗？到底哪个部门负责解释？")
    assert reply.intent == "lookup" and "16" in {c.clause_id for c in reply.citations}


def test_a_figure_checked_on_the_facts_given_is_computed(assistant: Assistant):
    (reply,) = talk(assistant, "我们和重点高校在嘉定建了工业互联网平台，听说按总投入30%算。平台建设总投入1800万，其中土建600万，"
                               "那应该是540万对吧？")
    assert reply.intent == "award" and reply.amount_yuan == 3_600_000  # (1800 − 600) × 30%, never 540


@pytest.mark.parametrize(
    ("text", "value"),
    [("如果下个月移出异常名录了，我们建成投运的二级节点能拿多少？", None), ("还没移出异常名录，能申请吗", False),
     ("我们没有被列入经营异常名录，能申请吗", True),
     ("公司因为注册地址联系不上被列入经营异常名录了，到现在还没移出来，能申报吗", False)],
)
def test_a_bad_state_undone_or_not(assistant: Assistant, text: str, value: bool | None):
    values = assistant.nlu.parse(normalise(text)).facts_of(JIADING).values
    assert values.get("normal_operation") is value
    assert "operating_in_jiading" not in values  # "经营" of "经营异常" is not where the enterprise operates


def test_a_rumoured_step_is_the_rule_not_a_verdict(assistant: Assistant):
    (reply,) = talk(assistant, "我听说办活动的资助不用备案，活动办完直接拿审计报告去报就行，对吧？")
    assert reply.intent == "lookup"


def test_support_said_to_be_another_projects_is_taken_back(assistant: Assistant):
    *_, deducted, back = talk(assistant, "标识解析二级节点已建成运营，区里资助多少", "镇里之前对这个节点给过50万",
                              "等一下，镇里那50万其实是给我们实训基地的，不是给节点的")
    assert deducted.amount_yuan == 1_500_000
    assert back.amount_yuan == 2_000_000  # the node's figure again, nothing deducted — not the training base's


def test_support_given_to_a_named_other_project_is_taken_back(assistant: Assistant):
    *_, back = talk(assistant, "标识解析二级节点已建成运营，区里资助多少", "镇里之前对这个节点给过50万",
                    "哦说错了，镇里那50万是给我们另外一个屋顶光伏改造项目的")
    assert back.amount_yuan == 2_000_000


@pytest.mark.parametrize("said, expected", [
    # another project named before the amount: news of that project, the node's own 50万 still counts
    ("镇上还给我们另外一个仓储物流项目补过80万，这个也要扣吗？节点最后能拿多少", 1_500_000),
    # "其他产业政策…这个项目": this project's support, the amount corrected
    ("更正一下，其他产业政策对这个节点项目补的是30万，节点最后能拿多少", 1_700_000),
])
def test_support_of_another_project_named_before_its_amount(assistant: Assistant, said: str, expected: int):
    *_, reply = talk(assistant, "标识解析二级节点已建成运营，区里资助多少", "镇里之前对这个节点给过50万", said)
    assert reply.amount_yuan == expected


def test_town_support_named_by_its_fund(assistant: Assistant):
    *_, reply = talk(assistant, "二级节点已建成运营，能补多少", "该节点已获所在镇产业扶持资金100万元，区级还能拿多少？")
    assert reply.amount_yuan == 1_000_000


def test_a_scheme_asked_about_after_its_name_is_out_of_scope(assistant: Assistant):
    *_, reply = talk(assistant, "我们的实训基地通过了市人社局考核并冠名，能补多少？", "培训出来的学员落户上海有政策吗")
    assert reply.intent == "out_of_scope" and reply.amount_yuan is None


def test_plans_then_what_support_there_is_gets_the_menu(assistant: Assistant):
    (reply,) = talk(assistant, "集团有几个项目想申报，有啥补助？")
    assert reply.intent == "clarify" and len(reply.citations) >= 5


def test_another_body_guessed_as_our_interpreter_is_not_another_scheme(assistant: Assistant):
    (reply,) = talk(assistant, "区经委是不是只负责发钱？政策怎么解释是不是要去问市经信委？")
    assert reply.intent == "lookup" and reply.citation_ids == ["16"]
    (theirs,) = talk(assistant, "市经信委的专项政策谁来解释？")  # that body's own policy: not ours to answer
    assert theirs.intent == "out_of_scope"


def test_how_much_after_a_look_up_with_nothing_named_asks_which_item(assistant: Assistant):
    *_, reply = talk(assistant, "这个专项资金是不是无息贷款？项目做完要还的吧？", "哦是资助不是贷款。那我们能拿多少钱？")
    assert reply.intent == "clarify" and "第1条" in reply.answer  # the menu of items, not 第11条's 金融支持


def test_a_validity_we_are_said_to_have_given_is_answered_from_the_text(assistant: Assistant):
    """"你刚才不是说有效期延到2026年6月30号了吗？那现在报还来得及吧" after a figure: the document's validity asked
    again (the claim is not a fact) — not the figure repeated."""
    _, r = talk(assistant, "服务商那条，服务区内企业的实际服务金额两百万，能补多少",
                "你刚才不是说有效期延到2026年6月30号了吗？那现在报应该还来得及吧")
    assert r.intent == "lookup" and r.amount_yuan is None
    assert "16" in {c.clause_id for c in r.citations} and "2025年12月31日" in r.answer
