"""Money as integer yuan: parse an amount written the way Chinese users write it, and format it back ("200万元",
"12.5万元", "3,500元"). Finding amounts in a sentence is :mod:`assistant.rules.money_text`.

Arithmetic is done on ``int``/``Decimal`` only, never on ``float``: an award figure must be exact.
Chinese numerals ("三百万元", "一千五百万") are converted with cn2an; Arabic numerals with a magnitude
("1.2亿", "0.5亿元", "800万") are converted here with ``Decimal``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import cn2an

from assistant.errors import AmountError

#: Largest amount accepted (1000亿元); anything above is taken for a typo, not a project budget.
MAX_YUAN = 100_000_000_000

_YI = 100_000_000
_WAN = 10_000

#: Magnitude characters after an Arabic number ("800万", "1.2亿", "3千万", "5千元").
_MAGNITUDE = {"十": 10, "百": 100, "千": 1_000, "万": _WAN, "亿": _YI}
#: Words for the currency itself, longest first.
_CURRENCY = ("人民币元", "人民币", "块钱", "元整", "元", "块", "圆", "yuan", "Yuan", "YUAN", "RMB", "rmb", "CNY")
_PREFIXES = ("人民币", "RMB", "rmb", "CNY", "￥", "¥", "约", "共计", "合计", "共")

#: Chinese digit characters (also read by :mod:`assistant.rules.money_text`).
CN_DIGITS = "零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾"
_CN_ALL = CN_DIGITS + "百千万亿佰仟萬點点"

_ARABIC_RE = re.compile(r"^(?P<num>[+-]?\d+(?:\.\d+)?)(?P<mag>[十百千万亿]*)$")
_CN_RE = re.compile(rf"^(?P<neg>负)?(?P<num>[{_CN_ALL}]+)$")

_ENGLISH_RE = re.compile(
    r"^(?:RMB|CNY|¥|￥)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<mag>million|billion|mio|mln|mn|m|k)\s*(?:yuan|RMB|CNY)?$",
    re.IGNORECASE,
)
#: "3.6M" is 3.6 million in a finance department's shorthand (free text takes only a capital M: "3.6m长" is length).
#: "800k RMB": k is a thousand (free text takes k only with a currency word, see money_text).
_ENGLISH_MAGNITUDE = {"million": 1_000_000, "mio": 1_000_000, "mln": 1_000_000, "mn": 1_000_000, "m": 1_000_000, "billion": 1_000_000_000, "k": 1_000}
#: "七百来万" → "七百万": the approximation word before a magnitude is dropped, the number kept.
_ELIDED_UNIT = re.compile(r"(?<=[一二两三四五六七八九])([千百])[一二两三四五六七八九](?=[万亿元块]|$)")
_NEXT_UNIT = {"千": "百", "百": "十"}
_APPROX_BEFORE_MAGNITUDE = re.compile(r"(?<=[\d一二两三四五六七八九十百千])(?:来|多|余|个(?=[万wW]))(?=[万亿wW])")


@dataclass(frozen=True)
class AmountMention:
    """One amount of money found in a sentence: ``text[start:end]`` is worth ``yuan``."""

    start: int
    end: int
    text: str
    yuan: int
    addends: tuple[int, ...] = ()
    """The amounts this one is the sum of, when said as a sum ("设备350万加软件180万"); empty otherwise."""

    @property
    def pieces(self) -> tuple[int, ...]:
        """The amounts it was said as: its addends, or itself."""
        return self.addends or (self.yuan,)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _normalise(text: str) -> str:
    # NFKC turns full-width digits and punctuation ("８００万", "２，５００") into ASCII.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _normalise_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _mixed_numeral(m: re.Match[str]) -> str:
    """"3百50" → "350", "1千2" → "1200": digits around 百/千, the second part said short as in speech."""
    size = 3 if m.group(2) == "千" else 2
    tail = m.group(3)
    if len(tail) > size:
        return m.group(0)
    return str(int(m.group(1)) * 10**size + int(tail) * 10 ** (size - len(tail)))


def _chat_spelling(s: str) -> str:
    """"700w" → "700万", "1.2kw" → "1.2千万"; "七百来万" → "七百万" (see _MENTION_RE)."""
    s = re.sub(r"^(\d+)个半亿", r"\1.5亿", s).replace("个半亿", "亿五千万")  # "一个半亿": 1.5亿
    s = re.sub("个[多来余]亿", "亿", s)  # "一个多亿": read at its lower end, as "七百来万"
    s = _APPROX_BEFORE_MAGNITUDE.sub("", s).replace("个亿", "亿")
    s = re.sub(r"^(\d)([百千])(\d{1,3})(?![\d十百千])", _mixed_numeral, s)  # "3百50万" = 350万
    s = re.sub(r"(?<=\d)(?:kw|Kw|KW)", "千万", s)
    s = re.sub(r"(?<=\d)[kK](?=\s*(?:人民币元|块钱|元|块|圆))", "千", s)
    s = re.sub(r"(?<=[\d一二两三四五六七八九十百千])[wW]", "万", s)
    # Spoken elision: "两千五(万)" is 两千五百(万), "三百五" is 三百五十, "一万二" is 一万二千, "两亿五" is 两亿五千万.
    s = re.sub(r"(?<=亿)([一二两三四五六七八九])$", r"\1千万", s)
    return _ELIDED_UNIT.sub(lambda m: m.group(0) + _NEXT_UNIT[m.group(1)], s)


def _english_to_decimal(s: str) -> Decimal | None:
    m = _ENGLISH_RE.match(s)
    if not m:
        return None
    return Decimal(m["num"]) * _ENGLISH_MAGNITUDE[m["mag"].lower()]


def _strip_affixes(s: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if s.startswith(prefix):
                s, changed = s[len(prefix) :], True
        for suffix in _CURRENCY:
            if s.endswith(suffix) and len(s) > len(suffix):
                s, changed = s[: -len(suffix)], True
    return s


def _arabic_to_decimal(num: str, magnitude: str) -> Decimal:
    value = Decimal(num)
    for ch in magnitude:
        value *= _MAGNITUDE[ch]
    return value


def _chinese_to_decimal(num: str) -> Decimal:
    num = num.replace("點", "点").replace("萬", "万")
    if "点" in num:
        # "一点二亿": cn2an returns floats for decimals, so read the digits after 点 ourselves.
        whole, _, rest = num.partition("点")
        magnitude = ""
        while rest and rest[-1] in "万亿":
            magnitude = rest[-1] + magnitude
            rest = rest[:-1]
        digits = "".join(str(cn2an.cn2an(ch, "normal")) for ch in rest)
        if not digits.isdigit():
            raise ValueError(num)
        value = Decimal(f"{int(cn2an.cn2an(whole, 'normal'))}.{digits}")
        for ch in magnitude:
            value *= _MAGNITUDE[ch]
        return value
    result = cn2an.cn2an(num, "normal")
    return Decimal(int(result)) if float(result).is_integer() else Decimal(str(result))


#: "2亿5" (2亿5千万), "1亿2千万", "3亿零500万": 亿 and a remainder after it, in digits.
_YI_AND_REST = re.compile(r"^(?P<head>\d+(?:\.\d+)?)亿零?(?P<tail>\d+(?:\.\d+)?)(?P<mag>千万|百万|万|千)?$")


def _yi_and_rest(s: str) -> Decimal | None:
    m = _YI_AND_REST.match(s)
    if m is None:
        return None
    if m["mag"]:
        rest = _arabic_to_decimal(m["tail"], m["mag"])
    elif len(m["tail"]) == 1:
        rest = Decimal(m["tail"]) * _MAGNITUDE["千"] * _MAGNITUDE["万"]  # "2亿5": the next unit down, said short
    else:
        return None
    return Decimal(m["head"]) * _YI + rest


def _to_decimal(s: str) -> Decimal | None:
    if (both := _yi_and_rest(s.replace(",", ""))) is not None:
        return both
    m = _ARABIC_RE.match(s.replace(",", ""))
    if m:
        return _arabic_to_decimal(m["num"], m["mag"])
    m = _CN_RE.match(s)
    if m:
        try:
            value = _chinese_to_decimal(m["num"])
        except (ValueError, KeyError, TypeError, InvalidOperation):
            return None
        return -value if m["neg"] else value
    return None


def parse_amount(text: str | int | Decimal, *, allow_zero: bool = False) -> int:
    """Parse an amount of money into integer yuan.

    Accepts "800万", "800万元", "1.2亿", "三百万元", "2,500,000元", "一千五百万", "0.5亿元", "80万块",
    "８００万" and "1200000". Fractions of a yuan are rounded half up to the yuan.
    Raises :class:`AmountError` (Chinese message) for zero (unless ``allow_zero``), negative, absurd
    (over 1000亿元) or unparseable input.
    """
    if isinstance(text, bool):
        raise AmountError(f"无法识别金额“{text}”，请写成如“800万元”的形式")
    if isinstance(text, int | Decimal):
        value = Decimal(text)
        shown = str(text)
    else:
        shown = str(text).strip()
        parsed = _english_to_decimal(_normalise_spaces(shown))
        if parsed is None:
            s = _strip_affixes(_chat_spelling(_normalise(shown)))
            parsed = _to_decimal(s) if s else None
        if parsed is None:
            raise AmountError(f"无法识别金额“{shown}”，请写成如“800万元”的形式")
        value = parsed
    if value < 0:
        raise AmountError(f"金额必须大于0（收到“{shown}”）")
    # Checked before rounding: a 29-digit paste would overflow Decimal's precision in quantize().
    if value > MAX_YUAN:
        raise AmountError(f"金额“{shown}”超过1000亿元，请核对单位（万元/亿元）是否写错")
    yuan = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if yuan == 0 and not allow_zero:
        raise AmountError(f"金额必须大于0（收到“{shown}”）")
    return yuan


def format_yuan(yuan: int) -> str:
    """Format integer yuan the way the policy writes amounts, exactly (no rounding).

    2000000 → "200万元", 125000 → "12.5万元", 150000000 → "1.5亿元", 3500 → "3,500元",
    370370 → "370,370元" (an amount that 万 cannot show in two decimals is written in full).
    """
    if isinstance(yuan, bool) or not isinstance(yuan, int):
        raise TypeError(f"format_yuan expects int yuan, got {type(yuan).__name__}")
    sign = "-" if yuan < 0 else ""
    n = abs(yuan)
    if n >= _YI and n % 1_000_000 == 0:
        return f"{sign}{_trim(Decimal(n) / _YI)}亿元"
    if n >= _WAN and n % 100 == 0:
        return f"{sign}{_trim(Decimal(n) / _WAN)}万元"
    return f"{sign}{n:,}元"


def _trim(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
