"""A damaged conversation log never takes the app down: it starts and answers, the bad file is moved aside
with a Chinese warning and a new log started; damaged while running, logging recovers the same way and the
staff views say so in Chinese (never Gradio's English error)."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from gradio_client import Client

from assistant.config import REPO_ROOT
from tests.damaged_logs import DAMAGE, damage_log, moved_aside
from tests.fixtures_ui import RunningApp, _wait_until_up
from tests.servers import free_port, stop

pytestmark = [pytest.mark.integration, pytest.mark.slow]

AS_OF = "2025-06-01"
STAFF = ("staff", "damaged-log-test-password")
ENGLISH = re.compile(r"error|traceback|database|malformed|disk image", re.IGNORECASE)


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _client(url: str, **kwargs) -> Client:  # noqa: ANN003
    return Client(url, verbose=False, download_files=False, **kwargs)


@pytest.mark.parametrize("how", DAMAGE)
def test_app_starts_answers_and_logs_with_a_damaged_log(serve_app, tmp_path: Path, how: str,
                                                        caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    home = tmp_path / "home"
    damage_log(home / "log.sqlite3", how)
    with caplog.at_level(logging.WARNING, logger="assistant.logstore"):
        app = serve_app(home=home, staff_password=STAFF[1], staff_user=STAFF[0])
    assert len(moved_aside(home)) == 1
    assert any("对话记录文件已损坏" in r.getMessage() and "已移至" in r.getMessage() for r in caplog.records)
    reply = _client(app.url).predict("规上企业奖励多少", AS_OF, api_name="/chat")[-1]
    assert reply["answer"] and reply["exchange_id"] is not None  # answered, and logged in the new log
    table, status = _client(app.url + "staff/", auth=STAFF).predict("全部", None, None, False, api_name="/log")
    assert "共 1 条" in status and "已移至" in status  # the staff are told where the old records went


def test_log_damaged_while_running(serve_app, tmp_path: Path) -> None:  # noqa: ANN001
    app = serve_app(staff_password=STAFF[1], staff_user=STAFF[0])
    db = app.services.settings.db_path
    chat = _client(app.url)
    staff = _client(app.url + "staff/", auth=STAFF)
    assert chat.predict("规上企业奖励多少", AS_OF, api_name="/chat")[-1]["exchange_id"] == 1

    # Damaged under the running app: the next turn is answered and logged in a new log (not silently lost).
    damage_log(db, "corrupt_pages")
    reply = chat.predict("贯标奖励多少", AS_OF, api_name="/chat")[-1]
    assert reply["answer"] and reply["exchange_id"] is not None
    assert len(moved_aside(db.parent)) == 1
    _table, status = staff.predict("全部", None, None, False, api_name="/log")
    assert "已移至" in status and not ENGLISH.search(_visible(status))

    # Damaged again and found by a staff view first: a Chinese sentence, then the new log works.
    damage_log(db, "corrupt_pages")
    _table, status = staff.predict("全部", None, None, False, api_name="/log")
    assert "对话记录文件已损坏" in status and not ENGLISH.search(_visible(status))
    assert len(moved_aside(db.parent)) == 2
    detail = staff.predict(1, api_name="/open_exchange")
    assert "找不到编号为 1" in detail  # the new log is empty, and says so in Chinese
    _path, status = staff.predict("全部", None, None, False, api_name="/export_csv")
    assert "已导出" in status


def test_the_app_process_starts_with_a_damaged_log(tmp_path: Path) -> None:
    """``python app.py`` itself, as an operator would start it, on a log with corrupt pages."""
    home = tmp_path / "home"
    damage_log(home / "log.sqlite3", "corrupt_pages")
    port = free_port()
    app = RunningApp(f"http://127.0.0.1:{port}/", home, home / "app.log")
    env = dict(os.environ, POLICY_QA_HOME=str(home), GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=str(port),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    env.pop("POLICY_QA_STAFF_PASSWORD", None)
    with app.log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, str(REPO_ROOT / "app.py")], cwd=REPO_ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(app.url, proc, app)
            client = _client(app.url)
            reply = client.predict("规上企业奖励多少", AS_OF, api_name="/chat")[-1]
            assert reply["answer"] and reply["exchange_id"] == 1
            client.close()
        finally:
            stop(proc, timeout=20)
    text = app.log_path.read_text(encoding="utf-8", errors="replace")
    assert "对话记录文件已损坏" in text and "DatabaseError" not in text
    assert len(moved_aside(home)) == 1
