"""``policy-qa index [--rebuild]`` and ``policy-qa search "问题" [--k 5] [--json]``.

``search`` takes several queries (several arguments, or one per line from standard input with ``-``) and answers
them in one process; with ``--json`` it prints one JSON list per query, in order, one per line.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from assistant.config import Settings
from assistant.errors import IndexUnavailable, InputError


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(1, total)
    sys.stderr.write(f"\r向量化条款 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _retriever(args: argparse.Namespace, rebuild: bool = False):
    from assistant.retrieval.retriever import Retriever

    settings = Settings.from_env()
    try:
        settings.ensure_home()
    except OSError as err:  # a read-only parent, or a file in the way: searching may still work, building not
        print(
            f"注意：无法创建状态文件夹 {settings.home}（{err.strerror or err}），索引不会被保存。",
            file=sys.stderr,
        )
    retriever = Retriever(settings, embedder=args.embedder, rebuild=rebuild, progress=_progress)
    if retriever.status.changed or retriever.status.notice:
        print(retriever.status.message(), file=sys.stderr)
    return retriever


def _cmd_index(args: argparse.Namespace) -> int:
    retriever = _retriever(args, rebuild=args.rebuild)
    if not retriever.status.persisted or (args.rebuild and not retriever.status.rebuilt):
        raise IndexUnavailable(retriever.status.notice or "无法写入索引。")
    if not retriever.status.changed:
        print(retriever.status.message())
    else:
        print(
            f"完成：{len(retriever.clauses)} 个条款，{len(retriever.records)} 条记录，嵌入模型 {retriever.embedder.name}。"
        )
    return 0


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def _queries(args: argparse.Namespace) -> list[str]:
    queries: list[str] = []
    for query in args.queries:
        if query == "-":
            queries.extend(line.strip() for line in sys.stdin if line.strip())
        else:
            queries.append(query)
    if not queries:
        raise InputError("请输入要检索的问题（或用 - 从标准输入逐行读取）。")
    return queries


def _cmd_search(args: argparse.Namespace) -> int:
    queries = _queries(args)
    retriever = _retriever(args)
    as_of = args.as_of or date.today()
    for n, query in enumerate(queries):
        policies = [p.strip() for value in args.policy or [] for p in value.split(",") if p.strip()] or None
        hits = retriever.search(query, k=args.k, as_of=as_of, policy_id=policies, method=args.method)
        if args.json:
            print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False))
            continue
        if n:
            print()
        answerable = retriever.answerable(hits)
        print(f"问：{query}" + ("" if answerable else "   （相关度低于下限：语料中可能没有答案）"))
        for rank, hit in enumerate(hits, start=1):
            until = f"有效期至 {hit.valid_until.isoformat()}" if hit.valid_until else "长期有效"
            validity = (
                f"{as_of.isoformat()} 有效（{until}）"
                if hit.in_force
                else f"{as_of.isoformat()} 已不在有效期（{until}）"
            )
            terms = f"  命中：{'、'.join(hit.matched_terms)}" if hit.matched_terms else "  命中：无（仅语义相近）"
            if (learned := hit.scores.get("learned", 0.0)) >= 1.0:  # most of the score: callers ask it like this
                terms += f"  例句相近：{learned:.2f}"
            print(f"{rank}. {hit.clause.label}  {hit.clause.path_str}  [{hit.policy_id}]")
            print(f"   分数 {hit.score:.4f}  {validity}{terms}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--embedder", default=None, help="嵌入模型（默认取 POLICY_QA_EMBEDDING_MODEL）")

    index = subparsers.add_parser("index", parents=[common], help="建立或更新条款检索索引")
    index.add_argument("--rebuild", action="store_true", help="无论是否最新都重建")
    index.set_defaults(func=_cmd_index)

    search = subparsers.add_parser("search", parents=[common], help="检索相关条款")
    search.add_argument(
        "queries", nargs="+", metavar="QUERY", help="问题；可给多个；- 表示从标准输入逐行读取"
    )
    search.add_argument("--k", type=int, default=5, help="返回条款数（默认 5）")
    search.add_argument("--json", action="store_true", help="每个问题输出一行 JSON 列表")
    search.add_argument("--as-of", type=_parse_date, default=None, help="按该日期判断有效性（默认今天）")
    search.add_argument(
        "--policy", action="append", default=None, help="只检索这些政策编号（可重复，或用逗号分隔）"
    )
    search.add_argument("--method", choices=("hybrid", "bm25", "dense"), default="hybrid", help="排序方法")
    search.set_defaults(func=_cmd_search)
