"""Several values of one fact asked about at once ("投600万和投1000万分别能拿多少", "市级和国家级各能拿多少"): the
figure for each value, each computed by the calculator on its own — never one of them silently, never added up.

Which fact and which values come from the parse (the options named, the amounts its cues claim); the word that asks
for each separately ("分别", "各能拿") is genre data. Nothing here knows a policy.
"""

from __future__ import annotations

from typing import Any

from assistant.dialogue.answer import Answer
from assistant.dialogue.answers.common import Context, with_validity
from assistant.nlu.genre import load_genre
from assistant.rules import calculate, format_yuan


def alternatives(ctx: Context, item_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(label, the fact's value) for each value of one fact of the item the message asks about separately; empty
    when it asks about one value (or does not ask for each)."""
    parse = ctx.obs.parse
    if not load_genre().respectively.search(parse.reading):
        return []
    facts = ctx.domain.item_facts(ctx.policy_id, (item_id,))
    named: dict[str, list[str]] = {}
    for o in parse.options:
        if o.policy_id == ctx.policy_id and o.fact in facts and o.option not in named.setdefault(o.fact, []):
            named[o.fact].append(o.option)
    for fact, options in named.items():
        if len(options) > 1:
            return [(option, {fact: option}) for option in options]
    money = [m for m in parse.facts_of(ctx.policy_id).money
             if not (m.expected_award or m.denied or m.other or m.adds)]
    claimed = [f for m in money for f in m.best_claims(facts)[:1]]
    if not claimed or len(set(claimed)) > 1 or getattr(ctx.domain.fact_spec(ctx.policy_id, claimed[0]), "type", "") \
            != "money":
        return []  # ("年薪分别是30万、60万、80万": the elements of one list, each counted — not alternatives)
    # ("投600万和1000万分别能拿多少": the second amount, said without its word, is another value of the same fact)
    values = list(dict.fromkeys(m.yuan for m in money if not m.claims or m.best_claims(facts)[:1] == claimed[:1]))
    return [(f"按{format_yuan(v)}计", {claimed[0]: v}) for v in values] if len(values) > 1 else []


def answer_alternatives(
    ctx: Context, item_id: str, profile: dict[str, Any], alts: list[tuple[str, dict[str, Any]]]
) -> Answer:
    """The figure for each value, side by side; the answer's figure only when every value gives the same one."""
    results = [(label, calculate(ctx.rules, item_id, {**profile, **value}, ctx.as_of)) for label, value in alts]
    clause = results[0][1].clause
    verb = "可获" if results[0][1].ceiling_is_entitlement else "最高可获资助"
    each = "；".join(f"{label}，{verb}{format_yuan(r.amount_yuan or 0)}" for label, r in results)
    head = f"按{ctx.named(ctx.label(clause))}分别测算：{each}。"
    steps = [f"{label}：{s.description}" for label, r in results for s in r.trace if s.step != "result"]
    citations = list(dict.fromkeys(c for _, r in results for c in [r.clause, *[s.clause for s in r.trace]]))
    validity, citations = with_validity(ctx, citations)
    amounts = {r.amount_yuan for _, r in results}
    return Answer(
        "award", head, ctx.policy_id, steps=steps, validity=validity, citations=citations,
        citation_line=ctx.citation(citations), amount_yuan=amounts.pop() if len(amounts) == 1 else None,
        # (the values compared are the user's own: the trace carries them for the guard)
        trace=[*(f"{label}: {v}" for label, value in alts for v in value.values()),
               *(s for _, r in results for s in r.trace)], items=[item_id],
    )
