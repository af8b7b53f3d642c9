"""Load test: many simulated users at once, each in its own multi-turn slot-filling conversation.

Each user is one ``gradio_client.Client`` (one Gradio session, hence one server-side conversation) and
talks to the running app's ``/chat`` endpoint in three turns — "我们有个标杆示范项目，想问能补多少" →
its own level (区级/市级/国家级) → its own invested amount — so every user must end with a different
figure. The expected figure comes from the calculator (``calculate`` on the rules data), not from the
app. A user whose final figure is not their own is *cross-talk*; an exception, a timeout or a final
reply without a figure is an *error*.

Memory: with ``--sessions N`` the users come in waves of ``--users`` until N sessions have run, and the
app's resident memory (RSS, read with psutil from the process listening on the URL's port, or ``--pid``) is
reported before, after the N sessions, and — with ``--expire-wait S`` against an app started with a short
``POLICY_QA_SESSION_TTL`` — after S seconds of idleness, when the app should have expired them.

``--big-message CHARS`` first sends one chat message of that many characters and reports whether it was
refused, how long that took, and how much the app's memory and (with ``--home``) its log grew.

Bounded on purpose: at most :data:`MAX_USERS` users at once, only loopback URLs, and an overall deadline.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from assistant.errors import InputError

MAX_USERS = 200
MAX_SESSIONS = 5000
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LEVELS = ("区级", "市级", "国家级")
FIRST_TURN = "我们有个标杆示范项目，想问能补多少"
ITEM = "5"


@dataclass(frozen=True)
class Script:
    """One simulated user's conversation and the figure they must get."""

    user: int
    level: str
    invested_wan: int
    expected_yuan: int

    @property
    def turns(self) -> tuple[str, ...]:
        return (FIRST_TURN, f"{self.level}的", f"已投入{self.invested_wan}万元")


@dataclass
class UserResult:
    user: int
    expected_yuan: int
    got_yuan: int | None = None
    latencies_s: list[float] = field(default_factory=list)
    conversation_ids: list[str] = field(default_factory=list)
    error: str | None = None
    cited: list[str] = field(default_factory=list)

    @property
    def cross_talk(self) -> bool:
        wrong_figure = self.error is None and self.got_yuan != self.expected_yuan
        return wrong_figure or len(set(self.conversation_ids)) > 1


@dataclass
class LoadReport:
    users: int
    turns: int
    errors: int
    cross_talk: int
    p50_s: float
    p95_s: float
    max_s: float
    wall_s: float
    failures: list[str]
    sessions: int = 0
    memory: dict[str, Any] | None = None
    """RSS of the app in MiB: before, after the sessions, after the expiry wait (see :func:`run_sessions`)."""
    big_message: dict[str, Any] | None = None
    """What one oversized message did (see :func:`send_big_message`)."""

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.cross_talk == 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}

    def lines(self) -> list[str]:
        out = []
        if self.big_message:
            b = self.big_message
            grew = f"，日志增长 {b['log_growth_mb']:.2f} MiB" if b.get("log_growth_mb") is not None else ""
            out.append(f"超长消息 {b['chars']} 字：{b['outcome']}，用时 {b['seconds']:.2f}s，"
                       f"内存 {_mb(b.get('rss_before_mb'))} → {_mb(b.get('rss_after_mb'))}{grew}")
        out += [
            f"会话 {self.sessions or self.users}（每批 {self.users} 个并发用户），轮次 {self.turns}，"
            f"错误 {self.errors}，串话 {self.cross_talk}",
            f"单轮延迟 p50 {self.p50_s:.2f}s，p95 {self.p95_s:.2f}s，最大 {self.max_s:.2f}s；总用时 {self.wall_s:.1f}s",
        ]
        if self.memory:
            m = self.memory
            line = (f"应用内存（RSS）：开始 {_mb(m.get('before_mb'))}，{self.sessions or self.users} 个会话后 "
                    f"{_mb(m.get('after_sessions_mb'))}")
            if m.get("after_expiry_mb") is not None:
                line += f"，闲置 {m['expire_wait_s']:.0f}s 后 {_mb(m['after_expiry_mb'])}"
            out.append(line)
        out += [f"  - {f}" for f in self.failures[:20]]
        out.append("结果：通过" if self.ok else "结果：未通过")
        return out


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} MiB"


def scripts(users: int, as_of: date) -> list[Script]:
    """Different numbers per user: levels rotate, investments 100万, 107万, 114万, … (all under the caps)."""
    from assistant.config import Settings
    from assistant.corpus import load_corpus
    from assistant.rules import calculate, load_rules

    settings = Settings.from_env()
    policy = next(p for p in load_corpus(settings.corpus_dir) if _has_item(p))
    rules = load_rules(policy, settings.corpus_dir)
    out = []
    for i in range(users):
        level, wan = LEVELS[i % len(LEVELS)], 100 + 7 * i
        result = calculate(rules, ITEM, {"level": level, "invested_yuan": wan * 10_000}, as_of)
        if result.amount_yuan is None:
            raise InputError(f"负载测试脚本无法测算第{ITEM}条（缺少 {result.missing_facts}）")
        out.append(Script(i, level, wan, result.amount_yuan))
    return out


def _has_item(policy: Any) -> bool:
    try:
        from assistant.rules import load_rules

        load_rules(policy).item(ITEM)
        return True
    except Exception:
        return False


def check_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host not in LOOPBACK:
        raise InputError(f"负载测试只允许对本机（127.0.0.1）运行，收到：{url}")


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


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
        elif ITEM not in result.cited:
            result.error = f"用户{script.user}：没有引用第{ITEM}条（引用 {result.cited}）"
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


# -- memory of the app ------------------------------------------------------------------------------


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


def cmd_loadtest(args: argparse.Namespace) -> int:
    as_of = date.fromisoformat(args.as_of) if args.as_of else None
    check_loopback(args.url)
    pid = args.pid or app_pid(args.url)
    home = Path(args.home) if args.home else None
    big = send_big_message(args.url, args.big_message, pid=pid, home=home, as_of=as_of) if args.big_message else None
    if args.sessions or args.expire_wait:
        report = run_sessions(args.url, args.users, args.sessions or args.users, as_of=as_of,
                              timeout_s=args.timeout, pid=pid, expire_wait_s=args.expire_wait)
    else:
        report = run_loadtest(args.url, args.users, as_of=as_of, timeout_s=args.timeout)
    report.big_message = big
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"负载测试 {args.url}")
        print("\n".join(report.lines()))
    return 0 if report.ok else 1
