"""The SQLite log: exchanges and feedback, filters, CSV export, and no lost record under concurrent writers."""

from __future__ import annotations

import csv
import io
import multiprocessing
import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.logstore import REASONS, LogStore

WRITERS = 8
RECORDS_PER_WRITER = 500

REPLY = {
    "answer": "按项目已投入金额的30%计算为600万元，超过市级项目上限500万元，可获资助500万元。",
    "intent": "award",
    "as_of": "2025-06-01",
    "citations": ["5"],
    "citation_details": [{"clause_id": "5", "label": "第5条", "title": "推广工业互联网创新应用及标杆建设",
                          "path": "二、支持范围及标准 › 5、…", "text": "5、推广……"}],
    "amount_yuan": 5_000_000,
    "in_force": True,
    "trace": [{"description": "已投入金额×30%", "amount_yuan": 6_000_000, "clause": "5"},
              {"description": "市级项目上限", "amount_yuan": 5_000_000, "clause": "5"}],
}


@pytest.fixture()
def store(tmp_path: Path) -> LogStore:
    return LogStore(tmp_path / "log.sqlite3")


def test_wal_mode(store: LogStore) -> None:
    assert store.journal_mode.lower() == "wal"


def test_exchange_round_trip(store: LogStore) -> None:
    ex_id = store.log_exchange("c1", "我们是市级标杆示范项目，已投入2000万，能补多少？", REPLY, turn=2)
    ex = store.exchange(ex_id)
    assert ex.question.startswith("我们是市级标杆")
    assert ex.amount_yuan == 5_000_000
    assert ex.as_of == "2025-06-01"
    assert ex.citation_labels == ["第5条"]
    assert ex.trace[-1]["amount_yuan"] == 5_000_000
    assert ex.in_force is True and ex.intent == "award" and ex.turn == 2
    assert ex.reply["answer"] == REPLY["answer"]


def test_feedback_linked_and_validated(store: LogStore) -> None:
    ex_id = store.log_exchange("c1", "问题", REPLY)
    store.add_feedback(ex_id, False, "金额错误", "  应为200万  ")
    store.add_feedback(ex_id, True)
    ex = store.exchange(ex_id)
    assert [f.verdict for f in ex.feedback] == ["没用", "有用"]
    assert ex.feedback[0].reason == "金额错误" and ex.feedback[0].comment == "应为200万"
    with pytest.raises(InputError, match="反馈原因"):
        store.add_feedback(ex_id, False, "不喜欢")
    with pytest.raises(InputError, match="找不到"):
        store.add_feedback(ex_id + 99, True)
    with pytest.raises(InputError, match="过长"):
        store.add_feedback(ex_id, False, "其他", "长" * 5000)


def test_filters_by_reason_and_date(store: LogStore) -> None:
    a = store.log_exchange("c1", "甲", REPLY, created_at="2025-03-01T10:00:00+08:00")
    b = store.log_exchange("c2", "乙", REPLY, created_at="2025-03-05T10:00:00+08:00")
    c = store.log_exchange("c3", "丙", REPLY, created_at="2025-03-09T10:00:00+08:00")
    store.add_feedback(a, False, "金额错误")
    store.add_feedback(b, False, "政策已过期")
    store.add_feedback(c, False, "金额错误")
    assert [e.id for e in store.exchanges(reason="金额错误")] == [c, a]
    assert [e.id for e in store.exchanges(since="2025-03-02", until="2025-03-09")] == [c, b]
    assert [e.id for e in store.exchanges(reason="金额错误", until=date(2025, 3, 8))] == [a]
    assert store.exchanges(helpful=True) == []
    assert {e.id for e in store.exchanges(with_feedback=True)} == {a, b, c}


def test_csv_export(store: LogStore, tmp_path: Path) -> None:
    ex_id = store.log_exchange("c1", 'He said "<b>,逗号"', REPLY)
    store.add_feedback(ex_id, False, "条款引用错误", "第5条不对")
    store.log_exchange("c2", "没有反馈的问题", REPLY)
    target = tmp_path / "out" / "log.csv"
    text = store.export_csv(target)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    fb_row = next(r for r in rows if r["exchange_id"] == str(ex_id))
    assert fb_row["question"] == 'He said "<b>,逗号"'
    assert fb_row["feedback"] == "没用" and fb_row["reason"] == "条款引用错误"
    assert fb_row["citations"] == "第5条" and fb_row["amount_yuan"] == "5000000"
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    only = list(csv.DictReader(io.StringIO(store.export_csv(reason="条款引用错误"))))
    assert [r["exchange_id"] for r in only] == [str(ex_id)]


def _writer(db: str, writer_id: int, exchange_id: int, n: int) -> int:
    """Child process: one connection per record, as the app does, all racing for the write lock."""
    store = LogStore(db)
    for i in range(n):
        store.add_feedback(exchange_id, i % 2 == 0, REASONS[i % len(REASONS)], f"w{writer_id}-{i}")
    return n


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    store = LogStore(db)
    ex_id = store.log_exchange("c", "问题", REPLY)
    ctx = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with ctx.Pool(WRITERS) as pool:
        written = pool.starmap(_writer, [(str(db), w, ex_id, RECORDS_PER_WRITER) for w in range(WRITERS)])
    elapsed = time.perf_counter() - started
    assert sum(written) == WRITERS * RECORDS_PER_WRITER
    # Read back from a fresh connection: every record of every writer, exactly once.
    with sqlite3.connect(db) as conn:
        comments = [r[0] for r in conn.execute("SELECT comment FROM feedback")]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    expected = {f"w{w}-{i}" for w in range(WRITERS) for i in range(RECORDS_PER_WRITER)}
    assert len(comments) == len(expected) and set(comments) == expected
    print(f"\n{WRITERS} writers x {RECORDS_PER_WRITER} feedback records: {len(comments)} stored in {elapsed:.1f}s")
