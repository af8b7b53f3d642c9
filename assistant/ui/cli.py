"""``policy-qa serve | loadtest``: start the web app, or drive a running one with simulated users."""

from __future__ import annotations

import argparse
import os


def _cmd_serve(args: argparse.Namespace) -> int:
    if args.host:
        os.environ["GRADIO_SERVER_NAME"] = args.host
    if args.port:
        os.environ["GRADIO_SERVER_PORT"] = str(args.port)
    from assistant.ui.server import serve
    from assistant.ui.services import load_services

    serve(load_services())
    return 0


def _cmd_loadtest(args: argparse.Namespace) -> int:
    from assistant.loadtest import cmd_loadtest

    return cmd_loadtest(args)


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser("serve", help="启动网页应用（同 python app.py）")
    serve.add_argument("--host", help="监听地址（默认 GRADIO_SERVER_NAME 或 127.0.0.1）")
    serve.add_argument("--port", type=int, help="端口（默认 GRADIO_SERVER_PORT 或 7860）")
    serve.set_defaults(func=_cmd_serve)

    load = subparsers.add_parser("loadtest", help="对本机运行中的应用做多用户并发测试（gradio_client）")
    load.add_argument("--users", type=int, default=50, help="并发用户数（1–200，默认 50）")
    default_url = f"http://127.0.0.1:{os.environ.get('GRADIO_SERVER_PORT') or 7860}/"
    load.add_argument("--url", default=default_url, help=f"应用地址，仅限本机（默认 {default_url}）")
    load.add_argument("--timeout", type=float, default=300.0, help="总时限（秒，默认 300）")
    load.add_argument("--as-of", help="测算日期 YYYY-MM-DD（默认今天）")
    load.add_argument("--sessions", type=int, default=0,
                      help="会话总数：按每批 --users 个并发分批运行，并报告应用内存（默认等于 --users）")
    load.add_argument("--expire-wait", type=float, default=0.0,
                      help="会话结束后等待的秒数，再测一次内存（应用以较短的 POLICY_QA_SESSION_TTL 启动时，应已清理闲置会话）")
    load.add_argument("--big-message", type=int, default=0, metavar="CHARS",
                      help="先发送一条这么多字的消息，报告是否被拒绝、用时、内存与日志增长")
    load.add_argument("--pid", type=int, help="应用进程号（默认：监听该端口的进程）")
    load.add_argument("--home", help="应用的 POLICY_QA_HOME（用于报告日志文件增长）")
    load.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    load.set_defaults(func=_cmd_loadtest)
