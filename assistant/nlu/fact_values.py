"""The values of choice, count and ratio facts in a message ("国家级那档", "服务了20家", "要求区里1:1配套"),
read near their cues. Yes/no facts and amounts are read in :mod:`assistant.nlu.facts`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.nlu.genre import load_genre
from assistant.nlu.lexicon import FactCues
from assistant.nlu.numerals import small_int
from assistant.nlu.spans import occurrences, option_spans, segment_end, segment_start
from assistant.rules.facts import FactSpec

_RATIO = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:[:：]|比)\s*(\d+(?:\.\d+)?)(?![\d.])")
#: A ratio in Chinese numerals ("一比二", "一比零点五").
_RATIO_CN = re.compile(r"([一二两三四五六七八九十]+)\s*比\s*([一二两三四五六七八九十]+|零点[一二三四五六七八九]+)")
_PERCENT = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s*[%％]")
_COUNT = re.compile(r"(?P<n>\d+|[一二两三四五六七八九十百千]+)\s*(?:家|个|户)")
#: None at all ("一家都没有", "没有一家"): a count of 0, not of one.
_ALL_IN = re.compile(r"(?:全|都|全都|全部|统统)(?:是|在)")
_NONE = re.compile(r"[一1]\s*(?:家|个|户)\s*(?:都|也)\s*(?:没有|没)|没有(?:一家|任何一家|任何)")


#: Between two options of a list ("区级、市级、国家级", "市级或国家级"): separators only.
_LIST_GAP = re.compile(r"^\s*(、|/|和|与|及|或|或者|跟)\s*$")


def _listed(text: str, found: list[tuple[int, str]], ends: dict[int, int]) -> bool:
    """Whether every option named stands in one list, each right after the previous one."""
    spans = sorted((at, ends[at]) for at, _ in found)
    return len({o for _, o in found}) > 2 and all(
        _LIST_GAP.match(text[a_end:b_start]) for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))


def read_choice(text: str, spec: Any, fc: FactCues) -> tuple[str | None, bool]:
    """The option named, and whether it is only planned for ("还没认定，准备报区级": 区级, planned)."""
    genre = load_genre()
    found: list[tuple[int, str]] = []
    ends: dict[int, int] = {}
    negated: set[str] = set()
    for option in spec.options or ():
        for start, end in option_spans(text, option, fc.option_aliases.get(option, ()), genre.awarded_by):
            # "不是全国性的" negates the option; "不对，是市级" does not (the negation must touch it).
            if genre.option_not_about.match(text, end):
                continue
            if genre.negated_option.search(text[max(0, start - 2) : start]):
                negated.add(option)
                continue
            found.append((start, option))
            ends[start] = end
    if _listed(text, found, ends):
        return None, False  # "区级、市级、国家级怎么区分": the options listed, none said of the case
    if len({o for _, o in found}) > 1:
        # "市级是去年申报的，没评上，今年评上的是区级": an option said not won (before the next option is named)
        starts = sorted(found)
        lost = {o for n, (at, o) in enumerate(starts) if _not_won(text, at, starts[n + 1][0] if n + 1 < len(starts) else None)}
        found = [f for f in found if f[1] not in lost] or found
    if len({o for _, o in found}) > 1 and (marks := [m.end() for m in (*genre.self_correction.finditer(text),
                                                                        *genre.changed_since.finditer(text))]):
        # "是区级的……哦不对，刚翻了文件，是市级认定的": the option said after the user corrects themselves;
        # "一开始是区级，后来升成市级了": the one said after the change.
        after = [f for f in found if f[0] >= max(marks)]
        found = after or found
    if len({o for _, o in found}) > 1:
        # "«option A»也是300万？那«option B»呢": the option of a "那…呢" asked last is the one asked about now.
        last = max(found)
        if genre.follow_up_opening.match(text[segment_start(text, last[0]) :]):
            found = [last]
    nones = set(getattr(spec, "none_options", None) or ())
    if nones and len({o for _, o in found}) > 1:
        # "还没认定，准备报区级": not awarded yet, and the option planned for is the figure asked about (a what-if)
        planned = [f for f in found if f[1] not in nones
                   and genre.planned.search(text, segment_start(text, f[0]), f[0])]
        if planned:
            return sorted(planned)[0][1], True
    if found:
        return sorted(found)[0][1], False
    # "不是全国性也不是国际性的": every option but one ruled out leaves that one.
    rest = [o for o in spec.options or () if o not in negated]
    return (rest[0] if negated and len(rest) == 1 else None), False


def read_count(text: str, fc: FactCues, elsewhere: Sequence[str] = ()) -> int | None:
    """A count in the clause of a cue ("服务了22家"); 0 when none is said ("区内一家都没有"), or when all of them are
    said to be in places the policy does not cover (``elsewhere``: "客户全都在昆山、太仓")."""
    for cue in fc.cues:
        at = text.find(cue)
        if at < 0:
            continue
        end = segment_end(text, at + len(cue)) + 1
        if _NONE.search(text, at, end):
            return 0
        if (m := _ALL_IN.search(text, at, end)) and any(text.startswith(p, m.end()) for p in elsewhere):
            return 0
        m = _COUNT.search(text, at, end)
        if m:
            return small_int(m.group("n"))
    return None


def read_ratio(text: str, spec: FactSpec, fc: FactCues) -> str | None:
    """A ratio in the clause of a cue ("要求区里按1:1配套"); a percentage only after a cue that says 比例."""
    for cue in fc.cues:
        for hit_start, hit_end in occurrences(text, cue):
            start = segment_start(text, hit_start)
            clause = text[start : segment_end(text, hit_end)]
            m = _RATIO.search(clause) or (_PERCENT.search(clause, hit_end - start) if "比例" in cue else None)
            if m:
                return str(spec.coerce(m.group(0)))
            if (cn := _RATIO_CN.search(clause)) and (said := _chinese_ratio(cn.group(1), cn.group(2))):
                return str(spec.coerce(said))
    return None


def _chinese_ratio(left: str, right: str) -> str | None:
    """"一", "二" → "1:2"; "一", "零点五" → "1:0.5" (None when a side is not a number)."""
    a = small_int(left)
    if right.startswith("零点"):
        digits = "".join(str(small_int(ch)) for ch in right[2:])
        b: str | None = f"0.{digits}" if digits.isdigit() else None
    else:
        n = small_int(right)
        b = str(n) if n is not None else None
    return f"{a}:{b}" if a is not None and b is not None else None


def _sentence_end(text: str, at: int) -> int:
    stop = re.search(r"[。！!？?；;]", text[at:])
    return at + stop.start() if stop else len(text)


def _not_won(text: str, at: int, following: int | None) -> bool:
    """The option at ``at`` is said not won before the next option (at ``following``) — not "还没评上«next option»",
    which says it of the next one."""
    m = load_genre().option_not_won.search(text, at, following if following is not None else _sentence_end(text, at))
    return m is not None and not (following is not None and not text[m.end() : following].strip())
