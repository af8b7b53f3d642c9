"""Projects described in the enterprise's own words (dev98): after a figure, "那我们另一个业务呢？给区里二十多家企业
做设备上云的服务，去年服务金额五十万" is that other item's figure (found by its own amount); a place that starts a name
("上海大学") is no place; "整体投了一千二" is the project's whole, not the company's; a building's cost said before the
whole ("盖楼花了三百万，整体投了一千二") is the part left out, not a part of the whole; "还有二期的250万…，合起来600万" is
600万; "市级是去年申报的，没评上，今年评上的是区级" is 区级; "MES选哪家好" (advice on a product) is refused.

The real reader (``assistant``): how a turn is read depends on it.
"""

from __future__ import annotations

from assistant.dialogue import Assistant
from assistant.nlu.inputs import normalise
from tests.fixtures_dialogue import talk


def test_another_items_own_amount_after_a_figure_is_that_items_figure(assistant: Assistant):
    *_, reply = talk(assistant, "标识解析二级节点我们建好了，接入了三十几家企业，能拿多少",
                     "那我们另一个系统呢？就是给区里二十多家制造企业做设备联网改造的服务，一年服务金额八十万")
    assert reply.intent == "award" and reply.citation_ids[:1] == ["7"] and reply.amount_yuan == 240_000


def test_a_place_that_starts_a_universitys_name_is_no_place(assistant: Assistant):
    assert [p.name for p in assistant.nlu.parse(normalise("我们跟上海大学合办的研究院在嘉定")).places] == ["嘉定"]


def test_a_platform_with_a_university_and_its_building_left_out(assistant: Assistant):
    reply, = talk(assistant, "我们跟上海大学合办的研究院在嘉定做工业互联网平台，已经在汽车、装备几个行业用起来了，"
                             "盖楼花了三百万，整体投了一千二，能资助多少？")
    assert reply.amount_yuan == 2_700_000  # (1200 − 300) × 30%


def test_the_whole_company_is_still_not_a_projects_amount(assistant: Assistant):
    parse = assistant.nlu.parse(normalise("公司整体营收三个亿，智能工厂项目投了五百万，能补多少"))
    money = parse.facts_of("jiading-iiot-2024").money
    assert [m.yuan for m in money if m.claims] == [5_000_000]


def test_a_second_phase_added_with_the_whole_said_takes_the_whole(assistant: Assistant):
    *_, reply = talk(assistant, "智能工厂授牌了，能补多少", "项目实际投资350万", "不对，财务说还有二期的250万也是这个项目的，合起来600万")
    assert reply.amount_yuan == 1_800_000  # 600 × 30%


def test_an_option_said_not_won_gives_way_to_the_one_won(assistant: Assistant):
    *_, reply = talk(assistant, "标杆示范能补多少？", "市级的，已投入700万", "等等，市级是去年申报的，没评上，今年评上的是区级")
    assert reply.amount_yuan == 2_000_000  # 区级: min(210, 200)


def test_an_option_not_yet_won_said_after_the_one_corrected_to_is_not_ruled_out(assistant: Assistant):
    *_, reply = talk(assistant, "标杆项目 市级 已投入1000万 能拿多少", "不对不对 我说错了 是区级的 还没评上市级")
    assert reply.amount_yuan == 2_000_000


def test_parts_pasted_with_their_total_are_the_total(assistant: Assistant):
    reply, = talk(assistant, "我们公司2024年3月拿到了\"上海市智能工厂\"授牌。\n项目实际投资情况：\n设备采购：420万元；\n"
                             "MES软件及实施：130万元；\n合计：550万元。\n想问下区里工业互联网这个政策能补多少？")
    assert reply.amount_yuan == 1_650_000


def test_what_the_user_did_not_ask_is_not_the_question(assistant: Assistant):
    reply, = talk(assistant, "我不是问能拿多少，就想知道我们这种刚第一次纳入规上统计的工业互联网企业，能不能申请第4条？")
    assert reply.intent == "eligibility"
    *_, award = talk(assistant, "人才实训基地那条我们能申请吗？我们是嘉定的培训机构",
                     "我不是问能不能申请，冠名已经拿到了，市人社局考核通过的，我是问能给多少")
    assert award.intent == "award" and award.amount_yuan == 1_000_000


def test_advice_on_which_product_to_choose_is_politely_refused(assistant: Assistant):
    for question in ("MES选哪家好？我们是汽配厂，三百来台设备，预算有限", "设备联网用OPC UA还是MQTT比较好？边缘网关有什么推荐的吗"):
        reply, = talk(assistant, question)
        assert reply.intent == "out_of_scope" and reply.amount_yuan is None
    reply, = talk(assistant, "同一个项目，被评为市级标杆，也拿了上海市智能工厂授牌，投入1000万，报哪个划算？")
    assert reply.intent == "award"  # which item to apply under is a question of ours
