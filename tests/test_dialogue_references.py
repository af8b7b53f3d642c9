"""Follow-ups that point back instead of saying things again: "第一个能拿多少" over items listed in the same message,
"那六百呢" (a what-if of the amount given, without its unit), "条款原文？" / "依据？" after an answer, "这个要谁批准"
after a look-up; and a figure asked before its base is known states the ceiling the text sets.

The real reader and retrieval (``assistant``); the fictional policies' versions are in
tests/fixtures/conversations/example-policies.yaml.
"""

from __future__ import annotations

from datetime import date

from assistant.dialogue import Assistant

LISTED = "我们有两件事：一是拿了上海市智能工厂授牌，项目投资550万；二是通过了两化融合贯标认证。"


def talk(a: Assistant, *turns: str, as_of: date = date(2025, 6, 16)):
    chat = a.new_conversation(as_of)
    return [chat.ask(t) for t in turns]


def test_the_nth_of_items_listed_in_one_message_is_that_item_alone(assistant: Assistant):
    first, second, both = talk(assistant, LISTED + "第一个能拿多少？", "第二个呢", "两个加起来多少")
    assert first.amount_yuan == 1_650_000 and first.citation_ids[:1] == ["1"]
    assert second.amount_yuan == 200_000 and second.citation_ids[:1] == ["2"]
    assert both.amount_yuan == 1_850_000


def test_the_facts_of_an_item_listed_but_not_asked_about_are_kept(assistant: Assistant):
    second, first = talk(assistant, LISTED + "第二个能拿多少？", "第一个呢")
    assert second.amount_yuan == 200_000
    assert first.amount_yuan == 1_650_000  # its 550万 was said in the first message


def test_a_place_said_before_the_list_is_not_read_as_pointing_into_it(assistant: Assistant):
    (reply,) = talk(assistant, "第一个项目拿了上海市智能工厂授牌，项目投资550万，也通过了两化融合贯标，一共能拿多少？")
    assert reply.amount_yuan == 1_850_000


PROJECTS = "我们有两个不同的区级标杆项目，第一个投了300万，第二个投了900万。"


def test_the_nth_of_projects_listed_under_one_item_is_that_project_alone(assistant: Assistant):
    first, second, both = talk(assistant, PROJECTS + "第一个能补多少？", "第二个呢", "两个加起来多少")
    assert first.amount_yuan == 900_000  # 300万 × 30%, not the two projects summed
    assert second.amount_yuan == 2_000_000  # 900万 × 30% = 270万, over the district cap
    assert both.amount_yuan == 2_900_000  # different projects add up, each with its own cap
    second, first = talk(assistant, PROJECTS + "第二个能补多少？", "那第一个呢")
    assert (second.amount_yuan, first.amount_yuan) == (2_000_000, 900_000)
    (total,) = talk(assistant, PROJECTS.rstrip("。") + "，一共能补多少？")
    assert total.amount_yuan == 2_900_000


def test_a_what_if_said_as_a_bare_number_replaces_the_amount_in_wan(assistant: Assistant):
    *_, six = talk(assistant, "智能工厂授牌的，项目投资500万能拿多少", "那要是投800万呢", "那六百呢")
    assert six.amount_yuan == 1_800_000


def test_a_figure_asked_before_its_base_states_the_ceiling_then_asks(assistant: Assistant):
    (asked,) = talk(assistant, "智能工厂那条最多给多少？")
    assert asked.intent == "award" and asked.amount_yuan is None and "200万" in asked.answer
    assert "实际投资" in asked.answer
    (level,) = talk(assistant, "我们的标杆示范项目被认定为市级了，能补多少？")
    assert "市级最高500万" in level.answer and "国家级" not in level.answer  # the level said: its ceiling alone


def test_a_bare_request_for_the_text_after_a_figure_quotes_its_clause(assistant: Assistant):
    _, text = talk(assistant, "人才实训基地冠名的，补多少", "条款原文？")
    assert text.intent == "lookup" and text.citation_ids == ["10"]


def test_a_bare_basis_question_after_an_answer_is_that_answers_clause(assistant: Assistant):
    *_, basis = talk(assistant, "我们是工业互联网企业，今年刚在科创板上市，区里另外给多少", "这个跟区里的上市补贴能一起拿吗",
                     "依据？")
    assert basis.intent == "lookup" and basis.citation_ids == ["3"]
    (alone,) = talk(assistant, "依据？")
    assert alone.citation_ids == ["preamble"]  # nothing answered yet: the policy's own basis, its upstream documents


def test_a_short_question_pointing_back_at_a_rule_just_read_is_asked_of_it(assistant: Assistant):
    first, _, who = talk(assistant, "我们项目特别大，按标准补不够，有别的办法吗", "一事一议具体是什么", "这个要谁批准")
    assert first.intent == "lookup" and first.citation_ids[:1] == ["12"]
    assert who.intent == "lookup" and who.citation_ids[:1] == ["12"] and "区政府" in who.answer


def test_a_rule_sentence_that_is_also_the_items_title_is_quoted_when_asked_about(assistant: Assistant):
    # 第13条 has no heading: its first sentence (its title too) is the rule on how support is claimed.
    (rule,) = talk(assistant, "补贴是先申报后补助吗")
    assert rule.citation_ids[:1] == ["13"] and "先申报、后补助" in rule.answer.split("\n")[0]  # the quote, not the 依据 line


def test_the_same_rule_asked_again_of_a_named_item_is_that_rule(assistant: Assistant):
    _, again = talk(assistant, "这些补贴是怎么发的，先干活还是先申请", "那智能工厂那条也一样吗")
    assert again.intent == "lookup" and again.citation_ids[:1] == ["13"] and "先申报、后补助" in again.answer.split("\n")[0]


def test_a_conclusion_drawn_from_a_rule_just_read_is_answered_by_that_rule(assistant: Assistant):
    _, so = talk(assistant, "先申报后补助是什么意思？", "所以不能先拿钱再建设？")
    assert so.intent == "lookup" and so.citation_ids[:1] == ["13"]


def test_going_back_to_a_question_left_open_by_a_side_question_resumes_it(assistant: Assistant):
    *_, back, amount = talk(assistant, "我们被认定为国家级的工业互联网标杆示范项目，能补多少？",
                            "另外我们今年还首次进规上了，那个奖多少？", "那刚才那个呢", "已经投了三千五百万")
    assert back.intent == "award" and back.citation_ids[:1] == ["5"] and back.amount_yuan is None
    assert amount.amount_yuan == 10_000_000  # 3500万 × 30% = 1050万 > 国家级 1000万


def test_going_back_after_a_look_up_asks_the_open_question_again(assistant: Assistant):
    *_, back, amount = talk(assistant, "我们厂拿了那个市里的智能工厂牌子，能补多少钱啊", "要去哪里申请啊，找哪个部门",
                            "那刚才那个呢", "哦，投了三百万左右")
    assert back.intent == "award" and "实际投资" in back.answer
    assert amount.amount_yuan == 900_000


def test_support_the_district_already_gave_this_year_uses_up_the_yearly_cap(assistant: Assistant):
    (reply,) = talk(assistant, "我们在嘉定办国际性的工业大数据峰会，审计确认费用80万，不过今年上半年办论坛区里已经给过70万了，能补多少")
    assert reply.amount_yuan == 300_000  # 80万 × 50% = 40万, but only 100万 − 70万 = 30万 of the year's cap is left


def test_the_same_project_claimed_under_another_item_keeps_its_amount(assistant: Assistant):
    _, district, city = talk(assistant, "我们一个改造项目投了900万，拿了智能工厂授牌，按那条能补多少？", "要是按区级标杆报呢？",
                             "那如果是市级标杆呢")
    assert district.citation_ids[:1] == ["5"] and district.amount_yuan == 2_000_000  # 900万 × 30% = 270万 > 区级 200万
    assert city.amount_yuan == 2_700_000


def test_how_often_an_item_pays_is_its_clause_with_the_policys_validity_beside(assistant: Assistant):
    _, again = talk(assistant, "标识解析二级节点建成投运了，给多少", "这个是一次性的吧，明年还能再拿吗", as_of=date(2025, 7, 1))
    assert again.intent == "lookup" and again.citation_ids[:1] == ["6"] and "一次性" in again.answer
    assert "16" in again.citation_ids and "2025年12月31日" in again.answer


def test_which_base_a_figure_uses_is_asked_of_the_items_own_clause(assistant: Assistant):
    _, base = talk(assistant, "我们是区级标杆，能补多少？", "是按计划总投资算还是按已经投进去的算？")
    assert base.intent == "lookup" and base.citation_ids[:1] == ["5"] and "已投入金额" in base.answer


def test_a_bare_reply_after_an_eligibility_side_question_answers_the_figures_question(assistant: Assistant):
    *_, side, level = talk(assistant, "我们的工业互联网项目被评为标杆示范项目了，投了1500万，能拿多少？",
                           "等下，我们公司在安亭镇注册的，税也在那边交，算嘉定的企业吧？能申请吗？", "市级的")
    assert side.intent == "eligibility"
    assert level.intent == "award" and level.amount_yuan == 4_500_000  # 1500万 × 30% = 450万 ≤ 市级 500万


def test_who_is_left_out_is_answered_by_the_conditions_that_govern_every_item(assistant: Assistant):
    (reply,) = talk(assistant, "哪些情况下拿不到这个补贴？")
    assert reply.intent == "lookup" and reply.citation_ids[:2] == ["一", "14"]
    assert "另据第14条" in reply.answer and "14" in reply.answer.split("依据：")[-1]  # both quoted, both on the 依据 line


def test_a_question_for_the_rate_quotes_the_sentence_with_the_percentage(policy):  # noqa: ANN001 - a Policy
    from assistant.dialogue.answers.quotes import best_sentences

    quoted = "".join(best_sentences(policy.clause("1"), "1条 比例"))
    assert "30%" in quoted  # not the clause's opening purpose, which shares no word with 比例
    assert "30%" not in "".join(best_sentences(policy.clause("1"), "1条 支持什么改造"))


def test_the_original_text_asked_with_the_clause_number_is_the_whole_clause(assistant: Assistant):
    (text,) = talk(assistant, "第9条 原文")
    assert text.intent == "lookup" and text.citation_ids[:1] == ["9"]
    assert "事前备案" in text.answer and "年度累计不超过100万" in text.answer


def test_support_already_received_this_year_uses_up_the_events_cap(assistant: Assistant):
    _, told = talk(assistant, "在嘉定办了个全国性的工业APP大赛 审计确认一百二十万 能补多少",
                   "哦对了 今年上半年办峰会区里已经补过五十万了", as_of=date(2025, 10, 20))
    assert told.amount_yuan == 500_000  # 120万 × 50% = 60万, but only 100万 − 50万 is left this year


def test_an_element_named_by_its_amount_is_the_one_the_new_fact_is_about(assistant: Assistant):
    _, moved = talk(assistant, "今年在嘉定办了两场工业互联网论坛 都是全国性的 审计确认费用一场八十万一场六十万 能补多少",
                    "哦说错了 六十万那场是在苏州办的 不在嘉定", as_of=date(2025, 12, 1))
    assert moved.amount_yuan == 400_000  # the 80万 forum alone: 80万 × 50%
    assert "不计入" in moved.answer


def test_an_item_picked_by_its_clause_number_from_what_fits_is_asked_for_its_figure(assistant: Assistant):
    chat = assistant.new_conversation(date(2025, 8, 5))
    menu = chat.ask("有啥补助能拿？我们是做工业互联网应用的")
    assert menu.intent == "clarify"  # who the enterprise is, shared by several items: which item? (the menu)
    picked = chat.ask("第5条那个")
    assert picked.intent == "award" and picked.citation_ids[0] == "5"  # its level asked, not the menu again
    chat.ask("区级")
    assert chat.ask("花了四百来万").amount_yuan == 1_200_000  # 400万 × 30% = 120万 ≤ 200万


def test_whether_all_of_it_comes_back_is_answered_with_the_figure(assistant: Assistant):
    (reply,) = talk(assistant, "我们和高校在嘉定建的工业互联网平台已经跨行业跨领域用起来了，总投入180万，没有土建。是不是180万都能全额报销回来？")
    assert reply.intent == "award" and reply.amount_yuan == 540_000  # 180万 × 30% = 54万, not all of it


def test_an_item_picked_by_number_after_a_match_is_asked_for_its_figure(assistant: Assistant):
    *_, picked = talk(assistant, "我们是规上企业，去年首次纳入统计，还能申请哪些？", "第5条那个")
    assert picked.intent == "award" and picked.citation_ids[0] == "5"  # not what fits again
