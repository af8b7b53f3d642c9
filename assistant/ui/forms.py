"""Calculator forms generated from the rules data: one field per declared input fact, never per-item code.

A fact is declared in ``rules.yaml`` with ``name, type (money|bool|choice|count|money_list|ratio), label,
question, options, required, default``. :func:`fields_of` turns an item's facts into :class:`FieldSpec`
records (the app makes a Gradio component for each), and :func:`facts_from_form` turns what the user typed
back into calculator facts — or into a clear Chinese message per field when it cannot be used.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from assistant.errors import PolicyQAError
from assistant.rules.facts import FactType
from assistant.rules.money import parse_amount

#: The fact types the rules declare (one list, in assistant.rules.facts).
FACT_TYPES: tuple[FactType, ...] = get_args(FactType)

YES, NO = "是", "否"
_LIST_SPLIT = re.compile(r"[,，、;；\s]+")


@dataclass(frozen=True)
class FieldSpec:
    """One form field, straight from a declared fact."""

    name: str
    type: FactType
    label: str
    question: str
    options: tuple[str, ...] = ()
    required: bool = True
    default: Any = None
    fact: Any = None
    """The rules' own fact declaration; its ``coerce`` parses what the user typed when it has one."""

    @property
    def placeholder(self) -> str:
        return {
            "money": "如：800万元、1.2亿、3500000",
            "money_list": "多笔金额用逗号或顿号分隔，如：300万、120万",
            "count": "整数",
            "ratio": "如：1:1、1:0.5",
        }.get(self.type, "")

    @property
    def shown_label(self) -> str:
        return self.label if self.required else f"{self.label}（选填）"


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def field_of(fact: Any) -> FieldSpec:
    kind = str(_get(fact, "type"))
    if kind not in FACT_TYPES:
        raise ValueError(f"unknown fact type {kind!r} for {_get(fact, 'name')!r}")
    options = tuple(str(o) for o in (_get(fact, "options") or ()))
    return FieldSpec(
        name=str(_get(fact, "name")),
        type=kind,
        label=str(_get(fact, "label") or _get(fact, "name")),
        question=str(_get(fact, "question") or ""),
        options=options,
        required=bool(_get(fact, "required", True) if _get(fact, "required", True) is not None else True),
        default=_get(fact, "default"),
        fact=fact,
    )


def fields_of(item: Any, rules: Any = None) -> list[FieldSpec]:
    """The form of one award item: the facts its amount depends on (its own, then the cross-cutting
    第13条/第12条 ones), as the rules data declares them; without rules, the item's own facts."""
    facts = rules.amount_facts(_get(item, "id")) if hasattr(rules, "amount_facts") else _get(item, "facts")
    return [field_of(f) for f in (facts or ())]


def _value(spec: FieldSpec, raw: Any) -> Any:
    """One field's value as a fact, ``None`` when left empty. Raises ValueError with a Chinese message."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None
    if spec.type == "count" and isinstance(raw, float):
        if math.isnan(raw) or raw != int(raw):
            raise ValueError("请填写整数")
        raw = int(raw)
    if hasattr(spec.fact, "coerce"):
        return spec.fact.coerce(raw)
    if spec.type == "money":
        text = str(raw).strip()
        if text in ("无", "没有", "0", "零"):
            return 0
        return parse_amount(text)
    if spec.type == "money_list":
        parts = [p for p in _LIST_SPLIT.split(str(raw).strip()) if p]
        return [parse_amount(p) for p in parts]
    if spec.type == "bool":
        if raw in (True, YES):
            return True
        if raw in (False, NO):
            return False
        raise ValueError(f"请选择“{YES}”或“{NO}”")
    if spec.type == "choice":
        if str(raw) not in spec.options:
            raise ValueError(f"请从 {'、'.join(spec.options)} 中选择")
        return str(raw)
    if spec.type == "count":
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise ValueError("请填写整数") from None
        if math.isnan(number) or number < 0 or number != int(number) or number > 1_000_000:
            raise ValueError("请填写不小于0的整数")
        return int(number)
    raise ValueError(f"未知的字段类型 {spec.type}")  # pragma: no cover - field_of rejects these


def facts_from_form(
    specs: Sequence[FieldSpec], values: Sequence[Any], *, defaults: bool = True
) -> tuple[dict[str, Any], list[str]]:
    """Form values → (facts, problems). Empty optional fields take their declared default (``defaults``);
    without, an empty field is simply not known — as when a user never mentions it in the chat."""
    facts: dict[str, Any] = {}
    problems: list[str] = []
    for spec, raw in zip(specs, values, strict=True):
        try:
            value = _value(spec, raw)
        except (PolicyQAError, ValueError) as err:
            message = str(err)
            problems.append(message if spec.label in message else f"“{spec.label}”：{message}")
            continue
        if value is None:
            if defaults and spec.default is not None:
                facts[spec.name] = spec.default
            continue
        facts[spec.name] = value
    return facts, problems
