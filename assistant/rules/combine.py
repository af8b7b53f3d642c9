"""Several items together: the cross-item rules of the data decide what each claim adds to the total.

``calculate_many`` computes each request with :func:`calculate`, then applies, in this order: once per
person (repeated persons dropped before computing), "不再重复享受" between named items, one project under
several items counted once at the highest, mutually exclusive items, once per applicant / per project,
and caps per applicant or per applicant and year across claims. ``counted_yuan[i]`` is what request ``i``
adds; every adjustment is a trace step with its clause.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from assistant.errors import InputError
from assistant.rules.calculator import ItemResult, calculate
from assistant.rules.cross import MutuallyExclusive, NotRepeated, SameProjectHighest
from assistant.rules.model import PolicyRules
from assistant.rules.money import format_yuan
from assistant.rules.parts import CapPart
from assistant.rules.trace import TraceStep, make_step
from assistant.rules.wording import CAP_NAMES


@dataclass(frozen=True)
class CalcRequest:
    """One item to compute within :func:`calculate_many`. Requests with the same ``project`` are the same
    project; ``project=None`` means a project of its own. ``subjects`` name the elements of the item's list
    (the persons of a per-person award), so a person claimed twice counts once."""

    item_id: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    project: str | None = None
    subjects: tuple[str, ...] = ()
    year: int | None = None
    """The year its claims fall in, when not the year asked about: a cap per applicant and year (年度累计) counts
    each year apart."""


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


@dataclass
class _State:
    rules: PolicyRules
    reqs: list[CalcRequest]
    results: list[ItemResult]
    counted: list[int | None]
    trace: list[TraceStep]

    def keep_best(self, idxs: list[int]) -> int:
        best = max(idxs, key=lambda i: (self.counted[i] or 0, -i))
        for i in idxs:
            if i != best:
                self.counted[i] = 0
        return best

    def labels(self, idxs: list[int]) -> str:
        return "、".join(dict.fromkeys(self.results[i].label for i in idxs))

    def add(self, kind: Any, amount: int | None, clause: str, figures: dict[str, Any],
            words: dict[str, Any], variant: str | None = None) -> None:
        self.trace.append(make_step(kind, amount, clause, self.rules.label(clause), figures, words, variant))


def _as_request(r: CalcRequest | Mapping[str, Any]) -> CalcRequest:
    if isinstance(r, CalcRequest):
        return r
    return CalcRequest(str(r["item_id"]), r.get("facts") or {}, r.get("project"), tuple(r.get("subjects") or ()),
                       r.get("year"))


def _groups(reqs: list[CalcRequest], idxs: list[int], by_project: bool) -> list[list[int]]:
    groups: dict[str, list[int]] = {}
    for i in idxs:
        project = reqs[i].project
        key = "all" if not by_project else project if project is not None else f"#{i}"
        groups.setdefault(key, []).append(i)
    return list(groups.values())


def _once_per_person(rules: PolicyRules, reqs: list[CalcRequest], trace: list[TraceStep]) -> list[int]:
    """Drop persons already claimed for the same item (每人限享受一次); requests left empty count 0."""
    seen: dict[str, set[str]] = {}
    emptied: list[int] = []
    for n, r in enumerate(reqs):
        item = rules.item(r.item_id)
        each = item.each
        if item.once != "person" or not r.subjects or each is None:
            continue
        fact = each.fact
        elements = rules.facts[fact].coerce(r.facts.get(fact)) or []
        if len(elements) != len(r.subjects):
            raise InputError(f"{item.label}：{len(r.subjects)}个名称与{len(elements)}个金额不对应")
        done = seen.setdefault(item.id, set())
        keep = [(s, e) for s, e in zip(r.subjects, elements, strict=True) if s not in done]
        for s in r.subjects:
            if s in done:
                trace.append(make_step("once", None, item.clause, item.label, {},
                                       {"item_label": item.label, "element": each.element, "subject": s},
                                       "person"))
        done.update(r.subjects)
        if len(keep) < len(elements):
            if keep:
                reqs[n] = replace(r, facts={**r.facts, fact: [e for _, e in keep]}, subjects=tuple(s for s, _ in keep))
            else:
                emptied.append(n)
    return emptied


def _not_repeated(st: _State) -> None:
    for rule in [r for r in st.rules.cross_rules if isinstance(r, NotRepeated)]:
        idxs = [i for i, r in enumerate(st.reqs) if r.item_id in (rule.first, rule.then)]
        for group in _groups(st.reqs, idxs, rule.scope == "project"):
            firsts = [i for i in group if st.reqs[i].item_id == rule.first and st.counted[i] != 0]
            for i in [i for i in group if st.reqs[i].item_id == rule.then and st.counted[i] != 0] if firsts else []:
                st.counted[i] = 0
                project = st.reqs[i].project
                scope = f"同一项目“{project}”" if rule.scope == "project" and project else "申报主体"
                st.add("not_repeated", 0, rule.clause, {},
                       {"quote": rule.quote, "scope_text": scope, "first_label": st.results[firsts[0]].label,
                        "then_label": st.results[i].label}, "requests")


def _same_project(st: _State) -> None:
    for rule in [r for r in st.rules.cross_rules if isinstance(r, SameProjectHighest)]:
        idxs = [i for i, r in enumerate(st.reqs) if rule.covers(st.results[i].item_id)]
        for group in _groups(st.reqs, idxs, by_project=True):
            live = [i for i in group if st.counted[i] != 0]
            if len(live) < 2:
                continue
            words = {"project": st.reqs[live[0]].project, "labels": st.labels(live), "principle": rule.principle}
            if any(st.counted[i] is None for i in live):
                st.add("same_project", None, rule.clause, {}, words, "pending")
                continue
            best = st.keep_best(live)
            st.add("same_project", st.counted[best], rule.clause, {},
                   {**words, "best_label": st.results[best].label})


def _exclusive(st: _State) -> None:
    for rule in [r for r in st.rules.cross_rules if isinstance(r, MutuallyExclusive)]:
        idxs = [i for i, r in enumerate(st.reqs) if r.item_id in rule.items and st.counted[i] != 0]
        for group in _groups(st.reqs, idxs, rule.scope == "project"):
            if len({st.reqs[i].item_id for i in group}) < 2:
                continue
            words = {"labels": st.labels(group), "quote": rule.quote}
            if any(st.counted[i] is None for i in group):
                st.add("exclusive", None, rule.clause, {}, words, "pending")
                continue
            best = st.keep_best(group)
            st.add("exclusive", st.counted[best], rule.clause, {}, {**words, "best_label": st.results[best].label})


def _once(st: _State) -> None:
    for item in st.rules.items:
        if item.once not in ("applicant", "project"):
            continue
        idxs = [i for i, r in enumerate(st.reqs) if st.results[i].item_id == item.id and st.counted[i] != 0]
        for group in _groups(st.reqs, idxs, item.once == "project"):
            if len(group) < 2 or any(st.counted[i] is None for i in group):
                continue
            best = st.keep_best(group)
            st.add("once", st.counted[best], item.clause, {},
                   {"item_label": item.label, "project": st.reqs[best].project or ""}, item.once)


def _applicant_caps(st: _State) -> None:
    """A cap per applicant (单个服务商…最高) or per applicant and year (年度累计) caps the sum of its claims."""
    for item in st.rules.items:
        claims = [i for i, r in enumerate(st.results) if r.item_id == item.id and st.counted[i]]
        for cap in [p for p in item.award if isinstance(p, CapPart) and p.scope != "project"]:
            years = {st.reqs[i].year for i in claims} if cap.scope == "applicant_year" else {None}
            for year in years:  # (年度累计: each year's claims apart)
                _cap_claims(st, item, cap, [i for i in claims if cap.scope != "applicant_year" or st.reqs[i].year == year])


def _cap_claims(st: _State, item: Any, cap: CapPart, live: list[int]) -> None:
    """``cap`` over the claims ``live`` of ``item`` (two or more), less what was received."""
    if len(live) < 2 or any(st.counted[i] is None for i in live):
        return
    used = st.results[live[0]].facts_used
    amount = cap.at(st.results[live[0]].values_as_of, used.get(cap.by) if cap.by else None)
    if amount is None:
        return
    received = max(int(st.results[i].facts_used.get(cap.received_fact, 0)) for i in live) \
        if cap.received_fact else 0
    room = max(amount - received, 0)
    total = sum(st.counted[i] or 0 for i in live)
    if total <= room:
        return
    left = room
    for i in live:
        st.counted[i] = min(st.counted[i] or 0, left)
        left -= st.counted[i] or 0
    st.add("cap", room, item.clause, {"before_yuan": total, "limit_yuan": room, "count": len(live)},
           {"quote": cap.quote, "limit_name": "剩余额度" if received else CAP_NAMES[cap.scope]}, "requests")


def calculate_many(
    rules: PolicyRules, requests: Sequence[CalcRequest | Mapping[str, Any]], as_of: date
) -> CombinedResult:
    """Several items together, applying every cross-item rule of the policy (see the module doc).
    Different projects add up. ``total_yuan`` is ``None`` while any counted item misses facts."""
    reqs = [_as_request(r) for r in requests]
    trace: list[TraceStep] = []
    emptied = _once_per_person(rules, reqs, trace)
    results = [calculate(rules, r.item_id, r.facts, as_of) for r in reqs]
    counted: list[int | None] = [0 if i in emptied else r.amount_yuan for i, r in enumerate(results)]
    st = _State(rules, reqs, results, counted, trace)
    for apply in (_not_repeated, _same_project, _exclusive, _once, _applicant_caps):
        apply(st)
    missing = {res.item_id: res.missing_facts for res in results if res.missing_facts}
    total_yuan = None if any(c is None for c in counted) else sum(c or 0 for c in counted)
    if total_yuan is not None and len(results) > 1:
        anchor = next((r.clause for r in rules.cross_rules if isinstance(r, SameProjectHighest)), results[0].clause)
        st.add("total", total_yuan, anchor, {}, {})
    return CombinedResult(
        total_yuan=total_yuan,
        results=tuple(results),
        counted_yuan=tuple(counted),
        trace=tuple(trace),
        missing_facts=missing,
        in_force=all(r.in_force for r in results) if results else rules.in_force(as_of),
        as_of=as_of,
    )
