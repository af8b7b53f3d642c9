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

from assistant.errors import InputError, LogUnavailable
from assistant.logstore import REASONS, LogStore
from tests.damaged_logs import DAMAGE, damage_log, fill_log, moved_aside

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


def _rows(store: LogStore) -> list[tuple[int, int, int, str | None, str | None]]:
    with sqlite3.connect(store.path) as conn:
        return conn.execute("SELECT id, exchange_id, helpful, reason, comment FROM feedback ORDER BY id").fetchall()


def test_update_feedback_changes_the_same_record(store: LogStore) -> None:
    ex_id = store.log_exchange("c1", "问题", REPLY)
    fb_id = store.add_feedback(ex_id, False)  # the click: 没用, no reason yet
    store.update_feedback(fb_id, "金额错误", "  应为200万  ")  # the panel sent
    assert _rows(store) == [(fb_id, ex_id, 0, "金额错误", "应为200万")]  # one record, now with its reason
    store.update_feedback(fb_id, None, "", helpful=True)  # switched to 有用: the reason was the 没用's
    assert _rows(store) == [(fb_id, ex_id, 1, None, None)]
    store.update_feedback(fb_id, "其他", None)  # the verdict stays unless given
    assert _rows(store) == [(fb_id, ex_id, 1, "其他", None)]
    assert store.exchanges(helpful=True)[0].id == ex_id and store.exchanges(helpful=False) == []


def test_update_feedback_is_checked_like_add_feedback(store: LogStore) -> None:
    from assistant.logstore import MAX_COMMENT_CHARS

    ex_id = store.log_exchange("c1", "问题", REPLY)
    fb_id = store.add_feedback(ex_id, False, "金额错误", "原来的说明")
    with pytest.raises(InputError, match="反馈原因"):
        store.update_feedback(fb_id, "不喜欢", None)
    with pytest.raises(InputError, match="过长"):
        store.update_feedback(fb_id, "其他", "长" * (MAX_COMMENT_CHARS + 1))
    with pytest.raises(InputError, match="找不到编号为"):
        store.update_feedback(fb_id + 99, "其他", None)
    assert _rows(store) == [(fb_id, ex_id, 0, "金额错误", "原来的说明")]  # a refused update changes nothing
    store.update_feedback(fb_id, "其他", "长" * MAX_COMMENT_CHARS)  # exactly the limit is kept
    assert _rows(store)[0][4] == "长" * MAX_COMMENT_CHARS


def test_delete_feedback_removes_only_that_record(store: LogStore) -> None:
    ex_id = store.log_exchange("c1", "问题", REPLY)
    taken_back, kept = store.add_feedback(ex_id, False), store.add_feedback(ex_id, True)
    assert store.delete_feedback(taken_back) is True
    assert store.delete_feedback(taken_back) is False  # already gone
    assert [r[0] for r in _rows(store)] == [kept] and store.counts()["feedback"] == 1


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


@pytest.mark.slow
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


# -- CSV formula injection (OWASP) ------------------------------------------------------------------------


def test_csv_export_neutralises_formulas_in_every_column(store: LogStore) -> None:
    ex_id = store.log_exchange("=cmd|' /C calc'!A0", "=1+1", dict(REPLY, answer="+SUM(A1:A2)", intent="@x"))
    store.add_feedback(ex_id, False, "其他", '=HYPERLINK("http://x","y")')
    store.log_exchange("c2", "-2+3", dict(REPLY, answer="\t=1"), turn=1)
    store.log_exchange("c3", "\r=1", dict(REPLY, answer="正常答复 -5 = 3"))
    rows = list(csv.reader(io.StringIO(store.export_csv())))
    cells = [cell for row in rows[1:] for cell in row]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    first = by_id[str(ex_id)]
    assert first["question"] == "'=1+1"
    assert first["comment"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert first["conversation_id"] == "'=cmd|' /C calc'!A0"
    assert first["answer"] == "'+SUM(A1:A2)" and first["intent"] == "'@x"
    assert "'-2+3" in cells and "'\t=1" in cells and "'\r=1" in cells
    assert "正常答复 -5 = 3" in cells  # only a leading formula character is touched


# -- size --------------------------------------------------------------------------------------------------


def test_huge_question_and_answer_are_capped(store: LogStore) -> None:
    from assistant.logstore import MAX_LOGGED_CHARS

    huge = "企" * 5_000_000
    ex = store.exchange(store.log_exchange("c", huge, dict(REPLY, answer="答" * 100_000)))
    assert len(ex.question) < MAX_LOGGED_CHARS + 60 and ex.question.startswith("企" * MAX_LOGGED_CHARS)
    assert "已截断" in ex.question and "5000000" in ex.question
    assert len(ex.answer) < MAX_LOGGED_CHARS + 60 and len(ex.reply["answer"]) == len(ex.answer)
    assert store.path.stat().st_size < 1_000_000


def test_prune_exports_keeps_the_newest_and_drops_old_ones(tmp_path: Path) -> None:
    import os

    from assistant.logstore import prune_exports

    now = time.time()
    for i in range(30):
        path = tmp_path / f"export-{i:02d}.csv"
        path.write_text("x", encoding="utf-8")
        os.utime(path, (now - 60 * (30 - i), now - 60 * (30 - i)))  # export-29 is the newest
    old = tmp_path / "old.csv"
    old.write_text("x", encoding="utf-8")
    os.utime(old, (now - 2 * 86400, now - 2 * 86400))
    other = tmp_path / "notes.txt"
    other.write_text("not an export", encoding="utf-8")
    deleted = prune_exports(tmp_path, keep=20, max_age_s=86400)
    left = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert left == [f"export-{i:02d}.csv" for i in range(10, 30)]
    assert old in deleted and other.exists()


# -- a damaged log ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", DAMAGE)
def test_damaged_log_at_start_is_moved_aside_and_a_new_one_started(
    tmp_path: Path, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "log.sqlite3"
    damage_log(db, how)
    damaged = db.read_bytes()
    with caplog.at_level("WARNING", logger="assistant.logstore"):
        store = LogStore(db)
    moved = moved_aside(tmp_path)
    assert len(moved) == 1 and moved[0].read_bytes() == damaged  # kept for a rescue, byte for byte
    assert "对话记录文件已损坏" in caplog.text and moved[0].name in caplog.text
    assert store.counts() == {"exchanges": 0, "feedback": 0}
    ex_id = store.log_exchange("c", "新的问题", REPLY)
    assert store.exchange(ex_id).question == "新的问题"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sound_log_is_never_moved(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    fill_log(db)
    store = LogStore(db)
    assert moved_aside(tmp_path) == [] and store.counts()["exchanges"] == 400 and store.recoveries == []


def test_log_damaged_while_running_recovers_on_write_and_says_so_on_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "log.sqlite3"
    fill_log(db)
    store = LogStore(db)
    assert store.counts()["exchanges"] == 400
    damage_log(db, "corrupt_pages")
    # A write (the chat logging a turn) does not stop: the damaged file goes aside, the turn is logged anew.
    with caplog.at_level("WARNING", logger="assistant.logstore"):
        ex_id = store.log_exchange("c", "损坏后的问题", REPLY)
    assert store.exchange(ex_id).question == "损坏后的问题"
    assert len(moved_aside(tmp_path)) == 1 and "对话记录文件已损坏" in caplog.text
    assert store.last_recovery is not None and "已移至" in store.last_recovery.message

    # A read (the staff views) that trips over damage gets the Chinese message, not sqlite3's.
    damage_log(db, "corrupt_pages")
    with pytest.raises(LogUnavailable, match="对话记录文件已损坏"):
        store.exchanges(limit=None)
    assert len(moved_aside(tmp_path)) == 2
    assert store.exchanges() == []


def test_other_sqlite_errors_become_a_chinese_message(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    store = LogStore(db, timeout_s=0.2)
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(LogUnavailable, match="暂时无法写入"):
            store.log_exchange("c", "问题", REPLY)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert moved_aside(tmp_path) == []  # locked is not damaged
