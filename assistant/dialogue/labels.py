"""Several projects, companies or plants labelled in one message, and the one the question is about.

A group's policy officer writes "A是«item 1»…，投资600万；B是«item 5»…，已投入500万。先说A能拿多少？": each label
("A", "子公司B", "甲厂", "一号厂"; the genre's ``part_label``) names the items said in its own stretch of the message,
up to the next label or the end of its sentence. The question (the last sentence that asks something) is about
the items it names itself or through its labels — one figure, not the sum of every item the message mentions.
The labels are remembered (state data), so "那B呢", "回到A，A的金额更正一下…" later are about that label's items.

Reading labels needs no conversation state; remembering them is the tracker's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.dialogue.domain import Domain
from assistant.dialogue.list_elements import item_aliases
from assistant.dialogue.named_items import ITEM_NAMED
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.numerals import small_int

#: Sentences: a question ends at its mark; a semicolon separates the projects of a list.
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")


def _key(m: re.Match[str]) -> str:
    if m.group("latin"):
        return m.group("latin")
    if m.group("stem"):
        return m.group("stem")
    return str(small_int(m.group("ord")) or m.group("ord"))


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]


def _marks(parse: Parse) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), _key(m)) for m in load_genre().part_label.finditer(parse.reading)]


def _named_in(parse: Parse, policy_id: str, start: int, end: int,
              aliases: Mapping[str, tuple[str, ...]] | None = None) -> list[str]:
    """Items named in ``reading[start:end]``: the reader's mentions (its first of each item), and the items of
    ``aliases`` said there again ("…«item 1»授牌…«item 9»…。请问«item 1»项目可获多少？")."""
    out: list[str] = []
    for m in parse.items_of(policy_id):
        if m.score >= ITEM_NAMED and start <= m.start < end and not m.negated and m.item_id not in out:
            out.append(m.item_id)
    part = parse.reading[start:end]
    out += [i for i, words in (aliases or {}).items() if i not in out and any(w and w in part for w in words)]
    return out


def _by_facts(parse: Parse, policy_id: str, start: int, end: int, owners: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The item whose own amount the stretch gives ("B是…服务合同，«base amount»260万"), when no item is named."""
    out: list[str] = []
    for m in parse.facts_of(policy_id).money:
        for best in m.best_claims(m.claims)[:1] if start <= m.mention.start < end else ():
            if len(owners.get(best, ())) == 1 and owners[best][0] not in out:
                out.append(owners[best][0])
    return out


def labelled(parse: Parse, policy_id: str, owners: Mapping[str, tuple[str, ...]] | None = None
             ) -> dict[str, tuple[str, ...]]:
    """Label → the items named in its stretches of this message (one label is remembered too: "乙公司有个«item»…"
    now, "回到乙公司那个" later).
    ``owners``: fact name → the items it is a fact of (a stretch that names no item is about its amounts' item)."""
    return {k: items for k, (items, _) in _label_items(parse, policy_id, owners or {}).items() if items}


def _label_items(parse: Parse, policy_id: str, owners: Mapping[str, tuple[str, ...]]
                 ) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Label → (its items, whether some stretch named them rather than only gave an amount of theirs)."""
    out: dict[str, tuple[tuple[str, ...], bool]] = {}
    for key, end, stop in stretches(parse):
        items, named_before = out.get(key, ((), False))
        named = _named_in(parse, policy_id, end, stop)
        found = named or _by_facts(parse, policy_id, end, stop, owners)
        out[key] = (tuple(dict.fromkeys((*items, *found))), named_before or bool(named))
    return out


def stretches(parse: Parse) -> list[tuple[str, int, int]]:
    """(label, start, stop) of each stretch the message says of a label: from the label to the next one or to the
    end of its sentence."""
    marks = _marks(parse)
    sentences = _sentences(parse.reading)
    out = []
    for i, (start, end, key) in enumerate(marks):
        stop = next((e for s, e in sentences if s <= start < e), len(parse.reading))
        if i + 1 < len(marks):
            stop = min(stop, marks[i + 1][0])
        out.append((key, end, stop))
    return out


def asked_label(parse: Parse) -> str | None:
    """The label whose stretch asks the question ("…，乙厂投资900万，甲厂能补多少？" → "甲"), if one does."""
    genre = load_genre()
    asking = [key for key, start, stop in stretches(parse)
              if genre.amount_question.search(parse.reading, start, stop) or genre.question.search(parse.reading, start, stop)]
    return asking[-1] if asking else None


def refs(parse: Parse) -> tuple[str, ...]:
    """The labels this message says, in order ("那B呢" → ("B",))."""
    return tuple(dict.fromkeys(k for *_, k in _marks(parse)))


def _question(parse: Parse) -> tuple[int, int] | None:
    """The sentence that asks: the last with a question word, else the last that says a label ("先说B项目。")."""
    genre = load_genre()
    sentences = _sentences(parse.reading)
    for start, end in reversed(sentences):
        part = parse.reading[start:end]
        if genre.amount_question.search(part) or genre.question.search(part):
            return start, end
    marks = _marks(parse)
    return next(((s, e) for s, e in reversed(sentences) if any(s <= m < e for m, *_ in marks)), None)


def focus(parse: Parse, policy_id: str, named: tuple[str, ...], known: Mapping[str, tuple[str, ...]],
          aliases: Mapping[str, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    """Of the several items a message names, those its question is about ("…先说A能拿多少？" → A's items);
    () when the question is about all of them, or names none of them, or asks them together or compares them.
    ``aliases``: item → the words it is called by."""
    span = _question(parse) if len(named) > 1 else None
    if span is None:
        return ()
    start, end = span
    genre = load_genre()
    # "既…又…，投入900万，按«item»算能拿多少？": of the items said, the figure asked under one alone
    by = genre.by_item.search(parse.reading, start, end)
    under = [i for i in _named_in(parse, policy_id, by.start(), by.end(), aliases) if i in named] if by else []
    if under and len(under) < len(named):
        return tuple(under)
    if genre.act("together", parse.reading[start:end]) or genre.act("compare", parse.reading[start:end]):
        return ()  # "两个加起来多少", "哪个多" (a "两个项目：" opening the message asks nothing together)
    asked = _named_in(parse, policy_id, start, end, aliases)
    for m_start, _, key in _marks(parse):
        if start <= m_start < end:
            asked += [i for i in known.get(key, ()) if i not in asked]
    chosen = tuple(i for i in named if i in asked)
    return chosen if chosen and len(chosen) < len(named) else ()


@dataclass(frozen=True)
class Reading:
    """What a message's labels say: the labels known after it, those it gives, and the items it is about."""

    known: dict[str, tuple[str, ...]]
    here: dict[str, tuple[str, ...]]
    items: tuple[str, ...]
    """The items named, with every labelled project's ("A是«item 1»…；B是«item 5»…"), or a label's said alone."""
    by_label: tuple[str, ...]
    """The items of a label said alone ("那B呢", "回到A，A的金额更正一下"): the project labelled so before."""
    focused: tuple[str, ...]
    """Of several items, those the question is about ("…先说A能拿多少？"); () for all of them."""


def read(known: Mapping[str, tuple[str, ...]], parse: Parse, policy_id: str, items: tuple[str, ...],
         domain: Domain) -> Reading:
    """The labels of one message, given those known before (for the tracker)."""
    owners = {f: domain.items_of_fact(policy_id, f) for m in parse.facts_of(policy_id).money for f in m.claims}
    # A label known before keeps its items unless the message names others for it: "回到B，B的投资其实是480万" is
    # a fact of B's item, whatever item the amount's own words would suggest.
    # "两个不同的项目都被评为«item»：A项目投入500万，B项目投入900万": a label whose stretch names no item is of the items
    # the message names, not of whatever item its amount's words would also fit
    labelled = _label_items(parse, policy_id, owners)
    shared = items if not any(named for _, named in labelled.values()) else ()  # (named before every label, if at all)
    here = {k: (v if named or not shared else tuple(i for i in v if i in shared) or shared)
            for k, (v, named) in labelled.items() if v and (named or k not in known)}
    now = {**known, **here}
    if here:  # every labelled project's facts are read; the question picks its own
        items = tuple(dict.fromkeys((*items, *(i for v in here.values() for i in v))))
    by_label = () if items else tuple(dict.fromkeys(i for k in refs(parse) for i in now.get(k, ())))
    items = items or by_label
    aliases = {i: item_aliases(domain, policy_id, (i,)) for i in items}
    return Reading(now, here, items, by_label, focus(parse, policy_id, items, now, aliases))
