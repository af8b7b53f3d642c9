"""Several labelled projects in one message ("A是…；B是…。先说A能拿多少？"): the question's own project is answered,
the others' facts are kept for "那B呢", a correction by label changes that project alone, and a question that
names one of several items asks about that one. The fast core (real reader and tracker; no retrieval)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.dialogue import Assistant
from assistant.dialogue.labels import labelled, refs
from assistant.nlu.inputs import normalise
from tests.fixtures_dialogue import IN_FORCE

JIADING = "jiading-iiot-2024"
TWO_SUBSIDIARIES = ("我们下面两家子公司各有一个项目：A是今年拿了上海市智能工厂授牌的，项目投资600万；"
                    "B是区级工业互联网标杆示范项目，已投入500万。先说A能拿多少？")


def talk(a: Assistant, *turns: str, as_of=IN_FORCE):  # noqa: ANN001, ANN201
    chat = a.new_conversation(as_of)
    return [chat.ask(t) for t in turns]


def ids(reply) -> list[str]:  # noqa: ANN001 - a Reply
    return [c.clause_id for c in reply.citations]


def test_the_labelled_project_asked_about_is_answered_then_the_other_then_both(fast_assistant: Assistant):
    a, b, both = talk(fast_assistant, TWO_SUBSIDIARIES, "那B呢？", "两个加起来一共多少？")
    assert (a.amount_yuan, ids(a)[:1]) == (1_800_000, ["1"])  # 600 × 30%, not the two projects' sum
    assert (b.amount_yuan, ids(b)[:1]) == (1_500_000, ["5"])  # 500 × 30%, from the first message's facts
    assert both.amount_yuan == 3_300_000


def test_a_project_labelled_by_its_amount_alone_and_corrected_by_its_label(fast_assistant: Assistant):
    # B names no item: its amount's own words ("服务金额") say which item it is.
    first, b, fixed, a = talk(
        fast_assistant,
        "A项目是市级标杆，已投入1200万；B项目是子公司给区内制造企业做改造的服务合同，实际发生服务金额260万。A能补多少？",
        "B呢", "不好意思，B的服务金额我看错了，是360万", "A没变吧？A还是多少")
    assert (first.amount_yuan, ids(first)[:1]) == (3_600_000, ["5"])
    assert (b.amount_yuan, ids(b)[:1]) == (780_000, ["7"])
    assert (fixed.amount_yuan, ids(fixed)[:1]) == (1_000_000, ["7"])  # 360 × 30% = 108 > 100
    assert (a.amount_yuan, ids(a)[:1]) == (3_600_000, ["5"])


def test_a_bare_label_asks_the_same_question_of_that_project(fast_assistant: Assistant):
    b, a, fixed = talk(
        fast_assistant,
        "集团两个项目：A是服务商项目，实际服务金额1,500,000元；B是市级标杆，已投入八百万。先说B项目。",
        "再说A", "A的金额更正一下，是2,500,000元")
    assert (b.amount_yuan, ids(b)[:1]) == (2_400_000, ["5"])  # "两个项目：" opens the message; it asks no sum
    assert (a.amount_yuan, ids(a)[:1]) == (450_000, ["7"])
    assert fixed.amount_yuan == 750_000


def test_the_question_that_names_one_of_two_items_is_about_that_one(fast_assistant: Assistant):
    reply = talk(fast_assistant, "我司今年在嘉定承办了一场全国性工业互联网论坛，同时我司的项目被评为国家级工业互联网"
                                 "标杆示范项目，已投入0.35亿元。请先告知标杆项目可获多少资助。")[0]
    assert (reply.amount_yuan, ids(reply)[:1]) == (10_000_000, ["5"])  # not "how much did the forum cost?"


def test_a_comparison_names_one_item_and_still_asks_about_both(fast_assistant: Assistant):
    reply = talk(fast_assistant, "贯标奖励多少？", "那首次规上呢？跟贯标比哪个钱多？")[-1]
    assert {"2", "4"} <= set(ids(reply))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("A是智能工厂；B是区级标杆", ("A", "B")),
        ("甲厂投资400万，乙厂投资900万", ("甲", "乙")),
        ("一号厂和二号厂", ("1", "2")),
        ("我们去年A股上市了", ()),  # a market, not a label
        ("乙方做改造，我们自己出钱", ()),  # a contract party; 自己
        ("5G+AI应用", ()),
        ("我们是做乙烯和甲醛的化工厂", ()),  # chemicals, not labels
        ("A national forum in Jiading", ()),  # an English article
    ],
)
def test_what_counts_as_a_label(fast_assistant: Assistant, text: str, found: tuple[str, ...]):
    assert refs(fast_assistant.nlu.parse(normalise(text))) == found


def test_labels_name_the_items_of_their_own_stretch(fast_assistant: Assistant):
    parse = fast_assistant.nlu.parse(normalise(TWO_SUBSIDIARIES))
    assert labelled(parse, JIADING) == {"A": ("1",), "B": ("5",)}
    one = fast_assistant.nlu.parse(normalise("集团下属乙公司有个区级标杆项目，已投入600万"))
    assert labelled(one, JIADING) == {"乙": ("5",)}  # one label is remembered too ("回到乙公司那个" later)


def test_labels_work_for_another_policy(multi_assistant: Assistant):
    # The fictional software policy: 第三条 first editions (20%, 50万 per product), 第五条 promotion (10%, 20万).
    a, b = talk(multi_assistant,
                "示例区软件企业，A公司是首版次软件产品，研发投入200万；B公司是软件推广应用，合同金额150万。先说A能拿多少？",
                "那B呢", as_of=date(2026, 11, 26))
    assert (a.policy_id, a.amount_yuan) == ("example-software-2026", 400_000)  # 200 × 20%
    assert b.amount_yuan == 150_000  # 150 × 10%


def test_projects_under_the_same_item_keep_their_own_facts_by_label(fast_assistant: Assistant):
    replies = talk(fast_assistant, "两家工厂都拿了上海市智能工厂授牌，甲厂项目投资400万，乙厂投资900万，甲厂能补多少？",
                   "乙厂呢？", "甲厂的投资其实是460万", "乙厂还是200万吗？", "两个加起来多少")
    assert [r.amount_yuan for r in replies] == [1_200_000, 2_000_000, 1_380_000, 2_000_000, 3_380_000]
    # 400 × 30%; 900 × 30% > 200 → 200; 甲 corrected to 460 → 138; 乙 untouched (its 200万 said back, not a fact)


def test_a_label_said_again_keeps_its_project_and_singles_it_out_of_a_total(fast_assistant: Assistant):
    replies = talk(fast_assistant, "两个项目要报。A：区级标杆，已投入1800万。B：上海市智能工厂授牌，项目实际投资450万。先说B项目。",
                   "再说A", "回到B，B的投资其实是480万", "两个加起来多少", "回到A，如果A其实是市级的呢")
    b, a, b_fixed, total, a_what_if = replies
    assert (b.amount_yuan, a.amount_yuan) == (1_350_000, 2_000_000)
    # "投资" could be either item's amount; B was labelled 第1条's project, so it stays B's
    assert (b_fixed.amount_yuan, ids(b_fixed)[:1]) == (1_440_000, ["1"])
    assert total.amount_yuan == 3_440_000
    assert (a_what_if.amount_yuan, ids(a_what_if)[:1]) == (5_000_000, ["5"])  # A alone, not the total again


def test_a_projects_fact_corrected_after_the_total_gives_the_total_again(fast_assistant: Assistant):
    *_, total, fixed = talk(fast_assistant, "A项目拿了智能工厂授牌，投资500万；B项目是区级标杆示范，已投入400万。分别能补多少？",
                            "两个完全独立。那总共是多少", "不好意思，B项目已投入其实是900万")
    assert (total.amount_yuan, fixed.amount_yuan) == (2_700_000, 3_500_000)  # 150 + 120, then 150 + 200
