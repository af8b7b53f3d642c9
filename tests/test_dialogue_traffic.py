"""Turns of ordinary traffic that went wrong: a second item told by its own fact rather than its name ("另外我们还给
区里几家厂做了改造服务，服务额80万，那个呢"), while a peer's figure or a hoped-for one moves nothing; a look-up that
names only an item's own condition ("每年要服务多少家才能报"); how an item pays, asked after a side question about
the applicant; "两个一共40万对吧"; "哦等下，只算区内的话…" correcting the amount; a pasted form whose header asks for
the support and whose amounts carry thousands separators.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import talk


def test_a_second_item_told_by_its_own_fact_is_the_one_asked(assistant: Assistant):
    *_, reply = talk(assistant, "智能工厂授牌了，项目投了六百五十万，能补多少",
                     "另外我们还给区里几家兄弟厂做了改造服务，服务额80万，那个呢？")
    assert (reply.citation_ids[0], reply.amount_yuan) == ("7", 240_000)  # 80万 × 30%, not 第1条 again


def test_a_word_another_item_shares_gives_way_to_the_fact_told(assistant: Assistant):
    first, second, total = talk(assistant, "第一个，厂里拿了智能工厂授牌，项目投了350万，能补多少？",
                                "第二个，我们另外有个团队给区里十几家厂做数字化改造，去年服务金额200万，这个呢？",
                                "两个一共多少")
    assert (second.citation_ids[0], second.amount_yuan) == ("7", 600_000)
    assert total.amount_yuan == first.amount_yuan + 600_000  # 105万 + 60万


def test_a_peers_figure_does_not_move_the_question_to_another_item(assistant: Assistant):
    *_, reply = talk(assistant, "我们能拿多少？", "服务商那条，实际发生服务金额260万", "就78万？别人家拿了100万")
    assert (reply.citation_ids[0], reply.amount_yuan) == ("7", 780_000)


def test_a_question_naming_one_items_own_condition_looks_up_that_item(assistant: Assistant):
    *_, reply = talk(assistant, "你好，我们在嘉定注册、纳税，做工业互联网的，有什么补助可以申请？", "每年要服务多少家才能报？")
    assert (reply.intent, reply.citation_ids[0]) == ("lookup", "7")


def test_how_an_item_pays_after_a_side_question_is_that_items_clause(assistant: Assistant):
    *_, reply = talk(assistant, "我们的标识解析二级节点下周正式上线运营，区里给多少？",
                     "公司注册在嘉定，但税务登记还在普陀，这个有影响吗？",
                     "好，我们先把税务迁过来。这个钱是一次性的还是每年都有？")
    assert (reply.intent, reply.citation_ids[0]) == ("lookup", "6")


def test_a_total_hoped_for_of_two_items_is_their_total(assistant: Assistant):
    *_, reply = talk(assistant, "首次进规上的奖励是多少？", "我们刚好也过了两化融合贯标认证，这个呢？", "两个一共40万对吧")
    assert reply.amount_yuan == 400_000 and {"2", "4"} <= set(reply.citation_ids)


def test_wait_only_counting_the_district_corrects_the_amount(assistant: Assistant):
    *_, reply = talk(assistant, "对，就是服务商那个。去年合同额算下来四百二十万", "哦等下，只算嘉定区内企业的话，大概一百八十万")
    assert (reply.citation_ids[0], reply.amount_yuan) == ("7", 540_000)


def test_a_pasted_form_asking_for_the_support_is_no_breakdown_of_spending(assistant: Assistant):
    (reply,) = talk(assistant, "您好，以下是我司平台项目数据，麻烦帮算一下可资助金额：\n"
                               "合作单位：XX大学（国家重点实验室），研发机构设在嘉定\n平台建设总投入：18,000,000.00元\n"
                               "其中土建工程：5,000,000.00元\n设备及软件：13,000,000.00元\n")
    assert (reply.citation_ids[0], reply.amount_yuan) == ("8", 3_900_000)  # (1800万 − 500万) × 30%


def test_whether_the_districts_own_listing_subsidy_is_kept_is_looked_up(assistant: Assistant):
    *_, reply = talk(assistant, "我们是做工业互联网平台的，科创板刚上市，这个政策能给多少？", "区里原来那个上市补贴还照拿吗，会不会冲掉？")
    assert (reply.intent, reply.citation_ids[0]) == ("lookup", "3")  # 在享受区级上市扶持政策基础上另行给予


def test_a_new_item_told_with_its_amount_after_a_verdict_is_asked_for_its_figure(assistant: Assistant):
    *_, reply = talk(assistant, "智能工厂授牌了，投资1000万，补多少", "对了，我们去年出过一次安全事故，会不会被取消资格",
                     "好。另外我们有个项目评上了市级标杆，投了600万")
    assert (reply.intent, reply.citation_ids[0], reply.amount_yuan) == ("award", "5", 1_800_000)


def test_a_stacked_figure_hoped_for_is_the_figure_computed_once(assistant: Assistant):
    *_, reply = talk(assistant, "我们的改造项目拿了智能工厂授牌，投了1600万，能补多少？", "这个项目同时也被评成市级标杆了",
                     "两条能叠加拿680万吗？")
    assert (reply.intent, reply.amount_yuan) == ("award", 4_800_000) and "13" in reply.citation_ids  # the higher, once


def test_a_claim_about_our_answer_keeps_the_view_it_was_given_in(assistant: Assistant):
    *_, second, claim = talk(assistant, "今年3月在嘉定办了个国际性的工业互联网峰会，审计确认费用120万，区里能补多少？",
                             "下半年还想在嘉定办个全国性的工业APP大赛，审计费估计100万，这个能补多少？", "你刚才说第二场能补50万是吧？")
    assert second.amount_yuan == claim.amount_yuan == 400_000  # 50万 capped by what the year has left (100 − 60)


def test_an_amount_said_to_be_only_a_part_gives_way_to_the_whole(assistant: Assistant):
    *_, zh = talk(assistant, "上海市智能工厂授牌，项目投资550万，能补多少", "不好意思说错了，550万只是一期，总共是900万")
    *_, en = talk(assistant, "Our factory got 上海市智能工厂 plaque, total investment is RMB 5.5 million, how much subsidy?",
                  "Sorry, correction — 5.5 million is only phase 1, total is RMB 9 million.")
    assert zh.amount_yuan == en.amount_yuan == 2_000_000  # 900万 × 30% capped at 200万, not 550万 × 30%


def test_facts_of_the_applicant_ending_in_neng_bao_ba_ask_for_a_verdict(assistant: Assistant):
    *_, reply = talk(assistant, "贯标奖励能拿多少", "我们是集团在嘉定的子公司，独立法人，注册纳税都在嘉定，证书是我们自己拿的，能报吧")
    assert reply.intent == "eligibility" and "一" in reply.citation_ids


def test_a_verdict_asked_of_our_policy_after_another_districts_question_is_a_verdict(assistant: Assistant):
    *_, reply = talk(assistant, "智能工厂授牌了，投资900万能拿多少", "我们在宝山也有个厂，宝山那边的智能工厂补贴是多少",
                     "宝山那个厂是单独的公司，注册和税务都在宝山，能报嘉定这个吗")
    assert reply.intent == "eligibility" and reply.answer.startswith("不符合")


def test_an_amount_said_received_after_support_said_received_is_that_support(assistant: Assistant):
    *_, reply = talk(assistant, "标杆示范那个能补多少", "市里认定的", "投了1100万，市里给过补助", "给了150万", "没有，不要求配套")
    assert reply.amount_yuan == 3_300_000  # 1100万 × 30% ≤ 500万 − 150万; not 150万 taken for the investment


def test_whether_two_items_stack_asked_with_their_total_is_the_total(assistant: Assistant):
    *_, reply = talk(assistant, "贯标那个奖励多少钱", "我们今年也是第一次进规上 这个呢", "两个加起来就是四十万对吧 能一起拿吗")
    assert (reply.intent, reply.amount_yuan) == ("award", 400_000)


def test_whether_a_stated_count_is_enough_is_a_verdict(assistant: Assistant):
    (reply,) = talk(assistant, "有个服务商问，政策里说服务的企业数量要达到一定数量，他们一年只服务了3家区内企业，这样够不够格？")
    assert reply.intent == "eligibility" and "7" in reply.citation_ids


def test_whether_an_item_pays_a_given_rate_is_looked_up(assistant: Assistant):
    (reply,) = talk(assistant, "智能工厂那个是按投资的30%补吗")
    assert (reply.intent, reply.citation_ids[0]) == ("lookup", "1")


def test_whether_a_condition_is_needed_states_nothing_of_the_case(assistant: Assistant):
    _, asked, told = talk(assistant, "我们是培训机构，实训基地那个能给多少", "要先通过市人社局考核吗",
                          "考核通过了也冠名了，那就是100万？")
    assert (asked.intent, asked.citation_ids[0]) == ("lookup", "10")  # not a verdict on a case never told
    assert (told.intent, told.amount_yuan) == ("award", 1_000_000)


def test_a_budget_beside_the_audited_cost_is_not_a_second_event(assistant: Assistant):
    *_, reply = talk(assistant, "我们下个月在嘉定承办一个全国性的工业APP创新大赛，区里能补贴吗？补多少",
                     "预算180万，最后专项审计确认估计170万")
    assert reply.amount_yuan == 850_000  # 170万 × 50%; the budget is named as something no fact is


def test_the_same_clients_other_project_is_another_project(assistant: Assistant):
    *_, reply = talk(assistant, "客户A的一个项目获得上海市智能工厂授牌，投资900万，能补多少",
                     "同一个客户另一个项目被评为市级标杆，已投入450万")
    assert (reply.citation_ids[0], reply.amount_yuan) == ("5", 1_350_000)  # 450万 × 30%, its own figure


def test_only_the_first_event_counted_is_that_event_alone(assistant: Assistant):
    *_, only, both = talk(assistant, "今年在嘉定办了两场工业互联网的活动，区里能补多少",
                          "第一场是全国性的工业大数据论坛，审计确认费用86万；第二场是国际性的5G+工业互联网大会，审计确认140万",
                          "要是只算第一场呢", "那两场加起来呢")
    assert (only.amount_yuan, both.amount_yuan) == (430_000, 1_000_000)  # 86万 × 50%; then the year's cap


def test_labelled_projects_of_the_item_named_before_the_labels_are_that_items(assistant: Assistant):
    (reply,) = talk(assistant, "客户有两个不同的项目都被评为区级标杆：A项目投入500万，B项目投入900万，一共能拿多少")
    assert reply.amount_yuan == 3_500_000 and "1" not in reply.citation_ids  # 150万 + 200万 (cap), both 第5条


def test_why_a_figure_is_what_it_is_gets_the_figure_again_with_its_steps(assistant: Assistant):
    *_, why = talk(assistant, "老板让我问问，我们厂被评上标杆示范了，能拿多少钱", "区级", "他说投了九百万左右",
                   "为什么是200？老板说按30%算应该是270啊")
    assert (why.intent, why.amount_yuan) == ("award", 2_000_000)  # 270 is the figure someone expects, not a fact
    *_, little = talk(assistant, "区级标杆项目，投了四百万，能拿多少", "这个项目市里已经给过一百五十万了，市里的不用区里配套",
                      "也就是说区里只能再给这么点？")
    assert (little.intent, little.amount_yuan) == ("award", 500_000)  # 200万 − 150万


def test_an_items_own_base_told_after_a_fixed_sum_turns_to_that_item(assistant: Assistant):
    *_, reply = talk(assistant, "我们实验室帮客户做两化融合贯标，客户认证通过了的话区里奖多少",
                     "那我们自己呢，给区内企业做诊断咨询，去年服务金额一百五十万，我们能补多少")
    assert (reply.citation_ids[0], reply.amount_yuan) == ("7", 450_000)


def test_not_yet_applied_for_the_towns_support_is_none_received(assistant: Assistant):
    *_, reply = talk(assistant, "智能工厂授牌，投资五百八十万，能补多少", "镇里要是也补了，会扣吗", "还没有，镇里的还没申请")
    assert (reply.intent, reply.amount_yuan) == ("award", 1_740_000)  # 580万 × 30%, nothing to deduct


def test_a_what_if_after_an_acknowledgement_is_a_what_if(assistant: Assistant):
    *_, reply = talk(assistant, "上海市智能工厂那个，牌子上个月刚拿到", "一千一百来万", "这个钱是先报了再给，还是先给到我们",
                     "行，那如果只算改造那部分，六百万呢")
    assert reply.amount_yuan == 1_800_000  # 600万 × 30%


def test_whether_an_item_pays_at_all_is_its_figure(assistant: Assistant):
    (scale,) = talk(assistant, "我们公司这两年转型做工业互联网平台，今年第一次进规上了，有奖励吗")
    (branch,) = talk(assistant, "我们是分公司，贯标过了，有奖励吗")
    assert (scale.intent, scale.amount_yuan) == ("award", 200_000)
    assert branch.intent == "eligibility"  # who applies is in doubt: the verdict first
