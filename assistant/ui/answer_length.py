"""How long the chat's answers are: ``python -m assistant.ui.answer_length [--as-of 2025-06-01] [--json]``.

Runs the everyday questions of ``evals/answers`` (award, eligibility, lookup: every turn of each case, the
last one measured) and reports, per category and overall, the median characters of

- the answer body as the chat shows it unfolded: the text the copy button copies (:func:`render.answer_text`:
  the answer with its 测算日), which is also what is visible before anything is opened;
- the primary citations (cards under the answer);

against the targets of issue 13: median ≤ :data:`TARGET_CHARS` characters and ≤ :data:`TARGET_CITATIONS`
citations. ``--as-of`` fixes the date (by default each case's own, else today): on a date when the policy is
in force the answers carry no validity line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from assistant.ui import render

CATEGORIES = ("award", "eligibility", "lookup")
TARGET_CHARS = 300
TARGET_CITATIONS = 3


@dataclass(frozen=True)
class Measured:
    case_id: str
    category: str
    chars: int
    citations: int


@dataclass(frozen=True)
class Summary:
    category: str
    cases: int
    median_chars: float
    max_chars: int
    median_citations: float

    @property
    def on_target(self) -> bool:
        return self.median_chars <= TARGET_CHARS and self.median_citations <= TARGET_CITATIONS


def measure(assistant: Any, cases: Sequence[Any], as_of: date | None = None) -> list[Measured]:
    out = []
    for case in cases:
        conversation = assistant.new_conversation(as_of or case.as_of or date.today())
        reply = None
        for turn in case.user_turns:
            reply = conversation.ask(turn)
        assert reply is not None
        out.append(Measured(case.id, case.category, len(render.answer_text(reply)), len(reply.citations)))
    return out


def summarise(measured: Sequence[Measured]) -> list[Summary]:
    groups: dict[str, list[Measured]] = {}
    for m in measured:
        groups.setdefault(m.category, []).append(m)
    groups["合计"] = list(measured)
    return [
        Summary(name, len(ms), statistics.median(m.chars for m in ms), max(m.chars for m in ms),
                statistics.median(m.citations for m in ms))
        for name, ms in groups.items() if ms
    ]


def everyday_cases() -> list[Any]:
    from assistant.evals.dataset import load_cases

    return [c for c in load_cases() if c.category in CATEGORIES]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="聊天答复长度：award/eligibility/lookup 评测问题的答复字数与引用数中位数")
    parser.add_argument("--as-of", type=date.fromisoformat, help="测算日（默认：用例自己的，否则今天）")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from assistant.config import Settings
    from assistant.dialogue import Assistant

    assistant = Assistant(Settings.from_env(), use_llm=False)
    measured = measure(assistant, everyday_cases(), args.as_of)
    summaries = summarise(measured)
    if args.json:
        print(json.dumps({"summaries": [asdict(s) for s in summaries],
                          "longest": [asdict(m) for m in sorted(measured, key=lambda m: -m.chars)[:5]]},
                         ensure_ascii=False, indent=2))
    else:
        print(f"{'类别':<12}{'用例':>6}{'字数中位数':>10}{'最长':>8}{'引用中位数':>10}")
        for s in summaries:
            print(f"{s.category:<12}{s.cases:>6}{s.median_chars:>12.0f}{s.max_chars:>9}{s.median_citations:>12.1f}")
        print(f"目标：字数中位数 ≤ {TARGET_CHARS}，引用中位数 ≤ {TARGET_CITATIONS}")
    return 0 if summaries[-1].on_target else 1


if __name__ == "__main__":
    sys.exit(main())
