"""The benchmark's measurements in a fresh interpreter: the cold start (spawn → import → build the assistant →
first answer) with its target, and the index build from scratch in a temporary state folder, with the model
load timed separately (:func:`index_build_here` is what that process runs; it imports it through
:mod:`assistant.evals.bench`). Part of :mod:`assistant.evals.bench`, which re-exports the public names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from assistant.config import REPO_ROOT, Settings
from assistant.evals.bench_measure import peak_rss_mb

TARGET_COLD_START_S = 10.0
DEFAULT_FACTORY = "assistant.evals.runner:default_assistant_factory"
#: Without example questions in the corpus: a question every award policy can take.
_GENERAL_QUESTION = "能补多少？"


def cold_question(settings: Settings | None = None) -> str:
    """The first answer's question: the corpus's first example question that gives a figure (``examples.yaml``;
    it exercises the reader, the tracker and the calculator), else its first example."""
    from assistant.corpus import load_corpus
    from assistant.corpus.store import example_questions

    settings = settings or Settings.from_env()
    examples = example_questions(load_corpus(settings.corpus_dir))
    with_figure = [q for q in examples if any(ch.isdigit() for ch in q)]
    return (with_figure or examples or [_GENERAL_QUESTION])[0]

# Runs in a fresh interpreter: import, build the assistant, answer one question, report timings as JSON.
_COLD_SCRIPT = r"""
import importlib, json, resource, sys, time
t_start = time.time()
from assistant.config import Settings
module, _, name = sys.argv[1].partition(":")
factory = getattr(importlib.import_module(module), name)
t_import = time.time()
assistant = factory(Settings.from_env())
t_init = time.time()
reply = assistant.new_conversation().ask(sys.argv[2])
t_answer = time.time()
print(json.dumps({
    "t_start": t_start, "t_answer": t_answer,
    "import_s": t_import - t_start, "init_s": t_init - t_import, "first_answer_s": t_answer - t_init,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "answered": bool(getattr(reply, "answer", "")),
}))
"""


def measure_cold_start(
    factory_path: str = DEFAULT_FACTORY, question: str | None = None, timeout_s: float = 600.0
) -> dict[str, Any]:
    """Spawn a fresh interpreter and time it from spawn to its first answer (to ``question``, by default
    :func:`cold_question`)."""
    question = question or cold_question()
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    spawned = time.time()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _COLD_SCRIPT, factory_path, question],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            cwd=str(REPO_ROOT),
            env=env,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"冷启动超过 {timeout_s:.0f} 秒未完成"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {"error": f"冷启动进程失败（退出码 {proc.returncode}）：" + " | ".join(tail)}
    child = json.loads(lines[-1])
    return {
        "cold_start_s": round(child["t_answer"] - spawned, 3),
        "interpreter_s": round(child["t_start"] - spawned, 3),
        "import_s": round(child["import_s"], 3),
        "init_s": round(child["init_s"], 3),
        "first_answer_s": round(child["first_answer_s"], 3),
        "peak_rss_mb": round(child["peak_rss_mb"], 1),
        "answered": child["answered"],
    }


def index_build_here() -> dict[str, Any]:
    """Build the clause index from scratch for ``Settings.from_env()``; run in a fresh process by
    :func:`measure_index_build` so the model load is really timed and Chroma's clients do not leak."""
    from assistant.corpus import load_corpus
    from assistant.retrieval.embedders import load_embedder
    from assistant.retrieval.index import ChromaIndex, records_for

    settings = Settings.from_env()
    records = records_for(load_corpus(settings.corpus_dir))
    started = time.perf_counter()
    embedder = load_embedder(settings.embedding_model)
    model_s = time.perf_counter() - started
    started = time.perf_counter()
    status = ChromaIndex(settings).ensure(records, embedder, rebuild=True)
    build_s = time.perf_counter() - started
    return {
        "records": len(records),
        "embedding_model": settings.embedding_model,
        "model_load_s": round(model_s, 3),
        "build_s": round(build_s, 3),
        "embed_and_write_s": round(status.build_seconds, 3) if status.build_seconds is not None else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def measure_index_build(settings: Settings, timeout_s: float = 600.0) -> dict[str, Any]:
    """Build the index from scratch in a fresh process and a temporary state folder (the real one is untouched)."""
    with tempfile.TemporaryDirectory(prefix="policy-qa-bench-") as tmp:
        env = dict(os.environ)
        env.pop("CHROMA_HOST", None)
        env.update(
            POLICY_QA_HOME=tmp,
            POLICY_QA_CORPUS=str(settings.corpus_dir),
            POLICY_QA_EMBEDDING_MODEL=settings.embedding_model,
        )
        env.setdefault("HF_HUB_OFFLINE", "1")
        env.setdefault("TRANSFORMERS_OFFLINE", "1")
        code = "import json; from assistant.evals.bench import index_build_here; print(json.dumps(index_build_here()))"
        try:
            proc = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout_s,
                cwd=str(REPO_ROOT), env=env,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"索引构建超过 {timeout_s:.0f} 秒未完成"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": f"索引构建进程失败（退出码 {proc.returncode}）：" + " | ".join(tail)}
    return dict(json.loads(lines[-1]))
