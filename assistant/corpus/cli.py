"""``policy-qa ingest | policies | clauses | show``: the corpus from the command line.

Every command sees the product corpus plus ``POLICY_QA_EXTRA_CORPUS``; ``show`` and ``clauses`` take
``--policy`` and the labels people type (第三条, 第3条, 3, 二（一）, 附则).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.config import Settings
from assistant.corpus.model import Clause, Policy
from assistant.corpus.store import META_OPTIONS, Corpus, ingest, load_corpus
from assistant.errors import ClauseNotFound, InputError


def settings_corpus() -> Corpus:
    """The corpus the CLI works on: ``corpus_dir`` plus ``extra_corpus_dirs``."""
    settings = Settings.from_env()
    return load_corpus(settings.corpus_dir, extra=settings.extra_corpus_dirs)


def choose_policy(corpus: Corpus, policy_id: str | None) -> Policy:
    """The policy named by ``--policy``; without it, the only policy (several: a Chinese error listing them)."""
    if policy_id:
        return corpus.policy(policy_id)
    if len(corpus) == 1:
        return next(iter(corpus))
    listed = "、".join(f"{p.policy_id}（{p.meta.name}）" for p in corpus)
    raise InputError(f"语料库中有多个政策，请用 --policy 指定：{listed}")


def find_clause(corpus: Corpus, text: str, policy_id: str | None) -> Clause:
    """The clause ``text`` names, in ``policy_id`` or in the one policy that has it."""
    found = corpus.resolve(text, policy_id)
    if len(found) == 1:
        return found[0]
    if not found:
        where = f"《{corpus.policy(policy_id).meta.name}》" if policy_id else "语料库中任何政策"
        raise ClauseNotFound(f"{where}没有“{text}”这一条款；用 policy-qa clauses 查看条款编号。")
    names = "；".join(
        f"{c.policy_id}（《{corpus.policy(c.policy_id).meta.name}》{c.label}）" for c in found
    )
    raise InputError(f"“{text}”在多个政策中都有，请用 --policy 指定：{names}")


def _cmd_ingest(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    overrides = {name: getattr(args, name) for name in META_OPTIONS}
    target = Path(args.corpus) if args.corpus else settings.corpus_dir
    policy = ingest(Path(args.raw), args.id, target, **overrides)
    counts: dict[str, int] = {}
    for c in policy.clauses:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    m = policy.meta
    until = m.valid_until.isoformat() if m.valid_until else "未写明"
    print(f"已写入 {target / policy.policy_id}：《{m.title}》，{len(policy.clauses)} 个条款单元 {counts}")
    print(f"发文单位 {m.issuer}；地区 {m.region}；发布 {m.published}；施行 {m.effective_from}；有效期至 {until}")
    return 0


def _cmd_policies(args: argparse.Namespace) -> int:
    corpus = settings_corpus()
    if args.json:
        print(json.dumps([p.meta.to_dict() for p in corpus], ensure_ascii=False, indent=2))
        return 0
    for p in corpus:
        until = p.meta.valid_until.isoformat() if p.meta.valid_until else "长期"
        print(f"{p.policy_id}\t《{p.meta.title}》\t{p.meta.issuer}\t有效期至 {until}")
    return 0


def _cmd_clauses(args: argparse.Namespace) -> int:
    policy = choose_policy(settings_corpus(), args.policy)
    if args.json:
        payload = {"policy": policy.meta.to_dict(), "clauses": [c.to_dict() for c in policy.clauses]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    print(f"《{policy.meta.title}》（{policy.policy_id}）")
    for c in policy.clauses:
        depth = len(c.path) - 1
        print(f"{'  ' * depth}[{c.clause_id}] {c.heading if c.kind != 'preamble' else '序言'}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    corpus = settings_corpus()
    clause = find_clause(corpus, args.clause_id, args.policy)
    if args.json:
        print(json.dumps(clause.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"《{corpus.policy(clause.policy_id).meta.name}》{clause.label}（{clause.path_str}）")
    print(clause.text)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "ingest",
        help="清洗原始网页文本，写入政策目录（正文、元数据）",
        description="从原文读取标题、发文单位、日期、地区和上位文件；读不到或读错的项用下列参数补充或覆盖。",
    )
    p.add_argument("raw", help="原始文本文件")
    p.add_argument("--id", required=True, help="政策编号（目录名），如 jiading-iiot-2024")
    p.add_argument("--corpus", help="写入哪个语料目录（默认 POLICY_QA_CORPUS 或仓库的 corpus/）")
    for name, (zh, option) in META_OPTIONS.items():
        if name == "upstream":
            p.add_argument(option, dest=name, action="append", help=f"{zh}（可重复，含书名号）")
        else:
            p.add_argument(option, dest=name, help=f"{zh}（补充或覆盖原文读取的结果）")
    p.set_defaults(func=_cmd_ingest)

    p = subparsers.add_parser("policies", help="列出语料库中的政策")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_policies)

    p = subparsers.add_parser("clauses", help="列出政策的条款结构")
    p.add_argument("--policy", help="政策编号（只有一个政策时可省略）")
    p.add_argument("--json", action="store_true", help="输出 JSON（含全文与偏移）")
    p.set_defaults(func=_cmd_clauses)

    p = subparsers.add_parser("show", help="显示一个条款的原文")
    p.add_argument("clause_id", help="条款，如 5、第三条、第3条、二（一）、附则、preamble")
    p.add_argument("--policy", help="政策编号（省略时在所有政策中查找，唯一时直接显示）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_show)
