"""Phone-chat traffic and consultants with several clients: a question dropped mid-message ("算了不问这个了，我想问…");
support already received with words between the giver and the verb ("区里已经因为一个论坛补了我们80万"); a second
event planned ("还想办一个…两个一共"); a side question about filing after an event figure; "不含土建" as the answer
to the civil-works question; the user's own sum said back ("我算的是300万，对吗") and "为什么是200万" — never facts;
"为什么不是七百五" with a bare Chinese numeral; clients named by a letter or a number ("回到客户A"); where the
enterprise is now ("原来…在嘉定，今年都迁到浦东了"); an office elsewhere.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import talk


def test_a_question_dropped_midway_leaves_the_one_asked_after_it(assistant: Assistant):
    reply, = talk(assistant, "智能工厂那个先不问了算了 我想问下就是我们市级的标杆示范项目 投了一千八百万左右 能拿多少")
    assert (reply.citation_ids, reply.amount_yuan) == (["5"], 5_000_000)  # 1800 × 30% = 540 > 市级 500


def test_a_dropped_question_does_not_leave_its_item_behind(assistant: Assistant):
    asked, facts = talk(assistant, "嗯那个我想问问上市那个 算了不问这个了 我想问下办论坛能补多少",
                        "全国性的 在嘉定办的 审计确认费用一百五十来万")
    assert (asked.intent, asked.citation_ids[0]) == ("award", "9")
    assert facts.amount_yuan == 750_000  # 150 × 50%


def test_support_received_with_its_reason_between_giver_and_verb_uses_up_the_cap(assistant: Assistant):
    reply, = talk(assistant, "今年区里已经因为一个论坛补了我们80万，年底再办一个全国性的工业大数据大赛，审计确认费用100万，"
                             "还能补多少？")
    assert reply.amount_yuan == 200_000  # 100 × 50% = 50 > 100 − 80 = 20 left this year


def test_a_second_event_planned_is_added_to_the_first(assistant: Assistant):
    *_, total = talk(assistant, "协会9月份准备在嘉定办一个全国性的工业互联网论坛，区里能补多少", "审计大概一百六十万",
                     "年底我们还想办一个5G+工业互联网应用大赛，审计大概六十万，两个一共能补多少")
    assert total.amount_yuan == 1_000_000  # 80 + 30 = 110 > 100 a year


def test_filing_asked_after_an_event_figure_is_that_items_rule(assistant: Assistant):
    *_, reply = talk(assistant, "协会9月份准备在嘉定办一个全国性的工业互联网论坛，区里能补多少", "审计大概一百六十万",
                     "要先去备案吗？办完再报来得及吗")
    assert reply.intent == "lookup" and reply.citation_ids[0] == "9"  # 事前备案、事后资助, not only the validity


def test_civil_works_said_to_be_left_out_keeps_the_figure(assistant: Assistant):
    *_, total, bare = talk(assistant, "我们是中科院一个所在嘉定设的独立研发机构，做跨行业工业互联网平台的，能补多少",
                           "平台建设总共投了一千三百万", "不含土建")
    assert total.amount_yuan == bare.amount_yuan == 3_900_000  # 1300 × 30%, nothing asked about 土建 again


def test_a_question_about_civil_works_is_not_an_answer_to_it(assistant: Assistant):
    reply, = talk(assistant, "第8条写的“平台建设（不含土建）总投入”，这个土建具体指什么？机房装修要扣掉吗？")
    assert reply.intent == "lookup"


def test_the_users_own_sum_is_not_a_fact(assistant: Assistant):
    checked, why = talk(assistant, "区级标杆示范项目，已投入1000万，我算的是300万，对吗？", "为什么是200万？")
    assert checked.amount_yuan == why.amount_yuan == 2_000_000  # 1000 × 30% = 300 > 区级 200


def test_the_users_sum_of_two_events_is_not_a_third_event(assistant: Assistant):
    reply, = talk(assistant, "客户今年在嘉定办了两场全国性工业互联网活动，专项审计确认费用分别是100万和80万，我算的是90万，对吗？")
    assert reply.amount_yuan == 900_000  # 50 + 40


def test_why_not_a_bare_chinese_numeral_is_the_figure_again(assistant: Assistant):
    *_, reply = talk(assistant, "市级标杆示范项目投资两千五百万区里补多少", "为什么不是七百五")
    assert (reply.intent, reply.amount_yuan) == ("award", 5_000_000)


def test_clients_named_by_letter_keep_their_own_facts(assistant: Assistant):
    a, b, back, other = talk(assistant, "帮客户A问：区级标杆示范项目，已投入500万，能补多少？",
                             "另一家客户B是工业互联网服务商，去年实际服务金额200万，能补多少？",
                             "回到客户A，他们的已投入金额其实是800万", "那客户B呢")
    assert (a.amount_yuan, b.amount_yuan) == (1_500_000, 600_000)
    assert (back.citation_ids, back.amount_yuan) == (["5"], 2_000_000)  # A's level kept: 800 × 30% = 240 > 200
    assert (other.citation_ids, other.amount_yuan) == (["7"], 600_000)


def test_clients_named_by_number_are_gone_back_to(assistant: Assistant):
    *_, reply = talk(assistant, "客户一是工业互联网企业，首次纳入规上统计，奖多少？",
                     "客户二在嘉定建成了标识解析二级节点并投入运营，给多少？", "客户三是服务商，实际服务金额90万，能补多少？",
                     "回到客户二，他们刚告诉我节点其实只建成了，还没投入运营，现在能申请吗？")
    assert reply.intent == "eligibility" and reply.citation_ids[0] == "6"


def test_a_groups_own_companies_stay_one_conversation(assistant: Assistant):
    *_, total = talk(assistant, "集团两家嘉定子公司各做了一个项目。甲公司拿了智能工厂授牌，投资300万，能补多少？",
                     "乙公司的项目是区级标杆示范，已投入700万呢？", "两家加起来一共能拿多少？")
    assert total.amount_yuan == 2_900_000  # 90 + 200


def test_registration_moved_away_is_where_it_is_now(assistant: Assistant):
    reply, = talk(assistant, "集团有家子公司原来工商税务都在嘉定，今年工商和税务都迁到浦东了，还能申请贯标奖励吗？")
    assert reply.intent == "eligibility" and "不符合" in reply.answer


def test_an_office_elsewhere_is_not_operating_here(assistant: Assistant):
    *_, there, back = talk(assistant, "我们是做工业设计的公司，能申请你们这个政策吗",
                           "注册和交税都在嘉定，但是人和办公室其实都在闵行，嘉定那边只是个注册地址",
                           "那如果我们把团队整个搬回嘉定办公呢")
    assert "不符合" in there.answer and "不符合" not in back.answer


def test_whether_the_figure_replaces_another_subsidy_is_the_items_rule(assistant: Assistant):
    *_, reply = talk(assistant, "我们是给工厂做SaaS的工业互联网公司，今年第一次够规上了，纳统后有什么奖励？", "那要是明年股改挂牌呢",
                     "区里本来就有上市挂牌补贴吧，这200是顶替那个还是另外给")
    assert (reply.intent, reply.citation_ids[0]) == ("lookup", "3")  # 在区上市挂牌补贴的基础上另行给予


def test_how_much_after_looking_up_a_clause_is_that_clauses_figure(assistant: Assistant):
    looked, figure = talk(assistant, "我们是工业互联网企业，准备股改挂牌。区里本来就有上市挂牌补贴，工业互联网这条是不是就是同一笔钱？",
                          "那这条另外给多少？")
    assert (looked.intent, looked.citation_ids[0]) == ("lookup", "3")
    assert (figure.intent, figure.amount_yuan) == ("award", 2_000_000)
