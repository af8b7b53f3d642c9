"""Quoting a clause: the sentences of its text that best answer a question, by the characters they share
(its numbering marker and a title said as a sentence are the citation line's, not the answer's)."""

from __future__ import annotations

import re

from assistant.corpus import Clause
from assistant.nlu.genre import load_genre

_SENTENCE = re.compile(r"[^。；;！？\n]+[。；;！？]?")
_BIGRAM_SKIP = set("的了和与及或是在对按为给有将可等")


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff" and c not in _BIGRAM_SKIP]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)} | set(chars)


_MARKER = re.compile(r"^\s*(?:第[^条]{1,6}条|\d{1,3}[、.．]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)])\s*")


def _strip_marker(text: str) -> str:
    return _MARKER.sub("", text, count=1)


def best_sentences(clause: Clause, query: str, limit: int = 2) -> list[str]:
    """The clause's sentences that best answer ``query`` (by shared characters), in document order."""
    body = clause.text
    first, _, rest = body.partition("\n")
    if clause.kind in ("section", "subsection", "chapter") and rest:
        body = rest
    elif clause.kind == "article" and clause.heading and body.startswith(clause.heading.split(" ")[0]):
        body = body[len(clause.heading.split(" ")[0]):].lstrip()  # "第三条 …": the marker is the label's business
    else:
        body = _strip_marker(body)  # "5、推广…", "14、区经济委员会…" (an item with no title of its own)
    sentences = [s.strip() for s in _SENTENCE.findall(body) if s.strip()]
    if not sentences:
        return [body]
    # The clause's own title said as a sentence ("«clause title»。") is the citation line's, not an answer.
    said = [x for x in sentences if x.rstrip("。.；;") != clause.title]
    q = _bigrams(query)
    if said and len(said) < len(sentences):
        # …unless the question is about that very sentence ("是先申报后补助吗" of an item whose first sentence is its
        # rule, not a heading): then it is quoted, with the sentence after it that answers best
        title = next(x for x in sentences if x not in said)
        others = [len(q & _bigrams(x)) for x in said]
        if len(q & _bigrams(title)) > max(others):
            best_rest = said[max(range(len(said)), key=lambda i: (others[i], -i))]
            return [x for x in sentences if x in (title, best_rest)]
    sentences = said or sentences
    # "比例" asks for the sentence with the percentage, whatever words the two share (genre data: quote_hints)
    hints = [h for word, hs in load_genre().quote_hints if word in query for h in hs]
    overlap = [len(q & _bigrams(x)) + 2 * sum(h in x for h in hints) for x in sentences]
    ranked = sorted(range(len(sentences)), key=lambda i: (-overlap[i], i))
    best = overlap[ranked[0]]
    # A second sentence only when it answers nearly as well as the first (no padding with the clause's title).
    top = sorted(i for i in ranked[:limit] if overlap[i] >= 0.6 * best and (overlap[i] > 0 or i == ranked[0]))
    chosen = [sentences[i] for i in top]
    # A quote that stops inside a longer sentence says so ("…给予资助；" → "…给予资助……").
    if chosen[-1].endswith(("；", ";")):
        chosen[-1] = chosen[-1][:-1] + "……"
    return chosen
