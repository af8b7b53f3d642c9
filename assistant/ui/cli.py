"""``policy-qa serve | loadtest``: start the web app, or drive a running one with simulated users."""

from __future__ import annotations

import argparse
import os


def _cmd_serve(args: argparse.Namespace) -> int:
    if args.host:
        os.environ["GRADIO_SERVER_NAME"] = args.host
    if args.port:
        os.environ["GRADIO_SERVER_PORT"] = str(args.port)
    from assistant.ui.app import launch
    from assistant.ui.services import load_services

    launch(load_services())
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
    load.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    load.set_defaults(func=_cmd_loadtest)
