"""The schema of a policy's award rules (``corpus/<policy-id>/rules.yaml``) and its loader.

The rules file is the only place where the policy's numbers live (OpenFisca / PolicyEngine style):
rates, ceilings and fixed amounts with the clause they come from, values keyed by the date they start,
the conditions of each item and the input facts a user must supply. Code reads the values for a date
and does arithmetic; it never holds a policy number.

``load_rules(policy)`` validates the file and wraps YAML and validation errors into
:class:`assistant.errors.DataError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import cn2an
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.errors import AmountError, DataError, InputError
from assistant.rules.money import parse_amount

if TYPE_CHECKING:
    from assistant.corpus.model import Policy

RULES_FILE = "rules.yaml"

FactType = Literal["money", "bool", "choice", "count", "money_list"]
ItemKind = Literal["fixed", "ratio_with_ceiling", "ceiling_only"]
CeilingScope = Literal["project", "annual", "applicant"]

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_PERCENT = re.compile(r"^\d+(?:\.\d+)?%$")
_TRUE = {"是", "有", "对", "已", "已经", "已获", "是的", "有的", "true", "yes", "y", "1", "通过", "已通过"}
_FALSE = {"否", "不是", "无", "没有", "未", "没", "不", "还没有", "尚未", "false", "no", "n", "0", "未通过"}
_NONE_MONEY = {"无", "没有", "没", "否", "0", "零", "未获得", "没有获得", "无补助"}
_LIST_SPLIT = re.compile(r"[，、;；\s]+|和|与|及|,(?!\d{3}(?:\D|$))")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------------------------
# Facts and conditions
# ---------------------------------------------------------------------------------------------------


class FactSpec(_Model):
    """One input fact a user supplies: the UI makes a form field of it, the assistant a question."""

    name: str
    type: FactType
    label: str
    question: str
    options: tuple[str, ...] | None = None
    required: bool = True
    default: Any = None

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
        return self

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
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower().rstrip("。.!！")
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise InputError(f"“{self.label}”请回答“是”或“否”（收到“{value}”）")
        if self.type == "choice":
            assert self.options is not None
            text = str(value).strip()
            if text in self.options:
                return text
            hits = [o for o in self.options if o in text]
            if len(hits) == 1:
                return hits[0]
            raise InputError(f"“{self.label}”只能是{'/'.join(self.options)}（收到“{value}”）")
        # count
        if isinstance(value, int) and not isinstance(value, bool):
            count = value
        else:
            text = str(value).strip().rstrip("家个户名")
            try:
                count = int(text) if text.isdigit() else int(cn2an.cn2an(text, "normal"))
            except ValueError:
                raise InputError(f"“{self.label}”应为整数（收到“{value}”）") from None
        if count < 0:
            raise InputError(f"“{self.label}”不能为负数（收到“{value}”）")
        return count

    def _money(self, value: Any) -> int:
        # An optional amount whose default is 0 ("已获上级补助", "土建") may be 0 / "无".
        allow_zero = self.default == 0
        if allow_zero and isinstance(value, str) and value.strip() in _NONE_MONEY:
            return 0
        try:
            return parse_amount(value, allow_zero=allow_zero)
        except AmountError as err:
            raise AmountError(f"“{self.label}”：{err}") from None

    def to_dict(self) -> dict[str, Any]:
        d = self.model_dump()
        d["options"] = list(self.options) if self.options else None
        return d


class Condition(_Model):
    """A condition of eligibility on one fact: ``require`` a bool, ``one_of`` some options, or
    ``at_least`` a count. ``at_least: null`` written explicitly means the text names a threshold
    without giving the number: such a condition can only ever be "需确认".
    """

    fact: str
    text: str
    require: bool | None = None
    one_of: tuple[str, ...] | None = None
    at_least: int | None = None
    unknown_note: str | None = None

    @model_validator(mode="after")
    def _exactly_one_test(self) -> Condition:
        tests = [self.require is not None, self.one_of is not None, "at_least" in self.model_fields_set]
        if sum(tests) != 1:
            raise ValueError(f"condition on {self.fact}: give exactly one of require / one_of / at_least")
        if self.threshold_unknown and not self.unknown_note:
            raise ValueError(f"condition on {self.fact}: at_least is null, say why in unknown_note")
        return self

    @property
    def threshold_unknown(self) -> bool:
        return "at_least" in self.model_fields_set and self.at_least is None


# ---------------------------------------------------------------------------------------------------
# Parameters (values keyed by start date)
# ---------------------------------------------------------------------------------------------------

DatedValues = dict[date, Any]


def _value_at(values: DatedValues, on: date, what: str) -> Any:
    """The value that started last on or before ``on``; ``None`` ends a value (OpenFisca manner)."""
    started = [d for d in values if d <= on]
    if not started:
        raise DataError(f"规则数据中“{what}”在{on.isoformat()}没有取值")
    value = values[max(started)]
    if value is None:
        raise DataError(f"规则数据中“{what}”在{on.isoformat()}已不再适用")
    return value


def _check_dated(values: DatedValues, what: str) -> DatedValues:
    if not values:
        raise ValueError(f"{what}: values are empty")
    return dict(sorted(values.items()))


class Rate(_Model):
    """A rate as the policy writes it ("30%"), read as an exact fraction."""

    quote: str
    values: DatedValues

    @field_validator("values")
    @classmethod
    def _percentages(cls, v: DatedValues) -> DatedValues:
        for value in v.values():
            if value is not None and not (isinstance(value, str) and _PERCENT.match(value)):
                raise ValueError(f"rate must be written as a percentage like '30%', got {value!r}")
        return _check_dated(v, "rate")

    def text_at(self, on: date) -> str:
        return str(_value_at(self.values, on, "资助比例"))

    def fraction_at(self, on: date) -> Decimal:
        return Decimal(self.text_at(on)[:-1]) / 100


class Amount(_Model):
    """A fixed amount in integer yuan."""

    quote: str
    values: DatedValues

    @field_validator("values")
    @classmethod
    def _ints(cls, v: DatedValues) -> DatedValues:
        for value in v.values():
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
                raise ValueError(f"amounts are positive integer yuan, got {value!r}")
        return _check_dated(v, "amount")

    def at(self, on: date) -> int:
        return int(_value_at(self.values, on, "资助金额"))


class Ceiling(_Model):
    """A ceiling in integer yuan, either one value or one per option of a choice fact (``by``).

    ``scope``: ``project`` (per project), ``annual`` (年度累计, per applicant and year; an amount already
    received this year — ``received_fact`` — uses up the cap) or ``applicant`` (单个服务商, per applicant).
    """

    quote: str
    values: DatedValues | None = None
    by: str | None = None
    cases: dict[str, DatedValues] | None = None
    scope: CeilingScope = "project"
    received_fact: str | None = None

    @model_validator(mode="after")
    def _values_or_cases(self) -> Ceiling:
        if (self.values is None) == (self.cases is None) or (self.by is None) != (self.cases is None):
            raise ValueError("a ceiling has either values, or by + cases")
        for values in [self.values] if self.values is not None else list((self.cases or {}).values()):
            Amount(quote=self.quote, values=values)  # same checks as an amount
        return self

    def at(self, on: date, case: str | None = None) -> int:
        if self.cases is not None:
            if case not in self.cases:
                raise InputError(f"“{case}”不在可选范围内：{'/'.join(self.cases)}")
            return int(_value_at(self.cases[case], on, f"资助上限（{case}）"))
        assert self.values is not None
        return int(_value_at(self.values, on, "资助上限"))

    def all_values(self) -> list[int]:
        groups = [self.values] if self.values is not None else list((self.cases or {}).values())
        return [v for g in groups if g for v in g.values() if v is not None]


class Exclusion(_Model):
    """A part of the base that the clause excludes (clause 8: 平台建设（不含土建）总投入)."""

    fact: str
    text: str
    quote: str


class Base(_Model):
    """The base a rate applies to, in the policy's own words."""

    text: str
    fact: str
    exclude: tuple[Exclusion, ...] = ()


class UpperSubsidy(_Model):
    """Clause 5: how an upper-level (市级/国家级) subsidy of the same project counts."""

    quote: str
    subsidy_fact: str
    matching_fact: str
    matching_amount_fact: str | None = None
    matching_note: str


class StacksWith(_Model):
    """An item granted on top of another policy's subsidy (clause 3: 另行给予)."""

    quote: str
    text: str
    note: str


# ---------------------------------------------------------------------------------------------------
# Items and cross-cutting rules
# ---------------------------------------------------------------------------------------------------


class Item(_Model):
    """One award item of the policy (clauses 1–10 of the Jiading policy)."""

    id: str
    clause: str
    title: str
    aliases: tuple[str, ...] = ()
    kind: ItemKind
    one_time: bool
    ceiling_is_entitlement: bool
    """False where the text says 不超过/最高: the figure is a ceiling subject to review."""
    base: Base | None = None
    rate: Rate | None = None
    ceiling: Ceiling | None = None
    amount: Amount | None = None
    upper_subsidy: UpperSubsidy | None = None
    stacks_with: StacksWith | None = None
    note: str | None = None
    conditions: tuple[Condition, ...] = ()
    facts: tuple[FactSpec, ...] = ()

    @model_validator(mode="after")
    def _kind_fields(self) -> Item:
        need = {
            "fixed": {"amount"},
            "ratio_with_ceiling": {"base", "rate", "ceiling"},
            "ceiling_only": {"ceiling"},
        }[self.kind]
        present = {k for k in ("base", "rate", "ceiling", "amount") if getattr(self, k) is not None}
        if present != need:
            raise ValueError(
                f"item {self.id}: kind {self.kind} needs exactly {sorted(need)}, has {sorted(present)}"
            )
        if self.kind == "fixed" and not self.ceiling_is_entitlement:
            raise ValueError(f"item {self.id}: a fixed amount is an entitlement once the conditions hold")
        if self.kind != "fixed" and self.ceiling_is_entitlement:
            raise ValueError(f"item {self.id}: 不超过/最高 is a ceiling, not an entitlement")
        return self

    @property
    def label(self) -> str:
        return f"第{self.clause}条"

    def fact(self, name: str) -> FactSpec | None:
        return next((f for f in self.facts if f.name == name), None)

    def amount_fact_names(self) -> list[str]:
        """Facts the amount depends on (the item's own; cross-cutting ones are added by PolicyRules)."""
        names: list[str] = []
        if self.ceiling is not None and self.ceiling.by:
            names.append(self.ceiling.by)
        if self.base is not None:
            names.append(self.base.fact)
            names += [e.fact for e in self.base.exclude]
        if self.upper_subsidy is not None:
            u = self.upper_subsidy
            names += [u.subsidy_fact, u.matching_fact] + (
                [u.matching_amount_fact] if u.matching_amount_fact else []
            )
        if self.ceiling is not None and self.ceiling.received_fact:
            names.append(self.ceiling.received_fact)
        return list(dict.fromkeys(names))

    def numbers(self) -> list[tuple[str, Any]]:
        """Every policy number of this item as ('rate'|'ceiling'|'amount', value) — for the data tests."""
        out: list[tuple[str, Any]] = []
        if self.rate is not None:
            out += [("rate", v) for v in self.rate.values.values() if v is not None]
        if self.ceiling is not None:
            out += [("ceiling", v) for v in self.ceiling.all_values()]
        if self.amount is not None:
            out += [("amount", v) for v in self.amount.values.values() if v is not None]
        return out


class ConditionGroup(_Model):
    """Conditions that apply to every item (一 支持对象; 14 取消资格)."""

    clause: str
    quote: str
    note: str | None = None
    conditions: tuple[Condition, ...]
    facts: tuple[FactSpec, ...]


class CaseByCase(_Model):
    """Clause 12: major projects approved by the district government are not bound by the standards."""

    clause: str
    quote: str
    fact: str
    note: str
    approved_note: str
    facts: tuple[FactSpec, ...]


class NoDuplication(_Model):
    """Clause 13: 先申报、后补助; 从高不重复、单项不重复."""

    clause: str
    quote: str
    fact: str
    note: str
    apply_note: str
    facts: tuple[FactSpec, ...]


class Validity(_Model):
    """Clause 16: effective from publication, valid until a date (inclusive)."""

    clause: str
    quote: str
    effective_from: date
    valid_until: date | None
    expired_note: str
    not_yet_note: str


class GeneralNote(_Model):
    clause: str
    text: str


class PolicyRules(_Model):
    """All award rules of one policy."""

    policy_id: str
    title: str
    validity: Validity
    applicant: ConditionGroup
    disqualification: ConditionGroup
    case_by_case: CaseByCase
    no_duplication: NoDuplication
    general_notes: tuple[GeneralNote, ...] = ()
    items: tuple[Item, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> PolicyRules:
        ids = [i.id for i in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate item ids: {ids}")
        cross = {f.name: f for f in self.cross_cutting_facts()}
        seen: dict[str, FactSpec] = dict(cross)
        for item in self.items:
            declared = {f.name: f for f in item.facts}
            for name, spec in declared.items():
                other = seen.setdefault(name, spec)
                if other.type != spec.type or other.options != spec.options:
                    raise ValueError(f"fact {name} is declared with different types/options")
            known = declared | cross
            wanted = item.amount_fact_names() + [c.fact for c in item.conditions]
            for name in wanted:
                if name not in known:
                    raise ValueError(f"item {item.id}: fact {name} is used but not declared")
            if item.ceiling is not None and item.ceiling.by:
                spec = known[item.ceiling.by]
                if spec.type != "choice" or set(spec.options or ()) != set(item.ceiling.cases or {}):
                    raise ValueError(f"item {item.id}: ceiling cases must be the options of {spec.name}")
            for cond in item.conditions:
                if cond.one_of is not None and not set(cond.one_of) <= set(known[cond.fact].options or ()):
                    raise ValueError(f"item {item.id}: one_of of {cond.fact} must be among its options")
        for group in (self.applicant, self.disqualification):
            names = {f.name for f in group.facts}
            for cond in group.conditions:
                if cond.fact not in names:
                    raise ValueError(f"clause {group.clause}: fact {cond.fact} is used but not declared")
        return self

    # -- look-ups ---------------------------------------------------------------------------------

    @cached_property
    def _items(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    def item(self, item_id: str | int) -> Item:
        key = str(item_id).strip().removeprefix("第").removesuffix("条").removesuffix("项")
        try:
            return self._items[key]
        except KeyError:
            raise InputError(
                f"《{self.title}》没有第“{item_id}”项资助；可选：{'、'.join(self._items)}"
            ) from None

    def cross_cutting_facts(self) -> list[FactSpec]:
        """Facts that apply to every item: 13 (other support), 12 (一事一议), 一 and 14."""
        return [
            *self.no_duplication.facts,
            *self.case_by_case.facts,
            *self.applicant.facts,
            *self.disqualification.facts,
        ]

    def fact_spec(self, item_id: str, name: str) -> FactSpec:
        item = self.item(item_id)
        spec = item.fact(name) or next((f for f in self.cross_cutting_facts() if f.name == name), None)
        if spec is None:
            raise InputError(f"第{item.clause}条没有名为“{name}”的信息项")
        return spec

    def amount_facts(self, item_id: str) -> list[FactSpec]:
        """Facts the amount of an item depends on, item facts first, then 13 and 12."""
        item = self.item(item_id)
        names = item.amount_fact_names()
        own = [self.fact_spec(item_id, n) for n in names]
        return own + list(self.no_duplication.facts) + list(self.case_by_case.facts)

    def eligibility_facts(self, item_id: str) -> list[FactSpec]:
        """Facts the eligibility of an item depends on: its own conditions, then 一 and 14."""
        item = self.item(item_id)
        names = list(dict.fromkeys(c.fact for c in item.conditions))
        own = [self.fact_spec(item_id, n) for n in names]
        return own + list(self.applicant.facts) + list(self.disqualification.facts)

    def facts_for(self, item_id: str) -> list[FactSpec]:
        """Every fact of an item, without duplicates, in the order a form shows them."""
        out: dict[str, FactSpec] = {}
        for spec in [
            *self.item(item_id).facts,
            *self.amount_facts(item_id),
            *self.eligibility_facts(item_id),
        ]:
            out.setdefault(spec.name, spec)
        return list(out.values())

    def match_items(self, text: str) -> list[str]:
        """Item ids whose title or aliases occur in ``text``, best (longest alias) first."""
        scores: dict[str, int] = {}
        for item in self.items:
            names = [*item.aliases, item.title]
            best = max((len(n) for n in names if n and n.lower() in text.lower()), default=0)
            if best:
                scores[item.id] = best
        return sorted(scores, key=lambda i: (-scores[i], self.items.index(self._items[i])))

    # -- dates ----------------------------------------------------------------------------------------

    def in_force(self, as_of: date) -> bool:
        v = self.validity
        return v.effective_from <= as_of and (v.valid_until is None or as_of <= v.valid_until)

    def reference_date(self, as_of: date) -> date:
        """The date whose values apply: ``as_of`` clamped into the validity period, so a question asked
        after expiry (or before publication) is answered as the text said."""
        v = self.validity
        on = max(as_of, v.effective_from)
        return min(on, v.valid_until) if v.valid_until else on

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


# ---------------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------------


def _format_validation(err: ValidationError) -> str:
    parts = []
    for e in err.errors()[:5]:
        where = ".".join(str(p) for p in e["loc"])
        parts.append(f"{where}: {e['msg']}")
    return "；".join(parts)


def parse_rules(data: Mapping[str, Any], source: str = "rules.yaml") -> PolicyRules:
    """Validate a rules mapping (already read from YAML) into :class:`PolicyRules`."""
    try:
        return PolicyRules.model_validate(data)
    except ValidationError as err:
        raise DataError(f"规则文件 {source} 格式有误：{_format_validation(err)}") from err


def load_rules_file(path: Path) -> PolicyRules:
    """Read and validate one rules file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DataError(f"无法读取规则文件 {path}：{err.strerror or err}") from err
    except yaml.YAMLError as err:
        raise DataError(f"规则文件 {path} 不是有效的 YAML：{err}") from err
    if not isinstance(data, Mapping):
        raise DataError(f"规则文件 {path} 应为一个映射（policy_id、items …）")
    return parse_rules(data, str(path))


def load_rules(policy: Policy | str, corpus_dir: Path | None = None) -> PolicyRules:
    """Load ``corpus/<policy-id>/rules.yaml`` for a policy (a :class:`Policy` or its id).

    Given a :class:`Policy`, the rules must agree with its metadata (id, validity), else DataError.
    """
    from assistant.config import DEFAULT_CORPUS_DIR

    policy_id = policy if isinstance(policy, str) else policy.policy_id
    path = (corpus_dir or DEFAULT_CORPUS_DIR) / policy_id / RULES_FILE
    if not path.exists():
        raise DataError(f"政策“{policy_id}”没有规则文件 {path}")
    rules = load_rules_file(path)
    if rules.policy_id != policy_id:
        raise DataError(f"规则文件 {path} 的 policy_id 为“{rules.policy_id}”，与目录名“{policy_id}”不符")
    if not isinstance(policy, str):
        meta = policy.meta
        if (meta.effective_from, meta.valid_until) != (
            rules.validity.effective_from,
            rules.validity.valid_until,
        ):
            raise DataError(
                f"规则文件 {path} 的有效期（{rules.validity.effective_from}—{rules.validity.valid_until}）"
                f"与政策元数据（{meta.effective_from}—{meta.valid_until}）不一致"
            )
    return rules
