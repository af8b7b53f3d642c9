"""HTML fragments of the app: answers, citations, match cards, search hits, the policy tree, the log. Pure
functions of data, so they are tested without a browser.

An answer is rendered from its structured parts (:attr:`Reply.parts`), not from its text: the first line
(figure, verdict, direct answer or question) stands out; the validity line appears once; the calculation
steps once (a list, no table beside it); the conditions with their status; the 申报须知 folded with their
own citations; the clauses the answer rests on as compact cards that open to the text (primary first); a
clause text the answer already quotes is not printed again. A hidden copy of the plain answer text rides
along: the page script (``page.js``) copies it and gives it to screen readers instead of the HTML.

Every piece of text that can come from a user (a question, a pasted clause, a feedback comment) and every
piece of corpus text goes through :func:`esc` before it is put into HTML; the only markup in the output
is the markup written here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from assistant.corpus.dates import cn_date
from assistant.corpus.model import Clause, Policy
from assistant.corpus.validity import validity_status
from assistant.rules.money import format_yuan

#: A condition line's status prefix ("已满足：…") and the tag it becomes.
_STATUS = re.compile(r"^(已满足|还需确认|待确认|不满足|不符合|符合)：")
_STATUS_CLASS = {"已满足": "ok", "符合": "ok", "还需确认": "ask", "待确认": "ask", "不满足": "off", "不符合": "off"}
#: A step's trailing clause quote ("（第1条“按不超过…”）"), shown quieter than the arithmetic.
_QUOTE = re.compile(r"^(.*?)(（[^（）]*“[^”]*”[^（）]*）)$")
#: A first line longer than this (a quoted clause) is set in the body's weight, not as a heading.
HEADLINE_CHARS = 60
#: A details line longer than this that enumerates ("其他可能适用：A；B；C") is folded.
FOLD_CHARS = 120


def esc(text: Any) -> str:
    """HTML-escape any value (quotes too): user text shows as typed and never runs."""
    return html.escape("" if text is None else str(text), quote=True)


def esc_lines(text: Any) -> str:
    """Escape, then keep line breaks."""
    return esc(text).replace("\n", "<br>")


def yuan(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return "—"
    try:
        return format_yuan(int(value))
    except (TypeError, ValueError):
        return esc(value)


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


# -- answers ----------------------------------------------------------------------------------------


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


def user_message_html(text: str) -> str:
    return f'<div class="pqa-user"><div class="pqa-plain" hidden>{esc(text)}</div>{esc_lines(text)}</div>'


def error_html(message: str) -> str:
    return f'<div class="pqa-error" role="alert">{esc(message)}</div>'


def notice_html(message: str) -> str:
    return f'<div class="pqa-ok" role="status">{esc(message)}</div>'


def muted_html(message: str) -> str:
    return f'<div class="pqa-muted">{esc(message)}</div>'


def feedback_target_html(number: int, headline: str) -> str:
    """The head of the feedback panel: which answer it is about."""
    short = headline if len(headline) <= 40 else headline[:39] + "…"
    return (f'<div class="pqa-fb-head"><b>第{number}条答复哪里不对？</b>'
            f'<span class="pqa-muted">「{esc(short)}」</span></div>')


# -- validity -------------------------------------------------------------------------------------


def validity_tag(in_force: bool | None, meta: Any = None, as_of: date | None = None) -> str:
    """A small tag: 有效 / 已过期 / 未生效 (the last two need the policy's dates to tell apart)."""
    if in_force is None:
        return ""
    if in_force:
        return '<span class="pqa-tag pqa-tag-ok">有效</span>'
    text = "不在有效期"
    if meta is not None and as_of is not None:
        text = {"expired": "已过期", "not_yet": "未生效"}.get(validity_status(meta, as_of), text)
    return f'<span class="pqa-tag pqa-tag-off">{text}</span>'


def policy_status(meta: Any, as_of: date) -> str:
    """'《…》 有效 · 有效期至 2025年12月31日' for the header."""
    until = f"有效期至{cn_date(meta.valid_until)}" if meta.valid_until else "长期有效"
    return (f'<span class="pqa-policy"><span class="pqa-policy-name">《{esc(meta.name)}》</span>'
            f'{validity_tag(meta.in_force(as_of), meta, as_of)}<span class="pqa-muted">{until}</span></span>')


# -- hotline ----------------------------------------------------------------------------------------


def highlight(text: str, terms: Iterable[str]) -> str:
    """Escape ``text`` and wrap every occurrence of ``terms`` (longest first) in <mark>."""
    words = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return esc_lines(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(esc_lines(text[pos : m.start()]))
        out.append(f"<mark>{esc(m.group(0))}</mark>")
        pos = m.end()
    out.append(esc_lines(text[pos:]))
    return "".join(out)


def clause_name(clause: Clause) -> str:
    """'第5条 推广工业互联网创新应用及标杆建设' / '一、支持对象' / '序言' — the number once."""
    if clause.kind == "preamble":
        return "序言"
    if clause.kind in ("item", "article") and clause.title and not clause.label.endswith(clause.title):
        return f"{clause.label} {clause.title}"
    return clause.label if clause.kind in ("item", "article") else clause.heading


def clause_body(clause: Clause) -> str:
    """The clause's own text without its heading line or number (the name already says them)."""
    text = clause.text.strip()
    heading = clause.heading.strip()
    if heading and text.startswith(heading):
        text = text[len(heading):].lstrip("。.，,：: \n")
    return text


def is_heading_only(clause: Clause) -> bool:
    """A section heading with no text of its own ("二、支持范围及标准"): not a search result."""
    return clause.kind != "preamble" and not clause_body(clause)


def clause_key(clause: Clause) -> str:
    return f"{clause.policy_id}:{clause.clause_id}"


def search_results(
    hits: Sequence[Any], query: str, elapsed_ms: float | None = None, metas: Mapping[str, Any] | None = None,
    as_of: date | None = None, selected: str | None = None,
) -> str:
    """Result cards; clicking one (or Enter on it) loads its 答复口径 (see ``app.HIT_JS``)."""
    if not query.strip():
        return '<div class="pqa-muted">输入关键词或来电问题，例如“二级节点”“标杆项目能补多少”；点击结果查看答复口径。</div>'
    took = f"（用时 {elapsed_ms:.0f} 毫秒）" if elapsed_ms is not None else ""
    if not hits:
        return (f'<div class="pqa-muted" role="status">没有找到与“{esc(query)}”相关的条款{took}。'
                "请换个说法，或在右侧按章节浏览政策全文。</div>")
    several = len({h.clause.policy_id for h in hits}) > 1 or len(metas or {}) > 1
    cards = []
    for hit in hits:
        c: Clause = hit.clause
        terms = list(_get(hit, "matched_terms") or [])
        meta = (metas or {}).get(c.policy_id)
        policy = f'<span class="pqa-hit-policy">《{esc(meta.name)}》</span>' if several and meta is not None else ""
        key = clause_key(c)
        cards.append(
            f'<div class="pqa-hit{" pqa-hit-on" if key == selected else ""}" data-key="{esc(key)}" '
            f'data-clause="{esc(c.clause_id)}" role="button" tabindex="0" '
            f'aria-label="{esc(clause_name(c))}：查看答复口径">'
            f'<div class="pqa-hit-head">{policy}<span class="pqa-hit-label">{esc(clause_name(c))}</span>'
            f"{validity_tag(_get(hit, 'in_force'), meta, as_of)}</div>"
            f'<div class="pqa-hit-text">{highlight(clause_body(c), terms)}</div>'
            "</div>"
        )
    head = f"共 {len(hits)} 条相关条款{took}，点击查看答复口径"
    return f'<div class="pqa-muted" role="status">{esc(head)}</div>' + "".join(cards)


def policy_tree(policy: Policy, as_of: date | None = None) -> str:
    """The whole policy as nested <details>: sections › subsections › items, each with its text once."""
    meta = policy.meta
    until = cn_date(meta.valid_until) if meta.valid_until else "长期"
    status = validity_tag(meta.in_force(as_of), meta, as_of) if as_of else ""

    def node(clause: Clause, depth: int) -> str:
        children = policy.children(clause.clause_id)
        own = clause_body(clause)
        inner = f'<div class="pqa-tree-text">{esc_lines(own)}</div>' if own else ""
        inner += "".join(node(ch, depth + 1) for ch in children)
        return (
            f'<details class="pqa-tree-node pqa-depth-{depth}" data-clause="{esc(clause.clause_id)}" '
            f'data-key="{esc(clause_key(clause))}"{" open" if depth == 0 and children else ""}>'
            f"<summary>{esc(clause_name(clause))}</summary>{inner}</details>"
        )

    roots = "".join(node(c, 0) for c in policy.children(None))
    return (
        f'<div class="pqa-tree"><div class="pqa-tree-title">《{esc(meta.title)}》{status}</div>'
        f'<div class="pqa-muted">{esc(meta.issuer)}　发布 {cn_date(meta.published)}　'
        f"有效期至 {esc(until)}</div>{roots}</div>"
    )


# -- calculator and log -----------------------------------------------------------------------------


def trace_table(trace: Sequence[Any], clause_labels: Mapping[str, str] | None = None) -> str:
    """The computation behind an amount: one row per calculator step (step, amount, clause)."""
    if not trace:
        return ""
    labels = clause_labels or {}
    rows = []
    for i, step in enumerate(trace, 1):
        label = _get(step, "label")
        if not label:
            clause = _get(step, "clause")
            clause_id = _get(clause, "clause_id") if clause is not None and not isinstance(clause, str) else clause
            label = labels.get(str(clause_id), str(clause_id or ""))
        rows.append(
            f"<tr><td class='pqa-num'>{i}</td><td>{esc(_get(step, 'description'))}</td>"
            f"<td class='pqa-amt'>{yuan(_get(step, 'amount_yuan'))}</td><td class='pqa-clause'>{esc(label)}</td></tr>"
        )
    return (
        '<div class="pqa-trace"><div class="pqa-sec-title">计算过程</div><table class="pqa-table">'
        "<thead><tr><th>#</th><th>步骤</th><th>金额</th><th>依据</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


def exchange_detail(ex: Any) -> str:
    """One logged exchange in full: question, answer, amount, trace, citations, feedback."""
    feedback = "".join(
        f"<li><b>{esc(f.verdict)}</b>　{esc(f.reason or '')}　{esc(f.comment or '')}"
        f'<span class="pqa-muted">　{esc(f.created_at)}</span></li>'
        for f in ex.feedback
    )
    meta = (
        f"记录 #{ex.id}　会话 {esc(ex.conversation_id[:8])}　第{ex.turn}轮　{esc(ex.created_at)}　"
        f"测算日 {esc(ex.as_of or '—')}　意图 {esc(ex.intent or '—')}"
    )
    return (
        f'<div class="pqa-exchange"><div class="pqa-muted">{meta}</div>'
        f'<div class="pqa-sec-title">问题</div><div class="pqa-user">{esc_lines(ex.question)}</div>'
        f'<div class="pqa-sec-title">答复</div><div class="pqa-text">{esc_lines(ex.answer)}</div>'
        + (f'<div class="pqa-amount">测算金额<b>{yuan(ex.amount_yuan)}</b></div>' if ex.amount_yuan else "")
        + trace_table(ex.trace)
        + citation_cards(ex.citations, ex.answer)
        + (f'<div class="pqa-sec-title">反馈</div><ul>{feedback}</ul>' if feedback else "")
        + "</div>"
    )
