"""Running the simulated users at once against the app on this machine: one ``gradio_client.Client`` (one
server-side conversation) per user, all started together and bounded by :data:`MAX_USERS` and an overall
deadline; only loopback URLs. Part of :mod:`assistant.loadtest`, which re-exports every public name here.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any
from urllib.parse import urlparse

from assistant.errors import InputError
from assistant.loadtest.conversations import Script, scripts
from assistant.loadtest.report import LoadReport, UserResult, _percentile

MAX_USERS = 200
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def check_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host not in LOOPBACK:
        raise InputError(f"负载测试只允许对本机（127.0.0.1）运行，收到：{url}")


def _run_user(url: str, script: Script, as_of: date, start: threading.Barrier, deadline: float) -> UserResult:
    from gradio_client import Client

    result = UserResult(script.user, script.expected_yuan)
    try:
        client = Client(url, verbose=False, download_files=False)
    except Exception as err:  # connection refused, bad config
        result.error = f"用户{script.user}：无法连接 {url}（{err.__class__.__name__}: {err}）"
        start.abort()
        return result
    with contextlib.suppress(threading.BrokenBarrierError):
        start.wait(timeout=max(1.0, deadline - time.monotonic()))
    reply: dict[str, Any] = {}
    try:
        for turn, text in enumerate(script.turns, 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("超过总时限")
            started = time.perf_counter()
            job = client.submit(text, as_of.isoformat(), api_name="/chat")
            outputs = job.result(timeout=remaining)
            result.latencies_s.append(time.perf_counter() - started)
            reply = _reply_of(outputs)
            if reply.get("error"):
                raise RuntimeError(reply["error"])
            result.conversation_ids.append(str(reply.get("conversation_id")))
            if turn < len(script.turns) and not reply.get("missing_facts"):
                raise RuntimeError(f"第{turn}轮没有追问（答复：{str(reply.get('answer'))[:40]}）")
        result.got_yuan = reply.get("amount_yuan")
        result.cited = list(reply.get("citations") or [])
        if result.got_yuan is None:
            result.error = f"用户{script.user}：最后一轮没有金额（{str(reply.get('answer'))[:60]}）"
        elif script.clause not in result.cited:
            result.error = f"用户{script.user}：没有引用条款 {script.clause}（引用 {result.cited}）"
    except Exception as err:
        result.error = f"用户{script.user}：{err.__class__.__name__}: {err}"
    finally:
        with contextlib.suppress(Exception):
            client.close()
    return result


def _reply_of(outputs: Any) -> dict[str, Any]:
    """The reply JSON among the endpoint's outputs (chatbot, textbox, reply)."""
    items = outputs if isinstance(outputs, list | tuple) else [outputs]
    for item in reversed(items):
        if isinstance(item, dict) and ("answer" in item or "error" in item):
            return item
        if isinstance(item, str) and item.startswith("{"):
            try:
                parsed = json.loads(item)
            except ValueError:
                continue
            if isinstance(parsed, dict):
                return parsed
    raise RuntimeError(f"接口输出中没有答复：{str(outputs)[:80]}")


def run_loadtest(url: str, users: int, *, as_of: date | None = None, timeout_s: float = 300.0) -> LoadReport:
    """Drive ``users`` concurrent conversations against the app at ``url``; never more than MAX_USERS."""
    check_loopback(url)
    if not 1 <= users <= MAX_USERS:
        raise InputError(f"用户数应在 1 到 {MAX_USERS} 之间（收到 {users}）")
    as_of = as_of or date.today()
    plan = scripts(users, as_of)
    deadline = time.monotonic() + timeout_s
    barrier = threading.Barrier(users)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users, thread_name_prefix="loaduser") as pool:
        results = list(pool.map(lambda s: _run_user(url, s, as_of, barrier, deadline), plan))
    wall = time.perf_counter() - started
    latencies = [x for r in results for x in r.latencies_s]
    failures = [r.error for r in results if r.error]
    failures += [
        f"用户{r.user}：应得 {r.expected_yuan} 元，实得 {r.got_yuan} 元（会话 {sorted(set(r.conversation_ids))}）"
        for r in results if r.cross_talk
    ]
    all_ids = [r.conversation_ids[-1] for r in results if r.conversation_ids]
    shared = len(all_ids) - len(set(all_ids))
    if shared:
        failures.append(f"{shared} 个用户与他人共用了会话")
    return LoadReport(
        users=users,
        turns=len(latencies),
        errors=sum(1 for r in results if r.error),
        cross_talk=sum(1 for r in results if r.cross_talk) + shared,
        p50_s=statistics.median(latencies) if latencies else 0.0,
        p95_s=_percentile(latencies, 0.95),
        max_s=max(latencies, default=0.0),
        wall_s=wall,
        failures=failures,
    )
