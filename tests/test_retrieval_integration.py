"""Retrieval against a real Chroma server (started and stopped here), and the eval/benchmark entry points."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from assistant.config import Settings
from assistant.corpus import Corpus
from assistant.retrieval.retriever import Retriever
from tests.fixtures_retrieval import TEST_EMBEDDER
from tests.servers import free_port, stop


def _chroma_command() -> str:
    beside_python = Path(sys.executable).with_name("chroma")
    found = str(beside_python) if beside_python.exists() else shutil.which("chroma")
    if not found:
        pytest.skip("the chroma command (chromadb package) is not installed")
    return found


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    log = (tmp_path / "chroma.log").open("w")
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    process = subprocess.Popen(
        [
            _chroma_command(),
            "run",
            "--path",
            str(tmp_path / "server-data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"chroma run exited early: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start within 60 s")
        yield "127.0.0.1", port
    finally:
        stop(process)
        log.close()


@pytest.mark.integration
def test_retrieval_through_a_chroma_server(
    chroma_server: tuple[str, int], settings: Settings, corpus: Corpus
) -> None:
    host, port = chroma_server
    remote = replace(settings, chroma_host=host, chroma_port=port)
    first = Retriever(remote, embedder=TEST_EMBEDDER, corpus=corpus)
    assert first.status.rebuilt and "Chroma 服务" in first.status.location
    assert first.search("二级节点", k=1)[0].clause_id == "6"
    second = Retriever(remote, embedder=TEST_EMBEDDER, corpus=corpus, dense_backend="chroma")
    assert not second.status.rebuilt, "the server's index is reused while the content hash matches"
    assert second.search("实训基地", k=1)[0].clause_id == "10"


def test_evaluate_retrieval_reports_every_method(settings: Settings, tmp_path: Path) -> None:
    from assistant.evals.retrieval_eval import evaluate_retrieval

    dataset = tmp_path / "retrieval.yaml"
    dataset.write_text(
        yaml.safe_dump(
            [
                {"id": "a", "query": "贯标给多少", "clauses": ["2"]},
                {"id": "b", "query": "二级节点", "clauses": ["6"]},
                {"id": "c", "query": "贯标和规上奖励分别是多少", "clauses": ["2", "4"]},
            ],
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    report = evaluate_retrieval(settings, dataset, embedders=[TEST_EMBEDDER])
    names = [row.name for row in report.rows]
    assert names == ["bm25", f"dense:{TEST_EMBEDDER}", f"hybrid:{TEST_EMBEDDER}"]
    hybrid = report.row(f"hybrid:{TEST_EMBEDDER}")
    assert hybrid.recall_at_1 == 1.0 and hybrid.recall_at_3 == 1.0 and hybrid.mrr == 1.0
    table = report.format_table()
    assert "recall@1" in table and "MRR" in table
    assert report.to_dict()["rows"][0]["name"] == "bm25"
    assert report.calibrations and report.calibrations[0].out_of_scope_queries > 0


@pytest.mark.slow
def test_full_retrieval_eval_hybrid_is_no_worse_than_bm25(settings: Settings) -> None:
    """Regression guard on evals/retrieval.yaml (the issue's targets, 0.98/0.90, are reported by the eval)."""
    from assistant.evals.retrieval_eval import evaluate_retrieval

    report = evaluate_retrieval(settings, embedders=[TEST_EMBEDDER])
    bm25, hybrid = report.row("bm25"), report.row(f"hybrid:{TEST_EMBEDDER}")
    assert hybrid.recall_at_3 >= 0.93
    assert hybrid.recall_at_1 >= bm25.recall_at_1 and hybrid.recall_at_3 >= bm25.recall_at_3
    assert hybrid.mrr >= bm25.mrr
    assert report.calibrations[0].in_scope_kept == 1.0


@pytest.mark.slow
@pytest.mark.bench
def test_bench_retrieval_returns_the_figures(settings: Settings) -> None:
    from assistant.retrieval.bench import bench_retrieval, format_bench

    result = bench_retrieval(settings, scales=(1, 3), rounds=1, embedder=TEST_EMBEDDER, loads=(0, 1))
    assert result["index_build_s"] > 0 and result["warm_query"]["p95_ms"] > 0
    assert [g["scale"] for g in result["growth"]] == ["1x", "3x"]
    three = result["growth"][1]
    assert three["clauses"] == 3 * result["clauses"] and three["policies"] == 3
    assert three["add_one_policy_found"] and 0 < three["add_one_policy_s"] < three["build_s"]
    assert three["serving"]["warm_query"]["p95_ms"] > 0 and three["serving"]["peak_rss_mb"] > 0
    assert [(t["load"], t["threads"]) for t in result["threads_under_load"]] == [(0, 1), (0, 2), (1, 1), (1, 2)]
    table = format_bench(result)
    assert "p95" in table and "增量加一政策" in table and "负载 1" in table
