"""The app's memory under load: its resident memory (RSS, from the process listening on the URL's port), the
size of its log, many sessions run in waves (and, optionally, idle time for the app to expire them), and one
oversized message. Part of :mod:`assistant.loadtest`, which re-exports every public name here.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from assistant.errors import InputError
from assistant.loadtest.report import LoadReport
from assistant.loadtest.users import _reply_of, check_loopback, run_loadtest

MAX_SESSIONS = 5000


def app_pid(url: str) -> int | None:
    """The pid of the process listening on the URL's port on this machine (None when not found)."""
    import psutil

    port = urlparse(url).port or 80
    with contextlib.suppress(psutil.Error, OSError):
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
                return int(conn.pid)
    return None


def rss_mb(pid: int | None) -> float | None:
    """Resident memory of process ``pid`` in MiB (None without a pid)."""
    import psutil

    if pid is None:
        return None
    try:
        return float(psutil.Process(pid).memory_info().rss) / 2**20
    except psutil.Error:
        return None


def log_size_mb(home: Path | None) -> float | None:
    if home is None:
        return None
    return sum(p.stat().st_size for p in home.glob("log.sqlite3*") if p.is_file()) / 2**20


def send_big_message(url: str, chars: int, *, pid: int | None = None, home: Path | None = None,
                     as_of: date | None = None, settle_s: float = 2.0) -> dict[str, Any]:
    """Send one chat message of ``chars`` characters; say whether the app refused it and what it cost."""
    import httpx
    from gradio_client import Client

    check_loopback(url)
    before_rss, before_log = rss_mb(pid), log_size_mb(home)
    client = Client(url, verbose=False, download_files=False)
    started = time.perf_counter()
    try:
        outputs = client.predict("企" * chars, (as_of or date.today()).isoformat(), api_name="/chat")
        reply = _reply_of(outputs)
        outcome = f"拒绝：{reply['error']}" if reply.get("error") else "已作答（未拒绝）"
    except httpx.HTTPStatusError as err:
        outcome = f"拒绝：HTTP {err.response.status_code}"
    except Exception as err:  # the client may wrap the refusal in its own error
        outcome = f"拒绝：{err.__class__.__name__}: {str(err)[:80]}"
    seconds = time.perf_counter() - started
    with contextlib.suppress(Exception):
        client.close()
    time.sleep(settle_s)
    after_log = log_size_mb(home)
    return {
        "chars": chars, "outcome": outcome, "seconds": seconds, "rss_before_mb": before_rss,
        "rss_after_mb": rss_mb(pid),
        "log_growth_mb": None if after_log is None or before_log is None else after_log - before_log,
    }


def run_sessions(
    url: str, users: int, sessions: int, *, as_of: date | None = None, timeout_s: float = 300.0,
    pid: int | None = None, expire_wait_s: float = 0.0,
) -> LoadReport:
    """``sessions`` conversations in waves of ``users`` at once, with the app's RSS before, after and after
    ``expire_wait_s`` idle seconds. Each wave has its own ``timeout_s``."""
    if not 1 <= sessions <= MAX_SESSIONS:
        raise InputError(f"会话数应在 1 到 {MAX_SESSIONS} 之间（收到 {sessions}）")
    check_loopback(url)
    before = rss_mb(pid)
    waves = []
    done = 0
    while done < sessions:
        waves.append(run_loadtest(url, min(users, sessions - done), as_of=as_of, timeout_s=timeout_s))
        done += waves[-1].users
    after = rss_mb(pid)
    after_expiry = None
    if expire_wait_s > 0:
        time.sleep(expire_wait_s)
        after_expiry = rss_mb(pid)
    latencies_p50 = [w.p50_s for w in waves]
    return LoadReport(
        users=users,
        turns=sum(w.turns for w in waves),
        errors=sum(w.errors for w in waves),
        cross_talk=sum(w.cross_talk for w in waves),
        p50_s=statistics.median(latencies_p50),
        p95_s=max(w.p95_s for w in waves),
        max_s=max(w.max_s for w in waves),
        wall_s=sum(w.wall_s for w in waves),
        failures=[f for w in waves for f in w.failures],
        sessions=sessions,
        memory={"pid": pid, "before_mb": before, "after_sessions_mb": after, "after_expiry_mb": after_expiry,
                "expire_wait_s": expire_wait_s,
                "per_session_kib": None if before is None or after is None else (after - before) * 1024 / sessions},
    )
