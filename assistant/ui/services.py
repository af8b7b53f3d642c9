"""What the app holds once per process: corpus, rules, retriever, assistant, log — and the open conversations.

Loading the embedding model and the index takes seconds, so :func:`load_services` runs once at start-up
(``app.py`` calls it before ``launch``) and every request reuses the same objects. Conversations are kept
server-side by id; the browser session (``gr.State``) holds only the id, so nothing heavy is copied per
session and two sessions can never share a conversation.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.config import Settings
from assistant.corpus import Corpus, Policy, load_corpus
from assistant.logstore import LogStore

#: Open conversations kept in memory (least recently used dropped first).
MAX_CONVERSATIONS = 5000


@dataclass
class Session:
    """One chat session: its conversation with the assistant and what the log needs."""

    conversation: Any
    as_of: date
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    turn: int = 0
    last_exchange_id: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class Sessions:
    """Thread-safe, bounded map from session id to :class:`Session`."""

    def __init__(self, maxsize: int = MAX_CONVERSATIONS) -> None:
        self._items: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()
        self.maxsize = maxsize

    def add(self, session: Session) -> Session:
        with self._lock:
            self._items[session.id] = session
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        with self._lock:
            session = self._items.get(session_id)
            if session is not None:
                self._items.move_to_end(session_id)
            return session

    def drop(self, session_id: str | None) -> None:
        with self._lock:
            self._items.pop(session_id or "", None)

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

    @property
    def policies(self) -> list[Policy]:
        return list(self.corpus)

    def clause_labels(self) -> dict[str, str]:
        return {c.clause_id: c.label for c in self.corpus.clauses()}

    def new_session(self, as_of: date) -> Session:
        conversation = self.assistant.new_conversation(as_of=as_of)
        return self.sessions.add(Session(conversation, as_of, id=conversation.id))


def load_services(settings: Settings | None = None) -> Services:
    """Load corpus, rules, the assistant (model + index) and the log once; warm the retriever up."""
    from assistant.dialogue import Assistant
    from assistant.retrieval import get_retriever

    settings = settings or Settings.from_env()
    settings.ensure_home()
    corpus = load_corpus(settings.corpus_dir)
    retriever = get_retriever(settings)  # one model + index per process, shared by chat and search
    assistant = Assistant(settings, corpus=corpus, retriever=retriever)
    assistant.warm_up()  # load the model and open/build the index now, not on the first request
    return Services(settings, corpus, dict(assistant.rules), assistant, retriever, LogStore(settings.db_path))
