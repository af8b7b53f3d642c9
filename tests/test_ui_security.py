"""The app probed as an attacker would: staff data behind the login, no staff function in the public API,
oversized requests refused before anything reads them, and a warning when listening beyond loopback.

Against the running app (``python app.py`` with a staff login, :data:`tests.fixtures_ui.STAFF`) with
gradio_client and raw HTTP (httpx), and against in-process servers for the settings the running app does
not have (no staff password).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import uuid
from typing import Any

import httpx
import psutil
import pytest
from gradio_client import Client

from assistant.config import Settings
from assistant.logstore import LogStore
from assistant.ui import server
from tests.fixtures_ui import STAFF

pytestmark = [pytest.mark.integration, pytest.mark.slow]

STAFF_NAMES = ("log", "open_exchange", "export_csv")
AS_OF = "2025-06-01"


def _client(url: str, **kwargs: Any) -> Client:
    return Client(url, verbose=False, download_files=False, **kwargs)


def _plant(url: str) -> str:
    """Ask one question with a unique marker in it (what an attacker would try to read back)."""
    marker = f"秘密{uuid.uuid4().hex[:8]}"
    _client(url).predict(f"=1+1 {marker} 我们有个标杆示范项目，想问能补多少", AS_OF, api_name="/chat")
    return marker


def _http(base_url: str) -> httpx.Client:
    """A client that opens a new connection per request (the server may drop one after refusing it)."""
    return httpx.Client(base_url=base_url, timeout=30, limits=httpx.Limits(max_keepalive_connections=0))


def _post(http: httpx.Client, path: str, body: dict[str, Any]) -> tuple[int, str]:
    """(status, text) of a POST; a connection the server drops counts as status 0 (refused, nothing read)."""
    try:
        response = http.post(path, json=body)
    except httpx.TransportError:
        return 0, ""
    return response.status_code, response.text


def _exchanges(db) -> int:  # noqa: ANN001
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0])


# -- the public app --------------------------------------------------------------------------------------


def test_public_api_has_no_staff_function(running_app) -> None:  # noqa: ANN001
    marker = _plant(running_app.url)
    client = _client(running_app.url)
    named = set(client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert "/chat" in named and not named & {f"/{n}" for n in STAFF_NAMES}
    for name in STAFF_NAMES:
        with pytest.raises(ValueError, match="Cannot find a function"):
            client.predict(api_name=f"/{name}")
    with _http(running_app.url) as http:
        config = http.get("config").json()
        api_names = {d.get("api_name") for d in config["dependencies"]}
        assert not api_names & set(STAFF_NAMES)
        assert all(c.get("props", {}).get("elem_id") != "log-table" for c in config["components"])
        for name in STAFF_NAMES:  # the raw call API and the queue know nothing of them either
            status, text = _post(http, f"gradio_api/call/{name}", {"data": []})
            assert status == 0 or status >= 400 and marker not in text
        for fn_index in range(len(config["dependencies"]) + 5):  # every public function, called blind
            body = {"data": [], "fn_index": fn_index, "session_hash": uuid.uuid4().hex[:10]}
            assert marker not in _post(http, "gradio_api/queue/join", body)[1]
        for path in ("config", "gradio_api/info", "gradio_api/openapi.json", ""):
            assert marker not in http.get(path).text


def test_staff_app_refuses_everything_without_login(running_app) -> None:  # noqa: ANN001
    marker = _plant(running_app.url)
    with _http(running_app.url + "staff/") as http:
        for path in ("config", "gradio_api/info", "gradio_api/openapi.json", "gradio_api/queue/data?session_hash=x"):
            response = http.get(path)
            assert response.status_code == 401, path
            assert marker not in response.text
        page = http.get("")
        assert marker not in page.text and "log-table" not in page.text
        for name in STAFF_NAMES:
            status, text = _post(http, f"gradio_api/call/{name}", {"data": ["全部", None, None, False]})
            assert status == 401 and marker not in text
        for fn_index in range(12):  # more than the staff app has
            body = {"data": ["全部", None, None, False], "fn_index": fn_index, "session_hash": "attacker"}
            status, text = _post(http, "gradio_api/queue/join", body)
            assert status == 401 and marker not in text
        wrong = http.post("login", data={"username": STAFF[0], "password": STAFF[1] + "x"})
        assert wrong.status_code == 400
        assert http.get("config").status_code == 401  # a failed login gives no cookie
        exports = running_app.home / "exports"
        for csv_file in exports.glob("*.csv"):
            assert http.get(f"gradio_api/file={csv_file}").status_code == 401
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; what matters is that it fails
        _client(running_app.url + "staff/").predict("全部", None, None, False, api_name="/log")


def test_staff_login_reads_the_log_and_exports_neutralised_csv(running_app) -> None:  # noqa: ANN001
    marker = _plant(running_app.url)
    staff = _client(running_app.url + "staff/", auth=STAFF)
    table, status = staff.predict("全部", None, None, False, api_name="/log")
    rows = table["value"]["data"] if "value" in table else table["data"]
    assert any(marker in str(r) for r in rows) and "共" in status
    exchange_id = next(r[0] for r in rows if marker in str(r))
    assert marker in staff.predict(exchange_id, api_name="/open_exchange")
    exported, status = staff.predict("全部", None, None, False, api_name="/export_csv")
    assert "已导出" in status
    with _http(running_app.url) as http:
        login = http.post("staff/login", data={"username": STAFF[0], "password": STAFF[1]})
        assert login.status_code == 200
        text = http.get(exported["url"]).content.decode("utf-8-sig")
        assert marker in text and f"'=1+1 {marker}" in text  # the formula cell is neutralised
        # The public app does not serve the export, neither Gradio's copy nor the exports folder.
        http.cookies.clear()
        assert http.get(f"gradio_api/file={exported['path']}").status_code == 403
        for csv_file in (running_app.home / "exports").glob("*.csv"):
            assert http.get(f"gradio_api/file={csv_file}").status_code == 403


def test_feedback_is_read_only_behind_the_staff_login(running_app) -> None:  # noqa: ANN001
    """A reason and comment given on an answer: no public endpoint gives them back, nor /feedback lets a visitor
    change them; the staff app shows them only after the login."""
    marker = _plant(running_app.url)
    with sqlite3.connect(running_app.db_path) as conn:
        exchange_id = conn.execute("SELECT id FROM exchanges WHERE question LIKE ?", (f"%{marker}%",)).fetchone()[0]
    comment = f"意见{uuid.uuid4().hex[:8]}"
    LogStore(running_app.db_path).add_feedback(exchange_id, False, "其他", comment)  # not the browser tests' reason
    visitor = _client(running_app.url)
    visitor.predict("贯标通过了给多少？", AS_OF, api_name="/chat")
    answers = [visitor.predict("其他", "改掉别人的意见", api_name="/feedback"),
               visitor.predict(api_name="/new_conversation")]
    assert "请先点" in str(answers[0]) and comment not in str(answers)
    with _http(running_app.url) as http:
        for path in ("config", "gradio_api/info", "gradio_api/openapi.json", ""):
            assert comment not in http.get(path).text
        for path in ("staff/config", "staff/gradio_api/info"):
            response = http.get(path)
            assert response.status_code == 401 and comment not in response.text
        status, text = _post(http, "staff/gradio_api/call/open_exchange", {"data": [exchange_id]})
        assert status == 401 and comment not in text
    with sqlite3.connect(running_app.db_path) as conn:  # unchanged by the visitor's /feedback
        assert conn.execute("SELECT reason, comment FROM feedback WHERE exchange_id = ?",
                            (exchange_id,)).fetchall() == [("其他", comment)]
    staff = _client(running_app.url + "staff/", auth=STAFF)
    assert comment in staff.predict(exchange_id, api_name="/open_exchange")


def test_without_a_staff_password_the_staff_app_does_not_exist(serve_app) -> None:  # noqa: ANN001
    app = serve_app(staff_password=None)
    assert len(app.apps) == 1
    marker = _plant(app.url)
    with _http(app.url) as http:
        for path in ("staff", "staff/", "staff/config", "staff/gradio_api/info", "staff/login"):
            response = http.get(path)
            assert response.status_code == 404, path
            assert marker not in response.text
        assert http.post("staff/gradio_api/call/log", json={"data": []}).status_code in (404, 405)
    named = set(_client(app.url).view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert not named & {f"/{n}" for n in STAFF_NAMES}


def test_staff_handlers_check_the_session_user(serve_app) -> None:  # noqa: ANN001
    """Mounted without a login by mistake, the staff functions still answer nothing."""
    import gradio as gr

    from assistant.ui.staff import NOT_LOGGED_IN, make_export, make_log_query, make_open_exchange

    app = serve_app(staff_password=None)
    services = app.services
    ex_id = services.log.log_exchange("c", "不应被读到的问题", {"answer": "答", "intent": "award"})
    anonymous = gr.Request(username=None)
    _, status = make_log_query(services)("全部", None, None, False, anonymous)
    assert NOT_LOGGED_IN in status
    assert NOT_LOGGED_IN in make_open_exchange(services)[0](ex_id, anonymous)
    path, status = make_export(services)("全部", None, None, False, anonymous)
    assert path is None and NOT_LOGGED_IN in status
    assert "不应被读到的问题" in make_open_exchange(services)[0](ex_id, gr.Request(username="staff"))


# -- oversized input --------------------------------------------------------------------------------------


def test_ten_million_character_message_is_refused_before_it_is_read(running_app) -> None:  # noqa: ANN001
    process = psutil.Process(running_app.pid)
    before_rss, before_rows = process.memory_info().rss, _exchanges(running_app.db_path)
    body = json.dumps({"data": ["企" * 10_000_000, AS_OF, None], "fn_index": 0, "session_hash": "big"}).encode()
    started = time.perf_counter()
    response = httpx.post(running_app.url + "gradio_api/queue/join", content=body,
                          headers={"content-type": "application/json"}, timeout=60)
    elapsed = time.perf_counter() - started
    assert response.status_code == 413 and "请求过大" in response.json()["detail"]
    assert elapsed < 5
    time.sleep(1)
    assert _exchanges(running_app.db_path) == before_rows
    assert process.memory_info().rss - before_rss < 30 * 2**20  # nothing of the 30 MB body is kept
    # The app still answers.
    reply = _client(running_app.url).predict("规上企业奖励多少", AS_OF, api_name="/chat")[-1]
    assert reply.get("answer")


def test_chunked_oversized_body_is_refused_too(running_app) -> None:  # noqa: ANN001
    def chunks():  # no Content-Length: the server counts as the body arrives
        for _ in range(200):
            yield b"x" * 4096

    response = httpx.post(running_app.url + "gradio_api/queue/join", content=chunks(), timeout=60)
    assert response.status_code == 413


def test_message_over_the_limit_is_neither_answered_nor_logged(running_app) -> None:  # noqa: ANN001
    settings = Settings()
    before = _exchanges(running_app.db_path)
    history, _box, reply = _client(running_app.url).predict(
        "企" * (settings.max_question_chars + 1), AS_OF, api_name="/chat")
    assert "消息过长" in reply["error"] and "未处理也未记录" in reply["error"]
    assert "answer" not in reply
    assert _exchanges(running_app.db_path) == before
    shown = json.dumps(history, ensure_ascii=False)
    assert len(shown) < 5_000  # only the first characters are echoed
    config = httpx.get(running_app.url + "config", timeout=30).json()
    box_props = next(c["props"] for c in config["components"] if c.get("props", {}).get("elem_id") == "chat-input")
    assert box_props["max_length"] == settings.max_question_chars


# -- where the app listens --------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_non_loopback_address_is_warned_about_in_chinese(host: str, caplog: pytest.LogCaptureFixture,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    ran: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: ran.append((host, port)))
    monkeypatch.setattr(server, "create_app", lambda services: object())

    class _Services:
        settings = Settings(staff_password="a-long-enough-password")

    with caplog.at_level(logging.INFO, logger="assistant.ui.server"):
        server.serve(_Services(), host=host, port=7999)  # type: ignore[arg-type]
    assert ran == [(host, 7999)]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("不是本机回环地址" in w for w in warnings)
    assert any("HTTPS" in w and "/staff" in w for w in warnings)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_address_is_not_warned_about(host: str) -> None:
    messages = server.startup_messages(Settings(staff_password="a-long-enough-password"), host, 7860)
    assert all(level < logging.WARNING for level, _ in messages)


def test_short_staff_password_is_warned_about() -> None:
    messages = server.startup_messages(Settings(staff_password="1234"), "127.0.0.1", 7860)
    assert any(level == logging.WARNING and "POLICY_QA_STAFF_PASSWORD" in m for level, m in messages)
