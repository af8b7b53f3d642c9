"""Turns of ordinary traffic that went wrong: a second item told by its own fact rather than its name ("另外我们还给
区里几家厂做了改造服务，服务额80万，那个呢"), while a peer's figure or a hoped-for one moves nothing; a look-up that
names only an item's own condition ("每年要服务多少家才能报"); how an item pays, asked after a side question about
the applicant; "两个一共40万对吧"; "哦等下，只算区内的话…" correcting the amount; a pasted form whose header asks for
the support and whose amounts carry thousands separators.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from assistant.dialogue import Assistant
from tests.fixtures_dialogue import IN_FORCE


def talk(a: Assistant, *turns: str):
    chat = a.new_conversation(IN_FORCE)
    return [chat.ask(t) for t in turns]


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
