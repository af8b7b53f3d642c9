"""Planning conversations and hotline relays (dev90, dev91): figures said back to confirm are never facts (a total,
"那就是40万了？", "按标准是1000万", a difference in a why-question); the real value said after a what-if; an amount
said with its giver but without its aspect ("还是按市里给200万算"); an option asked with "那…呢" after another; a
budget taken as the base when the user asks on it; a gloss in brackets before an amount; the next caller relayed by
a hotline operator; two values of one fact asked about separately (each figure, side by side).

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import talk


def test_a_total_said_back_to_confirm_is_not_an_investment(assistant: Assistant):
    *_, total, confirm = talk(assistant, "智能工厂授牌的能补多少？", "投资是三百五十万", "那贯标呢？", "两个加起来多少",
                              "谢谢，一共125万对吧")
    assert total.amount_yuan == confirm.amount_yuan == 1_250_000  # 105 + 20, not 125 × 30% + 20


def test_the_difference_in_a_why_question_is_not_more_investment(assistant: Assistant):
    *_, city, why = talk(assistant, "我们的项目被认定为标杆示范，投入了900万，能拿多少？", "区级的", "不对不对，是市级的",
                         "为啥市级就多了70万？")
    assert city.amount_yuan == why.amount_yuan == 2_700_000 and why.intent == "award"


def test_a_figure_said_back_after_a_verdict_is_the_figure_again(assistant: Assistant):
    *_, verdict, back = talk(assistant, "第5条那个，标杆示范，能补多少", "市级的，投了六百万",
                             "对了，申报主体是我们在嘉定注册、纳税、经营的全资子公司，独立法人，可以吧？", "好的。那就是180万？")
    assert verdict.intent == "eligibility"
    assert (back.intent, back.amount_yuan) == ("award", 1_800_000)


def test_a_figure_said_back_with_the_papers_to_prepare_is_not_the_procedure(assistant: Assistant):
    *_, back = talk(assistant, "国家级标杆示范项目投了七百来万", "明白了，谢谢。那我们就按210万准备材料，没错吧？")
    assert (back.intent, back.amount_yuan) == ("award", 2_100_000)


def test_the_next_caller_starts_afresh(assistant: Assistant):
    *_, first, second = talk(assistant, "市级标杆项目已投入1200万，能补多少", "好的。下一个来电：也是标杆项目，国家级的，能补多少")
    assert first.amount_yuan == 3_600_000
    assert second.intent == "award" and second.amount_yuan is None and "360万" not in second.answer


def test_the_option_of_a_that_question_asked_last_is_the_one_asked(assistant: Assistant):
    *_, reply = talk(assistant, "标杆示范项目计划投1000万，评市级能拿多少？", "那国家级呢？", "国家级也是300万？那区级呢")
    assert reply.amount_yuan == 2_000_000  # 区级 cap


def test_support_said_with_its_giver_but_no_aspect_is_that_support(assistant: Assistant):
    *_, what_if, back = talk(assistant, "市级标杆项目，已投入1200万，区里能补多少", "市里已经给了这个项目200万，市里那个不需要区里配套",
                             "那市里要是只给了100万呢", "还是按市里给200万算吧")
    assert (what_if.amount_yuan, back.amount_yuan) == (3_600_000, 3_000_000)  # min(360, 500 − 200)


def test_why_nothing_is_left_is_the_figure_again(assistant: Assistant):
    *_, zero, why = talk(assistant, "我们的项目评为市级标杆，已投入2000万，区里能补多少", "市里已经给了这个项目500万，不需要区里配套",
                         "一分钱都没有了？为什么")
    assert zero.amount_yuan == 0 and (why.intent, why.amount_yuan) == ("award", 0)


def test_a_what_if_amount_the_reader_misses_still_recomputes(assistant: Assistant):
    *_, reply = talk(assistant, "我们有个区级标杆项目，投了五百万", "哦不对，财务说实际是八百万", "算了，保守一点，还是按五百万报")
    assert (reply.intent, reply.amount_yuan) == ("award", 1_500_000)


def test_the_standard_figure_said_back_is_not_an_investment(assistant: Assistant):
    *_, reply = talk(assistant, "我们是国家级标杆项目，投了5000万，按标准能拿多少", "那按标准来，如果评的是市级呢",
                     "还是国家级，最后确认按标准是1000万")
    assert reply.amount_yuan == 10_000_000  # 5000 × 30% = 1500 > 1000


def test_the_real_value_said_after_a_what_if_restores_it(assistant: Assistant):
    *_, what_if, back = talk(assistant, "我们是区内的工业互联网服务商，能申请多少资助？", "实际发生服务金额两百万",
                             "不过这批服务项目镇里已经给过20万扶持", "要是服务金额是四百万呢？", "确实是两百万。那就是40万了？")
    assert (what_if.amount_yuan, back.amount_yuan) == (800_000, 400_000)  # 60 − 20


def test_whether_something_counts_in_the_base_is_looked_up(assistant: Assistant):
    *_, reply = talk(assistant, "服务商能补多少？", "去年服务了区内四十多家，金额九十万",
                     "我们还帮企业部署了入侵检测系统，这个能算进服务金额吗？")
    assert reply.intent == "lookup" and reply.citation_ids[0] == "7" and reply.amount_yuan is None


def test_another_schemes_housing_subsidy_is_refused(assistant: Assistant):
    *_, reply = talk(assistant, "人才实训基地冠名后能拿多少", "那企业引进的博士有没有人才安居补贴")
    assert reply.intent == "out_of_scope" and reply.amount_yuan is None


def test_a_gloss_in_brackets_before_an_amount_names_it(assistant: Assistant):
    reply, = talk(assistant, "Our 工业互联网平台 with a 国家重点实验室 in 嘉定: total platform investment RMB 15 million, "
                             "of which civil works (土建) 5 million. How much subsidy under 第8条?")
    assert reply.amount_yuan == 3_000_000  # (1500 − 500) × 30%


def test_a_budget_the_user_asks_on_is_the_base(assistant: Assistant):
    reply, = talk(assistant, "我们计划明年申请上海市智能工厂，改造预算600万，区里按这个能补多少")
    assert reply.amount_yuan == 1_800_000


def test_a_budget_named_alone_is_not_silently_the_base(assistant: Assistant):
    reply, = talk(assistant, "我们已经拿了上海市智能工厂授牌，改造预算600万，能补多少")
    assert reply.amount_yuan is None  # the investment actually made is asked for


def test_a_budget_in_a_plan_is_the_amount_planned(assistant: Assistant):
    reply, = talk(assistant, "老板想搞智能工厂改造，预算四百五十万，要是评上上海市智能工厂，区里能补多少")
    assert reply.amount_yuan == 1_350_000


def test_two_levels_asked_separately_get_both_figures(assistant: Assistant):
    reply, = talk(assistant, "我们的标杆项目投了2000万，市级和国家级分别能拿多少")
    assert reply.intent == "award" and "500万" in reply.answer and "600万" in reply.answer
    assert reply.amount_yuan is None  # two figures, not one


def test_two_amounts_asked_separately_get_both_figures(assistant: Assistant):
    reply, = talk(assistant, "我们在做两个预算方案，如果评上市级标杆，投600万和投1000万分别能拿多少？")
    assert "180万" in reply.answer and "300万" in reply.answer and reply.amount_yuan is None


def test_an_events_budget_said_as_a_what_if_changes_that_event(assistant: Assistant):
    *_, reply = talk(assistant, "今年九月我们要在嘉定办一个全国性的工业互联网峰会，预算专项审计费用大概120万，能补多少",
                     "十一月再办一个国际性的工业大数据大赛，预计审计费用100万，两个加起来今年能补多少", "如果峰会预算压到80万呢")
    assert reply.amount_yuan == 900_000  # 80 × 50% + 100 × 50%


def test_of_two_events_named_the_one_kept_alone_is_meant(assistant: Assistant):
    *_, both, one = talk(assistant, "我们计划在嘉定办全国性工业互联网论坛，专项审计确认费用预计180万，能补多少",
                         "再加一个国际性的5G+工业互联网大会，费用100万，今年两个合计能补多少",
                         "如果大会放到明年办，今年只办论坛，今年能拿多少")
    assert (both.amount_yuan, one.amount_yuan) == (1_000_000, 900_000)  # min(90 + 50, 100); the forum's 90 alone


def test_a_corrected_unit_rescales_the_amount_just_given(assistant: Assistant):
    *_, wrong, fixed = talk(assistant, "项目：市级工业互联网标杆示范\n已投入金额（元）：800\n能补多少？", "单位填错了，是万元不是元")
    assert (wrong.amount_yuan, fixed.amount_yuan) == (240, 2_400_000)


def test_a_zero_too_many_rescales_the_amount_just_given(assistant: Assistant):
    *_, fixed = talk(assistant, "智能工厂授牌，投资6000万，能补多少", "不好意思多写了个0")
    assert fixed.amount_yuan == 1_800_000  # 600 × 30%
