"""Words a question names only to set aside ("两化融合深化那一条（不是贯标那条）", "我们不做平台"): they say which
clause is *not* meant, so they must not pull that clause up. ("除了钱以外还有什么优惠" is no such word: what is
beside the money is what is asked.)

The lexical half takes them out of the question before it is cut, as it does with idioms. The words (negators and
the words that close what is set aside) are the genre's data (``genre.yaml``: ``negators``, ``negation_ends``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: What is set aside runs to the next punctuation at most this far.
_SPAN = 10
_BREAK = r"[，,。；;？?！!（）()\s]"


def negated_pattern(negators: Sequence[str], ends: Sequence[str]) -> re.Pattern[str] | None:
    """The pattern of a negator and what it sets aside (not after 是: "是不是贯标那条" asks, it does not set aside)."""
    if not negators:
        return None
    neg = "|".join(map(re.escape, sorted(set(negators), key=len, reverse=True)))
    end = "|".join(map(re.escape, sorted(set(ends), key=len, reverse=True))) or "(?!)"
    return re.compile(rf"(?<!是)(?:{neg})(?:[^，,。；;？?！!（）()\s]{{1,{_SPAN}}}?)(?:{end}|(?={_BREAK}|$))")


def without_negated(text: str, pattern: re.Pattern[str] | None) -> str:
    """``text`` with each negated mention replaced by a comma."""
    return pattern.sub("，", text) if pattern is not None else text
