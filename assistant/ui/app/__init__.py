"""The public Gradio app: 政策咨询 (chat), 政策匹配, 热线查询 (look-up), 计算器 — anonymous, no login.

:func:`build_app` lays the tabs out and wires them to the handlers of :mod:`assistant.ui.chat`,
:mod:`assistant.ui.matching`, :mod:`assistant.ui.hotline` and :mod:`assistant.ui.calculator`, which use the
services loaded once per process (:mod:`assistant.ui.services`). The staff views (记录, CSV export) are a
separate app (:mod:`assistant.ui.staff`) that :mod:`assistant.ui.server` mounts under /staff behind a login;
none of their functions exist here, so the public Gradio API cannot reach the log. The public API: ``/chat``
answers one turn in the caller's session (what the load test drives), ``/new_conversation``, ``/feedback``,
``/match``, ``/search``, ``/standard_reply`` and ``/calc_<item>``.

Every form is generated from the rules data in one loop; no item, fact or option is named here.

The modules: :mod:`~assistant.ui.app.layout` (:func:`build_app`, the header), one module per tab
(:mod:`~assistant.ui.app.chat_tab`, :mod:`~assistant.ui.app.match_tab`, :mod:`~assistant.ui.app.hotline_tab`,
:mod:`~assistant.ui.app.calc_tab`) and :mod:`~assistant.ui.app.theme` (stylesheet, page script, Chinese interface
strings, theme). Import from here: this package re-exports their names and, as before, the chat handlers and
shared settings the server and the tests take from here.
"""

from __future__ import annotations

from assistant.ui.app.chat_tab import CHAT_PLACEHOLDER
from assistant.ui.app.layout import build_app, header_html
from assistant.ui.app.theme import CSS, FRAME_CSS, HEAD, I18N, PAGE_JS, THEME
from assistant.ui.chat import expired_notice, make_chat, too_long_message
from assistant.ui.common import CONCURRENCY, GENERIC_ERROR, TITLE, parse_as_of

__all__ = [
    "CHAT_PLACEHOLDER",
    "CONCURRENCY",
    "CSS",
    "FRAME_CSS",
    "GENERIC_ERROR",
    "HEAD",
    "I18N",
    "PAGE_JS",
    "THEME",
    "TITLE",
    "build_app",
    "expired_notice",
    "header_html",
    "make_chat",
    "parse_as_of",
    "too_long_message",
]
