"""One assistant message in the chat (:func:`chat_answer_html`), rendered from the reply's structured parts
(:attr:`Reply.parts`), not from its text: the first line stands out, one validity line, the calculation steps
once, the conditions with their status, the further lines (long enumerations folded), the 申报须知 folded with
their own citations, the clause cards, and the 测算日 when the answer does not already say it. A hidden copy of
the plain answer text (:func:`answer_text`) rides along for the copy button and screen readers. Part of
:mod:`assistant.ui.render`, which re-exports the public names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from assistant.corpus.dates import cn_date
from assistant.ui.render.citations import citation_cards
from assistant.ui.render.text import _get, esc, esc_lines, yuan

#: A condition line's status prefix ("已满足：…") and the tag it becomes.
_STATUS = re.compile(r"^(已满足|还需确认|待确认|不满足|不符合|符合)：")
_STATUS_CLASS = {"已满足": "ok", "符合": "ok", "还需确认": "ask", "待确认": "ask", "不满足": "off", "不符合": "off"}
#: A step's trailing clause quote ("（第1条“按不超过…”）"), shown quieter than the arithmetic.
_QUOTE = re.compile(r"^(.*?)(（[^（）]*“[^”]*”[^（）]*）)$")
#: A first line longer than this (a quoted clause) is set in the body's weight, not as a heading.
HEADLINE_CHARS = 60
#: A details line longer than this that enumerates ("其他可能适用：A；B；C") is folded.
FOLD_CHARS = 120


def as_of_line(as_of: date | None) -> str:
    return f"测算日：{cn_date(as_of)}" if as_of is not None else ""


def answer_text(reply: Any) -> str:
    """The plain text of an answer as the chat shows it unfolded — what the copy button copies: the answer's
    own text, then the 测算日 it used when the answer does not already say it."""
    text = str(_get(reply, "answer") or "").strip()
    line = as_of_line(_get(reply, "as_of"))
    if line and "测算日" not in text:
        text = f"{text}\n{line}" if text else line
    return text


def _structured(reply: Any) -> bool:
    """Whether the answer text is the composition of its parts (not rephrased, not a bare message)."""
    parts = _get(reply, "parts") or {}
    headline = str(_get(reply, "headline") or "")
    answer = str(_get(reply, "answer") or "")
    return bool(parts) and bool(headline) and answer.split("\n", 1)[0] == headline


def _headline_html(reply: Any) -> str:
    text = esc(_get(reply, "headline"))
    amount = _get(reply, "amount_yuan")
    if amount is not None and not _get(reply, "missing_facts"):
        figure = esc(yuan(amount))
        if figure in text:  # the figure stands out within the sentence
            text = text.replace(figure, f"<strong>{figure}</strong>", 1)
    long = " pqa-headline-long" if len(str(_get(reply, "headline") or "")) > HEADLINE_CHARS else ""
    return f'<p class="pqa-headline{long}">{text}</p>'


def _validity_html(notice: str | None, repeated: bool = False) -> str:
    """The one validity line; when the chat already said it, folded to a short mark that opens to it."""
    if not notice:
        return ""
    if repeated:
        return (f'<details class="pqa-validity pqa-validity-again"><summary><span class="pqa-warn">⚠</span> '
                f"不在有效期内（同上），仅供参考</summary>{esc(notice)}</details>")
    return f'<p class="pqa-validity"><span class="pqa-warn">⚠</span> {esc(notice)}</p>'


def _step_html(step: str) -> str:
    m = _QUOTE.match(step)
    if not m:
        return f"<li>{esc(step)}</li>"
    return f'<li>{esc(m.group(1))}<span class="pqa-quote">{esc(m.group(2))}</span></li>'


def _condition_html(line: str) -> str:
    m = _STATUS.match(line)
    if not m:
        return f"<li>{esc(line)}</li>"
    word = m.group(1)
    return f'<li><span class="pqa-st pqa-st-{_STATUS_CLASS[word]}">{esc(word)}</span>{esc(line[m.end():])}</li>'


def _section(title: str, items: str, tag: str = "ul") -> str:
    return f'<div class="pqa-sec"><div class="pqa-sec-title">{esc(title)}</div><{tag}>{items}</{tag}></div>'


def _details_html(lines: Sequence[str]) -> str:
    """Further lines of an answer: "标题：" lines head the "- " items under them; a long enumeration folds."""
    out: list[str] = []
    items: list[str] = []
    title: str | None = None

    def flush() -> None:
        nonlocal items, title
        if items:
            body = "".join(_condition_html(i) for i in items)
            out.append(_section(title, body) if title else f"<ul>{body}</ul>")
        elif title:
            out.append(f'<div class="pqa-sec-title">{esc(title)}</div>')
        items, title = [], None

    for raw in lines:
        line = str(raw)
        if line.startswith("- "):
            items.append(line[2:])
            continue
        flush()
        head, sep, rest = line.partition("：")
        if sep and not rest:
            title = head
        elif sep and len(line) > FOLD_CHARS and "；" in rest:
            count = rest.count("；") + 1
            entries = "".join(f"<li>{esc(e)}</li>" for e in rest.split("；"))
            out.append(f'<details class="pqa-fold"><summary>{esc(head)}（{count}项）</summary><ul>{entries}</ul></details>')
        else:
            out.append(f'<p class="pqa-line">{esc(line)}</p>')
    flush()
    return "".join(out)


def _notes_html(reply: Any, primary: set[tuple[str, str]], policy_names: Mapping[str, str] | None) -> str:
    notes = [str(n) for n in _get(reply, "notes") or ()]
    if not notes:
        return ""
    cites = [c for c in _get(reply, "note_citations") or ()
             if (str(_get(c, "policy_id")), str(_get(c, "clause_id"))) not in primary]
    items = "".join(f"<li>{esc(n)}</li>" for n in notes)
    return (f'<details class="pqa-notes"><summary>申报须知（{len(notes)}条）</summary><ul>{items}</ul>'
            f"{citation_cards(cites, heading='出处', policy_names=policy_names)}</details>")


def _states_as_of(reply: Any, repeated_validity: bool) -> bool:
    """Whether the answer as shown already says its 测算日 (in its text, or in a validity line left open)."""
    if _get(reply, "as_of") is None:
        return True
    answer = str(_get(reply, "answer") or "")
    validity = str((_get(reply, "parts") or {}).get("validity") or "")
    if validity and _structured(reply):
        return "测算日" in answer.replace(validity, "") or (not repeated_validity and "测算日" in validity)
    return "测算日" in answer


def chat_answer_html(reply: Any, policy_names: Mapping[str, str] | None = None, *,
                     repeated_validity: bool = False) -> str:
    """One assistant message in the chat, from the reply's structured parts.

    ``policy_names`` (policy id → short name) is given when several policies are loaded: citations then name
    their policy. ``repeated_validity``: the chat already showed this validity line (it is folded)."""
    plain = answer_text(reply)
    out = [f'<div class="pqa-reply"><div class="pqa-plain" hidden>{esc(plain)}</div>']
    if _structured(reply):
        parts = _get(reply, "parts") or {}
        out.append(_headline_html(reply))
        out.append(_validity_html(parts.get("validity"), repeated_validity))
        steps = [str(s) for s in parts.get("steps") or ()]
        if steps:
            out.append(_section("计算过程", "".join(_step_html(s) for s in steps), "ol"))
        conditions = [str(c) for c in parts.get("conditions") or ()]
        if conditions:
            out.append(_section("条件", "".join(_condition_html(c) for c in conditions)))
        out.append(_details_html([str(d) for d in parts.get("details") or ()]))
    else:  # a rephrased answer or a bare message: its own lines, as written
        out.append(f'<div class="pqa-text">{esc_lines(_get(reply, "answer"))}</div>')
    citations = list(_get(reply, "citations") or ())
    primary = {(str(_get(c, "policy_id")), str(_get(c, "clause_id"))) for c in citations}
    out.append(citation_cards(citations, plain, policy_names=policy_names))
    out.append(_notes_html(reply, primary, policy_names))
    if not _states_as_of(reply, repeated_validity):
        out.append(f'<div class="pqa-asof">{esc(as_of_line(_get(reply, "as_of")))}</div>')
    out.append("</div>")
    return "".join(p for p in out if p)
