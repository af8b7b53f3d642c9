"""Input facts: what a user supplies, declared once per policy in rules.yaml ``facts:`` and referenced by
name from items, conditions, notes and cross-item rules.

A fact has a type (money | money_list | bool | choice | count | ratio), a label and a question (the UI makes a form
field of it, the assistant a question). A choice may name options that mean "none" (``none_options``, e.g.
未认定): such an option never meets a ``one_of`` condition and keys no amount.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import cn2an
from pydantic import field_validator, model_validator

from assistant.errors import AmountError, InputError
from assistant.rules.money import parse_amount
from assistant.rules.params import Model

FactType = Literal["money", "bool", "choice", "count", "money_list", "ratio"]

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_TRUE = {"是", "有", "对", "已", "已经", "已获", "是的", "有的", "true", "yes", "y", "1", "通过", "已通过"}
_FALSE = {"否", "不是", "无", "没有", "未", "没", "不", "还没有", "尚未", "false", "no", "n", "0", "未通过"}
_NONE_MONEY = {"无", "没有", "没", "否", "0", "零", "未获得", "没有获得", "无补助"}
_LIST_SPLIT = re.compile(r"[，、;；\s]+|和|与|及|,(?!\d{3}(?:\D|$))")
#: A ratio as people write it: "1:1", "1：0.5", "1比2" (a:b), or a percentage of the first ("50%").
_RATIO = re.compile(r"^(?P<a>\d+(?:\.\d+)?)\s*(?:[:：]|比)\s*(?P<b>\d+(?:\.\d+)?)$")
_PERCENT = re.compile(r"^(?P<p>\d+(?:\.\d+)?)\s*[%％]$")


class FactSpec(Model):
    """One input fact a user supplies."""

    name: str
    type: FactType
    label: str
    question: str
    options: tuple[str, ...] | None = None
    none_options: tuple[str, ...] = ()
    """Options of a choice that mean "none" (未认定): they fail every one_of and key no amount."""
    required: bool = True
    default: Any = None
    year_offset: int | None = None
    """A yes/no fact true only of a year relative to the application year (第14条 申报当年的上一年度: -1): said of
    another year, it is not this fact."""
    in_region: str = ""
    """The clause's words that limit this fact to the policy's own region (第7条 "为区内制造业企业提供"): an amount
    the user says of another place is no part of a money fact, and fails a yes/no fact for the list element it is
    said of ("另一场在青浦，审计确认70万")."""

    @field_validator("name")
    @classmethod
    def _snake_case(cls, v: str) -> str:
        if not _SNAKE.match(v):
            raise ValueError(f"fact name must be snake_case: {v!r}")
        return v

    @model_validator(mode="after")
    def _options_for_choice(self) -> FactSpec:
        if (self.type == "choice") != bool(self.options):
            raise ValueError(f"fact {self.name}: options are required for (and only for) type choice")
        if not set(self.none_options) <= set(self.options or ()):
            raise ValueError(f"fact {self.name}: none_options must be among the options")
        return self

    @property
    def real_options(self) -> tuple[str, ...]:
        """The options that name something (not the "none" ones)."""
        return tuple(o for o in self.options or () if o not in self.none_options)

    def coerce(self, value: Any) -> Any:
        """Turn a user-supplied value (typed, or text from a form/CLI) into this fact's type.

        Returns ``None`` for an empty value; raises :class:`InputError` (Chinese message) when the
        value cannot be used.
        """
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if self.type == "money":
            return self._money(value)
        if self.type == "money_list":
            items = _LIST_SPLIT.split(value.strip()) if isinstance(value, str) else list(value)
            amounts = [parse_amount(v) for v in items if not (isinstance(v, str) and not v.strip())]
            if not amounts:
                raise InputError(f"“{self.label}”至少需要一个金额，如“300万、120万”")
            return amounts
        if self.type == "bool":
            return self._bool(value)
        if self.type == "choice":
            return self._choice(value)
        if self.type == "ratio":
            return self._ratio(value)
        return self._count(value)

    def _money(self, value: Any) -> int:
        # An optional amount whose default is 0 ("已获上级补助", "土建") may be 0 / "无".
        allow_zero = self.default == 0
        if allow_zero and isinstance(value, str) and value.strip() in _NONE_MONEY:
            return 0
        try:
            return parse_amount(value, allow_zero=allow_zero)
        except AmountError as err:
            raise AmountError(f"“{self.label}”：{err}") from None

    def _bool(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower().rstrip("。.!！")
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise InputError(f"“{self.label}”请回答“是”或“否”（收到“{value}”）")

    def _choice(self, value: Any) -> str:
        assert self.options is not None
        text = str(value).strip()
        if text in self.options:
            return text
        hits = [o for o in self.options if o in text]
        if len(hits) == 1:
            return hits[0]
        raise InputError(f"“{self.label}”只能是{'/'.join(self.options)}（收到“{value}”）")

    def _count(self, value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            count = value
        else:
            text = str(value).strip().rstrip("家个户名人项场次件")
            try:
                count = int(text) if text.isdigit() else int(cn2an.cn2an(text, "normal"))
            except ValueError:
                raise InputError(f"“{self.label}”应为整数（收到“{value}”）") from None
        if count < 0:
            raise InputError(f"“{self.label}”不能为负数（收到“{value}”）")
        return count

    def _ratio(self, value: Any) -> str:
        """A ratio kept as text "a:b" (exact; the calculator does the arithmetic): "1：0.5" → "1:0.5", "50%" → "1:0.5"."""
        text = str(value).strip().replace(" ", "")
        m = _RATIO.match(text)
        if m and float(m.group("a")) > 0:
            return f"{_plain(m.group('a'))}:{_plain(m.group('b'))}"
        p = _PERCENT.match(text)
        if p:
            return f"1:{_plain(str(Decimal(p.group('p')) / 100))}"
        raise InputError(f"“{self.label}”请写成比例，如“1:1”“1:0.5”或“50%”（收到“{value}”）")

    def to_dict(self) -> dict[str, Any]:
        d = self.model_dump()
        d["options"] = list(self.options) if self.options else None
        d["none_options"] = list(self.none_options)
        return d


def _plain(number: str) -> str:
    """A number written without trailing zeros ("1.50" → "1.5", "2.0" → "2")."""
    d = Decimal(number).normalize()
    return format(d, "f")


def ratio_of(value: str, amount: int) -> int:
    """``amount`` × b/a for a ratio "a:b", rounded to the yuan (exact decimal arithmetic)."""
    a, b = (Decimal(x) for x in value.split(":"))
    return int((Decimal(amount) * b / a).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def facts_dictionary(data: Any) -> Any:
    """Accept ``facts:`` as a mapping name → spec (the file's form) and give each spec its name."""
    if isinstance(data, dict):
        return [{"name": name, **(spec or {})} for name, spec in data.items()]
    return data
