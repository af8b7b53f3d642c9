"""Second readings of a message's amounts, taken together: how one amount changes what another is.

:func:`assistant.nlu.money_facts.read_amounts` reads each amount from its own context; the passes here read the
amounts of one message against each other — a total reached after an amount added, a whole named after its parts,
a restatement ("不是600是550"), an amount relabelled ("1000万不是投资，是补助"), a self-correction, the working a
user shows in brackets. Genre words only (``genre.yaml``); the facts' cues come from the policy's lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.nlu.genre import Genre
from assistant.nlu.money_facts import PLANNED_PENALTY, MoneyReading, cue_score, read_amounts, specific_first
from assistant.nlu.spans import SENTENCE_END, segment_end
from assistant.nlu.vocabulary import PolicyVocab
from assistant.rules.money import AmountMention


def read_money(
    text: str, mentions: Sequence[AmountMention], policy: PolicyVocab, genre: Genre
) -> tuple[MoneyReading, ...]:
    """The amounts of one message, each with the facts that claim it and what the message says of it."""
    facts = [n for n, s in policy.facts.items() if s.type in ("money", "money_list")]
    out = _spent_beside_total(text, read_amounts(text, mentions, policy, genre), genre)
    out = _relabelled(text, _restated(text, _total_after_adding(text, out, genre), genre), policy, facts)
    return tuple(_worked_out(text, _self_corrected(text, _whole_after_parts(text, out, genre), genre)))


def _spent_beside_total(text: str, out: list[MoneyReading], genre: Genre) -> list[MoneyReading]:
    """"总投资600万，但目前已投入的只有400万": beside an amount said as spent so far, a total claimed by the same facts
    is the plan — it claims them as weakly as a planned amount, so the amount spent so far is the fact."""
    spent = [r for r in out if r.claims and genre.spent_so_far.search(text, max(0, r.mention.start - 10), r.mention.start)]
    if not spent:
        return out
    shared = {f for r in spent for f in r.claims}
    return [replace(r, claims={f: s - PLANNED_PENALTY if f in shared else s for f, s in r.claims.items()})
            if r not in spent and r.claims and genre.whole_amount.search(text, max(0, r.mention.start - 6), r.mention.start)
            else r for r in out]


_BRACKETS = re.compile(r"[（(][^（()）]*[）)]")


def _worked_out(text: str, out: list[MoneyReading]) -> list[MoneyReading]:
    """"合计应为290万元（270万元+20万元），是否正确？": the amounts in brackets right after a figure said back to
    confirm are how the user worked it out — said back too, never facts."""
    for m in list(out):
        if not m.expected_award:
            continue
        bracket = _BRACKETS.match(text, m.mention.end + (1 if text[m.mention.end : m.mention.end + 1] == "元" else 0))
        if bracket is None:
            continue
        for j, o in enumerate(out):
            if bracket.start() <= o.mention.start < bracket.end():
                out[j] = replace(o, claims={}, expected_award=True)
    return out


def _total_after_adding(text: str, out: list[MoneyReading], genre: Genre) -> list[MoneyReading]:
    """"如果明年再投300，总投入到700万呢": the amount added, then the total it comes to — the total is the fact, the
    amount added only says how it is reached (never added a second time)."""
    totals = [r.mention.start for r in out if not r.adds
              and genre.total_reached.search(text, max(0, r.mention.start - 8), r.mention.start)]
    added = [r for r in out if r.adds and any(r.mention.start < t for t in totals)]
    if not added:
        return out
    # ("镇里也另外给了五十万，两笔加起来一百五": the total is of what the amount added is — its words claim it)
    # ("又追加了100万，一共三百万": claimed by no cue, the total is the amount the figure was computed with, anew)
    return [replace(r, denied=True) if r in added
            else replace(r, claims=r.claims or added[-1].claims, what_if=r.what_if or not (r.claims or added[-1].claims))
            if r.mention.start in totals else r for r in out]


def _whole_after_parts(text: str, out: list[MoneyReading], genre: Genre) -> list[MoneyReading]:
    """"设备花了300万、软件花了100万，总共400万", "MES 300万，ERP 100万，整个项目 total 400万": the whole named after its
    parts in one sentence is the amount — the parts before it (claimed by what the whole is, or by the same facts as
    each other when the whole's words claim none) are set aside, never added to it."""
    for k, whole in enumerate(out):
        sentence = max((m.end() for m in SENTENCE_END.finditer(text, 0, whole.mention.start)), default=0)
        said = [o for o in out[:k] if o.mention.start >= sentence and not (o.denied or o.expected_award)]
        # (amounts no cue claims — "还有二期的250万也是这个项目的，合起来600万" — are parts of a whole no cue claims)
        before = [o for o in said if o.claims] or ([] if whole.claims else said)
        since = before[-1].mention.end if before else sentence
        if not before or whole.denied or whole.expected_award or whole.adds or whole.other \
                or not genre.whole_amount.search(text, since, whole.mention.start) \
                or genre.confirm_tag.match(text, whole.mention.end) or genre.asked_back.match(text, whole.mention.end):
            # (not "公司整体一年研发投入是三千多万": the company's; nor "一共105万没错吧": a figure to confirm)
            continue
        claims = dict(whole.claims) or dict(before[-1].claims)
        # (a part whose own best fact the whole is not — "«a part left out»花了三百万，整体投了一千二" — is no part)
        parts = [o for o in before if set(o.best_claims(o.claims)) & set(claims)] if claims else before
        if not parts or (not whole.claims and any(set(o.claims) != set(claims) for o in parts)):
            continue
        for j, o in enumerate(out):
            if o in parts:
                out[j] = replace(o, denied=True)
        out[k] = replace(whole, claims=claims, other=False)
    return out


def _restated(text: str, out: list[MoneyReading], genre: Genre) -> list[MoneyReading]:
    """"实际投资600万，哦不对，不是600是550": the amount after "不是X是" takes the place of the earlier amount X — its
    claims, while X is set aside as denied."""
    for k, m in enumerate(out):
        said = genre.restated.search(text, max(0, m.mention.start - 16), m.mention.start)
        if said is None or m.claims:
            continue
        number = float(said.group("was"))
        for j in range(k - 1, -1, -1):
            o = out[j]
            if o.claims and o.yuan in (number, number * 10_000):
                out[j] = replace(o, denied=True)
                out[k] = replace(m, claims=dict(o.claims))
                break
    return out


#: "1000万不是投资，是国家给的补助": what an amount is not, then what it is, in the next clause.
_NOT_BUT = re.compile(r"\s*(?:不是|并非|不算)[^，,。；;？?]{1,8}[，,]\s*(?:而|其实|实际上?)?(?=是)")


def _relabelled(text: str, out: list[MoneyReading], policy: PolicyVocab, facts: Sequence[str]) -> list[MoneyReading]:
    """"你理解错了，1000万不是投资，是国家给的补助": an amount said not to be one thing and then to be another is
    claimed by what it is said to be (its clause after "是"), not by the words beside it."""
    for k, m in enumerate(out):
        said = _NOT_BUT.match(text, m.mention.end)
        if said is None:
            continue
        what = text[said.end() : segment_end(text, said.end())]
        claims = {f: score for f in facts if (score := cue_score(policy.cues(f).cues, "", what)) > 0}
        if claims:
            out[k] = replace(m, claims=specific_first(claims))
    return out


def _self_corrected(text: str, out: list[MoneyReading], genre: Genre) -> list[MoneyReading]:
    """"投资是1000万，哦不对刚才打错了，是500万", "镇里给过30万，哦刚才说错了，镇里给的是60万": an amount after the user
    corrects themselves (a mark between the two) takes the place of the amount before it that claims the same fact
    (or that it, claiming none, must mean) — the earlier one is set aside as denied."""
    order = sorted(range(len(out)), key=lambda i: out[i].mention.start)  # (a bare number is read after the rest)
    for n, k in enumerate(order):
        m = out[k]
        if m.denied or m.expected_award:
            continue
        for j in reversed(order[:n]):
            o = out[j]
            # ("是800元写错了，是800万元": neither claims a fact, the later one still replaces the earlier)
            if o.denied or (m.claims and o.claims and not set(m.claims) & set(o.claims)):
                continue
            if genre.self_correction.search(text, o.mention.end, m.mention.start) \
                    or genre.only_a_part.match(text, o.mention.end):  # ("550万只是一期，总共是900万")
                out[j] = replace(o, denied=True)
                out[k] = replace(m, claims=dict(m.claims or o.claims))
            break
    return out
