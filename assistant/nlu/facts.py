"""Reading an enterprise's facts out of one message, driven by the facts a policy's rules declare.

Each fact has a type (money / money_list / bool / choice / count / ratio); the policy's ``lexicon.yaml`` gives its
``cues``, ``negative_cues`` and ``option_aliases``. Nothing here knows a policy.

Amounts and the facts that claim them are read in :mod:`assistant.nlu.money_facts`, yes/no facts in
:mod:`assistant.nlu.yes_no_facts`; a choice is the option the message names; a count is a number next to its
cue; a ratio ("1:1", "1比0.5") stands in its cue's clause (:mod:`assistant.nlu.fact_values`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.nlu.fact_values import read_choice, read_count, read_ratio
from assistant.nlu.fact_years import Year, applying_year, fact_year
from assistant.nlu.genre import Genre
from assistant.nlu.money_facts import MoneyReading
from assistant.nlu.money_parts import paid_said, refined
from assistant.nlu.money_passes import read_money
from assistant.nlu.spans import Span, in_spans, occurrences, option_spans
from assistant.nlu.vocabulary import PolicyVocab
from assistant.nlu.yes_no_facts import name_spans, none_given, read_bool
from assistant.rules.money import AmountMention

__all__ = ["MoneyReading", "PolicyFacts", "all_cues", "read_facts"]


@dataclass(frozen=True)
class PolicyFacts:
    """Facts of one policy read from one message."""

    money: tuple[MoneyReading, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)
    """Bool, choice and count facts (money is in ``money``)."""
    mentioned: tuple[str, ...] = ()
    """Facts whose cue words appear, with or without a value ("镇里扶持过" speaks of other support)."""
    planned: frozenset[str] = frozenset()
    """Facts whose value is only planned for ("还没认定，准备报区级"): a figure for then, a condition not met now."""
    years: Mapping[str, Year] = field(default_factory=dict)
    """For facts tied to a year (``FactSpec.year_offset``): the year the message says it of ("2023年被处罚")."""
    applying: Year | None = None
    """The year the message says the applicant applies in ("2025年申报"), if it says one."""
    raised: tuple[str, ...] = ()
    """Facts a milder word raised and left open ("有过一次罚款", a ``weak_cues`` word): the enterprise's case, to confirm."""
    other_projects: tuple[tuple[str, int], ...] = ()
    """Support said to be another project's ("镇里给过我们另外一个项目50万"): (fact, yuan) — none of this project's."""


def read_facts(
    text: str,
    mentions: Sequence[AmountMention],
    policy: PolicyVocab,
    genre: Genre,
    *,
    spans: Sequence[Span] = (),
    other_places: Iterable[str] = (),
    attributed: Iterable[int] = (),
    said_to_us: str = "",
) -> PolicyFacts:
    """Read the facts of ``policy`` from ``text`` (spans already blanked out; ``mentions`` outside them).
    ``attributed``: amounts (yuan) the message attributes to us ("你刚才说…800万"); said again outside that span and
    claimed by no cue ("那我们就按800万报吧"), such an amount is still ours, hoped for — never the user's fact.
    ``said_to_us``: the words of those spans, read for an option only when the rest of the message names none."""
    money = read_money(_without_awarders(text, policy, genre), [m for m in mentions if not in_spans(m.start, spans)],
                       policy, genre)
    money = paid_said(text, refined(text, money, genre), genre)
    said_back = set(attributed)
    money = tuple(replace(m, expected_award=True) if m.yuan in said_back and not m.claims else m for m in money)
    # "«giver»那40万是给另一个项目的": support said to be another project's is none for this one
    theirs = {m.mention.start for m in money if genre.for_another_project.match(text, m.mention.end)}
    # (an amount no cue claims, "那120万是我们另外一个项目拿的": the support said before, the one kind said to go)
    given = tuple(n for n, fc in policy.lexicon.items() if fc.given)
    elsewhere = {f: 0 for m in money if m.mention.start in theirs
                 for f in (m.claims or given) if (spec := policy.facts.get(f)) is not None and spec.default == 0}
    if not money:  # "哦不对，镇里补的是我们另一个项目": no amount, the support said before went to another project
        elsewhere |= {n: 0 for n in given if (spec := policy.facts.get(n)) is not None and spec.default == 0
                      and any(genre.went_elsewhere.match(text, end) for c in policy.cues(n).cues
                              for _, end in occurrences(text, c))}
    # "镇里还给我们另一个数据中心项目补过200万": named before the amount, in the same clause, it is news of that
    # project, not a correction of this one's support
    theirs |= {m.mention.start for m in money if m.claims and max(m.claims, key=m.claims.__getitem__) in given
               and genre.another_project_before.search(text, 0, m.mention.start)}
    others = tuple((f, m.yuan) for m in money if m.mention.start in theirs
                   for f in (m.best_claims(given)[:1] if m.claims else given[:1]))
    money = tuple(replace(m, denied=True) if m.mention.start in theirs else m for m in money)
    values: dict[str, Any] = {}
    own_case = any(m.claims and not (m.expected_award or m.denied) for m in money)
    planned: set[str] = set()
    places = tuple(other_places)
    names = name_spans(text, policy)
    cue_spans = {n: [span for c in fc.cues for span in occurrences(text, c)] for n, fc in policy.lexicon.items()}
    # Another fact's words, its negative cues too ("经营异常" holds the cue "经营" of another fact).
    word_spans = {n: [*cue_spans[n], *(span for c in fc.negative_cues for span in occurrences(text, c))]
                  for n, fc in policy.lexicon.items()}
    option_words = [span for spec in policy.facts.values() if spec.type == "choice" for o in spec.options or ()
                    for w in (o, *policy.cues(spec.name).option_aliases.get(o, ())) for span in occurrences(text, w)]
    for name, spec in policy.facts.items():
        value: bool | str | int | None = None
        cues = policy.cues(name)
        if spec.type == "bool":
            value = read_bool(
                text, spec, cues, policy.region, places, genre.in_progress, names, genre.question,
                [span for n, spans in word_spans.items() if n != name for span in spans], genre, option_words,
            )
        elif spec.type == "choice":
            value, plan = read_choice(text, spec, cues)
            if value is None and said_to_us and own_case:
                # "你刚才说市级标杆最高能补800万，我们投了3000万，那是不是就能拿800万": the figure said back is no fact,
                # but the option it was said of, named nowhere else, is the one the user's case stands on (a case
                # told: not "你刚才说区级最高500万啊，怎么现在又是200万了", our answer disputed)
                value, plan = read_choice(said_to_us, spec, cues)
            if plan:
                planned.add(name)
        elif spec.type == "count":
            value = read_count(text, cues, places)
        elif spec.type == "ratio":
            value = read_ratio(text, spec, cues)
        elif spec.type == "money" and spec.default == 0 and not any(name in m.claims for m in money):
            longer = [span for n, spans in cue_spans.items() if n != name for span in spans]
            value = none_given(text, cues, genre, longer)
        if value is not None:
            values[name] = value
    values.update(elsewhere)
    mentioned = tuple(
        n for n, fc in policy.lexicon.items() if any(c in text for c in (*fc.cues, *fc.negative_cues, *fc.open_cues, *fc.weak_cues))
    )
    # (a weak cue inside the fact's own cue — "«weak»" in "“«strong»”是谁认定的" — raises nothing)
    raised = tuple(n for n, fc in policy.lexicon.items() if n not in values and (any(
        not any(s <= at and end <= e for s, e in cue_spans.get(n, ())) for c in fc.weak_cues
        for at, end in occurrences(text, c))
        # "去年被列入«bad state»，今年已经移出了": a bad state said and undone is the enterprise's case, to confirm
        or (getattr(policy.facts.get(n), "type", None) == "bool" and any(c in text for c in fc.negative_cues))))
    # "2023年有过一次«milder thing»": a year said of a milder thing too — said of another year than the rules mean, the fact is
    # not this one either.
    years = {name: said for name, spec in policy.facts.items()
             if spec.year_offset is not None
             and (values.get(name) is True or name in raised)
             and (said := fact_year(text, (*policy.cues(name).cues, *policy.cues(name).weak_cues))) is not None}
    return PolicyFacts(money, values, mentioned, frozenset(planned), years, applying_year(text), raised, others)


def _without_awarders(text: str, policy: PolicyVocab, genre: Genre) -> str:
    """``text`` with every option said as who awarded it ("工信部评的", "市经信委认定") blanked: that names a level, so
    its body is no cue of an amount given ("工信部" of a subsidy from the ministry)."""
    chars = list(text)
    for name, spec in policy.facts.items():
        if spec.type != "choice":
            continue
        aliases = policy.cues(name).option_aliases
        for option in spec.options or ():
            for start, end in option_spans(text, option, aliases.get(option, ()), genre.awarded_by):
                if genre.awarded_by.search(text, start, end):
                    chars[start:end] = " " * (end - start)
    return "".join(chars)


def all_cues(policies: Iterable[PolicyVocab]) -> list[str]:
    """Every fact cue of every policy (for masking facts before intent classification)."""
    return sorted({c for p in policies for fc in p.lexicon.values() for c in fc.cues if len(c) >= 2}, key=len)

