"""Session fixtures for the ui tests: one running app process (``python app.py``) for the whole session.

The app runs on a free port on 127.0.0.1 with its own temporary POLICY_QA_HOME and HF_HUB_OFFLINE=1;
the browser tests and the 10-user load test share it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.config import REPO_ROOT
from tests.servers import free_port, stop

START_TIMEOUT_S = 240


@dataclass(frozen=True)
class RunningApp:
    url: str
    home: Path
    log_path: Path

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
    )
    with app.log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "app.py")], cwd=REPO_ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(app.url, proc, app)
            yield app
        finally:
            stop(proc, timeout=20)
