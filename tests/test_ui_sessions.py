"""Chat sessions are bounded: idle ones expire (conversation, history and Gradio's per-session state), at
most ``max_sessions`` are kept, and the chat handler rejects an oversized message before anything else."""

from __future__ import annotations

import copy
import json
import time
from dataclasses import replace
from typing import Any

import pytest

from assistant.ui.services import MAX_HISTORY_MESSAGES, Session, Sessions

AS_OF = "2025-06-01"


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _session(sid: str) -> Session:
    return Session(conversation=None, as_of=None, id=sid)  # type: ignore[arg-type]


def test_idle_sessions_expire_and_use_keeps_them_alive() -> None:
    clock = _Clock()
    sessions = Sessions(maxsize=100, ttl_s=60, clock=clock)
    for sid in ("a", "b", "c"):
        sessions.add(_session(sid))
    clock.now += 50
    assert sessions.get("b") is not None  # used: idle time starts again
    clock.now += 20
    assert sessions.expire() == 2 and len(sessions) == 1
    assert sessions.get("a") is None and sessions.get("b") is not None
    clock.now += 61
    assert sessions.get("b") is None and len(sessions) == 0  # an expired one is not handed out either


def test_at_most_maxsize_sessions_least_recently_used_dropped() -> None:
    sessions = Sessions(maxsize=3, ttl_s=None)
    for sid in "abc":
        sessions.add(_session(sid))
    sessions.get("a")
    sessions.add(_session("d"))
    assert len(sessions) == 3 and sessions.get("b") is None and sessions.get("a") is not None
    assert sessions.expire() == 0  # no TTL, nothing expires


def test_history_is_bounded() -> None:
    session = _session("a")
    for i in range(MAX_HISTORY_MESSAGES):
        session.add_messages(("user", f"问{i}"), ("assistant", f"答{i}"))
    assert len(session.history) == MAX_HISTORY_MESSAGES
    assert session.history[-1]["content"] == f"答{MAX_HISTORY_MESSAGES - 1}"


# -- the chat handler ------------------------------------------------------------------------------------


@pytest.fixture()
def services(assistant, settings, tmp_path):  # noqa: ANN001, ANN201
    from assistant.logstore import LogStore
    from assistant.ui.services import Services

    app_settings = replace(settings, home=tmp_path)
    return Services(app_settings, assistant.corpus, dict(assistant.rules), assistant, assistant.retriever,
                    LogStore(app_settings.db_path))


@pytest.mark.slow
def test_oversized_message_is_rejected_before_anything_else(services, monkeypatch) -> None:  # noqa: ANN001
    from assistant.ui.app import make_chat

    def no(*_args: Any) -> None:
        raise AssertionError("an oversized message reached the assistant")

    monkeypatch.setattr(services, "new_session", no)
    chat = make_chat(services)
    limit = services.settings.max_question_chars
    history, _box, session_id, reply = chat("企" * 5_000_000, AS_OF, None)
    assert "消息过长" in reply["error"] and str(limit) in reply["error"]
    assert session_id is None and services.log.counts()["exchanges"] == 0
    assert len(history) == 2 and len(history[0]["content"]) < 1_000


@pytest.mark.slow
def test_a_message_at_the_limit_is_answered_and_logged(services) -> None:  # noqa: ANN001
    from assistant.ui.app import make_chat

    chat = make_chat(services)
    text = "规上企业奖励多少" + "。" * (services.settings.max_question_chars - 8)
    history, _box, session_id, reply = chat(text, AS_OF, None)
    assert "error" not in reply and session_id and services.log.counts()["exchanges"] == 1
    assert services.sessions.get(session_id).history == history  # type: ignore[union-attr]


# -- expiry in the running server -----------------------------------------------------------------------


def _client(url: str):  # noqa: ANN202
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False)


@pytest.mark.slow
@pytest.mark.integration
def test_idle_sessions_and_their_gradio_state_expire_in_the_server(serve_app) -> None:  # noqa: ANN001
    app = serve_app(session_ttl_s=1.0)
    holder = app.apps[0].state_holder
    client = _client(app.url)
    first = client.predict("我们有个标杆示范项目，想问能补多少", AS_OF, api_name="/chat")[-1]
    assert first["missing_facts"] and len(app.services.sessions) == 1
    assert len(holder.session_data) >= 1
    deadline = time.monotonic() + 15  # TTL 1 s, swept every second
    while (len(app.services.sessions) or holder.session_data) and time.monotonic() < deadline:
        time.sleep(0.25)
    assert len(app.services.sessions) == 0 and len(holder.session_data) == 0
    # The same browser session carries on: a new conversation, and the user is told why.
    history, _box, second = client.predict("市级的", AS_OF, api_name="/chat")  # (State is not an API output)
    assert second["conversation_id"] != first["conversation_id"]
    assert "闲置" in json.dumps(history[-1], ensure_ascii=False)


@pytest.mark.slow
@pytest.mark.integration
def test_page_config_copies_do_not_copy_the_conversations(serve_app, monkeypatch) -> None:  # noqa: ANN001
    """Gradio deep-copies the page config on every page load; it must not reach the open conversations
    (it did through a bound-method callback: /config went from 10 ms to 1 s after the first chat)."""
    app = serve_app()
    _client(app.url).predict("规上企业奖励多少", AS_OF, api_name="/chat")
    assert len(app.services.sessions) == 1

    def refuse(self, memo):  # noqa: ANN001, ANN202
        raise AssertionError("the page config reaches the sessions")

    monkeypatch.setattr(Sessions, "__deepcopy__", refuse, raising=False)
    copy.deepcopy(app.apps[0].config)
