"""The formula registry: part kind → a small function named after what it computes.

Each function reads its parameters for the date, does only arithmetic (``min(rate * base, cap)``), and
appends structured trace steps with the item's clause. ``FORMULAS`` computes a figure from the facts; the
largest figure a part allows whatever the facts is :mod:`assistant.rules.bounds`.
No policy number and no Chinese sentence lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from assistant.errors import InputError
from assistant.rules import parts as p
from assistant.rules.facts import ratio_of
from assistant.rules.money import format_yuan
from assistant.rules.params import times_rate, value_at
from assistant.rules.trace import Note, TraceStep, make_step
from assistant.rules.wording import CAP_LEFT_NAMES, CAP_NAMES, band_text, cap_source, element_prefix


@dataclass
class Ctx:
    """What a formula reads and writes: the date, the facts, the item's clause, the steps so far."""

    on: date
    values: Mapping[str, Any]
    clause: str
    label: str
    fact_labels: Mapping[str, str]
    steps: list[TraceStep] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    cap: int | None = None
    """The last cap applied (第5条's 本政策补助上限)."""
    element: int | None = None
    prefix: str = ""

    def step(self, kind: Any, amount: int | None, figures: dict[str, Any] | None = None,
             words: dict[str, Any] | None = None, variant: str | None = None) -> None:
        self.steps.append(make_step(kind, amount, self.clause, self.label, figures, words, variant, self.prefix))


def _case_amount(part: Any, ctx: Ctx) -> int | None:
    """The part's amount; for a parameter by case whose case keys no amount (未认定): a step and None."""
    case = ctx.values.get(part.by) if part.by else None
    amount = part.at(ctx.on, case)
    if amount is None:
        ctx.step("no_case", 0, {}, {"fact_label": ctx.fact_labels.get(part.by, part.by), "case": case})
    return amount


def fixed_amount(part: p.FixedPart, ctx: Ctx, amount: int) -> int:
    value = _case_amount(part, ctx)
    if value is None:
        return 0
    ctx.step("fixed", value, {}, {"quote": part.quote})
    return value


def ceiling_as_figure(part: p.UpToPart, ctx: Ctx, amount: int) -> int:
    value = _case_amount(part, ctx)
    if value is None:
        return 0
    ctx.step("up_to", value, {}, {"quote": part.quote})
    return value


def rate_times_base(part: p.RatePart, ctx: Ctx, amount: int) -> int:
    base = ctx.element if part.base is None else int(ctx.values[part.base])
    assert base is not None
    for ex in part.exclude:
        # e.g. “按平台建设（不含土建）总投入”: the excluded share is not part of the base.
        excluded = int(ctx.values.get(ex.fact) or 0)
        if excluded <= 0:
            continue
        if excluded >= base:
            raise InputError(
                f"{ex.text}投入{format_yuan(excluded)}不小于{part.base_text}{format_yuan(base)}，请核对金额"
            )
        base -= excluded
        ctx.step("exclude", base, {"excluded_yuan": excluded}, {"quote": ex.quote, "text": ex.text})
    rate = part.at(ctx.on)
    result, rounded = times_rate(base, rate)
    ctx.step("rate", result, {"base_yuan": base, "rate": rate, "rounded": rounded},
             {"quote": part.quote, "base_text": part.base_text})
    return result


def count_times_amount(part: p.PerUnitPart, ctx: Ctx, amount: int) -> int:
    count = int(ctx.values[part.count])
    unit_amount = _case_amount(part, ctx)
    if unit_amount is None:
        return 0
    result = count * unit_amount
    ctx.step("per_unit", result, {"count": count, "unit_yuan": unit_amount},
             {"quote": part.quote, "count_text": part.count_text, "unit": part.unit})
    return result


def progressive_bands(part: p.ScalePart, ctx: Ctx, amount: int) -> int:
    base = int(ctx.values[part.base])
    rows = value_at(part.values, ctx.on, part.quote)
    total, used = 0, 0
    for i, row in enumerate(rows):
        upper = rows[i + 1].threshold if i + 1 < len(rows) else None
        if base <= row.threshold and i > 0:
            break
        portion = (min(base, upper) if upper is not None else base) - row.threshold
        share, rounded = times_rate(portion, row.rate)
        total += share
        used += 1
        ctx.step("scale_band", share, {"portion_yuan": portion, "rate": row.rate, "rounded": rounded},
                 {"quote": part.quote, "base_text": part.base_text, "band": band_text(row.threshold, upper)})
    if used > 1:
        ctx.step("sum", total, {"count": used}, {"element": "段"})
    return total


def bracket_reached(part: p.BracketPart, ctx: Ctx, amount: int) -> int:
    base = int(ctx.values[part.base])
    rows = value_at(part.values, ctx.on, part.quote)
    words = {"quote": part.quote, "base_text": part.base_text}
    reached = [r for r in rows if r.threshold <= base]
    if not reached:
        ctx.step("bracket", 0, {"base_yuan": base, "threshold_yuan": rows[0].threshold}, words, "none")
        return 0
    row = reached[-1]
    if row.amount is not None:
        ctx.step("bracket", row.amount, {"base_yuan": base, "threshold_yuan": row.threshold}, words)
        return int(row.amount)
    result, rounded = times_rate(base, row.rate)
    ctx.step("bracket", result, {"base_yuan": base, "threshold_yuan": row.threshold, "rate": row.rate,
                                 "rounded": rounded}, words, "rate")
    return result


def each_element(part: p.EachPart, ctx: Ctx, amount: int) -> int:
    elements = list(ctx.values[part.fact])
    total = 0
    for n, element in enumerate(elements, start=1):
        sub = replace(ctx, element=element, prefix=element_prefix(n, part.element), cap=None)
        total += run(part.parts, sub)
    if len(elements) > 1:
        ctx.step("sum", total, {"count": len(elements)}, {"element": part.element})
    return total


def capped(part: p.CapPart, ctx: Ctx, amount: int) -> int:
    cap = _case_amount(part, ctx)
    if cap is None:
        return 0
    ctx.cap = cap
    limit = cap
    words = {"quote": part.quote}
    if part.received_fact:
        # e.g. “年度累计不超过100万”: what was already received in the period uses up the cap.
        received = int(ctx.values.get(part.received_fact) or 0)
        if received > 0:
            limit = max(cap - received, 0)
            cap_name, received_name = CAP_LEFT_NAMES[part.scope]
            ctx.step("cap_left", limit, {"cap_yuan": cap, "received_yuan": received},
                     {**words, "cap_name": cap_name, "received_name": received_name})
    name = "剩余额度" if limit != cap else CAP_NAMES[part.scope]
    case = ctx.values.get(part.by) if part.by else None
    result = min(amount, limit)
    ctx.step("cap", result, {"before_yuan": amount, "limit_yuan": limit},
             {"limit_name": name, "source": cap_source(ctx.label, part.quote, case)},
             "over" if amount > limit else "within")
    return result


def bonus_on_top(part: p.BonusPart, ctx: Ctx, amount: int) -> int:
    if not part.when.holds(ctx.values.get(part.when.fact)):
        return amount
    bonus = _case_amount(part, ctx)
    if bonus is None:
        return amount
    ctx.step("bonus", amount + bonus, {"bonus_yuan": bonus}, {"quote": part.quote, "text": part.text})
    return amount + bonus


def upper_level_subsidy(part: p.UpperSubsidyPart, ctx: Ctx, amount: int) -> int:
    """“若该项目已获得上级补助，且上级补助项目无资金配套需要，则上级补助资金和区级补助资金的总额不超过
    本政策补助上限；若上级补助项目有资金配套需要，则就高执行。” (第5条, generic in the words it quotes)."""
    upper = int(ctx.values.get(part.subsidy_fact) or 0)
    # 就高执行 needs only the matching the upper level requires ("要求区里配套400万"), not its own amount.
    required_known = bool(ctx.values.get(part.matching_fact)) and bool(
        part.matching_amount_fact and ctx.values.get(part.matching_amount_fact))
    if (upper <= 0 and not required_known) or ctx.cap is None:
        return amount
    words = {"upper": part.upper, "own": part.own}
    if not ctx.values.get(part.matching_fact):
        room = max(ctx.cap - upper, 0)
        result = min(amount, room)
        ctx.step("upper_subsidy", result, {"upper_yuan": upper, "cap_yuan": ctx.cap, "room_yuan": room},
                 words, "no_matching")
        return result
    ctx.notes.append(Note(part.matching_note, ctx.clause, "item", ctx.label))
    required = ctx.values.get(part.matching_amount_fact) if part.matching_amount_fact else None
    ratio = ctx.values.get(part.matching_ratio_fact) if part.matching_ratio_fact else None
    if not required and ratio:
        # "市里补了400万，要求区里1:1配套": the required matching is the upper subsidy at that ratio.
        required = ratio_of(ratio, upper)
        ctx.step("upper_subsidy", amount, {"upper_yuan": upper, "ratio": ratio.replace(":", "∶"),
                 "required_yuan": required}, words, "matching_ratio")
    if required and int(required) > amount:
        ctx.step("upper_subsidy", int(required), {"standard_yuan": amount, "required_yuan": int(required)},
                 words, "matching_higher")
        return int(required)
    if upper <= 0:
        return amount  # the required matching is below the standard: the standard stands, nothing to deduct
    detail = f"（{part.upper}要求的配套金额{format_yuan(int(required))}较低）" if required else ""
    ctx.step("upper_subsidy", amount, {"upper_yuan": upper, **({"required_yuan": int(required)} if required else {})},
             {**words, "detail": detail}, "matching_standard")
    return amount


Formula = Callable[[Any, Ctx, int], int]

#: Part kind → the function that computes it.
FORMULAS: dict[str, Formula] = {
    "fixed": fixed_amount,
    "up_to": ceiling_as_figure,
    "rate": rate_times_base,
    "per_unit": count_times_amount,
    "scale": progressive_bands,
    "bracket": bracket_reached,
    "each": each_element,
    "cap": capped,
    "bonus": bonus_on_top,
    "upper_subsidy": upper_level_subsidy,
}


def run(parts: tuple[Any, ...], ctx: Ctx) -> int:
    """Apply the parts in order; the first computes the figure, the others adjust it."""
    amount = 0
    for part in parts:
        amount = FORMULAS[part.part](part, ctx, amount)
    return amount
