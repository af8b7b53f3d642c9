"""Fixtures for the ui tests: one running app process (``python app.py``) for the whole session, and
in-process servers built from the session's assistant.

``running_app`` runs on a free port on 127.0.0.1 with its own temporary POLICY_QA_HOME, HF_HUB_OFFLINE=1 and a
staff login (:data:`STAFF`); the browser tests, the security tests and the 10-user load test share it.
``serve_app`` starts :func:`assistant.ui.server.create_app` in a thread (uvicorn) for settings of the test's
choosing (no staff password, a short session TTL, …) without loading the model again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from assistant.config import REPO_ROOT, Settings
from tests.servers import free_port, stop

START_TIMEOUT_S = 240
#: The staff login of the running app (test credentials, not a secret).
STAFF = ("staff", "test-staff-password-0000")


@dataclass(frozen=True)
class RunningApp:
    url: str
    home: Path
    log_path: Path
    pid: int = 0
    staff: tuple[str, str] | None = STAFF

    @property
    def db_path(self) -> Path:
        return self.home / "log.sqlite3"

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], app: RunningApp) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app exited with {proc.returncode} before serving:\n{app.log_tail()}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"app not up after {START_TIMEOUT_S}s:\n{app.log_tail()}")


@pytest.fixture(scope="session")
def running_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    home = tmp_path_factory.mktemp("app-home")
    port = free_port()
    app = RunningApp(f"http://127.0.0.1:{port}/", home, home / "app.log")
    env = dict(
        os.environ,
        POLICY_QA_HOME=str(home),
        GRADIO_SERVER_NAME="127.0.0.1",
        GRADIO_SERVER_PORT=str(port),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
        ANONYMIZED_TELEMETRY="False",
        POLICY_QA_STAFF_USER=STAFF[0],
        POLICY_QA_STAFF_PASSWORD=STAFF[1],
    )
    with app.log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "app.py")], cwd=REPO_ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(app.url, proc, app)
            yield replace(app, pid=proc.pid)
        finally:
            stop(proc, timeout=20)


@dataclass
class ServedApp:
    """An app served in this process: its URL and the services behind it (to inspect sessions and the log)."""

    url: str
    services: Any
    apps: list[Any]


@pytest.fixture
def serve_app(assistant, settings: Settings, tmp_path: Path) -> Iterator[Callable[..., ServedApp]]:  # noqa: ANN001
    """``serve_app(home=None, **settings_changes)`` starts the real server (create_app + uvicorn) in a thread;
    ``home`` is its state folder (default: a new one under the test's tmp_path)."""
    import uvicorn

    from assistant.logstore import LogStore
    from assistant.ui import server
    from assistant.ui.services import Services

    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(home: Path | None = None, **changes: Any) -> ServedApp:
        home = home or tmp_path / f"home-{len(servers)}"
        app_settings = replace(settings, home=home, **changes)
        app_settings.ensure_home()
        services = Services(app_settings, assistant.corpus, dict(assistant.rules), assistant, assistant.retriever,
                            LogStore(app_settings.db_path))
        fastapi_app = server.create_app(services)
        port = free_port()
        uv = uvicorn.Server(uvicorn.Config(fastapi_app, host="127.0.0.1", port=port, log_level="warning",
                                           timeout_graceful_shutdown=1))
        thread = threading.Thread(target=uv.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not uv.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail("in-process app did not start")
            time.sleep(0.05)
        servers.append((uv, thread))
        return ServedApp(f"http://127.0.0.1:{port}/", services, list(fastapi_app.state.gradio_apps))

    yield start
    for uv, _thread in servers:  # all at once: open event streams (clients' heartbeats) are not waited for
        uv.should_exit = uv.force_exit = True
    for _uv, thread in servers:
        thread.join(timeout=10)
