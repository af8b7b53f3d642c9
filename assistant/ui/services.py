"""What the app holds once per process: corpus, rules, retriever, assistant, log — and the open conversations.

Loading the embedding model and the index takes seconds, so :func:`load_services` runs once at start-up
(``app.py`` calls it before ``serve``) and every request reuses the same objects. Conversations — and the
chat history shown for them — are kept server-side by id; the browser session (``gr.State``) holds only the
id, so nothing heavy is copied per session, the browser never sends the history back, and two sessions can
never share a conversation.

Sessions are bounded twice: one idle for ``session_ttl_s`` is dropped by :meth:`Sessions.expire` (the
server calls it periodically), and at most ``max_sessions`` are kept (least recently used dropped first).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.config import Settings
from assistant.corpus import Corpus, Policy, load_corpus
from assistant.logstore import LogStore

#: Open conversations kept in memory by default (least recently used dropped first).
MAX_CONVERSATIONS = 1000
#: Chat messages (user and assistant) kept per session; older ones scroll away.
MAX_HISTORY_MESSAGES = 60
#: Browser sessions (Gradio session hashes) remembered as expired, so their next message can say so.
MAX_EXPIRED_REMEMBERED = 10_000


@dataclass
class Session:
    """One chat session: its conversation with the assistant, the chat as shown, and what feedback needs."""

    conversation: Any
    as_of: date
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    turn: int = 0
    last_exchange_id: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list, repr=False)
    """The chat as shown (``{"role", "content"}`` messages, the last answer with its ``options``), at most
    MAX_HISTORY_MESSAGES."""
    exchanges: list[int | None] = field(default_factory=list, repr=False)
    """Per message of ``history``: the logged exchange an answer belongs to (None for the user's messages)."""
    feedback: dict[int, str] = field(default_factory=dict, repr=False)
    """Exchange id → the thumb shown on its answer ("Like" / "Dislike")."""
    feedback_ids: dict[int, int] = field(default_factory=dict, repr=False)
    """Exchange id → the logged feedback record of that thumb (a switch or a reason updates it)."""
    headlines: dict[int, str] = field(default_factory=dict, repr=False)
    """Exchange id → the first line of its answer (the feedback panel says which answer it is about)."""
    validity_said: set[str] = field(default_factory=set, repr=False)
    """Validity lines already shown in this chat (repeated ones are folded)."""
    panel: int | None = None
    """The exchange whose reason panel is open: its 没用 is already logged, the panel only adds a reason and
    comment to that record. Closed by 跳过, by any other thumb and by the next turn."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_messages(
        self, *messages: tuple[str, str], exchange_id: int | None = None, options: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """Append messages; the last one belongs to ``exchange_id`` and offers ``options`` (shown as buttons
        under it until the next message)."""
        for shown in self.history:
            shown.pop("options", None)
        for i, (role, content) in enumerate(messages):
            last = i == len(messages) - 1
            message: dict[str, Any] = {"role": role, "content": content}
            if last and options:
                message["options"] = [{"value": o, "label": o} for o in options]
            self.history.append(message)
            self.exchanges.append(exchange_id if last else None)
        del self.history[:-MAX_HISTORY_MESSAGES]
        del self.exchanges[:-MAX_HISTORY_MESSAGES]
        return [dict(m) for m in self.history]

    def exchange_at(self, index: int) -> int | None:
        """The exchange of the message at ``index`` of the chat as shown (None: not an answer)."""
        return self.exchanges[index] if 0 <= index < len(self.exchanges) else None

    def answer_number(self, exchange_id: int) -> int:
        """1-based position of the exchange's answer among the answers shown."""
        answers = [ex for m, ex in zip(self.history, self.exchanges, strict=True) if m["role"] == "assistant"]
        return answers.index(exchange_id) + 1 if exchange_id in answers else 0

    def feedback_value(self) -> list[str | None]:
        """The thumb of every assistant message, in order (Gradio's ``feedback_value``)."""
        return [self.feedback.get(ex) if ex is not None else None
                for m, ex in zip(self.history, self.exchanges, strict=True) if m["role"] == "assistant"]


class Sessions:
    """Thread-safe map from session id to :class:`Session`, bounded in size and in idle time."""

    def __init__(
        self, maxsize: int = MAX_CONVERSATIONS, ttl_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._items: OrderedDict[str, Session] = OrderedDict()
        self._used: dict[str, float] = {}
        self._expired_browsers: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self.maxsize = maxsize
        self.ttl_s = ttl_s
        self._clock = clock

    def add(self, session: Session) -> Session:
        with self._lock:
            self._items[session.id] = session
            self._used[session.id] = self._clock()
            while len(self._items) > self.maxsize:
                old, _ = self._items.popitem(last=False)
                self._used.pop(old, None)
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The session, unless unknown or idle longer than the TTL (then it is dropped)."""
        if not session_id:
            return None
        with self._lock:
            session = self._items.get(session_id)
            if session is None:
                return None
            now = self._clock()
            if self.ttl_s is not None and now - self._used[session_id] > self.ttl_s:
                del self._items[session_id], self._used[session_id]
                return None
            self._items.move_to_end(session_id)
            self._used[session_id] = now
            return session

    def drop(self, session_id: str | None) -> None:
        with self._lock:
            self._items.pop(session_id or "", None)
            self._used.pop(session_id or "", None)

    def expire(self) -> int:
        """Drop every session idle longer than the TTL; returns how many were dropped."""
        if self.ttl_s is None:
            return 0
        with self._lock:
            limit = self._clock() - self.ttl_s
            stale = []
            for sid in self._items:  # least recently used first
                if self._used[sid] >= limit:
                    break
                stale.append(sid)
            for sid in stale:
                del self._items[sid], self._used[sid]
        return len(stale)

    def mark_expired_browsers(self, keys: list[str]) -> None:
        """Remember browser sessions whose page state was dropped for idleness (bounded, oldest forgotten)."""
        with self._lock:
            for key in keys:
                self._expired_browsers[key] = None
            while len(self._expired_browsers) > MAX_EXPIRED_REMEMBERED:
                self._expired_browsers.popitem(last=False)

    def browser_expired(self, key: str | None) -> bool:
        """Whether this browser session was expired (asked once: the answer is forgotten)."""
        with self._lock:
            return self._expired_browsers.pop(key or "", False) is None

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class Services:
    """Everything the UI calls, loaded once."""

    settings: Settings
    corpus: Corpus
    rules: dict[str, Any]
    assistant: Any
    retriever: Any
    log: LogStore
    sessions: Sessions = field(default_factory=Sessions)

    def __post_init__(self) -> None:
        self.sessions.maxsize = self.settings.max_sessions
        self.sessions.ttl_s = self.settings.session_ttl_s

    @property
    def policies(self) -> list[Policy]:
        return list(self.corpus)

    def policy_names(self) -> dict[str, str] | None:
        """Policy id → short name when several policies are loaded (answers then name their policy)."""
        policies = self.policies
        return {p.policy_id: p.meta.name for p in policies} if len(policies) > 1 else None

    def new_session(self, as_of: date) -> Session:
        conversation = self.assistant.new_conversation(as_of=as_of)
        return self.sessions.add(Session(conversation, as_of, id=conversation.id))


def load_services(settings: Settings | None = None) -> Services:
    """Load corpus, rules, the assistant (model + index) and the log once; warm the retriever up."""
    from assistant.dialogue import Assistant
    from assistant.retrieval import get_retriever

    settings = settings or Settings.from_env()
    settings.ensure_home()
    corpus = load_corpus(settings.corpus_dir, extra=settings.extra_corpus_dirs)
    retriever = get_retriever(settings)  # one model + index per process, shared by chat and search
    assistant = Assistant(settings, corpus=corpus, retriever=retriever)
    assistant.warm_up()  # load the model and open/build the index now, not on the first request
    return Services(settings, corpus, dict(assistant.rules), assistant, retriever, LogStore(settings.db_path))
