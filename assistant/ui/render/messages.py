"""The chat's short messages: the user's own message, an error, a notice, a muted line, and the head of the
feedback panel. Part of :mod:`assistant.ui.render`, which re-exports them.
"""

from __future__ import annotations

from assistant.ui.render.text import esc, esc_lines


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
