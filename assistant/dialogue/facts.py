"""Reading an enterprise's facts out of a chat message, driven by the facts the rules data declares.

Each fact in ``rules.yaml`` has a type (money / money_list / bool / choice / count); the policy's
``lexicon.yaml`` gives each fact its ``cues`` (the words users put next to it: "已投入", "土建",
"上级补助"…), ``negative_cues`` and, for a choice, ``option_aliases``. Nothing here knows any policy: amounts
are found with :func:`assistant.rules.money.find_amounts` and given to the money fact whose cue stands
closest before them in the same clause of the sentence (or right after: "300万补助"); a bool is true when
a cue appears without a negation before it; a choice is the option the message names. Money the message
gives but no cue claims goes to the one money fact the conversation is waiting for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cn2an
import yaml

from assistant.errors import DataError
from assistant.rules.money import find_amounts

_SEGMENT_BREAK = re.compile(r"[，,。；;！？!?\n（）()]")
_NEGATION = re.compile(r"(没有|没|未|不是|不需要|不要求|不用|无需|无|尚未|还没|并非|非|不)[^，,。；;]{0,6}$")
_AFTER_WINDOW = 6
_BEFORE_WINDOW = 24
_COUNT = re.compile(r"(?P<n>\d+|[一二两三四五六七八九十百千]+)\s*(?:家|个|户)")
#: After an option ("市级补助", "国家已补助"), the word is about the money, not the option.
_OPTION_NOT_ABOUT = re.compile(r"^(补助|补贴|资助|资金|配套|财政|部门)")


@dataclass
class Extracted:
    """Facts read from one message, and the money no cue claimed."""

    facts: dict[str, Any] = field(default_factory=dict)
    unclaimed_money: list[int] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)


def _segment_start(text: str, pos: int) -> int:
    starts = [m.end() for m in _SEGMENT_BREAK.finditer(text, 0, pos)]
    return starts[-1] if starts else 0


def _segment_end(text: str, pos: int) -> int:
    m = _SEGMENT_BREAK.search(text, pos)
    return m.start() if m else len(text)


@dataclass(frozen=True)
class FactCues:
    """How users write one fact (from the policy's lexicon.yaml)."""

    cues: tuple[str, ...] = ()
    negative_cues: tuple[str, ...] = ()
    option_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)


_NO_CUES = FactCues()


def _cue_score(cues: tuple[str, ...], before: str, after: str) -> float:
    """How strongly a fact with ``cues`` claims an amount with ``before``/``after`` as its context (0 = not at all)."""
    best = 0.0
    for cue in cues:
        at = before.rfind(cue)
        if at >= 0:
            distance = len(before) - (at + len(cue))
            best = max(best, 100.0 - distance + len(cue) / 10)
        at = after.find(cue)
        if 0 <= at <= 2:
            best = max(best, 50.0 - at + len(cue) / 10)
    return best


def _negated(text: str, cue_start: int) -> bool:
    seg = text[_segment_start(text, cue_start) : cue_start]
    return bool(_NEGATION.search(seg[-8:]))


def extract_facts(
    text: str,
    specs: Sequence[Any],
    *,
    region: str | None = None,
    places: Iterable[str] = (),
    expecting: Sequence[str] = (),
    lexicon: Mapping[str, FactCues] | None = None,
) -> Extracted:
    """Read the facts of ``specs`` from ``text``.

    ``region``: the policy's region ("嘉定区"): a bool fact whose label names it is a place fact, true when
    the message puts the cue in this region ("本区", "区内") and false when it names another place.
    ``expecting``: fact names the conversation asked for; unclaimed money goes to the first money one.
    """
    lex = lexicon or {}

    def cues_of(spec: Any) -> FactCues:
        return lex.get(spec.name, _NO_CUES)

    out = Extracted()
    money_specs = [s for s in specs if s.type in ("money", "money_list")]
    for mention in find_amounts(text):
        start = _segment_start(text, mention.start)
        before = text[max(start, mention.start - _BEFORE_WINDOW) : mention.start]
        after = text[mention.end : min(_segment_end(text, mention.end), mention.end + _AFTER_WINDOW)]
        scored = sorted(((_cue_score(cues_of(s).cues, before, after), s) for s in money_specs), key=lambda x: -x[0])
        if scored and scored[0][0] > 0:
            # Equal claims ("投入1000万" for two items of one project) fill every tied fact.
            for score, spec in scored:
                if score < scored[0][0]:
                    break
                if spec.type == "money_list":
                    out.facts.setdefault(spec.name, []).append(mention.yuan)
                else:
                    out.facts.setdefault(spec.name, mention.yuan)
        else:
            out.unclaimed_money.append(mention.yuan)
        out.mentions.append(mention.text)

    # Money nobody claimed: the fact the conversation waits for, else a money_list already being filled.
    if out.unclaimed_money:
        for name in expecting:
            spec = next((s for s in money_specs if s.name == name), None)
            if spec is None or (spec.type == "money" and name in out.facts):
                continue
            if spec.type == "money_list":
                out.facts.setdefault(name, []).extend(out.unclaimed_money)
            else:
                out.facts[name] = out.unclaimed_money[0]
            out.unclaimed_money = [] if spec.type == "money_list" else out.unclaimed_money[1:]
            break
        lists = [s for s in money_specs if s.type == "money_list" and s.name in out.facts]
        if out.unclaimed_money and lists:
            out.facts[lists[0].name].extend(out.unclaimed_money)
            out.unclaimed_money = []

    other_places = tuple(places)
    for spec in specs:
        value: bool | str | int | None = None
        if spec.type == "bool":
            value = _read_bool(text, spec, cues_of(spec), region, other_places)
        elif spec.type == "choice":
            value = _read_choice(text, spec, cues_of(spec))
        elif spec.type == "count":
            value = _read_count(text, cues_of(spec))
        if value is not None:
            out.facts[spec.name] = value
    return out


def _read_bool(
    text: str, spec: Any, fc: FactCues, region: str | None, places: tuple[str, ...]
) -> bool | None:
    # A negative cue ("分公司", "早就是规上") outweighs the positive words next to it.
    if any(cue in text for cue in fc.negative_cues):
        return False
    place_fact = bool(region) and region in spec.label
    if not place_fact:
        hits = [m.start() for cue in fc.cues for m in re.finditer(re.escape(cue), text)]
        if hits:
            return not any(_negated(text, at) for at in hits)
        return None
    for cue in sorted(fc.cues, key=len, reverse=True):
        at = text.find(cue)
        if at < 0:
            continue
        if place_fact:
            if _negated(text, at):
                return False
            seg = text[_segment_start(text, at) : _segment_end(text, at + len(cue))]
            short = region[:2] if region else ""
            if any(p in seg for p in places if p not in (region or "")):
                return False
            if short in seg or "本区" in seg or "区内" in seg:
                return not _negated(text, at)
            continue
        return not _negated(text, at)
    return None


def _read_choice(text: str, spec: Any, fc: FactCues) -> str | None:
    aliases = fc.option_aliases
    found: list[tuple[int, str]] = []
    for option in spec.options or ():
        for word in (option, *aliases.get(option, ())):
            for m in re.finditer(re.escape(word), text):
                if _OPTION_NOT_ABOUT.match(text[m.end() :]) or _negated(text, m.start()):
                    continue
                found.append((m.start(), option))
    if not found:
        return None
    return sorted(found)[0][1]


def _read_count(text: str, fc: FactCues) -> int | None:
    for cue in fc.cues:
        at = text.find(cue)
        if at < 0:
            continue
        m = _COUNT.search(text, at, _segment_end(text, at + len(cue)) + 1)
        if m:
            n = m.group("n")
            return int(n) if n.isdigit() else int(cn2an.cn2an(n, "smart"))
    return None


def load_lexicon(path: Path) -> dict[str, FactCues]:
    """Read a policy's ``lexicon.yaml`` (fact name → cues); a missing file means no cues."""
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        facts = data.get("facts") or {}
        return {
            name: FactCues(
                cues=tuple(entry.get("cues") or ()),
                negative_cues=tuple(entry.get("negative_cues") or ()),
                option_aliases={k: tuple(v) for k, v in (entry.get("option_aliases") or {}).items()},
            )
            for name, entry in facts.items()
        }
    except (OSError, yaml.YAMLError, AttributeError, TypeError) as err:
        raise DataError(f"词表文件 {path} 格式错误：{err}") from err
