"""What a load test found: each user's result (their figure, latencies, conversation ids, error) and the
:class:`LoadReport` of a run, with its printable lines. Part of :mod:`assistant.loadtest`, which re-exports
every public name here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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

def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]
