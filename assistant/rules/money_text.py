"""Amounts of money in free text: "800万", "七百来万", "700w", "RMB 5 million", and numbers said without their unit
where the message gives it otherwise ("总投入1600万，里面土建大概400", "三千二，单位是万", "服务金额800k").

Parsing one amount and formatting are in :mod:`assistant.rules.money`.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.errors import AmountError
from assistant.rules.money import CN_DIGITS, AmountMention, parse_amount

# A money mention in free text needs a currency word or a 万/亿 magnitude; a bare "30%", "2024年",
# "第5条" or "15-20个" is never money. "1.2万家企业" (a count) is excluded by the counter words.
# Chat spellings: "700w"/"1500W" (w = 万), "七百来万"/"100多万"/"两千余万" (an approximate amount is read as
# the number said), "RMB 5 million" / "3.5 million yuan" / "3.6M" (not "100M带宽").
_COUNTERS = "家人个名次台件项场户亩吨位条款批届期天年月日"
#: Counters of more than one character ("300万平方米", "2万小时"); "平"/"小" alone begin other words ("300万平台设备").
_COUNTER_WORDS = "平方|平米|方米|小时"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CUR = r"(?:人民币元?|块钱|元|块(?![\u4e00-\u9fff])|圆|\s*(?:yuan|RMB|CNY)(?![a-zA-Z]))"  # "两块业务", "分三块": a counter,
# not 块 (元); "8,000,000 yuan" in English
_APPROX = r"(?:来|多|余|个)?"  # "七百来万", "100多万", "两千余万", "250个w"
_WAN_W = r"(?:[万亿]|[wW](?![a-zA-Z]))"
# "1.2kw" = 1.2千万 and "5k元" = 5千元 in chat; "500kW" (kilowatts, SI spelling) is not money.
_K_BEFORE_W = r"(?-i:k(?=w)|K(?=[wW]))"
_K = r"(?-i:[kK])"
#: An amount in another currency ("300万美元", "USD 3 million", "$2M", "50万欧元") is no amount of yuan: the rules
#: count in 元, and converting would need a rate the policy does not give — the assistant asks for the RMB figure.
_FOREIGN_AFTER = r"\s*(?:美元|美金|欧元|日元|港币|港元|英镑|新币|新加坡元|台币|新台币|韩元|(?i:usd|eur|jpy|hkd|gbp|sgd|twd|(?:us\s*|u\.s\.\s*|hk\s*|singapore\s*)?dollars?|euros?)(?![a-zA-Z]))"
_FOREIGN_BEFORE = re.compile(r"(?:(?i:usd|eur|jpy|hkd|gbp|sgd|twd|us\$|hk\$|nt\$|s\$)|[$€£])\s*$")
_MENTION_RE = re.compile(
    rf"(?:(?<![\d.])(?<!\d,)(?P<h>\d+(?:\.\d+)?\s*亿\s*零?\d+(?:\.\d+)?\s*(?:千万|百万|万|千)?\s*{_CUR}?)"
    rf"|(?<![\d.])(?<!\d,)(?P<a>(?:\d[百千](?=\d))?(?:{_NUM})\s*(?:{_APPROX}(?:(?:[十百千]|{_K_BEFORE_W})?{_WAN_W})\s*{_CUR}?|(?:[百千]|{_K})\s*{_CUR}|{_CUR}))"
    rf"|(?P<k>[{CN_DIGITS}]+亿[一二两三四五六七八九](?![{CN_DIGITS}百千万亿佰仟元块]))"
    # ("归在哪一块", "这一块", "就这两块": a part, not 1元 or 2元)
    rf"|(?!(?<=[哪这那每])[一两二三四五六七八九几]块)(?P<c>[{CN_DIGITS}][{CN_DIGITS}百千万亿佰仟点]*(?:{_APPROX}{_WAN_W}{_CUR}?|{_CUR}))"
    rf"|(?P<y>[¥￥]\s*(?:{_NUM})(?:\s*[万亿])?)"
    rf"|(?P<g>[一二两三四五六七八九十\d]+个(?:[多来余半])?亿)"  # "一个多亿", "一个半亿": spoken hundred-millions
    rf"|(?P<e>(?:(?:RMB|CNY|rmb|¥|￥)\s*)?(?<![\d.])(?<!\d,)\d+(?:\.\d+)?\s*(?:million|billion|mio|mln|mn|(?-i:M)(?!带宽|宽带|光纤|专线|网|内存|存储))(?![a-zA-Z])"
    rf"(?:\s*(?:yuan|RMB|CNY|rmb))?)"
    # "RMB 800k" ("800k RMB" is group a): an English k is money only with a currency word beside it ("500k" is not).
    rf"|(?P<x>(?:RMB|CNY|¥|￥)\s*\d+(?:\.\d+)?\s*{_K}(?![a-zA-Z]))"
    # "RMB 500,000", "CNY 12,000,000": a currency code before a plain number of yuan
    rf"|(?P<r>(?:RMB|CNY)\s*(?:{_NUM})(?![\d]|[.,]\d|\s*(?:[万亿kKmM]|mio|mln|million|billion))))"
    rf"(?![{_COUNTERS}]|{_COUNTER_WORDS}|{_FOREIGN_AFTER})",
    re.IGNORECASE,
)


#: A range said with two neighbouring digits ("七八百万", "一千七八百万", "十七八万"): read at its lower end, the
#: figure a cautious answer uses (the answer's calculation shows the amount it took).
_RANGE = re.compile(r"([一二三四五六七八])(?:(?<=一)二|(?<=二)三|(?<=三)四|(?<=四)五|(?<=五)六|(?<=六)七|(?<=七)八|(?<=八)九)(?=[十百千万亿])")


def find_amounts(text: str) -> list[AmountMention]:
    """Find amounts of money in a free-text sentence, with their offsets in ``text``.

    Only numbers with a currency word (元/块) or a 万/亿 magnitude count as money, so "30%",
    "2024年", "第5条", "15-20个" and "1.2万家企业" are not taken for amounts. Mentions that cannot
    be parsed (or are zero/absurd) are skipped.
    """
    # NFKC keeps the length of full-width digits and punctuation (one character each), so offsets
    # found in the normalised text are offsets in the original.
    normalised = unicodedata.normalize("NFKC", text)
    if len(normalised) != len(text):
        normalised = text
    mentions: list[AmountMention] = []
    for m in _MENTION_RE.finditer(normalised):
        if _FOREIGN_BEFORE.search(normalised, max(0, m.start() - 5), m.start()):
            continue
        try:
            yuan = parse_amount(_RANGE.sub(r"\1", m.group(0)))
        except AmountError:
            continue
        mentions.append(AmountMention(m.start(), m.end(), text[m.start() : m.end()], yuan))
    mentions += _after_money_word(_K_AFTER_MONEY_WORD, "千", normalised, text, mentions)
    mentions += _after_money_word(_WAN_AFTER_MONEY_WORD, "万", normalised, text, mentions)
    mentions += _after_money_word(_WAN_CN_AFTER_MONEY_WORD, "万", normalised, text, mentions)
    declared = _declared_unit(normalised, text, mentions)
    return mentions + (declared if declared else _elided_unit(normalised, text, mentions))


#: "服务金额800k", "投资1200k左右", "费用预计 800k": chat's k (千) with no currency word, right after a word that says
#: money follows (an estimate word between them is allowed).
_K_AFTER_MONEY_WORD = re.compile(
    r"(?:金额|投资|投入|费用|资金|经费|花了|投了|补了|给了|服务费)\s*(?:预计|预估|大约|大概|约|共计?|合计|总共|差不多|为|是)?\s*"
    r"(\d+(?:\.\d+)?)\s*[kK](?![a-zA-Z])"
)


def _after_money_word(pattern: re.Pattern[str], unit: str, normalised: str, text: str,
                      mentions: list[AmountMention]) -> list[AmountMention]:
    """The numbers ``pattern`` finds right after a money word (its group 1), read in ``unit``; none inside a mention
    found already."""
    out: list[AmountMention] = []
    for m in pattern.finditer(normalised):
        start, end = m.start(1), m.end()
        if any(x.start <= start < x.end for x in mentions):
            continue
        try:
            yuan = parse_amount(m.group(1) + unit)
        except AmountError:
            continue
        out.append(AmountMention(start, end, text[start:end], yuan))
    return out


#: "投1200 市里补了200", "审计费用120 补多少", "服务额240": in quick chat a bare number right after a word that says
#: money follows is in 万, the unit every amount of these texts is counted in (the assistant asks for 万元 too).
_WAN_AFTER_MONEY_WORD = re.compile(
    r"(?:金额|服务额|投资|投入|费用|费|资金|经费|土建|审计|投了?|花了|补了|补过|给了|给过|拿过|拿了)"
    r"\s*(?:占|是|为|有|约|大概|大约|预计|共计?|合计|一共|总共|差不多)?\s*"
    r"(?<![\d.])(\d{2,5}(?:\.\d+)?)(?=$|[，,、。；;！？!?\s]|了|吧|啊|呢|左右|上下)"
)

#: The same in Chinese numerals, often with a rough ending: "费用两百出头", "投了八百多", "土建三百来" (万).
_WAN_CN_AFTER_MONEY_WORD = re.compile(
    r"(?:金额|服务额|投资|投入|费用|资金|经费|土建|投了?|花了|补了|补过|给了|给过|拿过|拿了)"
    r"\s*(?:是|为|有|约|大概|大约|预计|共计?|合计|一共|总共|差不多)?\s*"
    r"([一二两三四五六七八九][一二两三四五六七八九十百千零]*[十百千][一二两三四五六七八九十百千零]*)"
    r"(?=$|[，,、。；;！？!?\s]|多|出头|来|左右|上下|了|吧|啊|呢)"
)

#: A bare number at the end of a clause ("总投入1600万，里面土建大概400"): no counter, unit, percent or letter
#: after it, no 第 before it.
#: Words right before a bare number that make it a rate, a year or a place in a list, not money.
_NOT_MONEY_BEFORE = re.compile(r"(比例|百分|比率|费率|倍|率|年|第|按)[是为按了]?$")
_BARE_NUMBER = re.compile(
    r"(?<![\d.:：第])(?<!\d,)(\d{1,5}(?:\.\d+)?)(?=$|[，,、。；;！？!?()\s]|吧|啊|呢|左右|上下|的样子)"
)


def _elided_unit(normalised: str, text: str, mentions: list[AmountMention]) -> list[AmountMention]:
    """Numbers said without their unit after an amount in 万 in the same message take that unit: people drop
    the 万 they have just said ("总投入1600万，里面土建大概400" is 400万)."""
    wan = [m for m in mentions if re.search(r"[万wW]", m.text) and not re.search(r"[亿元块]", m.text)]
    if not wan:
        return []
    out: list[AmountMention] = []
    bare = [*_BARE_NUMBER.finditer(normalised), *_BARE_CN_NUMBER.finditer(normalised)]  # "土建800", "土建八百"
    for b in sorted(bare, key=lambda x: x.start()):
        if b.start() < wan[0].end or any(m.start <= b.start() < m.end for m in mentions):
            continue
        if _NOT_MONEY_BEFORE.search(normalised[max(0, b.start() - 4) : b.start()]):
            continue  # "比例是30", "排在第3": not money
        try:
            yuan = parse_amount(b.group(1) + "万")
        except AmountError:
            continue
        out.append(AmountMention(b.start(), b.end(), text[b.start() : b.end()], yuan))
    return out


#: The unit said apart from the numbers: "三千二，单位是万", "（单位：万元）", "以万元为单位", "都按万算".
_UNIT_DECLARED = re.compile(r"单位(?:是|为|[:：])?\s*(?P<u>万|亿|元)|以(?P<v>万|亿)元?为单位|(?:都|均)?按(?P<w>万|亿)元?(?:算|计)")
#: A bare Chinese numeral with a place word ("三千二", "一千五百"), not a count ("三个") and not "第三".
_BARE_CN_NUMBER = re.compile(
    r"(?<![第\d一二两三四五六七八九十百千万亿])([一二两三四五六七八九][一二两三四五六七八九十百千零]*[十百千][一二两三四五六七八九十百千零]*)"
    r"(?![一二两三四五六七八九十百千万亿元块个家人名次台件项场户年月日条款倍%])"
)


def _declared_unit(normalised: str, text: str, mentions: list[AmountMention]) -> list[AmountMention]:
    """Bare numbers in a message that states their unit apart take that unit ("三千二，单位是万" is 3200万)."""
    declared = _UNIT_DECLARED.search(normalised)
    if not declared:
        return []
    unit = declared["u"] or declared["v"] or declared["w"]
    out: list[AmountMention] = []
    for pattern in (_BARE_NUMBER, _BARE_CN_NUMBER):
        for b in pattern.finditer(normalised):
            if any(m.start <= b.start() < m.end for m in mentions) or declared.start() <= b.start() < declared.end():
                continue
            if _NOT_MONEY_BEFORE.search(normalised[max(0, b.start() - 4) : b.start()]):
                continue
            try:
                yuan = parse_amount(b.group(1) + unit)
            except AmountError:
                continue
            out.append(AmountMention(b.start(), b.end(), text[b.start() : b.end()], yuan))
    return sorted(out, key=lambda m: m.start)
