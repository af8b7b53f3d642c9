"""``policy-qa ask`` (one conversation from the command line) and ``policy-qa chat`` (interactive)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.errors import InputError

if TYPE_CHECKING:
    from assistant.dialogue import Assistant


def _as_of(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"日期格式应为 YYYY-MM-DD（收到“{value}”）") from None


def _assistant(args: argparse.Namespace) -> Assistant:
    from assistant.dialogue import Assistant

    return Assistant(Settings.from_env(), use_llm=not args.offline)


def _cmd_ask(args: argparse.Namespace) -> int:
    conv = _assistant(args).new_conversation(_as_of(args.as_of))
    turns = list(args.turns)
    if turns == ["-"]:
        turns = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if not turns:
        raise InputError("请至少提供一句问题。")
    reply = None
    for turn in turns:
        reply = conv.ask(turn)
    assert reply is not None
    if args.json:
        print(json.dumps(reply.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(reply.answer)
    return 0


def _cmd_chat(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    conv = assistant.new_conversation(_as_of(args.as_of))
    print(f"政策问答助手（测算日 {conv.as_of.isoformat()}）。输入问题，输入“新对话”重置，Ctrl-D 退出。")
    while True:
        try:
            text = input("您：")
        except EOFError:
            print()
            return 0
        if text.strip() in ("新对话", "/reset"):
            conv.reset()
            print("助手：好的，已开始新的对话。")
            continue
        print("助手：" + conv.ask(text).answer.replace("\n", "\n      "))


def register(subparsers: argparse._SubParsersAction) -> None:
    for name, func, help_text in (
        ("ask", _cmd_ask, "提问（多个参数为同一对话的连续几轮，输出最后一轮的答复）"),
        ("chat", _cmd_chat, "在终端中对话"),
    ):
        p = subparsers.add_parser(name, help=help_text)
        if name == "ask":
            p.add_argument("turns", nargs="*", help="用户的话，按轮次排列；“-”表示从标准输入逐行读取")
            p.add_argument("--json", action="store_true", help="输出 JSON（answer、intent、citations、amount_yuan…）")
        p.add_argument("--as-of", help="测算日期 YYYY-MM-DD（默认今天）")
        p.add_argument("--offline", action="store_true", help="即使配置了大模型端点也不使用")
        p.set_defaults(func=func)
