"""The ``policy-qa`` command line: each area registers its own sub-commands.

Errors from the library (:class:`assistant.errors.PolicyQAError`) are printed as their Chinese message
with exit code 2; nothing else is caught here.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: Modules that each define ``register(subparsers)``; each sub-command sets ``func(args) -> int``.
COMMAND_MODULES: tuple[str, ...] = (
    "assistant.corpus.cli",
    "assistant.retrieval.cli",
    "assistant.rules.cli",
    "assistant.rules.match_cli",
    "assistant.dialogue.cli",
    "assistant.evals.cli",
    "assistant.ui.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policy-qa", description="政策问答助手：条款检索、补贴计算、带引用的问答")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.errors import PolicyQAError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except PolicyQAError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
