"""Index faults with real processes (issue 14 item 4, item 8): the local index is never deleted by a reader, writers
are serialised by a file lock and build aside, a read-only or unusable state folder gives a Chinese message (and
search still works where it can), and a Chroma server that is down fails fast with one error class.

Every process here uses the fake embedder (POLICY_QA_EMBEDDING_MODEL=fake): the faults are about files, locks and
processes, not about the model, and the fake loads in microseconds.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import IndexUnavailable, RetrievalUnavailable
from assistant.retrieval.index import LocalGenerations
from tests.servers import free_port

POLICY_QA = str(Path(sys.executable).with_name("policy-qa"))
#: Runs a command as root without the capabilities that let root ignore permission bits, so a folder without
#: write permission is read-only for it (the test process itself runs as root in CI).
READ_ONLY_AS_ROOT = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search",
                     "--inh-caps=-dac_override,-dac_read_search", "--"]


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMA_HOST", "CHROMA_PORT")}
    env.update(POLICY_QA_HOME=str(home), POLICY_QA_EMBEDDING_MODEL="fake", HF_HUB_OFFLINE="1", **extra)
    return env


def _run(home: Path, *args: str, prefix: Sequence[str] = (), timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, POLICY_QA, *args], env=_env(home), capture_output=True, text=True, timeout=timeout
    )


def _start(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [POLICY_QA, *args], env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _generations(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "index").glob("gen-*"))


def _orphan_segments(generation: Path) -> list[str]:
    """Segment folders of a Chroma folder that its database does not know (left by an interrupted write)."""
    with sqlite3.connect(generation / "chroma.sqlite3") as conn:
        known = {row[0] for row in conn.execute("SELECT id FROM segments")}
    return [p.name for p in generation.iterdir() if p.is_dir() and p.name not in known]


def _live(home: Path) -> Path:
    return home / "index" / (home / "index" / "CURRENT").read_text().strip()


def test_readers_during_rebuilds_never_delete_the_index(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _run(home, "index").returncode == 0
    first = _generations(home)
    # readers: each a process that searches several times; a writer rebuilds twice meanwhile
    script = (
        "import sys\n"
        "from assistant.config import Settings\n"
        "from assistant.retrieval.retriever import Retriever\n"
        "for _ in range(4):\n"
        "    r = Retriever(Settings.from_env())\n"
        "    assert r.search('二级节点', k=1)[0].clause_id == '6'\n"
        "    assert not r.status.rebuilt, r.status.message()\n"
        "    r.close()\n"
    )
    readers = [
        subprocess.Popen([sys.executable, "-c", script], env=_env(home), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    for _ in range(2):
        rebuild = _run(home, "index", "--rebuild")
        assert rebuild.returncode == 0, rebuild.stderr
    for reader in readers:
        _, err = reader.communicate(timeout=180)
        assert reader.returncode == 0, err
        assert "Traceback" not in err
    assert not list((home / "index").glob("corrupt-*")), "a reader judged the index corrupt"
    assert (home / "index" / "CURRENT").is_file() and _live(home).is_dir()
    assert _generations(home) != first  # rebuilt aside and swapped in
    # once no reader holds them, superseded generations go at the next write
    assert _run(home, "index", "--rebuild").returncode == 0
    assert _generations(home) == [_live(home).name]


def test_a_rebuild_waits_for_the_writers_lock(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _run(home, "index").returncode == 0
    generations = LocalGenerations(home / "index")
    with generations.write_lock():
        waiting = _start(home, "index", "--rebuild")
        time.sleep(4)
        assert waiting.poll() is None, "the rebuild ran while another writer held the lock"
        before = _generations(home)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert _generations(home) != before


def test_two_concurrent_rebuilds_are_serialised_and_leave_no_orphans(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _run(home, "index").returncode == 0
    writers = [_start(home, "index", "--rebuild") for _ in range(2)]
    for writer in writers:
        _, err = writer.communicate(timeout=180)
        assert writer.returncode == 0, err
        assert "Traceback" not in err
    live = _live(home)
    assert _generations(home) == [live.name], "superseded or half-built generation folders were left"
    assert _orphan_segments(live) == []
    assert not list((home / "index").glob(".CURRENT.*"))
    search = _run(home, "search", "二级节点", "--json")
    assert search.returncode == 0 and '"clause_id": "6"' in search.stdout


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) is needed to drop root's override")
def test_a_read_only_state_folder_still_searches_and_index_says_why_not(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _run(home, "index").returncode == 0
    for folder, _, files in os.walk(home):
        os.chmod(folder, 0o555)
        for name in files:
            os.chmod(Path(folder) / name, 0o444)
    try:
        search = _run(home, "search", "二级节点", "--json", prefix=READ_ONLY_AS_ROOT)
        assert search.returncode == 0, search.stderr
        assert '"clause_id": "6"' in search.stdout
        assert "只读" in search.stderr and "Traceback" not in search.stderr
        index = _run(home, "index", "--rebuild", prefix=READ_ONLY_AS_ROOT)
        assert index.returncode == 2
        assert "不可写" in index.stderr and "Traceback" not in index.stderr
    finally:
        for folder, _, _ in os.walk(home):
            os.chmod(folder, 0o755)
    # no index at all, and nowhere to write one: search still works (vectors in memory) and says so
    bare = tmp_path / "bare"
    bare.mkdir(mode=0o555)
    search = _run(bare, "search", "二级节点", "--json", prefix=READ_ONLY_AS_ROOT)
    assert search.returncode == 0, search.stderr
    assert '"clause_id": "6"' in search.stdout and "未写入索引" in search.stderr


def test_an_index_path_that_is_a_file_is_a_chinese_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "index").write_text("not a folder")
    for args in (("search", "二级节点"), ("index",)):
        done = _run(home, *args)
        assert done.returncode == 2
        assert "是一个文件" in done.stderr and "Traceback" not in done.stderr
    assert (home / "index").read_text() == "not a folder", "the file was left as it was"


def test_a_reader_that_fails_to_open_leaves_the_index_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error opening the live index outside the lock (e.g. a writer swapping it) is looked at again under the
    lock; when it opens there, nothing is rebuilt or moved."""
    from assistant.retrieval import index as index_module
    from assistant.retrieval.retriever import Retriever

    settings = replace(Settings.from_env(), home=tmp_path / "home", embedding_model="fake", chroma_host=None)
    Retriever(settings).close()
    live = _live(settings.home)
    real_read = index_module.ChromaIndex._read
    calls = {"n": 0}

    def flaky(self, generation, name):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("transient: being replaced")
        return real_read(self, generation, name)

    monkeypatch.setattr(index_module.ChromaIndex, "_read", flaky)
    again = Retriever(settings)
    assert calls["n"] == 2 and not again.status.changed
    assert _live(settings.home) == live and not list((settings.home / "index").glob("corrupt-*"))


def test_a_chroma_server_that_is_down_fails_fast_with_one_error_class(settings: Settings) -> None:
    from assistant.retrieval.retriever import get_retriever

    down = replace(settings, chroma_host="127.0.0.1", chroma_port=free_port(), embedding_model="fake")
    started = time.perf_counter()
    with pytest.raises(RetrievalUnavailable, match="无法连接检索服务") as raised:
        get_retriever(down)
    assert time.perf_counter() - started < 5
    assert isinstance(raised.value, IndexUnavailable)  # callers catching the older class still catch it


def test_search_command_with_the_server_down_exits_2_with_a_chinese_message(tmp_path: Path) -> None:
    env = _env(tmp_path / "home", CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(free_port()))
    started = time.perf_counter()
    done = subprocess.run([POLICY_QA, "search", "规上企业奖励多少"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "无法连接检索服务" in done.stderr and "Traceback" not in done.stderr
    assert time.perf_counter() - started < 30  # process start and imports included


def test_while_retrieval_is_down_callers_are_answered_at_once(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.retrieval import index as index_module
    from assistant.retrieval.retriever import get_retriever

    down = replace(settings, chroma_host="127.0.0.1", chroma_port=free_port(), embedding_model="fake")
    attempts = {"n": 0}
    real_connect = index_module.ChromaIndex._connect_remote

    def counting(self):  # type: ignore[no-untyped-def]
        attempts["n"] += 1
        return real_connect(self)

    monkeypatch.setattr(index_module.ChromaIndex, "_connect_remote", counting)
    for _ in range(3):
        with pytest.raises(RetrievalUnavailable):
            get_retriever(down)
    assert attempts["n"] == 1, "a caller waited for a new connection attempt while retrieval was known down"


def test_a_local_index_that_cannot_be_opened_is_retrieval_unavailable(tmp_path: Path) -> None:
    from assistant.retrieval.retriever import get_retriever

    home = tmp_path / "home"
    home.mkdir()
    (home / "index").write_text("not a folder")
    settings = replace(Settings.from_env(), home=home, embedding_model="fake", chroma_host=None)
    with pytest.raises(RetrievalUnavailable, match="是一个文件"):
        get_retriever(settings)
