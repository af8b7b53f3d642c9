"""Parts of a policy a caller points at by their place among their siblings: by number ("第二大类", "the second
group") or by position ("最前面的那一小类", "最后那一部分", "夹在中间的那一大类").

The words are the genre's (``genre.yaml``: ``places`` — the measure words a caller counts each kind of part by —
and ``place_positions`` — the words for the first, middle and last of them); each place becomes a sense carried by
the heading-only part at that place (:func:`carries_place`). A position is relative: the last subsection is the
one with no later sibling of its kind under the same parent, whatever its number, so the words hold for any
policy's outline.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from assistant.corpus import Clause, Policy

#: Ordinals a caller names a part by ("第二大类"): 1 to this number, in Chinese numerals and digits.
MAX_PLACE = 10
NUMERALS = "一二三四五六七八九十"
_ENGLISH = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
KINDS = ("chapter", "section", "subsection")
#: The positions a caller may name; "first" is number one, the others depend on the siblings.
POSITIONS = ("first", "middle", "last")
#: What may stand between a position word and the measure word: "最后那一小类", "头一类", "中间那个大类".
_JOINERS = ("", "一", "那", "那一", "那个", "一个", "个", "这一", "这个", "的那一", "的那个", "的")


def _english(unit: str) -> bool:
    return unit.isascii()


def place_phrasings(units: Sequence[str], number: int) -> tuple[str, ...]:
    """How a caller names the part of this number by the measure words ``units``: "第二大类", "第2部分", "第二个大类",
    and in English "second group"."""
    numeral = NUMERALS[number - 1]
    chinese = [u for u in units if not _english(u)]
    out = [f"第{num}{sep}{unit}" for unit in chinese for num in (numeral, str(number)) for sep in ("", "个")]
    out += [f"{_ENGLISH[number - 1]} {unit}" for unit in units if _english(unit)]
    return tuple(out)


def position_phrasings(units: Sequence[str], words: Sequence[str]) -> tuple[str, ...]:
    """How a caller names the part at a position by the measure words ``units`` and the position's ``words``
    ("最前面" → "最前面的那一小类", "最前面那个大类"; English "first" → "first group")."""
    out: list[str] = []
    for word in words:
        for unit in units:
            if _english(word) != _english(unit):
                continue
            if _english(unit):
                out.append(f"{word} {unit}")
            else:
                out += [f"{word}{joiner}{unit}" for joiner in _JOINERS]
    return tuple(dict.fromkeys(out))


def places(units: Mapping[str, Sequence[str]], positions: Mapping[str, Sequence[str]]) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """Every place the genre's words name: (kind, place, phrasings), the place a number ('二') or a position."""
    for kind, words in units.items():
        for n in range(1, MAX_PLACE + 1):
            first = position_phrasings(words, positions.get("first", ())) if n == 1 else ()
            yield kind, NUMERALS[n - 1], (*place_phrasings(words, n), *first)
        for position in ("middle", "last"):
            if said := position_phrasings(words, positions.get(position, ())):
                yield kind, position, said


def _number(clause: Clause) -> str:
    return clause.number.strip("（）()")


def carries_place(policy: Policy, clause: Clause, place: str) -> bool:
    """Whether ``clause`` is at ``place`` among the parts of its kind under the same parent: a number ('二'), the
    middle one (of an odd number of them) or the last one."""
    if place not in POSITIONS:
        return _number(clause) == place
    siblings = [c for c in policy.clauses if c.kind == clause.kind and c.parent_id == clause.parent_id]
    at = next((i for i, c in enumerate(siblings) if c.clause_id == clause.clause_id), None)
    if at is None or len(siblings) < 2:
        return False  # a single part is not the "last" or "middle" of anything
    if place == "last":
        return at == len(siblings) - 1
    return len(siblings) % 2 == 1 and len(siblings) >= 3 and at == len(siblings) // 2
