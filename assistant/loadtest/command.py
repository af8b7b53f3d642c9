"""``policy-qa loadtest``: the command that runs the load test (and, as asked, the oversized message and the
memory measurement) and prints or writes its report. Part of :mod:`assistant.loadtest`, which re-exports it.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from assistant.loadtest.memory import app_pid, run_sessions, send_big_message
from assistant.loadtest.users import check_loopback, run_loadtest


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
