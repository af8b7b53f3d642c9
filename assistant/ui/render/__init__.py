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

The modules: :mod:`~assistant.ui.render.text` (escaping, amounts), :mod:`~assistant.ui.render.answers` (an
assistant message), :mod:`~assistant.ui.render.citations` (clause cards), :mod:`~assistant.ui.render.messages`
(the user's message, errors, notices), :mod:`~assistant.ui.render.validity` (validity tag and header line),
:mod:`~assistant.ui.render.lookup` (the hotline's hits and policy tree) and :mod:`~assistant.ui.render.log`
(the trace table, a logged exchange). Import from here: this package re-exports their names.
"""

from __future__ import annotations

from assistant.ui.render.answers import FOLD_CHARS, HEADLINE_CHARS, answer_text, as_of_line, chat_answer_html
from assistant.ui.render.citations import citation_cards
from assistant.ui.render.log import exchange_detail, trace_table
from assistant.ui.render.lookup import (
    clause_body,
    clause_key,
    clause_name,
    highlight,
    is_heading_only,
    policy_tree,
    search_results,
)
from assistant.ui.render.messages import (
    error_html,
    feedback_target_html,
    muted_html,
    notice_html,
    user_message_html,
)
from assistant.ui.render.text import esc, esc_lines, yuan
from assistant.ui.render.validity import policy_status, validity_tag

__all__ = [
    "FOLD_CHARS",
    "HEADLINE_CHARS",
    "answer_text",
    "as_of_line",
    "chat_answer_html",
    "citation_cards",
    "clause_body",
    "clause_key",
    "clause_name",
    "error_html",
    "esc",
    "esc_lines",
    "exchange_detail",
    "feedback_target_html",
    "highlight",
    "is_heading_only",
    "muted_html",
    "notice_html",
    "policy_status",
    "policy_tree",
    "search_results",
    "trace_table",
    "user_message_html",
    "validity_tag",
    "yuan",
]
