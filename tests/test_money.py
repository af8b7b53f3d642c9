"""Money parsing and formatting: integer yuan, Chinese numerals, clear Chinese errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.errors import AmountError, InputError
from assistant.rules.money import MAX_YUAN, AmountMention, format_yuan, parse_amount
from assistant.rules.money_text import find_amounts


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("800万", 8_000_000),
        ("800万元", 8_000_000),
        ("250个w", 2_500_000),  # chat: "个" between the number and its magnitude
        ("600个万", 6_000_000),
        ("1.2亿", 120_000_000),
        ("三百万元", 3_000_000),
        ("2,500,000元", 2_500_000),
        ("一千五百万", 15_000_000),
        ("0.5亿元", 50_000_000),
        ("80万块", 800_000),
        ("８００万", 8_000_000),
        ("1200000", 1_200_000),
        ("12.5万", 125_000),
        ("3千万元", 30_000_000),
        ("5千元", 5_000),
        ("两百万", 2_000_000),
        ("一点二亿", 120_000_000),
        ("壹佰万元", 1_000_000),
        ("一亿二千万", 120_000_000),
        ("人民币300万元", 3_000_000),
        ("约300万", 3_000_000),
        ("２，５００，０００元", 2_500_000),
        (" 800 万元 ", 8_000_000),
        ("100万块钱", 1_000_000),
        ("1234.56元", 1_235),
        ("1000亿", MAX_YUAN),
        (3_000_000, 3_000_000),
        ("700w", 7_000_000),
        ("1500W", 15_000_000),
        ("两千五w", 25_000_000),
        ("七百来万", 7_000_000),
        ("100多万", 1_000_000),
        ("一百余万元", 1_000_000),
        ("三百五万", 3_500_000),
        ("RMB 5 million", 5_000_000),
        ("3.5 million yuan", 3_500_000),
    ],
)
def test_parse_amount(text: str | int, yuan: int) -> None:
    assert parse_amount(text) == yuan
    assert isinstance(parse_amount(text), int)


def test_decimal_magnitudes_are_exact() -> None:
    # 0.1 + 0.2 style float error would give 12000000.000000002 or 11999999
    assert parse_amount("0.12亿") == 12_000_000
    assert parse_amount("1.005万") == 10_050
    assert parse_amount("33.33万") == 333_300


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "金额必须大于0"),
        ("0元", "金额必须大于0"),
        ("零元", "金额必须大于0"),
        ("-5万", "金额必须大于0"),
        ("负五万元", "金额必须大于0"),
        ("abc", "无法识别金额“abc”，请写成如“800万元”的形式"),
        ("", "无法识别金额"),
        ("30%", "无法识别金额"),
        ("万一", "无法识别金额"),
        ("2000亿", "超过1000亿元"),
        ("1001亿元", "超过1000亿元"),
        ("0.4元", "金额必须大于0"),
    ],
)
def test_parse_amount_errors(text: str, message: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert message in str(info.value)
    assert isinstance(info.value, InputError)


def test_zero_is_allowed_only_when_asked() -> None:
    assert parse_amount("0", allow_zero=True) == 0
    assert parse_amount("0元", allow_zero=True) == 0
    with pytest.raises(AmountError):
        parse_amount("-1", allow_zero=True)


def test_bool_is_not_an_amount() -> None:
    with pytest.raises(AmountError):
        parse_amount(True)  # type: ignore[arg-type]


def test_find_amounts_in_a_sentence() -> None:
    text = "我们2024年的项目实际投资800万元，按第5条30%测算，另获上级补助三百万元，服务1.2万家企业，共15-20个"
    found = find_amounts(text)
    assert [(m.text, m.yuan) for m in found] == [("800万元", 8_000_000), ("三百万元", 3_000_000)]
    for m in found:
        assert text[m.start : m.end] == m.text
        assert isinstance(m, AmountMention)


def test_find_amounts_full_width_keeps_offsets() -> None:
    text = "投资８００万，土建１２０万元"
    found = find_amounts(text)
    assert [(text[m.start : m.end], m.yuan) for m in found] == [
        ("８００万", 8_000_000),
        ("１２０万元", 1_200_000),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "按30%资助",
        "2024年5月25日",
        "第5条",
        "15-20个项目",
        "一次性给予",
        "5G+工业互联网",
        "服务1.2万家企业",
        "1200000",
    ],
)
def test_find_amounts_ignores_non_money(text: str) -> None:
    assert find_amounts(text) == []


def test_find_amounts_several_and_units() -> None:
    found = find_amounts("两场活动分别花了300万和200万元，平台1.2亿，培训5千元，另有2,500,000元")
    assert [m.yuan for m in found] == [3_000_000, 2_000_000, 120_000_000, 5_000, 2_500_000]


@pytest.mark.parametrize(
    ("yuan", "text"),
    [
        (2_000_000, "200万元"),
        (125_000, "12.5万元"),
        (3_500, "3,500元"),
        (10_000_000, "1000万元"),
        (150_000_000, "1.5亿元"),
        (370_370, "370,370元"),
        (10_000, "1万元"),
        (12_345_600, "1234.56万元"),
        (0, "0元"),
        (999, "999元"),
    ],
)
def test_format_yuan(yuan: int, text: str) -> None:
    assert format_yuan(yuan) == text


def test_format_yuan_rejects_float() -> None:
    with pytest.raises(TypeError):
        format_yuan(2000000.0)  # type: ignore[arg-type]


@given(st.integers(min_value=1, max_value=MAX_YUAN))
def test_format_then_parse_is_exact(yuan: int) -> None:
    assert parse_amount(format_yuan(yuan)) == yuan


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("项目花了七百来万", [7_000_000]),
        ("去年营收一个多亿，项目投了一个半亿", [100_000_000, 150_000_000]),  # spoken hundred-millions
        ("大概1个半亿", [150_000_000]),
        ("投了700w，另外1500W", [7_000_000, 15_000_000]),
        ("大概两千五w吧", [25_000_000]),
        ("a RMB 5 million project", [5_000_000]),
        ("服务了1.2万家企业", []),
        ("5G+工业互联网", []),
        ("wifi和www都不是钱", []),
        ("市级标杆 已经投了1.2kw 能补多少", [12_000_000]),  # kw = 千万
        ("总投资3KW", [30_000_000]),
        ("服务费5k元", [5_000]),
        ("电机功率500kW，投了300万", [3_000_000]),  # kilowatts are not money
        ("500k", []),  # k with no currency word: not money
        ("我们公司有两块业务", []),  # 块 as a counter, not 元
        ("分三块说：设备300万", [3_000_000]),
        ("项目投了2亿5，能补多少", [250_000_000]),  # 2亿5千万, the next unit down said short
        ("总投资1亿2千万", [120_000_000]),
        ("总投资3亿零500万元", [305_000_000]),
        ("投了两亿五", [250_000_000]),
        ("投了一亿二，另外两亿", [120_000_000, 200_000_000]),
        ("项目实际投资3.6M（人民币）", [3_600_000]),  # a finance department's M = million
        ("1.5M", [1_500_000]),
        ("5G专网100M带宽，1000M宽带", []),  # bandwidth, not money
        ("MES系统", []),
        ("审计下来费用两百出头", [2_000_000]),  # Chinese numerals after a money word: 万, as digits are
        ("投了八百多，市里给了五十", [8_000_000, 500_000]),
        ("我们公司有三百多个员工", []),  # no money word before it: a count
    ],
)
def test_find_amounts_in_chat_spellings(text: str, found: list[int]) -> None:
    assert [m.yuan for m in find_amounts(text)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("平台建设总投入1600万，里面土建大概400", [16_000_000, 4_000_000]),  # the 万 just said is dropped
        ("总投入1600万，土建400左右吧", [16_000_000, 4_000_000]),
        ("投了500万 比例是30", [5_000_000]),  # a rate, not money
        ("投资800万，按30", [8_000_000]),
        ("投了1000万，第5条", [10_000_000]),
        ("土建大概400", [4_000_000]),  # no amount in 万 before it, but a money word right before it (see below)
        ("里面大概400", []),  # neither: no unit to carry
        ("市级，投资800万，服务20家企业", [8_000_000]),
        ("平台总投入差不多三千万吧，土建八百", [30_000_000, 8_000_000]),  # a Chinese numeral too
        ("投了三千万，服务了二十家", [30_000_000]),
    ],
)
def test_a_bare_number_after_an_amount_in_wan_takes_its_unit(text: str, found: list[int]) -> None:
    assert [m.yuan for m in find_amounts(text)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("已投入金额三千二，单位是万，能补多少", [32_000_000]),  # the unit said apart from the number
        ("投入1600，土建400（单位：万元）", [16_000_000, 4_000_000]),
        ("以万元为单位：总投入2500", [25_000_000]),
        ("都按万算，投了一千五百", [15_000_000]),
        ("投了三千二百万，单位是万", [32_000_000]),  # already an amount: read once
        ("比例是30，单位是万", []),  # a rate stays a rate
        ("第三个，单位万", []),  # an ordinal is not a number of yuan
        ("已投入金额三千二，能补多少", [32_000_000]),  # right after a money word: 万, as "已投入金额3200" is
        ("排名三千二，能补多少", []),  # no unit and no money word: not money
    ],
)
def test_bare_numbers_take_the_unit_the_message_declares(text: str, found: list[int]) -> None:
    assert [m.yuan for m in find_amounts(text)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("这个项目去年镇里给过一笔产业扶持，40万", [400_000]),  # an amount right after a full-width comma
        ("分别是100万,60万,90万", [1_000_000, 600_000, 900_000]),
        ("投了1,200万", [12_000_000]),  # a thousands separator is still part of the number
        ("大概3百50万", [3_500_000]),
        ("要是明年再投三百万平台设备呢", [3_000_000]),  # 平台 is not 平方米
        ("厂房2万平方米，服务2万小时", []),
    ],
)
def test_amounts_after_a_comma_and_mixed_numerals(text: str, found: list[int]) -> None:
    assert [m.yuan for m in find_amounts(text)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("区内企业服务金额800k左右 能补多少", [800_000]),  # k right after a word that says money follows
        ("服务金额 1200k", [1_200_000]),
        ("审计费用预计 800k", [800_000]),  # an estimate word between the money word and the amount
        ("The upgrade cost 800k RMB.", [800_000]),  # k with a currency word after it …
        ("Audited costs were 1.2M and 900k RMB", [1_200_000, 900_000]),
        ("cost RMB 800k, subsidy?", [800_000]),  # … or before it
        ("500k", []),  # on its own: not money
        ("500k steps", []),
        ("电机功率500kW，投了300万", [3_000_000]),
    ],
)
def test_chat_k_after_a_money_word_is_thousands(text: str, found: list[int]) -> None:
    assert [m.yuan for m in find_amounts(text)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("市级标杆 投1200 市里补了200 区里还给多少", [12_000_000, 2_000_000]),  # quick chat drops the 万
        ("平台总投入2000 土建占600", [20_000_000, 6_000_000]),
        ("论坛审计费260 补多少", [2_600_000]),
        ("镇里补过50了", [500_000]),
        ("投了2台设备", []),  # a counter after it: not money
        ("员工120 产线8", []),  # no money word before it
        ("2024年投资", []),
        ("第5条", []),
    ],
)
def test_a_bare_number_right_after_a_money_word_is_in_wan(text: str, found: list[int]) -> None:
    assert [m.yuan for m in find_amounts(text)] == found


@pytest.mark.parametrize(
    ("text", "yuan"),
    [("投资大概七八百万吧", 7_000_000), ("一千七八百万吧", 17_000_000), ("十七八万", 170_000), ("五六十万", 500_000),
     ("七百八十万", 7_800_000)],  # the last is no range: its digits have units between them
)
def test_a_range_of_two_neighbouring_digits_is_read_at_its_lower_end(text: str, yuan: int):
    assert [m.yuan for m in find_amounts(text)] == [yuan]


def test_a_part_called_one_piece_is_not_one_yuan():
    from assistant.rules.money_text import find_amounts
    assert find_amounts("服务商那条归在哪一块") == [] and find_amounts("这一块怎么算") == []
    assert [m.yuan for m in find_amounts("一块钱")] == [1]


def test_a_count_of_parts_is_not_yuan():
    # "整个项目就这两块": two parts of the project, not 2元 — while "两块钱" is still money
    assert [m.yuan for m in find_amounts("MES花了300万，WMS花了150万，整个项目就这两块")] == [3_000_000, 1_500_000]
    assert [m.yuan for m in find_amounts("就给了两块钱")] == [2]
