"""After the first figure, and first-time users in their own words (dev86, dev87): "why" about a figure that changed
("为什么市级一下多了这么多？") is the figure again; the city's support said with 另外 between giver and verb; whether the
award is paid automatically; going back to an earlier what-if ("还是按刚才800万、镇里50万那个算"); support received
said again of last year; a question dropped ("算了，不问这个了") and "有啥别的补助" — the menu; another level's or
another policy's own figure; parts and their whole in one sentence (never added together); 盖楼 as civil works; the
tax office elsewhere.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import AFTER_EXPIRY, talk


def test_why_a_figure_changed_is_the_figure_again(assistant: Assistant):
    *_, changed, why = talk(assistant, "我们项目是区级标杆，投入1100万，能补多少？", "不对，刚接到通知，是市级的",
                            "为什么市级一下多了这么多？")
    assert changed.amount_yuan == why.amount_yuan == 3_300_000 and why.intent == "award"


def test_why_two_levels_give_the_same_is_the_figure_again(assistant: Assistant):
    *_, why = talk(assistant, "区级标杆项目，投入300万，能补多少？", "要是评上市级，投入还是300万呢？",
                   "怎么市级跟区级一样，市级不是更高吗？")
    assert (why.intent, why.amount_yuan) == ("award", 900_000)  # 300 × 30% under either cap


def test_the_citys_support_said_with_another_word_between_is_deducted(assistant: Assistant):
    *_, reply = talk(assistant, "我们项目在申报区级标杆，已投入1500万，评上的话能拿多少？", "如果评上市级，能多拿多少？",
                     "行，就按市级算，市里另外给了150万，不要求区里配套")
    assert reply.amount_yuan == 3_500_000  # min(450, 500 − 150): the 150万 is support, not more investment


def test_whether_an_award_is_paid_without_applying_is_the_rule_on_applying(assistant: Assistant):
    *_, reply = talk(assistant, "我们今年第一次达到规上，已经纳入统计了，有多少奖励？", "这20万是纳统了就自动发，还是要我们去申请？")
    assert reply.intent == "lookup" and reply.citation_ids[0] == "13"  # 先申报、后补助


def test_going_back_to_an_earlier_what_if_restores_its_amounts(assistant: Assistant):
    *_, reply = talk(assistant, "智能工厂授牌，投资八百万，能补多少", "假如镇里给过50万呢", "那如果投资是600万，镇里还是50万",
                     "还是按刚才800万、镇里50万那个算")
    assert reply.amount_yuan == 1_500_000  # 200 − 50


def test_support_received_said_again_of_last_year_no_longer_counts(assistant: Assistant):
    *_, this_year, last_year = talk(assistant, "我们在嘉定办了个全国性的5G+工业互联网大会，审计确认费用140万，能补多少",
                                    "对了，今年早些时候我们办论坛已经拿过50万了", "哦不对，那50万是去年拿的")
    assert (this_year.amount_yuan, last_year.amount_yuan) == (500_000, 700_000)


def test_a_dropped_question_leaves_nothing_open(assistant: Assistant):
    *_, dropped, other = talk(assistant, "贯标通过了能拿多少？", "算了，不问这个了", "有啥别的补助可以申请吗")
    assert dropped.intent == "clarify" and "不谈" in dropped.answer and dropped.amount_yuan is None
    assert other.intent == "clarify" and len(other.citation_ids) >= 5  # the menu of items


def test_other_support_asked_after_a_figure_is_the_menu(assistant: Assistant):
    *_, other = talk(assistant, "贯标通过了能拿多少？", "有啥别的补助可以申请吗")
    assert other.intent == "clarify" and other.amount_yuan is None and len(other.citation_ids) >= 5


def test_another_levels_or_policys_own_figure_is_refused(assistant: Assistant):
    *_, city = talk(assistant, "市级标杆示范项目，投入1600万，区里能给多少？", "那上海市的工业互联网专项资金，市里那边能给我们多少？")
    *_, listing = talk(assistant, "我们工业互联网公司股改上市挂牌了，能拿多少？", "那区里的上市挂牌补贴政策本身能给多少？")
    assert city.intent == listing.intent == "out_of_scope"


def test_a_whole_said_after_its_parts_is_the_amount(assistant: Assistant):
    summed, = talk(assistant, "智能工厂授牌了，设备花了300万、软件花了100万，总共400万，能补多少")
    english, = talk(assistant, "我们的 MES system 花了 300 万，ERP 花了 100 万，整个项目 total 400 万，拿到了上海市智能工厂的牌子，"
                               "区里能补多少？")
    parts, = talk(assistant, "我们的 MES system 花了 300 万，WMS 花了 150 万，整个智能工厂项目就这两块，已经拿了上海市智能工厂授牌，"
                             "能拿多少？")
    assert summed.amount_yuan == english.amount_yuan == 1_200_000  # 400 × 30%, the parts not added to the whole
    assert parts.amount_yuan == 1_350_000  # 450 × 30%


def test_a_building_put_up_is_civil_works(assistant: Assistant):
    reply, = talk(assistant, "我们是一所重点高校，在嘉定建了个工业互联网研发机构，平台跨行业用得不错。平台总共投了1800万，"
                             "其中盖楼花了500万，能补多少？")
    assert reply.amount_yuan == 3_900_000  # (1800 − 500) × 30%


def test_tax_paid_in_another_district_all_along_is_not_met(assistant: Assistant):
    reply, = talk(assistant, "我们公司营业执照是嘉定的，厂也在嘉定，但是税一直在青浦交的，有资格申请吗？")
    assert reply.answer.startswith("不符合")


def test_two_items_compared_are_both_answered(assistant: Assistant):
    reply, = talk(assistant, "智能工厂授牌和建成二级节点，哪个补得多？我们智能工厂那个项目投资400万")
    assert reply.citation_ids[:2] == ["1", "6"] and "120万" in reply.answer and "200万" in reply.answer


def test_that_item_then_after_a_figure_is_its_figure(assistant: Assistant):
    *_, reply = talk(assistant, "我们通过了两化融合贯标认证，奖励多少？", "那我们建的那个给产品打码的二级节点，上线运营了的呢？")
    assert (reply.intent, reply.citation_ids[0], reply.amount_yuan) == ("award", "6", 2_000_000)


def test_is_there_any_subsidy_with_nothing_said_is_the_menu(assistant: Assistant):
    vague, named, figure = talk(assistant, "我们公司想问下有没有补贴", "我们在嘉定办了个全国性的工业互联网论坛，来了三百多人",
                                "审计确认的费用是260万，我们公司注册资本1000万")
    assert vague.intent == "clarify" and len(vague.citation_ids) >= 5
    assert (named.intent, named.citation_ids[0]) == ("award", "9")
    assert figure.amount_yuan == 1_000_000  # 260 × 50% = 130 > 100; the registered capital is not a cost


def test_who_applies_asked_of_two_items_is_a_verdict(assistant: Assistant):
    *_, reply = talk(assistant, "贯标认证通过了能奖励多少？", "那首次规上也有吗？多少？", "我们是个体工商户，这两个都能申请吗？")
    assert reply.intent == "eligibility" and reply.answer.startswith("不符合")


def test_money_first_or_work_first_of_an_item_is_the_rule_on_applying(assistant: Assistant):
    reply, = talk(assistant, "我们想做个智能工厂改造，是先拿钱还是先做？")
    assert reply.intent == "lookup" and reply.citation_ids[0] == "13"


def test_support_received_earlier_in_the_year_the_talk_is_about_uses_that_years_cap(assistant: Assistant):
    chat = assistant.new_conversation(AFTER_EXPIRY)
    chat.ask("热线转接一个来电：企业2025年11月在嘉定办了全国性的工业大数据创新大赛，专项审计确认费用240万，问能补多少")
    reply = chat.ask("企业补充说2025年上半年办论坛已经拿过30万的活动资助了")
    assert reply.amount_yuan == 700_000  # 2025's cap: 100 − 30, though asked in 2026


def test_a_condition_of_the_item_just_read_is_looked_up_there(assistant: Assistant):
    *_, reply = talk(assistant, "第9条支持哪些活动", "在外区办的行不行")
    assert (reply.intent, reply.citation_ids[0]) == ("lookup", "9")


def test_production_elsewhere_is_not_operating_here(assistant: Assistant):
    reply, = talk(assistant, "我们公司工商注册在嘉定，但是实际生产在昆山，能申请吗")
    assert reply.answer.startswith("不符合")


def test_another_scheme_asked_in_english_is_refused(assistant: Assistant):
    reply, = talk(assistant, "Does Jiading have subsidies for hiring staff? like social insurance subsidy")
    assert reply.intent == "out_of_scope" and reply.amount_yuan is None


def test_why_the_figure_is_so_small_is_the_figure_again(assistant: Assistant):
    *_, town, why = talk(assistant, "我们拿到上海市智能工厂授牌了，项目投资400万，能补多少", "这个项目镇上已经给了100万的扶持",
                         "为什么只剩20万了？")
    assert town.amount_yuan == why.amount_yuan == 200_000 and why.intent == "award"  # 120 − 100, 20万 not a fact


def test_why_a_rule_excludes_something_is_the_text(assistant: Assistant):
    *_, why = talk(assistant, "跟大院大所合作建平台那条，要什么条件？", "我们平台总投了3000万，其中土建1000万，能补多少",
                   "为啥土建不算进去？政策哪里写的")
    assert (why.intent, why.citation_ids[0]) == ("lookup", "8")


def test_the_figure_to_apply_for_said_back_is_not_a_base(assistant: Assistant):
    *_, what_if, back = talk(assistant, "我们是市级标杆示范项目，已投入2500万，能拿多少？", "那要是被认定成国家级呢？",
                             "好的。现在还是市级，那就按500万报，对吧？")
    assert (what_if.amount_yuan, back.amount_yuan) == (7_500_000, 5_000_000)  # 2500 × 30% under 1000 / under 500
    *_, base = talk(assistant, "我们是市级标杆示范项目，已投入2500万，能拿多少？", "那就按1000万算呢")
    assert base.amount_yuan == 3_000_000  # a what-if of the base amount


def test_what_the_base_covers_asked_after_a_figure_keeps_the_goal(assistant: Assistant):
    *_, scope, total, why = talk(assistant, "我们是做工业互联网咨询诊断的服务商，给区里企业做服务，能补多少？",
                                 "去年实际服务金额两百八十万左右", "服务金额里，我们卖给企业的工业防火墙能算进去吗？",
                                 "哦，那加上安全产品那块，总共是四百万", "为什么不是120万？")
    assert (scope.intent, scope.citation_ids[0]) == ("lookup", "7")
    assert total.amount_yuan == why.amount_yuan == 1_000_000  # 400 × 30% = 120 > 100


def test_why_one_level_gives_this_figure_not_its_cap_is_the_figure_again(assistant: Assistant):
    *_, why = talk(assistant, "我们是市级标杆示范项目，已投入2500万，能拿多少？", "那要是被认定成国家级呢？",
                   "为什么国家级是750不是1000？")
    assert (why.intent, why.amount_yuan) == ("award", 7_500_000)


def test_another_project_starts_without_the_first_ones_support(assistant: Assistant):
    *_, both, checked = talk(assistant, "标杆示范项目能补多少", "国家级的", "已经投进去两千五百万了", "国家那边给了400万，没有配套要求",
                             "另外我们还有一个区级标杆项目，投了三百万，两个加起来呢？", "谢谢！最后确认下，两个项目一共690万？")
    assert both.amount_yuan == checked.amount_yuan == 6_900_000  # 600 (1000 − 400) + 90: the 400万 was the first's
