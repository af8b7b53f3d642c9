"""Facts built up over several turns the way people give them: an amount in pieces, a list element by its place,
a what-if after a side question, one more item on top of the total, the user's own slip ("刚才说错了").

The fast core (reader, tracker, policy, calculator; no retrieval) except where a rule clause is looked up.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from assistant.config import Settings
from assistant.corpus import Corpus
from assistant.dialogue import Assistant
from assistant.dialogue.next_action import ActionKind, decide
from assistant.dialogue.tracker import apply
from assistant.retrieval.retriever import InMemoryRetriever
from tests.fixtures_dialogue import IN_FORCE

AFTER_EXPIRY = date(2026, 3, 1)


def talk(a: Assistant, *turns: str):
    chat = a.new_conversation(IN_FORCE)
    return [chat.ask(t) for t in turns]


def ids(reply) -> list[str]:  # noqa: ANN001 - a Reply
    return [c.clause_id for c in reply.citations]


@pytest.fixture(scope="module")
def lexical(settings: Settings, corpus: Corpus, fast_assistant: Assistant) -> Assistant:
    return Assistant(settings, corpus=corpus, retriever=InMemoryRetriever(corpus, settings), use_llm=False,
                     nlu=fast_assistant.nlu)


def test_an_amount_given_in_pieces_adds_up_until_the_total_is_asked(fast_assistant: Assistant):
    one, two, three = talk(fast_assistant, "市级标杆项目，已投入金额分几块说，设备900万", "软件和系统集成那块600万",
                           "再加上数据平台400万，总共能补多少")
    assert (one.amount_yuan, two.amount_yuan, three.amount_yuan) == (2_700_000, 4_500_000, 5_000_000)
    # After the total was asked, a new amount is a correction of it, not one more piece.
    *_, after = talk(fast_assistant, "市级标杆项目，已投入金额分几块说，设备900万", "软件和系统集成那块600万",
                     "再加上数据平台400万，总共能补多少", "搞错了，一共是1000万")
    assert after.amount_yuan == 3_000_000
    (same_message,) = talk(fast_assistant, "区级标杆项目，已投入金额分三块：设备300万，软件200万，平台100万")
    assert same_message.amount_yuan == 1_800_000  # (300 + 200 + 100) × 30%
    (listed,) = talk(fast_assistant, "我们区级标杆项目已投入的钱：硬件采购220万、软件平台130万、5G专网50万。能补多少？")
    assert listed.amount_yuan == 1_200_000  # a breakdown after a colon: (220 + 130 + 50) × 30%
    (events,) = talk(fast_assistant, "今年办了两场国际性峰会，专项审计确认费用：第一场60万、第二场80万，能资助多少")
    assert events.amount_yuan == 700_000  # a list of events stays a list: 60 × 50% + 80 × 50%


def test_without_pieces_a_bare_amount_after_a_figure_replaces_it(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "区级标杆项目，已投入金额300万，能补多少", "500万")
    assert r.amount_yuan == 1_500_000


def test_a_list_element_named_by_its_place_joins_the_list(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "第9条活动补贴，我们今年在嘉定办了三场全国性的活动", "第一场审计确认费用40万，第二场60万",
                 "第三场90万，今年总共能拿多少")
    assert r.amount_yuan == 950_000  # 20 + 30 + 45, under the year's 100万


def test_a_what_if_after_a_side_question_is_about_the_figure(lexical: Assistant):
    *_, r = talk(lexical, "第9条活动补贴，全国性论坛审计确认费用140万，能补多少", "这政策谁负责解释的",
                 "OK，那要是审计费用是240万呢")
    assert r.intent == "award" and r.amount_yuan == 1_000_000 and ids(r)[0] == "9"


def test_first_the_money_or_first_the_work_is_the_procedure(assistant: Assistant):
    *_, side = talk(assistant, "市级标杆，已投入1600万，能补多少", "这个是先拿钱还是先干活再申请")
    assert side.intent == "lookup" and ids(side)[0] == "13"


def test_one_more_item_on_top_keeps_every_item_discussed(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "我们今年贯标认证通过了，也是首次进规上纳入统计，一共能拿多少奖励",
                 "那再加上我们另一个智能工厂授牌项目，投资500万，总共多少")
    assert r.amount_yuan == 1_900_000 and {"1", "2", "4"} <= set(ids(r))


def test_the_users_own_slip_is_a_correction_not_a_claim_about_us(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "区级标杆项目投了80万能拿多少", "刚才说错了，是800万不是80万")
    assert r.amount_yuan == 2_000_000  # 800 × 30% = 240 > 200 (区级)
    *_, claim = talk(fast_assistant, "区级标杆项目投了80万能拿多少", "你刚才说能补800万，对吧")
    assert claim.amount_yuan == 240_000  # a figure attributed to us is never a fact



def test_a_figure_attributed_to_us_said_again_is_still_no_fact(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "市级标杆 已投入三千万 能补多少", "你刚才说市级最高800万的，那我们就按800万报吧？")
    assert r.amount_yuan == 5_000_000  # 3000 × 30% = 900 > 500 (市级): "按800万报" repeats the figure we never said


def test_the_users_own_sum_disputing_the_figure_is_no_fact(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "我们在嘉定办了全国性工业APP创新大赛，专项审计确认费用240万，能补多少？", "不对吧，50%不就是120万吗？")
    assert r.amount_yuan == 1_000_000  # 240 × 50% = 120 > the yearly 100: the user's 120 is a result, not the fee


@pytest.mark.parametrize(
    ("then", "yuan"),
    [
        ("那我们后续追加到2000万呢", 6_000_000),  # the amount it changes to, however many words around it
        ("你刚才说国家级上限是1500万，那我们后续追加到4000万，就能拿1200万了吧？", 10_000_000),  # 1200 hoped, 4000 ours
    ],
)
def test_an_amount_changed_to_is_the_new_amount(fast_assistant: Assistant, then: str, yuan: int):
    *_, r = talk(fast_assistant, "国家级标杆项目，已投入1500万，能补多少？", then)
    assert r.amount_yuan == yuan


def test_the_level_of_a_matching_requirement_is_not_the_projects_level(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "市级标杆项目，投了1500万，补多少", "市里已经给这个项目补了200万，没要求区里配套",
                 "等等，我查了下文件，市里是要求区级1:1配套的")
    assert r.amount_yuan == 4_500_000  # 就高执行: the standard 450 (市级 cap 500) beats the matching 200


def test_other_support_said_with_little_words_between_its_cue(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "国家级标杆 投了4000万 能给多少", "国家那边已经补了这个项目1000万，不需要地方配套",
                 "那如果国家只补了350万呢")
    assert r.amount_yuan == 6_500_000  # min(1200, 1000) − 350


def test_a_second_project_under_the_same_item_keeps_the_first(fast_assistant: Assistant):
    one, two, total = talk(fast_assistant, "A项目是区级标杆，已投入400万，能补多少",
                           "另外还有个B项目，是市级标杆，已投入1000万，跟A不是一个项目", "两个加起来一共能拿多少")
    assert (one.amount_yuan, two.amount_yuan) == (1_200_000, 3_000_000)  # B alone: its own level and amount
    assert total.amount_yuan == 4_200_000 and "各项目分别计算" in total.answer  # 120 (A, 区级) + 300 (B, 市级)
    # Without another project, new values correct the one project: nothing is set aside.
    *_, corrected = talk(fast_assistant, "A项目是区级标杆，已投入400万，能补多少", "不对，是市级标杆，已投入1000万",
                         "那一共能拿多少")
    assert corrected.amount_yuan == 3_000_000


def test_other_support_said_to_be_another_projects_leaves_this_one(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "智能工厂授牌，投资650万，能补多少", "区里另一个技改政策已经给这个项目补了120万",
                 "哦不对，那120万是我们另外一个项目拿的，不是这个")
    assert r.amount_yuan == 1_950_000  # 650 × 30%, nothing deducted
    # The amount said again as a what-if moves that fact; it starts no other project of its own.
    *_, moved = talk(fast_assistant, "智能工厂授牌了，投资500万，镇里已经给这个项目扶持了30万，区里还能补多少",
                     "不对，镇里给的是80万", "那如果镇里那80万其实是给我们另一个项目的呢？")
    assert moved.amount_yuan == 1_500_000  # 500 × 30%, nothing deducted


def test_an_element_said_to_fail_its_own_condition_drops_out_of_the_list(fast_assistant: Assistant):
    first = "今年在嘉定办了三场全国性工业互联网论坛，都事前备案了，审计确认分别是60万、50万、40万，一共能补多少"
    one, two = talk(fast_assistant, first, "哦不对，第三个论坛其实是在苏州办的")
    assert (one.amount_yuan, two.amount_yuan) == (750_000, 550_000)  # 30 + 25 (+ 20 before)
    assert "第三项不满足“活动在嘉定区举办”，不计入" in two.answer
    assert "不满足：活动在嘉定区举办" not in two.answer  # the other two were held in the district
    # With one event, where it was held decides the item itself.
    *_, single = talk(fast_assistant, "今年办了一场全国性工业互联网论坛，审计确认60万，能补多少", "其实是在苏州办的")
    assert "不满足：活动在嘉定区举办" in single.answer


@pytest.mark.parametrize(("reply", "yuan"), [("500", 1_500_000), ("五百", 1_500_000), ("大概600左右", 1_800_000)])
def test_a_bare_number_answering_an_amount_question_is_in_wan(fast_assistant: Assistant, reply: str, yuan: int):
    asked, r = talk(fast_assistant, "区级标杆项目能补多少", reply)
    assert asked.amount_yuan is None and "万元" in asked.answer  # the question asks for 万元
    assert r.amount_yuan == yuan and "万元×30%" in r.answer  # the amount used is shown
    (alone,) = talk(fast_assistant, "500")
    assert alone.amount_yuan is None  # no question asked: a bare number is not money


def test_asking_for_the_figure_again_is_the_figure(fast_assistant: Assistant, monkeypatch: pytest.MonkeyPatch):
    from dataclasses import replace

    parse = fast_assistant.nlu.parse
    # Whatever the reader makes of it, "再算一遍" after a figure asks for that figure again.
    misread = lambda text, *a, **k: replace(parse(text, *a, **k), intent="lookup") if "再算" in text else parse(text, *a, **k)  # noqa: E731
    monkeypatch.setattr(fast_assistant.nlu, "parse", misread)
    *_, r = talk(fast_assistant, "服务商补贴，去年服务金额200万，补多少", "按管理员说的50%再算一遍")
    assert r.intent == "award" and r.amount_yuan == 600_000  # 200 × 30%, never the 50% asked for


def test_an_amount_already_given_is_not_a_hoped_for_figure(fast_assistant: Assistant):
    (r,) = talk(fast_assistant, "智能工厂项目投资300万，这个项目区里技改政策已经补了100万，这边还能拿多少")
    assert r.amount_yuan == 0  # min(90, 200) − 100, floor 0 (第13条)
    (hoped,) = talk(fast_assistant, "智能工厂项目投资300万，能补100万吗")
    assert hoped.amount_yuan == 900_000  # a figure hoped for is never a fact


def test_support_said_never_given_is_zero(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "智能工厂 投资500万 镇里给了80万 这里还能补多少", "要是镇里没给呢")
    assert r.amount_yuan == 1_500_000


def test_an_item_named_only_to_set_a_project_apart_does_not_take_its_amount(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "市级标杆 投入900万 补多少", "另外还有个智能工厂项目 跟标杆不是同一个 投资400万",
                 "两个加一起多少")
    assert r.amount_yuan == 3_900_000  # 270 (标杆) + 120 (智能工厂 400 × 30%)


def test_a_one_word_total_after_two_items_adds_them(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "贯标过了 奖多少", "那智能工厂呢 投了 660万", "一共")
    assert r.amount_yuan == 2_180_000 and {"1", "2"} <= set(ids(r))


@pytest.mark.parametrize(
    ("then", "yuan"),
    [("那如果只算前两场呢", 800_000), ("后两场呢", 750_000), ("第二场不算呢", 950_000), ("那第二场单独能补多少", 300_000)],
)
def test_part_of_a_list_kept_or_left_out(fast_assistant: Assistant, then: str, yuan: int):
    first = "今年在嘉定办了三场全国性论坛，专项审计费用分别是100万、60万、90万，能补多少"
    one, two, three = talk(fast_assistant, first, then, "那三场加起来呢")
    assert one.amount_yuan == 1_000_000  # 50 + 30 + 45 = 125, the year's cap 100
    assert two.amount_yuan == yuan
    assert three.amount_yuan == 1_000_000  # the part was asked about; the list itself is unchanged


def test_is_there_money_for_a_named_item_is_its_figure(fast_assistant: Assistant):
    (r,) = talk(fast_assistant, "我们刚进规上 纳统了 有没有钱")
    assert r.intent == "award" and r.amount_yuan == 200_000
    (wish,) = talk(fast_assistant, "区里有没有钱")
    assert wish.intent == "clarify" and "哪一项" in wish.answer  # nothing named: which item, with the menu


def test_keyboard_mashing_around_one_common_word_is_clarified_not_looked_up(assistant: Assistant):
    (reply,) = talk(assistant, "hjkl 企业 sdf，呃那个")  # counted as content, the mashing got a clause quoted
    assert reply.intent == "clarify" and not reply.citations


@pytest.mark.parametrize(("slip", "amount"), [("嗯是900万 刚才报给你的数抄错了", 2_000_000), ("哦是90万 刚才报的看错了", 270_000)])
def test_a_slip_owned_in_words_corrects_the_amount(fast_assistant: Assistant, slip: str, amount: int):
    *_, reply = talk(fast_assistant, "智能工厂授牌了，投资500万，能补多少", slip)
    assert reply.amount_yuan == amount  # 看错/抄错/记错: the user's own slip, the new amount replaces the old


@pytest.mark.parametrize("second", ["这个项目去年又评上了市级标杆 两个能不能叠加 合计多少", "同一项目还是市级标杆 可以叠加吗 加起来多少"])
def test_can_two_items_stack_and_how_much_in_all_is_the_figure(assistant: Assistant, second: str):
    *_, reply = talk(assistant, "我们一个项目是上海市智能工厂，投了900万", second)
    # One project under two items counts once, at the higher figure (第13条): 市级标杆 270万 over 智能工厂 200万.
    assert reply.intent == "award" and reply.amount_yuan == 2_700_000 and "13" in ids(reply)


@pytest.mark.parametrize("second", ["我们今年也首次进了规上，两项加在一起多少", "另外首次纳入规上统计了 合起来能拿几万"])
def test_two_items_added_in_everyday_words(fast_assistant: Assistant, second: str):
    *_, reply = talk(fast_assistant, "贯标过了能拿多少", second)
    assert reply.amount_yuan == 400_000 and {"2", "4"} <= set(ids(reply))  # 20万 + 20万, two separate matters


@pytest.mark.parametrize(
    "aside", ["好的 顺便问一下大盘今天多少点", "谢谢 另外问下现在美元汇率多少", "再帮我找个房贷利率低的银行，要贷80万"]
)
def test_an_everyday_question_after_a_figure_is_refused_even_with_how_much(fast_assistant: Assistant, aside: str):
    *_, reply = talk(fast_assistant, "贯标过了能拿多少", aside)
    assert reply.intent == "out_of_scope" and reply.amount_yuan is None  # 多少 alone is not a question of support


@pytest.mark.parametrize(
    ("first", "second", "amount"),
    [
        ("标杆区级 投了1000万 能补多少", "你之前讲区级封顶是800万的 怎么变成200万了", 2_000_000),  # a claim, then a question
        ("国家级标杆 投了5000万 能拿多少", "封顶不是2000万吗 你再核对一下", 10_000_000),  # a figure pushed, then "again"
    ],
)
def test_a_figure_pushed_at_us_in_phone_text_gets_the_texts_figure_again(
    assistant: Assistant, first: str, second: str, amount: int
):
    *_, reply = talk(assistant, first, second)
    assert reply.intent == "award" and reply.amount_yuan == amount and "5" in ids(reply)


@pytest.mark.parametrize(
    "turns",
    [
        ("研究院在嘉定建的双跨平台，土建600万，设备和软件1000万，能补多少",),  # the excluded part and the rest
        ("跨行业跨领域平台能补多少", "土建600万 其余软硬件1000万"),  # given as the answer to "总投入是多少"
    ],
)
def test_a_base_given_as_its_parts_is_their_sum_net_of_the_excluded_part(fast_assistant: Assistant, turns: tuple):
    *_, reply = talk(fast_assistant, *turns)
    assert reply.amount_yuan == 3_000_000  # (600 + 1000 − 600) × 30% = 300万 under the 500万 cap


@pytest.mark.parametrize(
    "turns",
    [
        ("双跨平台 平台总投入1600万 其中土建600万 能补多少",),
        ("双跨平台总投入1600万，能补多少", "对了这1600万里土建占了600万"),  # the total said again, its part in it
        ("双跨平台总投入1600万，能补多少", "不对，总投入里有600万是盖楼的土建"),  # the part named after its amount
    ],
)
def test_a_base_given_as_its_total_is_not_summed_with_its_part(fast_assistant: Assistant, turns: tuple):
    *_, reply = talk(fast_assistant, *turns)
    assert reply.amount_yuan == 3_000_000


@pytest.mark.parametrize(
    ("first", "asks_how", "yuan"),
    [
        ("智能工厂 投了520万 能补多少", "这钱数怎么来的", 1_560_000),
        ("智能工厂授牌项目，实际投资2,900,000元，资助多少？", "这个数字怎么算出来的", 870_000),
    ],
)
def test_how_a_figure_was_computed_and_a_redo_with_another_amount(
    assistant: Assistant, first: str, asks_how: str, yuan: int
):
    chat = assistant.new_conversation(AFTER_EXPIRY)  # after expiry the figure is still given, with a warning
    _, how, redo = (chat.ask(t) for t in (first, asks_how, "那换成8,000,000元再算一遍"))
    assert how.intent == "award" and how.amount_yuan == yuan and "30%" in how.answer  # the figure again, its steps
    assert redo.amount_yuan == 2_000_000  # 800万 × 30% = 240万, over the 200万 cap


@pytest.mark.parametrize(
    ("turns", "yuan"),
    [
        (("上个月在嘉定办了全国性工业APP大赛，总费用150万，审计只认定了其中八成，能补多少",), 600_000),  # 120万 × 50%
        (("服务商 去年服务金额500万 能补多少", "如果只核定了百分之四十呢"), 600_000),  # 200万 × 30%
    ],
)
def test_a_share_of_the_amount_that_counts(fast_assistant: Assistant, turns: tuple, yuan: int):
    *_, reply = talk(fast_assistant, *turns)
    assert reply.amount_yuan == yuan


def test_an_excluded_part_said_within_the_total_is_not_added_to_it(fast_assistant: Assistant):
    *_, reply = talk(fast_assistant, "双跨平台 平台总投入2000万 能补多少", "财务说2000万里头有500万是土建")
    assert reply.amount_yuan == 4_500_000  # (2000 − 500) × 30%, not (2000 + 500 − 500) × 30% capped


def test_the_figure_asked_again_after_a_question_of_eligibility(fast_assistant: Assistant):
    *_, reply = talk(fast_assistant, "智能工厂授牌了 投了600万 补多少", "那我们能申请吗？公司注册和纳税都在嘉定",
                     "好的，刚才那个补贴金额再确认一下")
    assert reply.intent == "award" and reply.amount_yuan == 1_800_000


@pytest.mark.parametrize(
    ("turns", "yuan"),
    [
        (("智能工厂授牌了 能补多少", "大概投了五百出头"), 1_500_000),  # a rough bare reply: the number said, in 万元
        (("智能工厂授牌了 能补多少", "一千二吧"), 2_000_000),  # 一千二 = 1200万; 360万 over the 200万 cap
        (("智能工厂 投资700万 补多少", "投资报多了，其实是400"), 1_200_000),  # a correction without its unit
        (("智能工厂投资300万能拿多少", "那市级标杆呢", "一样是300万"), 900_000),  # "the same" amount, for the new item
    ],
)
def test_amounts_said_the_way_people_talk(fast_assistant: Assistant, turns: tuple, yuan: int):
    *_, reply = talk(fast_assistant, *turns)
    assert reply.amount_yuan == yuan


def test_a_what_if_sentence_gives_the_figure_its_amount(assistant: Assistant):
    *_, reply = talk(assistant, "服务商 去年服务金额300万 能补多少", "那如果把今年上半年的也算进去，总共三百二十万呢")
    assert reply.intent == "award" and reply.amount_yuan == 960_000  # 320万 × 30%, under the 100万 cap


def test_one_project_under_two_items_asked_whether_they_stack_then_how_much(assistant: Assistant):
    _, stack, most = talk(assistant, "标杆项目 市级 已投入800万 能补多少", "这个项目也拿了上海市智能工厂 两个能一起拿吗",
                          "那这个项目最多能拿多少")
    assert stack.intent == "lookup" and ids(stack)[0] == "13"  # the rule between the two items of one project
    assert most.amount_yuan == 2_400_000 and {"1", "5"} <= set(ids(most))  # once, at the higher figure


def test_an_apology_then_the_new_amount_corrects_it(fast_assistant: Assistant):
    *_, reply = talk(fast_assistant, "智能工厂授牌 投资300万 补多少", "抱歉，算上设备是四百五")
    assert reply.amount_yuan == 1_350_000  # 450万 × 30%


@pytest.mark.parametrize(
    "slip", ["投入金额也要改一下，财务刚核过，准确是一千五百万", "不好意思我刚翻了下合同，是一千五百万", "确切的数字是一千五百万"]
)
def test_a_correction_said_at_length_replaces_the_amount(fast_assistant: Assistant, slip: str):
    *_, reply = talk(fast_assistant, "市级标杆示范项目，已经投入了两千八百万，区里能给多少？", slip)
    assert reply.amount_yuan == 4_500_000  # 1500万 × 30%, not 2800万's capped 500万


def test_a_repeated_no_corrects_the_item_and_keeps_the_figure_asked_for(fast_assistant: Assistant):
    first, fixed, total = talk(
        fast_assistant, "我们想问一下智能工厂那个能补多少", "哦不对不对，我搞混了，我们拿的不是智能工厂，是两化融合贯标认证",
        "另外我们今年第一次进规上，已经纳入统计了，两个加一起能拿多少？",
    )
    assert first.amount_yuan is None and fixed.intent == "award" and fixed.amount_yuan == 200_000  # 不对不对 asks nothing
    assert total.amount_yuan == 400_000 and {"2", "4"} <= set(ids(total))  # 加一起: the two discussed, added up


def test_a_rule_asked_about_after_a_figure_is_looked_up(lexical: Assistant):
    *_, rule = talk(lexical, "大院大所合作平台，平台建设总投入1.2亿，其中土建四千万，能资助多少？",
                    "好吧。那个“一事一议”是怎么回事，我们这种大项目能走吗？")
    assert rule.intent == "lookup" and "12" in ids(rule) and rule.amount_yuan is None


def test_support_given_besides_adds_to_the_support_given_before(fast_assistant: Assistant):
    *_, reply = talk(fast_assistant, "区级标杆项目，已投入六百万，区里能补多少？", "这个项目之前区里另一个产业政策已经给过一百万扶持了",
                     "还有镇里也另外给了五十万")
    assert reply.amount_yuan == 300_000  # 180万 − (100万 + 50万): the supports add up (第13条)


def test_which_things_an_item_covers_is_its_text_not_what_we_can_claim(fast_assistant: Assistant):
    (r,) = talk(fast_assistant, "你好，服务商那条，哪些服务能算进来？我们主要是给厂里做数字化、网络化改造，设备上云、数据采集这些")
    assert r.intent == "lookup" and ids(r)[:1] == ["7"]


def test_a_what_if_amount_named_by_another_items_word_is_this_figures_amount(fast_assistant: Assistant):
    *_, r = talk(fast_assistant, "服务商，区内企业服务金额800w，能拿多少", "那如果审计只认300w呢")
    assert r.amount_yuan == 900_000 and "7" in ids(r)  # 300 × 30%: 审计 is no reason to leave the service amount


def test_is_it_once_said_as_a_tag_question_is_a_look_up(fast_assistant: Assistant):
    *_, reply = talk(fast_assistant, "二级节点建成运营了能拿多少", "这个钱是一次性的吧")
    assert reply.intent == "lookup" and reply.amount_yuan is None and ids(reply)[0] == "6"


def test_an_amount_someone_else_got_is_not_our_fact(fast_assistant: Assistant):
    first, *_, reply = talk(fast_assistant, "隔壁公司投了五百万就拿到了智能工厂补贴，我们也是智能工厂", "我们投了差不多三百")
    assert first.amount_yuan is None  # 500万 was theirs: our investment is asked for
    assert reply.amount_yuan == 900_000  # 300万 × 30%


def test_a_reply_to_which_item_picks_the_one_clause_its_words_match(lexical: Assistant):
    """Forms: after "which item?", a loose reply is read as the choice by the one clause its words match, though
    it names no item's alias; a reply that matches no clause alone is asked about again."""
    menu, picked = talk(lexical, "区里有哪些补贴我们能拿", "搞示范那个")
    assert menu.intent == "clarify" and picked.intent == "award"
    assert ids(picked) == ["5"] and "级" in picked.answer  # its level is asked next
    *_, unclear = talk(lexical, "区里有哪些补贴我们能拿", "嗯嗯")
    assert unclear.intent == "clarify" and unclear.amount_yuan is None


def test_an_amount_spent_said_without_its_unit_is_read_in_wan_when_the_figure_misses_it(fast_assistant: Assistant):
    (rough,) = talk(fast_assistant, "我们的区级标杆项目前后花了五百出头，补多少")
    assert rough.amount_yuan == 1_500_000 and "500万元" in rough.answer  # the steps show the reading
    (by_noun,) = talk(fast_assistant, "服务商，去年给区内企业做咨询，服务费用大概两百，能补多少")
    assert by_noun.amount_yuan == 600_000  # 200万 × 30%
    (span_of_time,) = talk(fast_assistant, "市级标杆项目，投了两年了，能补多少")
    assert span_of_time.amount_yuan is None  # "两年" is no amount: the investment is asked for
    (with_unit,) = talk(fast_assistant, "区级标杆项目，花了300万，其中设备200，能补多少")
    assert with_unit.amount_yuan == 900_000  # an amount with its unit is the one read


def test_an_item_named_only_to_deny_it_is_not_the_topic_beside_one_affirmed(fast_assistant: Assistant):
    (other,) = talk(fast_assistant, "我们还不是规上企业，不过今年在科创板上市了，能奖励多少")
    assert ids(other)[:1] == ["3"] and other.amount_yuan == 2_000_000  # 上市 alone, not 规上 beside it
    (alone,) = talk(fast_assistant, "我们没拿到智能工厂授牌，能申请吗")
    assert "1" in ids(alone)  # denied and nothing else named: still what the question is about


def test_once_or_over_years_asked_after_a_figure_is_about_its_item(fast_assistant: Assistant):
    _, how = talk(fast_assistant, "我们贯标认证通过了，能奖多少", "这笔钱是一次性发还是分几年发")
    assert how.intent == "lookup" and ids(how)[:1] == ["2"] and "一次性" in how.answer



def test_asking_for_the_rule_above_the_cap_after_a_figure_is_the_rule(lexical: Assistant):
    chat = lexical.new_conversation(IN_FORCE)
    chat.ask("国家级标杆 投了3个亿 能拿多少")
    obs = lexical._observe("封顶才1000万 太少了 能不能走一事一议")
    obs = replace(obs, parse=replace(obs.parse, intent="award"))  # the product reader's guess, pinned down
    state = apply(chat.state, obs, lexical.domain)
    action = decide(state, obs, lexical.domain)
    assert action.kind is ActionKind.ANSWER_LOOKUP  # the cap said again is no fact of the case: the rule (一事一议)


def test_who_is_in_charge_of_something_a_clause_names_is_that_clause(lexical: Assistant):
    _, who = talk(lexical, "人才实训基地已经考核冠名了，能拿多少", "这个考核是哪个部门负责")
    assert ids(who)[:1] == ["10"] and "人力资源" in who.answer  # not who interprets the policy (第16条)
    (policy,) = talk(lexical, "这个政策是哪个部门负责解释的")
    assert ids(policy)[:1] == ["16"]
    # An item named in the story before the question does not make the question about that item.
    (story,) = talk(lexical, "他们说服务商那条要服务够多少家才行，我们说文件里没写。所以想问一下，这个政策最后是由哪个部门负责解释的？")
    assert ids(story)[:1] == ["16"] and "经济委员会" in story.answer
    (item,) = talk(lexical, "服务商那条是哪个部门负责考核的")
    assert ids(item)[:1] == ["7"]


def test_a_stacking_question_naming_no_item_is_the_rule_between_supports(lexical: Assistant):
    _, rule = talk(lexical, "我们是市级标杆，投了1500万，能补多少", "这个还能跟镇里的扶持叠加吗")
    assert rule.intent == "lookup" and ids(rule)[:1] == ["13"]


def test_a_question_with_no_subject_of_its_own_is_about_the_item_discussed(fast_assistant: Assistant):
    _, conditions = talk(fast_assistant, "我们想建人才实训基地，区里有补贴吗", "要满足什么条件才能拿到")
    assert conditions.intent in ("lookup", "eligibility") and ids(conditions)[:1] == ["10"]


def test_how_often_an_item_pays_is_its_own_clause_not_the_stacking_rule(lexical: Assistant):
    _, often = talk(lexical, "首次上规的奖励是多少", "这个是每年都能拿吗")
    assert often.intent == "lookup" and ids(often)[:1] == ["4"]


def test_three_things_added_up_and_one_of_them_corrected_keep_the_total(fast_assistant: Assistant):
    *_, three, corrected = talk(
        fast_assistant, "智能工厂授牌了，项目实际投资800万，能资助多少", "我们贯标认证也通过了，这个奖多少",
        "另外还有一个区级标杆示范项目，已经投了500万。这三样加起来一共能拿多少",
        "等下，智能工厂那个项目实际投资只有五百万，那总数变成多少")
    assert three.amount_yuan == 3_700_000  # 200 (capped) + 20 + 150: "这三样" reaches back to the first item
    assert corrected.amount_yuan == 3_200_000 and set(ids(corrected)) >= {"1", "2", "5"}  # 150 + 20 + 150


def test_a_misnamed_item_corrected_keeps_the_amount_its_figure_rested_on(fast_assistant: Assistant):
    _, corrected = talk(fast_assistant, "我们智能工厂项目投了700万，能补多少", "不好意思搞混了，不是智能工厂，是市级标杆示范项目")
    assert corrected.amount_yuan == 2_100_000 and ids(corrected)[:1] == ["5"]  # 700万 × 30%, the same project
    _, other = talk(fast_assistant, "我们智能工厂项目投了700万，能补多少", "那市级标杆呢")
    assert other.amount_yuan is None  # another item asked about, not the item corrected: its own amount is asked


def test_this_part_asked_alone_then_the_total(fast_assistant: Assistant):
    _, part, total = talk(fast_assistant, "我们建成了标识解析二级节点，已经投入运营，补多少",
                          "我们同时也是服务商，去年服务金额二百万，这块能补多少？", "总共能拿多少？")
    assert part.amount_yuan == 600_000 and ids(part)[:1] == ["7"]  # 200万 × 30%: that part alone
    assert total.amount_yuan == 2_600_000  # then both: 200 + 60


def test_one_more_sum_of_the_same_amount_adds_to_it(fast_assistant: Assistant):
    _, more = talk(fast_assistant, "服务商那个 今年服务金额八十万块 能补多少", "哦还有一笔二十万的服务合同也是今年的 一起算")
    assert more.amount_yuan == 300_000  # (80万 + 20万) × 30%


def test_how_often_it_pays_is_answered_by_the_sentence_that_says_so(fast_assistant: Assistant):
    # 第10条 opens with what it encourages; the sentence on the award says 一次性, a word the question does not use.
    _, often = talk(fast_assistant, "人才实训基地冠名了能补多少", "这个是每年都给吗")
    assert often.intent == "lookup" and ids(often)[:1] == ["10"] and "一次性" in often.answer


def test_words_naming_another_clause_outright_outweigh_this_or_that(lexical: Assistant):
    _, rule = talk(lexical, "区级标杆 投了500万 能补多少", "从高不重复这个是啥意思")
    assert ids(rule)[:1] == ["13"]  # not the item just discussed, though "这个" points back


def test_a_yes_no_question_ending_in_bu_is_asked_of_eligibility(fast_assistant: Assistant):
    (r,) = talk(fast_assistant, "我是个体户 二级节点那个补贴我们能申请不")
    assert r.intent == "eligibility" and "不符合" in r.answer and "一" in ids(r)


def test_a_bare_number_too_large_for_wan_is_in_yuan(fast_assistant: Assistant):
    _, reply = talk(fast_assistant, "区级标杆项目能补多少", "3000000")
    assert reply.amount_yuan == 900_000  # 300万 × 30%, not 三百亿
    (said,) = talk(fast_assistant, "区级标杆，投了4000000，能补多少")
    assert said.amount_yuan == 1_200_000


def test_after_a_look_up_of_an_item_its_conditions_and_its_figure_are_asked_of_it(fast_assistant: Assistant):
    _, conditions, figure = talk(fast_assistant, "标识解析二级节点这块政策是怎么支持的", "要做到什么程度才给钱",
                                 "我们已经建好上线运营了，能拿多少")
    assert ids(conditions)[:1] == ["6"]
    assert figure.intent == "award" and figure.amount_yuan == 2_000_000


def test_other_support_said_of_one_of_two_projects_is_that_ones(fast_assistant: Assistant):
    first, second = talk(fast_assistant, "我们两块业务：建了二级节点已经运营；另外给区内企业做工业互联网服务，服务金额100万，一共能拿多少",
                         "二级节点那个，区里别的政策之前给过60万")
    assert first.amount_yuan == 2_300_000  # 200万 + 100万 × 30%
    assert second.amount_yuan == 1_700_000  # (200万 − 60万) + 30万: the node's other support is not the service's


@pytest.mark.parametrize(
    "second", ["同一年还办了个全国性的大赛，审计确认40万，两个一共多少", "我们还在嘉定办了个全国性大赛，审计确认四十万，能拿多少"]
)
def test_another_event_held_the_same_year_joins_the_list(fast_assistant: Assistant, second: str):
    _, both = talk(fast_assistant, "在嘉定办了个全国性的工业互联网峰会，审计确认80万，能补多少", second)
    assert both.amount_yuan == 600_000  # 40万 + 20万, not the second alone


@pytest.mark.parametrize(("asked", "clause"), [("依据是哪条", "7"), ("从高不重复是哪条规定的", "13")])
def test_which_clause_says_so_is_the_last_answers_unless_the_message_names_a_rule(
    lexical: Assistant, asked: str, clause: str
):
    _, basis = talk(lexical, "服务商，今年服务金额250万，能补多少", asked)
    assert ids(basis)[:1] == [clause]


def test_other_support_said_of_one_item_does_not_follow_the_talk_to_another(fast_assistant: Assistant):
    _, less, other = talk(fast_assistant, "贯标认证通过了，奖励多少", "镇里已经奖励过我们贯标5万", "那首次规上的奖励呢")
    assert (less.amount_yuan, other.amount_yuan) == (150_000, 200_000)


@pytest.mark.parametrize("asked", ["这笔钱一次性到账吧", "是不是要验收以后才拨", "30%这个比例是固定的吗", "这个上限在原文哪里写的"])
def test_a_question_about_the_text_after_a_figure_is_a_look_up(fast_assistant: Assistant, asked: str):
    _, r = talk(fast_assistant, "智能工厂授牌，投了500万，能补多少", asked)
    assert r.intent == "lookup" and ids(r)[:1] == ["1"] and r.amount_yuan is None


def test_a_correction_after_a_side_question_begun_with_an_interjection(fast_assistant: Assistant):
    *_, fixed = talk(fast_assistant, "服务商，给区内企业做咨询，服务金额200万，能补多少", "这个政策谁负责解释",
                     "呃不对，我翻了下合同，实际是三百万")
    assert fixed.amount_yuan == 900_000


def test_same_project_said_of_other_support_does_not_join_the_next_item_to_it(fast_assistant: Assistant):
    *_, both = talk(fast_assistant, "智能工厂授牌，投了400万，能补多少", "同一个项目镇里给过10万",
                    "另外我们贯标认证也通过了，两件事一共多少")
    assert both.amount_yuan == 1_300_000  # (120万 − 10万) + 20万: two things, not one project at the higher figure


def test_a_figure_asked_in_words_of_one_items_clause_is_asked_of_that_item(lexical: Assistant):
    (r,) = talk(lexical, "我们跟复旦合作在嘉定建了个工业互联网协同研发平台，平台投入能补多少")
    assert r.intent == "award" and ids(r)[:1] == ["8"] and "哪一项" not in r.answer  # its amount, not the menu
    (menu,) = talk(lexical, "我们能拿多少补贴")
    assert menu.intent == "clarify" and "哪一项" in menu.answer


def test_a_what_if_stating_a_fact_after_a_side_look_up_recomputes(fast_assistant: Assistant):
    *_, what_if = talk(fast_assistant, "市级标杆，投了1000万，镇里给过这个项目100万，能补多少", "一事一议是什么意思",
                       "那要是镇里没给过钱呢")
    assert what_if.intent == "award" and what_if.amount_yuan == 3_000_000


def test_which_clause_an_item_is_in_is_a_look_up_then_its_standard_answer_a_figure(fast_assistant: Assistant):
    where, figure = talk(fast_assistant, "帮来电企业查一下首次规上奖励是第几条", "标准答复是多少钱")
    assert where.intent == "lookup" and ids(where)[:1] == ["4"] and where.amount_yuan is None
    assert figure.intent == "award" and figure.amount_yuan == 200_000


def test_an_amount_received_for_the_same_project_is_its_other_support(fast_assistant: Assistant):
    _, less = talk(fast_assistant, "人才实训基地考核冠名了，能拿多少", "区人社局之前给过我们这个基地补贴30万，是同一个基地")
    assert less.amount_yuan == 700_000 and "13" in ids(less)  # 100万 − 30万, never a subsidy from above


def test_a_procedure_one_items_clause_sets_is_that_clause_not_the_general_rule(lexical: Assistant):
    _, filing = talk(lexical, "在嘉定办全国性论坛，审计确认60万，能补多少", "那要备案吗，啥时候备")
    assert filing.intent == "lookup" and ids(filing)[:1] == ["9"]
    _, guide = talk(lexical, "智能工厂授牌，投了500万，能补多少", "申报要准备哪些材料")
    assert ids(guide)[:1] != ["1"]  # materials: the general procedure (先申报后补助 / 申报指南)


def test_a_slip_owned_as_reading_the_wrong_sheet_corrects_the_amount(fast_assistant: Assistant):
    _, fixed = talk(fast_assistant, "市级标杆，已投入0.12亿，能补多少", "不好意思我看错表了，是1.2亿")
    assert fixed.amount_yuan == 5_000_000  # 1.2亿 × 30% = 3600万, capped at 500万


@pytest.mark.parametrize(
    ("then", "yuan"),
    [
        ("那明年再办一场全国性工业互联网大赛，审计费用八十万呢", 400_000),  # next year: its own list, nothing received yet
        ("那要是这个论坛放到明年办呢，费用一样", 500_000),  # the same event next year: this year's 70万 no longer counts
        ("同一年再办一场全国性工业互联网大赛，审计费用八十万呢", 300_000),  # this year: 50 + 40, the 30万 left of the cap
    ],
)
def test_another_year_starts_the_yearly_cap_again(fast_assistant: Assistant, then: str, yuan: int):
    first, second = talk(fast_assistant, "全国性工业互联网论坛，在嘉定办的，已事前备案，审计确认费用一百万，今年已经拿过70万了，还能补多少",
                         then)
    assert first.amount_yuan == 300_000  # 100 × 50% = 50, the year's cap 100 less the 70 received
    assert second.amount_yuan == yuan


def test_an_event_of_the_year_before_is_not_in_this_years_list(fast_assistant: Assistant):
    first, second = talk(fast_assistant, "去年在嘉定办了一场全国性工业互联网峰会，已事前备案，审计确认费用240万，能补多少",
                         "那笔去年已经拿了。今年又办了一场全国性工业互联网大赛，审计确认六十万，今年这场能补多少")
    assert first.amount_yuan == 1_000_000  # 240 × 50% = 120, the year's cap 100
    assert second.amount_yuan == 300_000  # this year's list is the 60万 alone


def test_a_level_only_planned_for_gives_the_figure_then_and_the_condition_unmet_now(fast_assistant: Assistant):
    *_, planned = talk(fast_assistant, "标杆示范项目，投了1500万，能补多少？", "还没认定，准备报区级")
    assert planned.amount_yuan == 2_000_000
    assert "不满足：被认定为" in planned.answer and "如符合条件" in planned.answer
    # Awarded after all: the same figure, the condition met.
    *_, awarded = talk(fast_assistant, "标杆示范项目，投了1500万，能补多少？", "还没认定，准备报区级", "评上了，区级的")
    assert awarded.amount_yuan == 2_000_000 and "已满足：被认定为" in awarded.answer


def test_an_amount_given_as_its_parts_adds_up(fast_assistant: Assistant):
    (parts,) = talk(fast_assistant, "我们智能工厂授牌了，投资是设备300万、软件200万，能补多少？")
    assert parts.amount_yuan == 1_500_000  # (300万 + 200万) × 30%
    # The base's parts, the excluded one among them: the total is their sum, the excluded part taken off.
    (platform,) = talk(fast_assistant, "大院大所平台，投入是：软硬件设备900万、软件系统400万、实验楼土建700万，能补多少？")
    assert platform.amount_yuan == 3_900_000  # (900 + 400 + 700 − 700)万 × 30%
    (total,) = talk(fast_assistant, "大院大所平台，总投入2000万，土建700万，能补多少")
    assert total.amount_yuan == 3_900_000  # the total given: not 2700万


def test_one_part_of_an_amount_given_in_parts_corrected_moves_the_total(fast_assistant: Assistant):
    *_, fixed = talk(fast_assistant, "我们智能工厂授牌了，投资是设备300万、软件200万，能补多少？", "等下，设备是400不是300")
    assert fixed.amount_yuan == 1_800_000  # (400万 + 200万) × 30%
    # The base given as its parts, the excluded one among them: the total moves, the excluded part stays.
    *_, platform = talk(fast_assistant, "大院大所平台，投入是：设备900万、软件400万、土建700万，能补多少？",
                        "设备是1100不是900")
    assert platform.amount_yuan == 4_500_000  # (1100 + 400 + 700 − 700)万 × 30%
    # Said as a sum ("设备1200万加软件600万"): its addends are the parts.
    *_, summed = talk(fast_assistant, "跨行业跨领域平台，设备1200万加软件600万，土建另外400万，按第8条能补多少？",
                      "不好意思，设备是800万，不是1200万")
    assert summed.amount_yuan == 4_200_000  # (800 + 600)万 × 30%, not 800万 taken for the whole
    *_, plain = talk(fast_assistant, "智能工厂授牌，设备300万加软件200万，能补多少", "设备是100万，不是300万")
    assert plain.amount_yuan == 900_000  # (100 + 200)万 × 30%


@pytest.mark.parametrize(
    ("turns", "yuan"),
    [
        # A part named by its word, its old value unsaid: that part moves, the others stay.
        (("智能工厂授牌，设备300万、软件200万，能补多少", "不对，软件是100万"), 1_200_000),  # (300 + 100)万 × 30%
        # the part named in the clause before its amount
        (("智能工厂授牌了，投资是设备300万、软件200万，能补多少？", "软件那块说错了，实际是260万，设备不变"), 1_680_000),
        (("市级标杆示范项目，已经投入的：硬件480万，软件平台260万，实施服务160万，能补多少？",
          "市里也给了这个项目100万，不需要区里配套", "硬件其实是780万，刚才少算了"), 3_600_000),  # (780+260+160) × 30%
    ],
)
def test_one_part_corrected_by_its_word_moves_the_total(fast_assistant: Assistant, turns: tuple[str, ...], yuan: int):
    *_, fixed = talk(fast_assistant, *turns)
    assert fixed.amount_yuan == yuan


@pytest.mark.parametrize(("as_of", "text", "verdict"), [
    (date(2024, 8, 20), "我们2023年因为安全生产问题被重大处罚，今年申报会不会被取消资格？", "不符合"),  # the year before
    (date(2025, 4, 10), "去年被重大处罚过，今年申报会不会被取消资格？", "不符合"),
    (date(2025, 6, 12), "我们2023年被重大处罚过，2025年申报会不会被取消资格？", "还需确认"),  # two years before
    (date(2024, 8, 20), "我们2023年被重大处罚过，2025年再申报会不会被取消资格？", "还需确认"),  # applying later
    # the year said in its own clause before the fact's, in words as voice typing writes it
    (date(2025, 3, 1), "我们是前年，就是二〇二三年，有一次安全生产的重大违法，会不会被取消资格？", "还需确认"),
    (date(2025, 3, 1), "我们是去年，就是二零二四年，有一次安全生产的重大违法，会不会被取消资格？", "不符合"),
    # the fact's words with others inside them (重大…违法), its year still its own
    (date(2025, 6, 10), "我们2023年有过一次重大环保违法，已经整改完了。2025年申报会被取消资格吗？", "还需确认"),
])
def test_a_violation_counts_only_in_the_year_before_the_application(fast_assistant: Assistant, as_of: date, text: str,
                                                                    verdict: str):
    reply = fast_assistant.new_conversation(as_of).ask(text)
    assert reply.intent == "eligibility" and reply.answer.startswith(verdict)


def test_the_same_project_under_another_item_keeps_its_amount(fast_assistant: Assistant):
    *_, other = talk(fast_assistant, "智能工厂授牌，项目投资1100万，能补多少？", "那如果这个项目被认定为国家级标杆示范项目呢？")
    assert other.amount_yuan == 3_300_000 and ids(other)[0] == "5"  # 1100万 × 30%, under 第5条's national cap


def test_an_event_added_elsewhere_is_left_out_and_the_others_still_count(fast_assistant: Assistant):
    *_, both = talk(fast_assistant, "今年我们在嘉定办了一场全国性工业互联网论坛，专项审计确认费用80万，能拿多少？",
                    "我们在苏州还办了一场全国性的，审计确认60万，加起来能拿多少？")
    assert both.amount_yuan == 400_000 and "不计入" in both.answer  # 80万 × 50%; the event in 苏州 does not count


def test_what_was_received_said_as_a_what_if_is_the_amount_received(fast_assistant: Assistant):
    *_, what_if = talk(fast_assistant, "我们今年3月办的全国性大赛已经拿了第9条资助70万。10月还要在嘉定办一场国际性峰会，"
                       "审计确认费用100万，这场能拿多少？", "那如果3月那场拿的是40万呢？")
    assert what_if.amount_yuan == 500_000  # min(100万 × 50%, 100万 − 40万)


@pytest.mark.parametrize(("as_of", "text", "yuan"), [
    (date(2025, 6, 20), "2024年9月我们在嘉定办了全国性论坛，专项审计确认费用160万；今年5月又在嘉定办了一场国际性大赛，审计确认"
                        "140万。两年加起来最多能拿多少？", 1_500_000),  # 80万 (2024) + 70万 (2025): each year its own cap
    (date(2025, 6, 20), "今年3月在嘉定办了全国性论坛审计确认160万，5月又办了国际性大赛审计确认140万，能补多少？", 1_000_000),
])
def test_events_of_different_years_are_capped_year_by_year(fast_assistant: Assistant, as_of: date, text: str,
                                                          yuan: int):
    reply = fast_assistant.new_conversation(as_of).ask(text)
    assert reply.amount_yuan == yuan


def test_another_item_with_the_same_investment_keeps_the_amount(fast_assistant: Assistant):
    *_, other = talk(fast_assistant, "我们厂拿了上海市智能工厂的牌子，投了750万，能补多少", "那如果认定为市级标杆呢，投入一样")
    assert other.amount_yuan == 2_250_000 and ids(other)[0] == "5"  # 750万 × 30%


@pytest.mark.parametrize(
    ("first", "then", "clause"),
    [
        ("我们是培训机构，准备申请“嘉定区工业互联网人才实训基地”冠名，如果通过了能给多少？", "考核是哪个部门负责的？", "10"),
        ("您好，我们和一家企业合作在嘉定建工业互联网标识解析二级节点，这个能拿多少？", "是要建成以后才给吗？", "6"),
        ("第5条标杆示范每年评几个", "按已投入还是计划投入算", "5"),  # ranked first; one below shares more words
    ],
)
def test_a_follow_up_stays_on_the_clause_in_focus_when_no_clause_ranked_above_matches_it_better(
    lexical: Assistant, first: str, then: str, clause: str
) -> None:
    """Retrieval may rank a general rule first on the question's form ("哪个部门负责", "才给"); the clause the
    last answer rested on, which the message's own words match at least as well, is what the caller asks about."""
    one, two = talk(lexical, first, then)
    assert ids(one)[0] == clause
    assert ids(two)[0] == clause


def test_the_year_a_clause_looks_at_is_worked_out_for_the_application_year_named(fast_assistant: Assistant) -> None:
    """第14条's 申报当年的上一年度 (``year_offset: -1`` in the rules): a year said with 申报 is the application year;
    the answer names the year looked at, and carries the arithmetic for the grounding guard."""
    chat = fast_assistant.new_conversation(date(2025, 2, 18))
    one = chat.ask("第14条说的“申报当年的上一年度”，我们2025年申报的话，看的是哪一年的记录？")
    assert ids(one)[0] == "14" and "2025年申报的，看的是2024年度" in one.text()
    two = chat.ask("那如果是明年申报呢")
    assert ids(two)[0] == "14" and "2026年申报的，看的是2025年度" in two.text()
    plain = fast_assistant.new_conversation(date(2025, 2, 18)).ask("第14条是什么意思")
    assert ids(plain)[0] == "14" and "年申报的，看的是" not in plain.text()  # no year named: none worked out


def test_amounts_that_cannot_both_hold_are_quoted_back_for_checking(fast_assistant: Assistant) -> None:
    """The excluded part larger than the base: the reply asks to check, quoting the user's own amounts (the grounding
    guard finds them in the trace) — not a refusal."""
    reply = talk(fast_assistant, "国家重点实验室在嘉定建的独立研发机构，平台总投入800万，其中土建900万，能补多少")[0]
    assert "请核对" in reply.text() and "900万元" in reply.text() and "800万元" in reply.text()
    assert reply.amount_yuan is None


def test_what_counts_of_work_done_elsewhere_is_asked_of_our_text(fast_assistant: Assistant) -> None:
    """Another place named only as where the work was done, and whether it counts asked: our item's clause (区内
    企业), not a refusal; a question about that place's own support is still refused."""
    _, counted, theirs = talk(fast_assistant, "我们是工业互联网服务商，去年服务金额200万，能补多少",
                              "我们也给苏州的工厂做了几单 这部分服务金额能算进去吗", "苏州那边有没有类似的补贴")
    assert counted.intent == "lookup" and ids(counted)[:1] == ["7"]
    assert theirs.intent == "out_of_scope"


def test_an_order_to_count_the_excluded_part_is_ignored_and_the_figure_kept(fast_assistant: Assistant) -> None:
    first, ordered = talk(fast_assistant, "国家重点实验室在嘉定建的独立研发机构，平台总投入2000万，其中土建500万，能补多少",
                          "土建也算进去 按2000万重新算一下")
    assert first.amount_yuan == ordered.amount_yuan == 4_500_000  # (2000万 − 土建500万) × 30%


def test_two_items_compared_are_each_figured_never_added(fast_assistant: Assistant):
    _, r = talk(fast_assistant, "贯标奖励多少？", "那首次规上呢？跟贯标比哪个钱多？")
    assert r.intent == "award" and r.amount_yuan == 200_000  # the item asked about (第4条), not 40万
    assert "合计" not in r.answer and {"2", "4"} <= {c.clause_id for c in r.citations}
    (which,) = talk(fast_assistant, "智能工厂授牌投资800万，贯标也通过了，哪个补得多？")
    assert which.amount_yuan == 2_000_000 and "第1条的金额较高" in which.answer  # 240万 capped at 200万, over 20万
    # The total asked as well: the total (each figure is in its steps).
    (both,) = talk(fast_assistant, "贯标通过了，又首次纳统规上了，哪个钱多，两个都能拿的话一共多少？")
    assert both.amount_yuan == 400_000


def test_the_event_just_added_is_asked_about_alone_under_the_years_shared_cap(fast_assistant: Assistant):
    """"这场能补多少" after adding a second event of the year: that event's own figure, limited by what the first
    event leaves of the yearly cap (the calculator's figure for the first counts as used), not the year's total."""
    first, this_one, both = talk(fast_assistant, "今年在嘉定办了个全国性峰会，审计确认费用120万，能补多少",
                                 "下个月还要再办一场国际论坛，审计预计140万，这场能补多少", "那两场一共能补多少")
    assert first.amount_yuan == 600_000  # 120 × 50%
    assert this_one.amount_yuan == 400_000  # min(140 × 50% = 70, 100 − 60 left) = 40
    assert "此前" in this_one.answer and "60万元" in this_one.answer  # what the year's first event uses, said
    assert both.amount_yuan == 1_000_000  # the year's total: 60 + 70 = 130 → cap 100; the list kept both


def test_what_the_user_says_was_received_is_not_counted_twice(fast_assistant: Assistant):
    *_, reply = talk(fast_assistant, "今年在嘉定办了个全国性峰会，审计确认费用120万，能补多少",
                     "这60万已经到账了。下个月还要再办一场国际论坛，审计预计140万，这场还能补多少")
    assert reply.amount_yuan == 400_000  # 100 − 60 received, not 100 − 60 − 60


def test_an_event_of_another_year_leaves_this_years_cap_alone(fast_assistant: Assistant):
    *_, reply = talk(fast_assistant, "2024年10月我们在嘉定办了全国性峰会，审计确认费用180万，能补多少",
                     "今年5月还要在嘉定办一场国际论坛，审计预计160万，今年这场能补多少")
    assert reply.amount_yuan == 800_000  # 160 × 50%: the 2024 event used 2024's cap, not this year's
    assert "2024年" in reply.answer


@pytest.mark.parametrize(("received", "yuan"), [
    ("对了，去年我们办论坛区里已经补过90万了，那这次还能拿多少", 700_000),  # last year's cap, not this year's
    ("对了，今年我们办论坛区里已经补过90万了，那这次还能拿多少", 100_000),  # 100 − 90 left of this year's cap
])
def test_support_received_in_an_earlier_year_leaves_this_years_cap_alone(fast_assistant: Assistant, received: str,
                                                                           yuan: int):
    *_, reply = talk(fast_assistant, "我们6月准备在嘉定办全国性的工业APP创新大赛，审计预计140万，能补多少", received)
    assert reply.amount_yuan == yuan  # the event's 140万 stays: 140 × 50% = 70


def test_the_event_added_after_two_others_is_asked_about_alone(fast_assistant: Assistant):
    *_, reply = talk(fast_assistant, "今年在嘉定办了全国性峰会，审计确认60万，又办了全国性论坛，审计确认50万，能补多少",
                     "12月还要再办一场全国性大赛，审计预计100万，这场能补多少")
    assert reply.amount_yuan == 450_000  # 30 + 25 = 55 used; min(50, 100 − 55) = 45
    *_, bare = talk(fast_assistant, "2024年在嘉定办了一场国际峰会，审计确认180万，能补多少",
                    "今年又在嘉定办了一场全国性论坛，审计确认70万，这场呢")
    assert bare.amount_yuan == 350_000  # "这场呢": that event, another year's cap


def test_amounts_of_several_projects_of_one_item_are_each_capped(fast_assistant: Assistant):
    """"两个区级标杆项目：A投了500万，B投了1000万": each project is capped on its own (150 + 200), never the sum
    (1500 × 30% = 450 → 200)."""
    (total,) = talk(fast_assistant, "我们有两个区级标杆示范项目：设备联网项目投了500万，质量追溯项目投了1000万，一共能拿多少")
    assert total.amount_yuan == 3_500_000
    *_, by_level = talk(fast_assistant, "标杆示范项目能拿多少", "市级那个投了三百万，国家级那个投了四千万",
                        "两个加起来一共能拿多少")
    assert by_level.amount_yuan == 900_000 + 10_000_000  # 300 × 30% = 90 (市级); 4000 × 30% = 1200 → 国家级 1000


def test_an_apology_then_what_the_amount_really_is_corrects_it(fast_assistant: Assistant):
    *_, reply = talk(fast_assistant, "服务商这块，我们今年实际发生服务金额600万，能拿多少",
                     "抱歉，会计核对后说实际上是200万")
    assert reply.amount_yuan == 600_000  # 200 × 30%, not 600 × 30% → cap 100


@pytest.mark.parametrize("text", ["我们厂今年换了一批新设备，有没有税收减免", "招人有补贴吗，我们要招二十个工人"])
def test_tax_breaks_and_hiring_subsidies_are_other_schemes(fast_assistant: Assistant, text: str):
    (reply,) = talk(fast_assistant, text)
    assert reply.intent == "out_of_scope" and reply.amount_yuan is None


def test_how_to_claim_cites_the_rule_unless_the_items_own_clause_sets_a_step(assistant: Assistant):
    # (the product's retriever: the rule is found among its first hits)
    *_, bench = talk(assistant, "区级标杆，已投入600万，能补多少", "那标杆这笔钱是做完直接给吗？要不要先报？")
    assert ids(bench)[0] == "13"  # 第5条 says nothing of how it is claimed: 先申报、后补助
    *_, event = talk(assistant, "我们打算在嘉定办个全国性论坛，区里有补贴吗", "要准备什么材料、走什么手续？")
    assert ids(event)[0] == "9"  # the event's own step: 事前备案


@pytest.mark.parametrize("text", [
    "我们是服务商，给区里企业做了两个项目，合同额分别是1,250,000元和1,850,000元，能补多少？",  # digits grouped
    "我们是服务商，给区内企业做了两单，一单125万，一单185万，能补多少？",  # each amount after a word for one piece
])
def test_several_amounts_of_one_yearly_service_base_add_up(fast_assistant: Assistant, text: str):
    assert fast_assistant.new_conversation(date(2025, 3, 1)).ask(text).amount_yuan == 930_000  # (125 + 185)万 × 30%


def test_one_more_contract_is_another_project_under_the_same_cap(fast_assistant: Assistant):
    *_, more = talk(fast_assistant, "我们是服务商，给区内企业做了两个项目，服务金额分别是125万和185万，能补多少？",
                    "还有一单给嘉定另一家企业做的安全服务，合同40万，加上一共多少？")
    assert more.amount_yuan == 1_000_000  # (125 + 185 + 40)万 × 30% = 105万 > the 100万 cap


@pytest.mark.parametrize("doubt", ["你确定吗？", "我们领导说应该是一百八十万", "你确定吗？我们领导说应该是一百八十万"])
def test_a_figure_doubted_or_heard_from_someone_is_the_figure_again(fast_assistant: Assistant, doubt: str):
    *_, again = talk(fast_assistant, "区级标杆已投入六百万，市里给了一百万补助，没有配套要求，区里能补多少？", doubt)
    assert again.intent == "award" and again.amount_yuan == 1_000_000  # min(180万, 200万, 200万 − 100万): 180 is no fact


@pytest.mark.parametrize("reader", ["assistant", "fast_assistant"])
def test_a_date_attributed_to_the_last_look_up_gets_the_text_again(request: pytest.FixtureRequest, reader: str):
    *_, again = talk(request.getfixturevalue(reader), "这个政策有效期到什么时候？", "你刚才说的是到2026年6月底，对吧？")
    assert again.intent == "lookup" and ids(again) == ["16"] and "2025年12月31日" in again.answer
    assert "2026年6月" not in again.answer  # the date said to be ours is not repeated as a fact


def test_one_more_piece_said_at_the_start_of_a_sentence_adds_to_the_amount(fast_assistant: Assistant):
    *_, more = talk(fast_assistant, "服务商那条能补多少", "给区内企业做MES和ERP集成，今年实际发生服务金额180万",
                    "还有一笔工业防火墙和安全态势感知的服务，50万")
    assert more.amount_yuan == 690_000  # (180 + 50)万 × 30%, not 50万 in place of 180万


def test_whether_another_item_pays_too_after_a_figure_is_its_figure(fast_assistant: Assistant):
    *_, also = talk(fast_assistant, "做工业互联网平台的企业，今年首次规上入统，能拿多少", "股改上市挂牌后还有吗")
    assert also.intent == "award" and ids(also)[:1] == ["3"] and also.amount_yuan == 2_000_000


def test_another_scheme_said_in_passing_beside_a_condition_of_ours_is_not_refused(fast_assistant: Assistant):
    (r,) = talk(fast_assistant, "我们员工社保都在嘉定交，但公司注册在浦东，能申请吗？")
    assert r.intent == "eligibility" and r.answer.startswith("不符合")  # 工商注册 is elsewhere
    *_, asked = talk(fast_assistant, "我们员工社保都在嘉定交，但公司注册在浦东，能申请吗？", "那嘉定的社保补贴怎么申请？")
    assert asked.intent == "out_of_scope"  # that scheme asked about: not ours to answer
    (other,) = talk(fast_assistant, "我们想申请专精特新小巨人，区里认定了给多少奖励？")
    assert other.intent == "out_of_scope"  # a fact of an item's (认定) beside it does not make it ours


def test_the_verdict_pressed_with_the_schemes_word_said_beside_it_is_the_verdict_again(assistant: Assistant):
    first = "我们员工社保都在嘉定交，但公司注册在浦东，能申请吗？"
    *_, pressed = talk(assistant, first, "社保在嘉定也不行吗？")
    assert pressed.intent == "eligibility" and pressed.answer.startswith("不符合")
    *_, asked = talk(assistant, first, "社保在嘉定也不行吗？", "那嘉定的社保补贴怎么申请？")
    assert asked.intent == "out_of_scope"  # that scheme asked about outright: still not ours
    (alone,) = talk(assistant, "社保在嘉定也不行吗？")
    assert alone.intent == "out_of_scope"  # nothing said before: that scheme's question


def test_a_part_said_to_be_wrong_takes_the_amount_said_after_it(fast_assistant: Assistant):
    *_, fixed = talk(fast_assistant, "我们是重点高校在嘉定设立的工业互联网研究院，平台建设总投入1800万，其中土建400万，能资助多少？",
                     "土建算错了，其实是200万")
    assert fixed.amount_yuan == 4_800_000  # (1800 − 200)万 × 30%: the 土建 amount changed, not the total


def test_an_amount_after_saying_we_miscounted_is_the_figure_expected_not_a_fact(fast_assistant: Assistant):
    *_, again = talk(fast_assistant, "国家级标杆，投了2000万，能补多少", "你算错了，其实是600万吧")
    assert again.amount_yuan == 6_000_000  # 2000万 × 30% stands; 600万 is what the user expects, not the investment


def test_that_item_asked_after_a_figure_with_its_facts_is_its_figure(assistant: Assistant):
    # (the product's reader: it reads this one as vague)
    *_, other = talk(assistant, "两化融合贯标认证通过了，能拿多少？",
                     "那上市那条呢？我们是工业互联网企业，今年完成股改并在新三板挂牌了")
    assert other.intent == "award" and ids(other)[:1] == ["3"] and other.amount_yuan == 2_000_000


def test_a_verdict_pressed_is_the_verdict_again(assistant: Assistant):
    *_, again = talk(assistant, "我们公司在经营异常名录里，能报服务商那条吗？", "就是年报晚交了几天，这么小的事也不行？")
    assert again.intent == "eligibility" and again.answer.startswith("不符合")  # 经营状态正常 is a condition of 一


def test_an_option_of_an_item_discussed_before_goes_back_to_it(fast_assistant: Assistant):
    # After a detour to a fixed award, "国家级那个" is the benchmark project again (a level is not a fact of 第6条).
    first, node, back = talk(fast_assistant, "我们有个国家级工业互联网标杆，已投入5000万，最多能拿多少？",
                             "子公司的标识解析二级节点已经投入运营了，这个给多少？", "再确认一下国家级那个按标准是多少")
    assert (node.amount_yuan, ids(node)[:1]) == (2_000_000, ["6"])
    assert (back.amount_yuan, ids(back)[:1]) == (10_000_000, ["5"])
    # … while an option of the item being discussed is a what-if of it
    what_if = talk(fast_assistant, "区级标杆，已投入600万，能补多少？", "贯标通过了给多少", "那标杆要是国家级呢")[-1]
    assert (what_if.amount_yuan, ids(what_if)[:1]) == (1_800_000, ["5"])


def test_after_a_comparison_a_fact_of_one_item_is_about_that_one(fast_assistant: Assistant):
    # "哪个多" compares: the figures were never a total, so "«item»投了四百万" is that item's figure alone.
    asked, one, other = talk(fast_assistant, "刚拿了市里的智能工厂牌子，也过了两化融合贯标，这两个哪个多？",
                             "智能工厂这个项目投了四百万", "贯标那个呢？")
    assert {"1", "2"} <= set(ids(asked))
    assert (one.amount_yuan, ids(one)[:1]) == (1_200_000, ["1"])
    assert (other.amount_yuan, ids(other)[:1]) == (200_000, ["2"])
    # … while after a total, the same kind of message gives the total again
    total = talk(fast_assistant, "智能工厂授牌，也过了两化融合贯标，两个一共能拿多少？", "智能工厂这个项目投了四百万")[-1]
    assert total.amount_yuan == 1_400_000


def test_asking_for_other_support_after_a_figure_shows_the_items_again(fast_assistant: Assistant):
    figure, other, picked = talk(fast_assistant, "智能工厂授牌，投资400万，能补多少？", "那还有别的补助吗？能拿多少？", "贯标")
    assert figure.amount_yuan == 1_200_000
    assert other.intent == "clarify" and other.amount_yuan is None  # the menu, not 120万 again
    assert (picked.amount_yuan, ids(picked)[:1]) == (200_000, ["2"])


def test_an_amount_of_an_item_discussed_before_goes_back_to_it(fast_assistant: Assistant):
    # "土建" is a fact of the platform item (第8条), not of the event (第9条) asked about last.
    *_, event, back = talk(fast_assistant, "和重点高校合作建了跨行业跨领域的工业互联网平台，平台建设总投入2000万，能补多少？",
                           "在嘉定办了一场全国性的工业APP大赛，专项审计确认费用160万，能补多少？", "平台那个按土建500万算，是多少？")
    assert (event.amount_yuan, ids(event)[:1]) == (800_000, ["9"])
    assert (back.amount_yuan, ids(back)[:1]) == (4_500_000, ["8"])  # (2000 − 500) × 30%


def test_going_back_to_an_earlier_amount_after_a_what_if_restores_it(fast_assistant: Assistant):
    *_, what_if, back = talk(fast_assistant, "智能工厂项目授牌了，投资650万，能拿多少？", "这个项目已经拿过区里另一个产业政策的扶持80万",
                             "如果之前拿的是镇里的250万呢？", "回到80万那个情况，最终是多少？")
    assert (what_if.amount_yuan, back.amount_yuan) == (0, 1_150_000)  # 195 − 250 → 0; 195 − 80 = 115


def test_back_to_the_original_figures_undoes_the_last_what_if(fast_assistant: Assistant):
    first, what_if, back = talk(fast_assistant, "在嘉定办两场活动：一场国际性工业互联网峰会，审计费用80万；一场全国性工业大数据大赛，审计费用100万。两场合计最多能补多少？",
                                "如果峰会费用涨到140万呢？", "回到原来的预算，两场合计多少？")
    assert (first.amount_yuan, what_if.amount_yuan, back.amount_yuan) == (900_000, 1_000_000, 900_000)
