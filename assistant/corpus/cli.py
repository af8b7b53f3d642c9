"""``policy-qa ingest | clauses | show | policies``: the corpus from the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.config import Settings
from assistant.corpus.model import Policy
from assistant.corpus.store import ingest, load_corpus


def _policy(args: argparse.Namespace) -> Policy:
    corpus = load_corpus(Settings.from_env().corpus_dir)
    if args.policy:
        return corpus.policy(args.policy)
    return next(iter(corpus))


def _cmd_ingest(args: argparse.Namespace) -> int:
    policy = ingest(
        Path(args.raw), args.id, Settings.from_env().corpus_dir, issuer=args.issuer, region=args.region
    )
    counts: dict[str, int] = {}
    for c in policy.clauses:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    print(f"已写入 {policy.policy_id}：《{policy.meta.title}》，{len(policy.clauses)} 个条款单元 {counts}")
    return 0


def _cmd_policies(args: argparse.Namespace) -> int:
    corpus = load_corpus(Settings.from_env().corpus_dir)
    if args.json:
        print(json.dumps([p.meta.to_dict() for p in corpus], ensure_ascii=False, indent=2))
        return 0
    for p in corpus:
        until = p.meta.valid_until.isoformat() if p.meta.valid_until else "长期"
        print(f"{p.policy_id}\t《{p.meta.title}》\t{p.meta.issuer}\t有效期至 {until}")
    return 0


def _cmd_clauses(args: argparse.Namespace) -> int:
    policy = _policy(args)
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
    policy = _policy(args)
    clause = policy.clause(args.clause_id)
    if args.json:
        print(json.dumps(clause.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"{clause.label}（{clause.path_str}）")
    print(clause.text)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("ingest", help="清洗原始网页文本，写入政策目录（正文、元数据）")
    p.add_argument("raw", help="原始文本文件")
    p.add_argument("--id", required=True, help="政策编号（目录名），如 jiading-iiot-2024")
    p.add_argument("--issuer", help="发文单位（原文未写明时补充）")
    p.add_argument("--region", help="适用地区（原文未写明时补充）")
    p.set_defaults(func=_cmd_ingest)

    p = subparsers.add_parser("policies", help="列出语料库中的政策")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_policies)

    p = subparsers.add_parser("clauses", help="列出政策的条款结构")
    p.add_argument("--policy", help="政策编号（默认第一个）")
    p.add_argument("--json", action="store_true", help="输出 JSON（含全文与偏移）")
    p.set_defaults(func=_cmd_clauses)

    p = subparsers.add_parser("show", help="显示一个条款的原文")
    p.add_argument("clause_id", help="条款编号，如 5、二（一）、preamble")
    p.add_argument("--policy", help="政策编号（默认第一个）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_show)
