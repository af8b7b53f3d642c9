"""政策咨询 (chat) handlers: one turn, an option clicked, thumbs on one answer and its reason panel, reset.

Everything about a conversation lives server-side in its :class:`~assistant.ui.services.Session` (the browser
holds only the id): the chat as shown, which exchange each answer belongs to, the thumbs shown, and the one
没用 whose reason panel is open.

Feedback is bound to one message: Gradio's ``like`` event says which message (its index in the chat) and
which thumb; the session maps the index to the logged exchange. Every click is written at once, as one record
per message: 有用 or 没用 adds it, the other thumb on the same message later changes that record's verdict, and
the reason panel (opened by 没用 for that answer only) sets its reason and comment — an update, never a second
record. 跳过, another thumb, the next message or a reset close the panel and keep the 没用 as it is. A
repeated event for the thumb already shown writes nothing; a thumb taken back removes its record.

Oversized input is rejected before anything else looks at it: the server refuses request bodies over
:data:`assistant.ui.server.MAX_REQUEST_BYTES`, the chat box has ``max_length``, and :func:`make_chat` checks
the length first and neither answers, logs nor keeps such a message.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.errors import InputError, PolicyQAError
from assistant.ui import render
from assistant.ui.common import GENERIC_ERROR, parse_as_of
from assistant.ui.services import Services, Session

log = logging.getLogger(__name__)

#: Characters of a rejected, oversized message echoed back in the chat.
ECHO_CHARS = 200
LIKE, DISLIKE = "Like", "Dislike"
NO_PANEL = "请先点答复下方的“踩”，再填写原因。"


def too_long_message(length: int, limit: int) -> str:
    return (f"消息过长（{length} 字，上限 {limit} 字），未处理也未记录。"
            "请只保留想咨询的问题和关键数字，例如项目投资金额、认定级别。")


def expired_notice(ttl_s: float) -> str:
    return f"之前的对话闲置超过 {max(1, round(ttl_s / 60))} 分钟已结束，以下为新的对话。"


def _messages(*messages: tuple[str, str]) -> list[dict[str, str]]:
    return [{"role": role, "content": content} for role, content in messages]


def _shown(session: Session, history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chat as the API returns it (a list of messages); :func:`make_thumbs` then restores the thumbs."""
    return history


def make_thumbs(services: Services) -> Callable[[str | None], Any]:
    """The thumbs of every answer, set again after the chat is replaced: Gradio keeps a message's thumb only
    while the message lives, so without this a new answer would clear the thumbs given on earlier ones."""

    def thumbs(session_id: str | None) -> Any:
        session = services.sessions.get(session_id)
        return gr.update(feedback_value=session.feedback_value() if session is not None else [])

    return thumbs


def close_panel(session: Session) -> None:
    """Close the reason panel (the caller holds the lock): its 没用 is already logged and stays as it is."""
    session.panel = None


def api_reply(reply: Any) -> dict[str, Any]:
    """The reply as ``/chat`` returns it: :meth:`~assistant.dialogue.reply.Reply.to_dict` (the CLI's ``--json``)
    with each citation's ``path`` named ``clause_path``. gradio_client takes any object with a string ``path``
    in a result for a file and tries to download it, so no key of the public payload may be called that."""
    data = dict(reply.to_dict())
    data["citation_details"] = [{("clause_path" if key == "path" else key): value for key, value in c.items()}
                                for c in data.get("citation_details") or []]
    return data


def make_chat(services: Services) -> Callable[..., tuple[Any, ...]]:
    limit = services.settings.max_question_chars
    names = services.policy_names()

    def chat(message: str, as_of_value: Any, session_id: str | None, request: gr.Request | None = None):
        """Answer one turn in this browser session's conversation; log the exchange.

        Returns (chat, new text of the input box, session id, reply as JSON). The history lives in the
        server-side session, so the browser never sends it back."""
        text = message if isinstance(message, str) else ""
        session = services.sessions.get(session_id)
        if len(text) > limit:  # first thing: an oversized message is never normalised, answered, logged or kept
            error = too_long_message(len(text), limit)
            rejected = (("user", render.user_message_html(f"{text[:ECHO_CHARS]}…")),
                        ("assistant", render.error_html(error)))
            if session is None:
                return _messages(*rejected), gr.update(), None, {"error": error}
            with session.lock:
                return _shown(session, session.add_messages(*rejected)), gr.update(), session.id, {"error": error}
        user = ("user", render.user_message_html(text))
        browser = getattr(request, "session_hash", None)
        expired = session is None and (bool(session_id) or services.sessions.browser_expired(browser))
        notice = render.muted_html(expired_notice(services.settings.session_ttl_s)) if expired else ""
        try:
            as_of = parse_as_of(as_of_value)
        except InputError as err:
            error_reply = ("assistant", notice + render.error_html(str(err)))
            if session is None:
                return _messages(user, error_reply), "", None, {"error": str(err)}
            with session.lock:
                return _shown(session, session.add_messages(user, error_reply)), "", session.id, {"error": str(err)}
        session = session or services.new_session(as_of)
        with session.lock:  # one turn at a time per conversation
            close_panel(session)  # the panel belongs to the answer it opened for, never to the next one
            if session.as_of != as_of:  # the profile stays; validity and figures follow the new date
                session.as_of = session.conversation.as_of = as_of
            try:
                reply = session.conversation.ask(text)
            except PolicyQAError as err:
                failed = ("assistant", notice + render.error_html(str(err)))
                return _shown(session, session.add_messages(user, failed)), "", session.id, {"error": str(err)}
            except Exception:  # the user sees a sentence, the log gets the traceback
                log.exception("chat turn failed")
                failed = ("assistant", notice + render.error_html(GENERIC_ERROR))
                return _shown(session, session.add_messages(user, failed)), "", session.id, {"error": GENERIC_ERROR}
            session.turn += 1
            try:
                session.last_exchange_id = services.log.log_exchange(session.id, text, reply, turn=session.turn)
            except (sqlite3.Error, PolicyQAError):  # the answer still goes out; the log says why it is missing
                log.exception("could not log the exchange")
                session.last_exchange_id = None
            if session.last_exchange_id is not None:
                session.headlines[session.last_exchange_id] = reply.headline or reply.answer.split("\n", 1)[0]
            said = (reply.parts or {}).get("validity") or reply.validity_notice
            repeated = bool(said) and said in session.validity_said
            if said:
                session.validity_said.add(said)
            answer = ("assistant", notice + render.chat_answer_html(reply, names, repeated_validity=repeated))
            history = session.add_messages(user, answer, exchange_id=session.last_exchange_id,
                                           options=list(reply.options))
            shown = _shown(session, history)
        data = api_reply(reply)
        data["exchange_id"] = session.last_exchange_id
        data["conversation_id"] = session.id
        return shown, "", session.id, data

    return chat


def ask_fixed(chat: Callable[..., tuple[Any, ...]], question: str) -> Callable[..., tuple[Any, ...]]:
    """An example button's handler: ``chat`` with a fixed question (and the request, for expiry)."""

    def ask(as_of_value: Any, session_id: str | None, request: gr.Request) -> tuple[Any, ...]:
        return chat(question, as_of_value, session_id, request)

    return ask


def make_option(chat: Callable[..., tuple[Any, ...]]) -> Callable[..., tuple[Any, ...]]:
    """An option button under the last answer ("市级"): sent as the user's next message."""

    def choose(as_of_value: Any, session_id: str | None, evt: gr.SelectData, request: gr.Request):
        return chat(str(evt.value or ""), as_of_value, session_id, request)

    return choose


# -- feedback ---------------------------------------------------------------------------------------

#: What the feedback handlers return: panel (visibility), its head, reason, comment, status line.
Panel = tuple[Any, Any, Any, Any, Any]

def _unchanged() -> Panel:
    """Nothing on the page changes (a repeated event)."""
    return gr.update(), gr.update(), gr.update(), gr.update(), gr.update()


def _closed(status: str = "") -> Panel:
    return gr.update(visible=False), "", gr.update(value=None), gr.update(value=""), status


def _judge(services: Services, session: Session, exchange_id: int, helpful: bool) -> None:
    """Log this session's verdict on the exchange: the first click adds the record, a switch updates it (and
    clears the reason, which belonged to the other verdict). The caller holds the lock."""
    record = session.feedback_ids.get(exchange_id)
    if record is None:
        session.feedback_ids[exchange_id] = services.log.add_feedback(exchange_id, helpful)
    else:
        services.log.update_feedback(record, None, None, helpful=helpful)


def _take_back(services: Services, session: Session, exchange_id: int, number: int) -> Panel:
    """The thumb was clicked again (Gradio's toggle): the judgement is withdrawn, its record removed."""
    record = session.feedback_ids.get(exchange_id)
    if record is not None:
        try:
            services.log.delete_feedback(record)
        except PolicyQAError as err:
            return _closed(render.error_html(str(err)))
        except sqlite3.Error:
            log.exception("could not remove feedback")
            return _closed(render.error_html(GENERIC_ERROR))
    session.feedback_ids.pop(exchange_id, None)
    session.feedback.pop(exchange_id, None)
    return _closed(render.muted_html(f"已撤销对第{number}条答复的评价。") if record is not None else "")


def make_like(services: Services) -> Callable[..., Panel]:
    def like(session_id: str | None, evt: gr.LikeData) -> Panel:
        session = services.sessions.get(session_id)
        index = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        exchange_id = session.exchange_at(int(index)) if session is not None else None
        if session is None or exchange_id is None:
            return _closed(render.error_html("这条消息无法评价（对话可能已结束），请对新的答复评价。"))
        thumb = LIKE if evt.liked is True else DISLIKE if evt.liked is False else None
        with session.lock:
            if thumb is not None and session.feedback.get(exchange_id) == thumb:
                return _unchanged()  # the same thumb again: nothing new
            close_panel(session)  # any other click closes the panel; the 没用 it was for stays
            number = session.answer_number(exchange_id)
            if thumb is None:
                return _take_back(services, session, exchange_id, number)
            try:
                _judge(services, session, exchange_id, thumb == LIKE)
            except PolicyQAError as err:  # e.g. the log is unavailable: say so, in Chinese
                return _closed(render.error_html(str(err)))
            except sqlite3.Error:
                log.exception("could not log feedback")
                return _closed(render.error_html(GENERIC_ERROR))
            session.feedback[exchange_id] = thumb
            if thumb == LIKE:
                return _closed(render.notice_html(f"已记录：第{number}条答复有用，感谢！"))
            session.panel = exchange_id
            head = render.feedback_target_html(number, session.headlines.get(exchange_id, ""))
            status = render.notice_html(f"已记录：第{number}条答复没用。可在下方选填原因和说明，提交后补进这条记录。")
            return gr.update(visible=True), head, gr.update(value=None), gr.update(value=""), status

    return like


def make_feedback(services: Services) -> Callable[..., Panel]:
    def feedback(reason: str | None, comment: str | None, session_id: str | None) -> Panel:
        """Send the open panel: the reason and comment go into the 没用 record of the answer it is about."""
        session = services.sessions.get(session_id)
        if session is None:
            return _closed(render.error_html(NO_PANEL))
        with session.lock:
            exchange_id = session.panel
            record = session.feedback_ids.get(exchange_id) if exchange_id is not None else None
            if exchange_id is None or record is None:
                return _closed(render.error_html(NO_PANEL))
            number = session.answer_number(exchange_id)
            try:
                services.log.update_feedback(record, reason, comment)
            except PolicyQAError as err:  # e.g. a comment too long: the panel stays open
                return gr.update(visible=True), gr.update(), gr.update(), gr.update(), render.error_html(str(err))
            except sqlite3.Error:
                log.exception("could not log feedback")
                return gr.update(visible=True), gr.update(), gr.update(), gr.update(), render.error_html(GENERIC_ERROR)
            close_panel(session)
        return _closed(render.notice_html(f"已记录：第{number}条答复的意见（记录 #{exchange_id}），感谢！"))

    return feedback


def make_skip(services: Services) -> Callable[..., Panel]:
    def skip(session_id: str | None) -> Panel:
        """Close the panel without a reason: the 没用 is already logged."""
        session = services.sessions.get(session_id)
        if session is None:
            return _closed()
        with session.lock:
            exchange_id = session.panel
            close_panel(session)
            if exchange_id is None:
                return _closed()
            number = session.answer_number(exchange_id)
        return _closed(render.notice_html(f"已记录：第{number}条答复没用。"))

    return skip


def make_reset(services: Services) -> Callable[..., tuple[Any, ...]]:
    """新对话 and the chat's trash button: the conversation on the server ends (its state is gone)."""

    def reset(session_id: str | None):
        services.sessions.drop(session_id)  # the feedback given is logged already; nothing is left to write
        return ([], "", None, {}, *_closed())

    return reset
