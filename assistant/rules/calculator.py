"""The deterministic award calculator: pure functions over the rules data, no policy number in code.

``calculate`` gives the maximum award of one item for the facts given, with a trace whose every step
names the clause it rests on (rate × base, civil works excluded, ceiling applied, upper-level subsidy
deducted, annual cap, 从高不重复). ``calculate_many`` combines several items so that one project is
never paid twice (第13条 “从高不重复、单项不重复”).

Values are read on ``min(as_of, valid_until)``: a question asked after the policy expired is answered
as the text said, flagged ``in_force=False``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any, Literal

from assistant.errors import InputError
from assistant.rules.model import FactSpec, Item, PolicyRules
from assistant.rules.money import format_yuan

StepKind = Literal[
    "fixed",
    "ceiling_only",
    "base",
    "exclude",
    "rate",
    "sum",
    "ceiling",
    "annual_cap",
    "upper_subsidy",
    "no_duplication",
    "one_time",
    "result",
]


@dataclass(frozen=True)
class TraceStep:
    """One step of a computation: what was done, the amount after it, and the clause it rests on."""

    description: str
    amount_yuan: int | None
    clause: str
    step: StepKind

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Note:
    """Something the answer must say besides the figure, with the clause it comes from."""

    text: str
    clause: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ItemResult:
    """The award of one item for the facts given.

    ``amount_yuan`` is ``None`` when facts are missing (then ``missing_facts`` names them exactly).
    Where the text says 不超过/最高 (``ceiling_is_entitlement`` False) the figure is a ceiling subject
    to review, not an entitlement.
    """

    policy_id: str
    item_id: str
    clause: str
    title: str
    kind: str
    amount_yuan: int | None
    ceiling_yuan: int | None
    """The applicable ceiling (or the fixed amount) when known — "最高可获…" before all facts are in."""
    ceiling_is_entitlement: bool
    trace: tuple[TraceStep, ...]
    missing_facts: tuple[str, ...]
    in_force: bool
    as_of: date
    values_as_of: date
    """The date whose values were used: as_of clamped into the validity period."""
    notes: tuple[Note, ...]
    facts_used: Mapping[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.amount_yuan is not None

    def clauses(self) -> list[str]:
        """Clause ids the result rests on (trace first, then notes), without duplicates."""
        return list(dict.fromkeys([s.clause for s in self.trace] + [n.clause for n in self.notes]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy_id": self.policy_id,
            "item_id": self.item_id,
            "clause": self.clause,
            "title": self.title,
            "kind": self.kind,
            "amount_yuan": self.amount_yuan,
            "amount_text": format_yuan(self.amount_yuan) if self.amount_yuan is not None else None,
            "ceiling_yuan": self.ceiling_yuan,
            "ceiling_is_entitlement": self.ceiling_is_entitlement,
            "trace": [s.to_dict() for s in self.trace],
            "missing_facts": list(self.missing_facts),
            "in_force": self.in_force,
            "as_of": self.as_of.isoformat(),
            "values_as_of": self.values_as_of.isoformat(),
            "notes": [n.to_dict() for n in self.notes],
            "facts_used": dict(self.facts_used),
            "clauses": self.clauses(),
        }


@dataclass(frozen=True)
class CalcRequest:
    """One item to compute within :func:`calculate_many`. Requests with the same ``project`` are the
    same project (paid once, the highest); ``project=None`` means a project of its own."""

    item_id: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    project: str | None = None


@dataclass(frozen=True)
class CombinedResult:
    """Several items together: ``counted_yuan[i]`` is what ``results[i]`` adds to the total."""

    total_yuan: int | None
    results: tuple[ItemResult, ...]
    counted_yuan: tuple[int | None, ...]
    trace: tuple[TraceStep, ...]
    missing_facts: Mapping[str, tuple[str, ...]]
    in_force: bool
    as_of: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "total_yuan": self.total_yuan,
            "total_text": format_yuan(self.total_yuan) if self.total_yuan is not None else None,
            "results": [r.to_dict() for r in self.results],
            "counted_yuan": list(self.counted_yuan),
            "trace": [s.to_dict() for s in self.trace],
            "missing_facts": {k: list(v) for k, v in self.missing_facts.items()},
            "in_force": self.in_force,
            "as_of": self.as_of.isoformat(),
        }


def clause_label(clause_id: str) -> str:
    """'5' → '第5条'; a section id such as '一' → '第一部分'."""
    return f"第{clause_id}条" if clause_id.isdigit() else f"第{clause_id}部分"


# ---------------------------------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------------------------------


def read_facts(specs: Sequence[FactSpec], facts: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Coerce the facts named by ``specs``; return (values, missing required names).

    Optional facts take their declared default. Invalid values raise :class:`InputError`.
    """
    values: dict[str, Any] = {}
    missing: list[str] = []
    for spec in specs:
        value = spec.coerce(facts.get(spec.name))
        if value is None:
            if spec.required:
                missing.append(spec.name)
                continue
            value = spec.default
        values[spec.name] = value
    return values, missing


def validity_notes(rules: PolicyRules, as_of: date) -> list[Note]:
    """The 第16条 note for a date outside the validity period ("已过期，以下按原文测算，仅供参考")."""
    v = rules.validity
    if as_of < v.effective_from:
        return [Note(v.not_yet_note, v.clause)]
    if v.valid_until is not None and as_of > v.valid_until:
        return [Note(v.expired_note, v.clause)]
    return []


# ---------------------------------------------------------------------------------------------------
# One item
# ---------------------------------------------------------------------------------------------------


def _times_rate(base: int, rate: Decimal) -> tuple[int, bool]:
    """rate × base in whole yuan, rounded down (a ceiling is never exceeded by rounding)."""
    exact = Decimal(base) * rate
    whole = int(exact.to_integral_value(rounding=ROUND_DOWN))
    return whole, whole != exact


def _ratio_steps(
    rules: PolicyRules, item: Item, values: Mapping[str, Any], on: date
) -> tuple[list[TraceStep], int]:
    """Base (minus exclusions) × rate, per event when the base is a list. Returns steps and amount."""
    assert item.base is not None and item.rate is not None
    label, cid = item.label, item.clause
    rate_text, rate = item.rate.text_at(on), item.rate.fraction_at(on)
    steps: list[TraceStep] = []
    raw = values[item.base.fact]
    if isinstance(raw, list):
        # 第9条: each event's 专项审计确认费用 × rate; the annual cap applies to their sum.
        total = 0
        for n, cost in enumerate(raw, start=1):
            part, rounded = _times_rate(cost, rate)
            total += part
            steps.append(
                TraceStep(
                    f"第{n}项：{item.base.text}{format_yuan(cost)}×{rate_text}={format_yuan(part)}"
                    + ("（不足1元部分舍去）" if rounded else "")
                    + f"（{label}“{item.rate.quote}”）",
                    part,
                    cid,
                    "rate",
                )
            )
        if len(raw) > 1:
            steps.append(TraceStep(f"{len(raw)}项合计{format_yuan(total)}", total, cid, "sum"))
        return steps, total
    base = int(raw)
    for ex in item.base.exclude:
        # 第8条 “按平台建设（不含土建）总投入”: the civil works share is not part of the base.
        excluded = int(values.get(ex.fact) or 0)
        if excluded <= 0:
            continue
        if excluded >= base:
            raise InputError(
                f"{ex.text}投入{format_yuan(excluded)}不小于{item.base.text}{format_yuan(base)}，请核对金额"
            )
        base -= excluded
        steps.append(
            TraceStep(
                f"{label}“{ex.quote}”：扣除{ex.text}{format_yuan(excluded)}，计算基数为{format_yuan(base)}",
                base,
                cid,
                "exclude",
            )
        )
    amount, rounded = _times_rate(base, rate)
    steps.append(
        TraceStep(
            f"{item.base.text}{format_yuan(base)}×{rate_text}={format_yuan(amount)}"
            + ("（不足1元部分舍去）" if rounded else "")
            + f"（{label}“{item.rate.quote}”）",
            amount,
            cid,
            "rate",
        )
    )
    return steps, amount


def _ceiling_case(rules: PolicyRules, item: Item, values: Mapping[str, Any]) -> str | None:
    return values.get(item.ceiling.by) if item.ceiling is not None and item.ceiling.by else None


def _apply_ceiling(
    rules: PolicyRules, item: Item, values: Mapping[str, Any], on: date, amount: int
) -> tuple[list[TraceStep], int]:
    assert item.ceiling is not None
    c, label, cid = item.ceiling, item.label, item.clause
    case = _ceiling_case(rules, item, values)
    cap = c.at(on, case)
    # A ceiling by level (第5条) names the level; a single ceiling quotes the clause's words.
    source = f"{label}，{case}" if c.by else f"{label}“{c.quote}”"
    steps: list[TraceStep] = []
    limit = cap
    if c.scope == "annual" and c.received_fact:
        # 第9条 “年度累计不超过100万”: what was already received this year uses up the cap.
        received = int(values.get(c.received_fact) or 0)
        if received > 0:
            limit = max(cap - received, 0)
            steps.append(
                TraceStep(
                    f"{label}“{c.quote}”：年度累计上限{format_yuan(cap)}，本年度已获{format_yuan(received)}，"
                    f"剩余额度{format_yuan(limit)}",
                    limit,
                    cid,
                    "annual_cap",
                )
            )
    cap_text = "剩余额度" if limit != cap else "上限"
    if amount > limit:
        steps.append(
            TraceStep(
                f"{format_yuan(amount)}超过{cap_text}{format_yuan(limit)}，取{format_yuan(limit)}（{source}）",
                limit,
                cid,
                "ceiling",
            )
        )
        return steps, limit
    steps.append(
        TraceStep(
            f"{format_yuan(amount)}未超过{cap_text}{format_yuan(limit)}，取{format_yuan(amount)}（{source}）",
            amount,
            cid,
            "ceiling",
        )
    )
    return steps, amount


def _apply_upper_subsidy(
    item: Item, values: Mapping[str, Any], cap: int, amount: int
) -> tuple[list[TraceStep], list[Note], int]:
    """第5条: “若该项目已获得上级补助，且上级补助项目无资金配套需要，则上级补助资金和区级补助资金的总额
    不超过本政策补助上限；若上级补助项目有资金配套需要，则就高执行。”"""
    u = item.upper_subsidy
    assert u is not None
    upper = int(values.get(u.subsidy_fact) or 0)
    if upper <= 0:
        return [], [], amount
    cid = item.clause
    if not values.get(u.matching_fact):
        room = max(cap - upper, 0)
        new = min(amount, room)
        return (
            [
                TraceStep(
                    f"已获上级补助{format_yuan(upper)}且上级项目无资金配套需要：上级与区级补助合计不超过本政策上限"
                    f"{format_yuan(cap)}，区级最多{format_yuan(room)}，取{format_yuan(new)}",
                    new,
                    cid,
                    "upper_subsidy",
                )
            ],
            [],
            new,
        )
    required = values.get(u.matching_amount_fact) if u.matching_amount_fact else None
    notes = [Note(u.matching_note, cid)]
    if required and int(required) > amount:
        return (
            [
                TraceStep(
                    f"上级补助项目有资金配套需要，就高执行：本政策标准{format_yuan(amount)}低于上级要求的配套金额"
                    f"{format_yuan(int(required))}，取{format_yuan(int(required))}",
                    int(required),
                    cid,
                    "upper_subsidy",
                )
            ],
            notes,
            int(required),
        )
    detail = f"（上级要求的配套金额{format_yuan(int(required))}较低）" if required else ""
    return (
        [
            TraceStep(
                f"上级补助项目有资金配套需要，就高执行：不扣减上级补助{format_yuan(upper)}，"
                f"按本政策标准取{format_yuan(amount)}{detail}",
                amount,
                cid,
                "upper_subsidy",
            )
        ],
        notes,
        amount,
    )


def _apply_no_duplication(
    rules: PolicyRules, values: Mapping[str, Any], amount: int
) -> tuple[list[TraceStep], int]:
    """第13条 “企业同一项目已获得区、镇其他产业政策扶持的，按照‘从高不重复、单项不重复’原则执行”:
    the project ends up with the higher of the two, so this policy adds at most the difference."""
    nd = rules.no_duplication
    other = int(values.get(nd.fact) or 0)
    if other <= 0:
        return [], amount
    new = max(amount - other, 0)
    compare = "高于" if amount > other else "不高于"
    return [
        TraceStep(
            f"同一项目已获区、镇其他产业政策扶持{format_yuan(other)}，按“从高不重复、单项不重复”取高者、不重复享受："
            f"本政策标准{format_yuan(amount)}{compare}已获扶持，本政策可再获{format_yuan(new)}",
            new,
            nd.clause,
            "no_duplication",
        )
    ], new


def _item_notes(rules: PolicyRules, item: Item, values: Mapping[str, Any], as_of: date) -> list[Note]:
    notes = validity_notes(rules, as_of)
    if item.note:
        notes.append(Note(item.note, item.clause))
    if item.one_time:
        notes.append(Note("本项为一次性资助/奖励。", item.clause))
    if item.stacks_with:
        notes.append(Note(item.stacks_with.note, item.clause))
    for cond in item.conditions:
        text = f"适用条件：{cond.text}。" + (cond.unknown_note or "")
        notes.append(Note(text, item.clause))
    cb = rules.case_by_case
    notes.append(Note(cb.approved_note if values.get(cb.fact) else cb.note, cb.clause))
    nd = rules.no_duplication
    notes.append(Note(nd.apply_note, nd.clause))
    notes.append(Note(nd.note, nd.clause))
    notes += [Note(n.text, n.clause) for n in rules.general_notes]
    return notes


def calculate(rules: PolicyRules, item_id: str, facts: Mapping[str, Any], as_of: date) -> ItemResult:
    """The maximum award of one item for ``facts`` on ``as_of``, with a clause-cited trace.

    Raises :class:`InputError` for an unknown item or an unusable fact value.
    """
    item = rules.item(item_id)
    on = rules.reference_date(as_of)
    values, missing = read_facts(rules.amount_facts(item.id), facts)
    u = item.upper_subsidy
    if u is not None and values.get(u.subsidy_fact) and values.get(u.matching_fact) is None:
        # 第5条 treats an upper-level subsidy differently with and without matching funds: ask which.
        missing.append(u.matching_fact)

    case = _ceiling_case(rules, item, values)
    ceiling_yuan: int | None = None
    if item.amount is not None:
        ceiling_yuan = item.amount.at(on)
    elif item.ceiling is not None and (not item.ceiling.by or case is not None):
        ceiling_yuan = item.ceiling.at(on, case)

    trace: list[TraceStep] = []
    notes = _item_notes(rules, item, values, as_of)
    amount: int | None = None
    if not missing:
        label, cid = item.label, item.clause
        if item.kind == "fixed":
            assert item.amount is not None
            amount = item.amount.at(on)
            trace.append(
                TraceStep(f"{label}“{item.amount.quote}”：{format_yuan(amount)}", amount, cid, "fixed")
            )
        elif item.kind == "ceiling_only":
            assert item.ceiling is not None and ceiling_yuan is not None
            amount = ceiling_yuan
            trace.append(
                TraceStep(
                    f"{label}“{item.ceiling.quote}”：最高{format_yuan(amount)}（上限，以审核为准）",
                    amount,
                    cid,
                    "ceiling_only",
                )
            )
        else:
            assert ceiling_yuan is not None
            steps, amount = _ratio_steps(rules, item, values, on)
            trace += steps
            steps, amount = _apply_ceiling(rules, item, values, on, amount)
            trace += steps
            if u is not None:
                steps, extra, amount = _apply_upper_subsidy(item, values, ceiling_yuan, amount)
                trace += steps
                notes += extra
        steps, amount = _apply_no_duplication(rules, values, amount)
        trace += steps
        verb = "可获" if item.ceiling_is_entitlement else "最高可获"
        trace.append(
            TraceStep(f"按{label}测算，{verb}{format_yuan(amount)}", amount, cid, "result"),
        )
    return ItemResult(
        policy_id=rules.policy_id,
        item_id=item.id,
        clause=item.clause,
        title=item.title,
        kind=item.kind,
        amount_yuan=amount,
        ceiling_yuan=ceiling_yuan,
        ceiling_is_entitlement=item.ceiling_is_entitlement,
        trace=tuple(trace),
        missing_facts=tuple(missing),
        in_force=rules.in_force(as_of),
        as_of=as_of,
        values_as_of=on,
        notes=tuple(notes),
        facts_used={k: v for k, v in values.items() if v is not None},
    )


# ---------------------------------------------------------------------------------------------------
# Several items
# ---------------------------------------------------------------------------------------------------


def _as_request(r: CalcRequest | Mapping[str, Any]) -> CalcRequest:
    if isinstance(r, CalcRequest):
        return r
    return CalcRequest(str(r["item_id"]), r.get("facts") or {}, r.get("project"))


def calculate_many(
    rules: PolicyRules, requests: Sequence[CalcRequest | Mapping[str, Any]], as_of: date
) -> CombinedResult:
    """Several items together, respecting 第13条 “从高不重复、单项不重复”.

    - Requests with the same ``project`` are one project: only the highest counts, not the sum.
    - A one-time item (一次性) counts once for the applicant, however many requests name it.
    - A ceiling per applicant or per year (第7条 单个服务商, 第9条 年度累计) caps the sum of its requests.
    Different projects add up. ``total_yuan`` is ``None`` while any counted item misses facts.
    """
    reqs = [_as_request(r) for r in requests]
    results = [calculate(rules, r.item_id, r.facts, as_of) for r in reqs]
    counted: list[int | None] = [r.amount_yuan for r in results]
    trace: list[TraceStep] = []
    nd_clause = rules.no_duplication.clause

    groups: dict[str, list[int]] = {}
    for i, r in enumerate(reqs):
        groups.setdefault(r.project if r.project is not None else f"#{i}", []).append(i)
    for project, idxs in groups.items():
        if len(idxs) < 2:
            continue
        labels = "、".join(rules.item(results[i].item_id).label for i in idxs)
        if any(counted[i] is None for i in idxs):
            trace.append(
                TraceStep(
                    f"同一项目“{project}”同时申报{labels}：按“从高不重复、单项不重复”只取最高一项，待补充信息后确定",
                    None,
                    nd_clause,
                    "no_duplication",
                )
            )
            continue
        best = max(idxs, key=lambda i: (counted[i] or 0, -i))
        for i in idxs:
            if i != best:
                counted[i] = 0
        trace.append(
            TraceStep(
                f"同一项目“{project}”同时申报{labels}：按“从高不重复、单项不重复”取最高的"
                f"{rules.item(results[best].item_id).label}{format_yuan(counted[best] or 0)}，不累加",
                counted[best],
                nd_clause,
                "no_duplication",
            )
        )

    by_item: dict[str, list[int]] = {}
    for i, res in enumerate(results):
        by_item.setdefault(res.item_id, []).append(i)
    for item_id, idxs in by_item.items():
        item = rules.item(item_id)
        live = [i for i in idxs if counted[i]]
        if len(live) < 2 or any(counted[i] is None for i in idxs):
            continue
        if item.one_time:
            # “一次性”: the award is granted once to the applicant.
            best = max(live, key=lambda i: (counted[i] or 0, -i))
            for i in live:
                if i != best:
                    counted[i] = 0
            trace.append(
                TraceStep(
                    f"{item.label}为一次性资助，多次申报只计一次：{format_yuan(counted[best] or 0)}",
                    counted[best],
                    item.clause,
                    "one_time",
                )
            )
        elif item.ceiling is not None and item.ceiling.scope != "project":
            on = rules.reference_date(as_of)
            cap = item.ceiling.at(on, None)
            received_fact = item.ceiling.received_fact
            received = (
                max(int(results[i].facts_used.get(received_fact, 0)) for i in live) if received_fact else 0
            )
            room = max(cap - received, 0)
            total = sum(counted[i] or 0 for i in live)
            if total > room:
                left = room
                for i in live:
                    counted[i] = min(counted[i] or 0, left)
                    left -= counted[i] or 0
                trace.append(
                    TraceStep(
                        f"{item.label}“{item.ceiling.quote}”：{len(live)}项合计{format_yuan(total)}，"
                        f"超过{'剩余额度' if received else '上限'}{format_yuan(room)}，取{format_yuan(room)}",
                        room,
                        item.clause,
                        "annual_cap" if item.ceiling.scope == "annual" else "ceiling",
                    )
                )

    missing = {res.item_id: res.missing_facts for res in results if res.missing_facts}
    total_yuan = None if any(c is None for c in counted) else sum(c or 0 for c in counted)
    if total_yuan is not None and len(results) > 1:
        trace.append(TraceStep(f"合计{format_yuan(total_yuan)}", total_yuan, nd_clause, "result"))
    return CombinedResult(
        total_yuan=total_yuan,
        results=tuple(results),
        counted_yuan=tuple(counted),
        trace=tuple(trace),
        missing_facts=missing,
        in_force=all(r.in_force for r in results) if results else rules.in_force(as_of),
        as_of=as_of,
    )
