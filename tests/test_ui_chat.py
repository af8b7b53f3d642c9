"""The chat's handlers without a browser: feedback bound to one message (one record per click, a reason
updating it), reset, option buttons, the chat as shown. The fast assistant (real reader, tracker, rules; no retriever) answers; the log is a real SQLite file."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from typing import Any

import gradio as gr
import pytest

from assistant.logstore import MAX_COMMENT_CHARS, LogStore
from assistant.ui.chat import (
    make_chat,
    make_feedback,
    make_like,
    make_option,
    make_reset,
    make_skip,
    make_thumbs,
)
from assistant.ui.services import Services

AS_OF = "2025-06-01"


@pytest.fixture
def services(fast_assistant, settings, tmp_path) -> Services:  # noqa: ANN001
    app_settings = replace(settings, home=tmp_path)
    return Services(app_settings, fast_assistant.corpus, dict(fast_assistant.rules), fast_assistant,
                    fast_assistant.retriever, LogStore(app_settings.db_path))


def _value(shown: Any) -> list[dict[str, Any]]:
    return shown["value"] if isinstance(shown, dict) else shown


def _feedback(services: Services) -> list[tuple[int, int, str | None, str | None]]:
    with sqlite3.connect(services.settings.db_path) as conn:
        return conn.execute("SELECT exchange_id, helpful, reason, comment FROM feedback ORDER BY id").fetchall()


def _ids(services: Services) -> list[int]:
    with sqlite3.connect(services.settings.db_path) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM feedback ORDER BY id")]


def _like(index: int, liked: bool | str) -> gr.LikeData:
    return gr.LikeData(None, {"index": index, "value": [], "liked": liked})


class Chat:
    """One browser session driving the handlers."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.chat = make_chat(services)
        self.sid: str | None = None
        self.shown: list[dict[str, Any]] = []

    def say(self, text: str) -> dict[str, Any]:
        shown, _box, self.sid, reply = self.chat(text, AS_OF, self.sid)
        self.shown = _value(shown)
        return reply

    def like(self, index: int, liked: bool | str) -> tuple[Any, ...]:
        return make_like(self.services)(self.sid, _like(index, liked))


def test_feedback_belongs_to_the_message_it_was_given_on(services) -> None:  # noqa: ANN001
    chat = Chat(services)
    first = chat.say("贯标通过了给多少？")
    second = chat.say("二级节点给多少")
    assert [m["role"] for m in chat.shown] == ["user", "assistant", "user", "assistant"]
    # 没用 on the FIRST answer (message 1), while the second is the latest: written at once, for the first,
    # and the panel opens for it.
    panel, head, *_, status = chat.like(1, False)
    assert panel["visible"] is True and "第1条答复" in head and "第2条" in head  # its headline: 按第2条…
    assert "第1条答复没用" in status
    assert _feedback(services) == [(first["exchange_id"], 0, None, None)]
    record = _ids(services)
    # The panel's reason and comment go into that same record: an update, not a second record.
    panel, *_rest, status = make_feedback(services)("金额错误", "第一条的意见", chat.sid)
    assert panel["visible"] is False and "第1条答复" in status
    assert _feedback(services) == [(first["exchange_id"], 0, "金额错误", "第一条的意见")]
    assert _ids(services) == record
    # 有用 on the second: written at once, for the second exchange.
    *_, status = chat.like(3, True)
    assert "第2条答复有用" in status
    assert _feedback(services)[-1] == (second["exchange_id"], 1, None, None)
    # A user message has no exchange: nothing is written.
    *_, status = chat.like(0, True)
    assert "无法评价" in status and len(_feedback(services)) == 2


def test_the_same_thumb_again_adds_nothing(services) -> None:  # noqa: ANN001
    chat = Chat(services)
    first = chat.say("贯标通过了给多少？")
    chat.like(1, True)
    assert all(out == gr.update() for out in chat.like(1, True))  # a repeated event: nothing changes
    chat.like(1, False)
    chat.like(1, False)
    assert _feedback(services) == [(first["exchange_id"], 0, None, None)]
    # In the browser a second click on the thumb shown takes it back (Gradio's toggle): the record goes, and
    # the next click is again one record, not a second one.
    *_, status = chat.like(1, "")
    assert "已撤销" in status and _feedback(services) == []
    chat.like(1, True)
    chat.like(1, "")
    chat.like(1, True)
    assert _feedback(services) == [(first["exchange_id"], 1, None, None)]


def test_switching_the_thumb_updates_the_one_record(services) -> None:  # noqa: ANN001
    chat = Chat(services)
    first = chat.say("贯标通过了给多少？")
    chat.like(1, True)
    record = _ids(services)
    panel, *_ = chat.like(1, False)  # changed their mind: the same record becomes 没用, the panel opens
    assert panel["visible"] is True
    assert _feedback(services) == [(first["exchange_id"], 0, None, None)] and _ids(services) == record
    make_feedback(services)("金额错误", "不对", chat.sid)
    panel, *_ = chat.like(1, True)  # and back: 有用, without the reason given for 没用
    assert panel["visible"] is False
    assert _feedback(services) == [(first["exchange_id"], 1, None, None)] and _ids(services) == record
    assert make_thumbs(services)(chat.sid)["feedback_value"] == ["Like"]


def test_the_thumbs_stay_on_their_own_answers(services) -> None:  # noqa: ANN001
    chat = Chat(services)
    chat.say("贯标通过了给多少？")
    chat.like(1, True)
    chat.say("二级节点给多少")
    assert make_thumbs(services)(chat.sid)["feedback_value"] == ["Like", None]  # not carried over to the new one


def test_the_panel_never_carries_over_to_the_next_answer(services) -> None:  # noqa: ANN001
    chat = Chat(services)
    first = chat.say("贯标通过了给多少？")
    chat.like(1, False)
    second = chat.say("二级节点给多少")  # the next message closes the panel; the 没用 stays, without a reason
    *_, status = make_feedback(services)("金额错误", "给第一条的", chat.sid)  # nothing open any more
    assert "请先点" in status
    assert _feedback(services) == [(first["exchange_id"], 0, None, None)]
    # 没用 on the second answer, then 有用 on the first: the panel (for the second) closes, nothing goes astray.
    chat.like(3, False)
    panel, *_ = chat.like(1, True)
    assert panel["visible"] is False
    *_, status = make_feedback(services)("金额错误", "给第二条的", chat.sid)
    assert "请先点" in status
    assert _feedback(services) == [(first["exchange_id"], 1, None, None), (second["exchange_id"], 0, None, None)]


def test_skip_keeps_the_dislike(services) -> None:  # noqa: ANN001
    chat = Chat(services)
    first = chat.say("贯标通过了给多少？")
    chat.like(1, False)
    panel, *_, status = make_skip(services)(chat.sid)
    assert panel["visible"] is False and "第1条答复没用" in status
    make_skip(services)(chat.sid)
    assert _feedback(services) == [(first["exchange_id"], 0, None, None)]


def test_the_comment_is_checked_and_the_panel_stays_open(services) -> None:  # noqa: ANN001
    chat = Chat(services)
    first = chat.say("贯标通过了给多少？")
    chat.like(1, False)
    send = make_feedback(services)
    panel, *_, status = send("金额错误", "长" * (MAX_COMMENT_CHARS + 1), chat.sid)
    assert panel["visible"] is True and "过长" in status  # the user can shorten it
    panel, *_, status = send("不喜欢", None, chat.sid)
    assert panel["visible"] is True and "反馈原因" in status
    assert _feedback(services) == [(first["exchange_id"], 0, None, None)]  # the refused ones changed nothing
    panel, *_ = send("其他", "长" * MAX_COMMENT_CHARS, chat.sid)
    assert panel["visible"] is False
    assert _feedback(services) == [(first["exchange_id"], 0, "其他", "长" * MAX_COMMENT_CHARS)]


def test_an_anonymous_visitor_cannot_read_or_change_anothers_feedback(services) -> None:  # noqa: ANN001
    from assistant.ui.staff import NOT_LOGGED_IN, make_log_query, make_open_exchange

    chat = Chat(services)
    first = chat.say("贯标通过了给多少？")
    chat.like(1, False)
    make_feedback(services)("金额错误", "只给工作人员看的说明", chat.sid)
    other = Chat(services)
    other.say("二级节点给多少")
    for session_id in (None, "", "not-a-session", other.sid):  # /feedback is public: any caller may send it
        out = make_feedback(services)("其他", "篡改", session_id)
        assert "请先点" in out[-1] and "只给工作人员看的说明" not in repr(out)
        out = make_like(services)(session_id, _like(1, ""))
        assert "只给工作人员看的说明" not in repr(out)
    assert _feedback(services) == [(first["exchange_id"], 0, "金额错误", "只给工作人员看的说明")]
    anonymous = gr.Request(username=None)
    table, status = make_log_query(services)("全部", None, None, False, anonymous)
    assert NOT_LOGGED_IN in status and "只给工作人员看的说明" not in repr(table)
    detail = make_open_exchange(services)[0](first["exchange_id"], anonymous)
    assert NOT_LOGGED_IN in detail and "只给工作人员看的说明" not in detail


def test_reset_ends_the_conversation_on_the_server(services) -> None:  # noqa: ANN001
    chat = Chat(services)
    asked = chat.say("我们有个市级标杆示范项目，想问能补多少")
    assert asked["missing_facts"] == ["invested_yuan"]
    old = chat.sid
    chat.like(1, False)
    out = make_reset(services)(old)
    assert out[:4] == ([], "", None, {}) and out[4]["visible"] is False
    assert services.sessions.get(old) is None and len(services.sessions) == 0
    assert _feedback(services) == [(asked["exchange_id"], 0, None, None)]  # logged at the click, kept
    chat.sid = None  # what the browser holds after the reset
    again = chat.say("已投入800万元")  # no longer the answer to "how much was invested?": the level is unknown
    assert again["conversation_id"] != old and again["missing_facts"] == ["level"] and again["amount_yuan"] is None


def test_an_option_button_answers_the_question_it_belongs_to(services) -> None:  # noqa: ANN001
    chat = Chat(services)
    asked = chat.say("我们有个标杆示范项目，想问能补多少")
    assert asked["options"][:3] == ["区级", "市级", "国家级"]
    assert chat.shown[-1]["options"][1] == {"value": "市级", "label": "市级"}
    shown, _box, chat.sid, reply = make_option(make_chat(services))(
        AS_OF, chat.sid, gr.SelectData(None, {"index": 1, "value": "市级"}), None)
    history = _value(shown)
    assert history[-2]["content"].endswith("市级</div>")  # sent as the user's message
    assert reply["missing_facts"] == ["invested_yuan"]  # the level slot is filled; the next question follows
    assert "options" not in history[1]  # the buttons belong to the latest question only
    final = chat.say("已投入800万元")
    assert final["amount_yuan"] == 2_400_000


def test_the_chat_shows_html_and_copies_text(services) -> None:  # noqa: ANN001
    chat = Chat(services)
    reply = chat.say("<b>贯标</b>通过了给多少？")
    user, answer = chat.shown[-2]["content"], chat.shown[-1]["content"]
    assert "&lt;b&gt;贯标&lt;/b&gt;" in user and '<div class="pqa-plain" hidden>&lt;b&gt;' in user
    assert answer.startswith('<div class="pqa-reply"><div class="pqa-plain" hidden>按第2条，可获20万元。')
    assert reply["answer"].startswith("按第2条")


def _file_like(value: Any, where: str = "") -> list[str]:
    """Where ``value`` holds an object gradio_client would take for a file: a dict with a string ``path``."""
    if isinstance(value, dict):
        own = [where] if isinstance(value.get("path"), str) else []
        return own + [w for k, v in value.items() for w in _file_like(v, f"{where}.{k}")]
    if isinstance(value, list | tuple):
        return [w for i, v in enumerate(value) for w in _file_like(v, f"{where}[{i}]")]
    return []


def test_the_api_reply_holds_nothing_gradio_client_takes_for_a_file(services) -> None:  # noqa: ANN001
    chat = Chat(services)
    shown, box, _sid, reply = chat.chat("贯标通过了给多少？", AS_OF, None)
    assert _file_like([shown, box, reply]) == []
    [detail] = [d for d in reply["citation_details"] if d["clause_id"] == "2"]
    assert detail["clause_path"].startswith("二、支持范围及标准") and detail["label"] == "第2条"
    # The CLI's --json (Reply.to_dict) keeps its key.
    cli = services.assistant.new_conversation(as_of=date(2025, 6, 1)).ask("贯标通过了给多少？").to_dict()
    assert [d["path"] for d in cli["citation_details"]] == [d["clause_path"] for d in reply["citation_details"]]
