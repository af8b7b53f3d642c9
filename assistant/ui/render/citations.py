"""Citations as compact cards (:func:`citation_cards`): the clause's label is a chip that opens to its place
and text; a passage the answer above already quotes is not printed again. Part of :mod:`assistant.ui.render`,
which re-exports :func:`citation_cards`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from assistant.ui.render.text import _get, esc, esc_lines


def _cite_summary(c: Any) -> str:
    label, title = str(_get(c, "label") or ""), str(_get(c, "title") or "")
    return label if not title or label.endswith(title) else f"{label} {title}"


def citation_cards(citations: Iterable[Any], shown_text: str = "", *, heading: str = "依据",
                   policy_names: Mapping[str, str] | None = None) -> str:
    """Citations as compact cards: the label is a chip; opening it shows the clause's place and text. A clause
    whose text the answer already quotes is not printed again. With several policies, each names its policy."""
    seen: set[tuple[str, str]] = set()
    cards = []
    for c in citations:
        key = (str(_get(c, "policy_id") or ""), str(_get(c, "clause_id") or ""))
        if key in seen:
            continue
        seen.add(key)
        text = str(_get(c, "text") or "").strip()
        policy = (policy_names or {}).get(key[0])
        summary = (f"《{policy}》" if policy else "") + _cite_summary(c)
        cards.append(
            f'<details class="pqa-cite"><summary>{esc(summary)}</summary>'
            f'<div class="pqa-cite-path">{esc(_get(c, "path"))}</div>{_unquoted(text, shown_text, str(_get(c, "title") or ""))}</details>'
        )
    if not cards:
        return ""
    return f'<div class="pqa-basis"><span class="pqa-basis-label">{esc(heading)}</span>{"".join(cards)}</div>'


def _unquoted(text: str, shown_text: str, title: str = "") -> str:
    """A clause's text for its card, minus what the answer above already quotes (no passage twice)."""
    body = _body(text, title)
    quoted = 0
    if len(body) >= 8 and body[:8] in shown_text:
        quoted = 8
        while quoted < len(body) and body[: quoted + 1] in shown_text:
            quoted += 1
    rest = body[quoted:].strip("；;，,。 \n")
    if quoted and not rest:
        return '<div class="pqa-cite-text pqa-muted">原文见上。</div>'
    if quoted:
        return f'<div class="pqa-cite-text"><span class="pqa-muted">（前文已引）</span>……{esc_lines(body[quoted:])}</div>'
    return f'<div class="pqa-cite-text">{esc_lines(text)}</div>'


_NUMBERED = re.compile(r"^(第[一二三四五六七八九十百\d]+[条章]|[\d一二三四五六七八九十]+[、.．])")


def _body(text: str, title: str = "") -> str:
    """A clause text without its heading ("5、推广….", "一、支持对象" on a line of its own), as answers quote it."""
    text = text.strip()
    first, newline, rest = text.partition("\n")
    if newline and _NUMBERED.match(first) and len(first) <= 30:
        return rest.strip()
    head, stop, rest = text.partition("。")
    if stop and rest and _NUMBERED.match(head) and title and head.rstrip().endswith(title):
        return rest.strip()
    return text
