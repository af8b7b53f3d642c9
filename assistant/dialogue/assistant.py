"""The assistant: read a message, update the conversation state, choose the next action, answer, check.

One :class:`Assistant` per process holds what is loaded once (corpus, rules, the reader, the retriever);
each conversation's state is its own. A turn is a pipeline of separate parts::

    check_input → nlu.parse → retrieval → tracker.apply → next_action.decide → answers.carry_out → guard

Figures come only from the calculator and the clause texts; citations only from the clause ids the answer
carries; the guard checks every figure before the reply leaves. The optional LLM may stand in for the
intent reader and may rephrase an answer, nothing more (a phrasing that fails the guard is dropped).
"""

from __future__ import annotations

import functools
import logging
import threading
from datetime import date
from typing import Any

from assistant.config import Settings
from assistant.corpus import Corpus, load_corpus
from assistant.corpus.store import example_questions
from assistant.dialogue.answer import Answer
from assistant.dialogue.answers import carry_out
from assistant.dialogue.answers.common import Context
from assistant.dialogue.chat import Chat
from assistant.dialogue.conversation import Conversation
from assistant.dialogue.domain import Domain
from assistant.dialogue.goals import record
from assistant.dialogue.guard import metadata_texts, ungrounded_numbers
from assistant.dialogue.llm import LLMBackend, LLMIntentReader
from assistant.dialogue.next_action import ActionKind, decide
from assistant.dialogue.reply import Citation, Reply
from assistant.dialogue.state import DialogueState, Observation, Request
from assistant.dialogue.tracker import apply
from assistant.errors import DataError, IndexUnavailable, InputError, LLMUnavailable
from assistant.nlu import NLU, build_nlu
from assistant.nlu.inputs import check_input
from assistant.rules import load_all_rules

log = logging.getLogger(__name__)

INJECTION_NOTE = "（您消息中要求更改规则、角色或数字的内容已被忽略；以上答复仅依据政策原文和计算规则。）"
COMPARED_NOTE = "（{places}的政策未收录，无法比较；以上仅依据已收录政策的原文和计算规则。）"
SET_ASIDE_NOTE = "（您另问的{words}不属于已收录政策的内容，请咨询相关主管部门；以上仅就已收录政策作答。）"
ATTRIBUTION_NOTE = "（您提到的“此前答复”中的说法不作为依据；以上答复仅依据政策原文和计算规则。）"
_ANSWERED = {ActionKind.ANSWER_AWARD, ActionKind.ANSWER_ELIGIBILITY, ActionKind.ANSWER_MATCH}


def load_policy_rules(corpus: Corpus) -> dict[str, Any]:
    """Every policy's rules; a policy without rules.yaml is simply absent (it still answers look-ups)."""
    return dict(load_all_rules(corpus))


class Assistant:
    """The policy assistant. Thread-safe for concurrent conversations (each has its own state)."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        corpus: Corpus | None = None,
        retriever: Any | None = None,
        llm: LLMBackend | None = None,
        use_llm: bool = True,
        nlu: NLU | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.corpus = corpus or load_corpus(self.settings.corpus_dir, extra=self.settings.extra_corpus_dirs)
        self.rules: dict[str, Any] = load_policy_rules(self.corpus)
        self._retriever = retriever
        self._lock = threading.Lock()
        self.llm = llm if llm is not None else (LLMBackend.from_settings(self.settings) if use_llm else None)
        self._nlu = nlu
        self._domain: Domain | None = None

    # -- resources --------------------------------------------------------------------------------
    @property
    def retriever(self) -> Any:
        """The hybrid retriever, loaded on first use and shared by all conversations."""
        if self._retriever is None:
            with self._lock:
                if self._retriever is None:
                    from assistant.retrieval import get_retriever

                    self._retriever = get_retriever(self.settings)
        return self._retriever

    @functools.cached_property
    def examples(self) -> tuple[str, ...]:
        """The loaded policies' example questions (suggested when a message cannot be read)."""
        try:
            return tuple(example_questions(self.corpus))
        except DataError as err:
            log.warning("示例问题不可用：%s", err)
            return ()

    def _embedder(self) -> Any | None:
        retriever = self._retriever
        if retriever is not None:
            return getattr(retriever, "embedder", None)
        try:
            from assistant.retrieval.embedders import load_embedder

            return load_embedder(self.settings.embedding_model)
        except Exception as err:  # the reader then works on n-grams alone
            log.warning("句向量模型不可用，意图识别仅用字符特征：%s", err)
            return None

    @property
    def nlu(self) -> NLU:
        if self._nlu is None:
            with self._lock:
                if self._nlu is None:
                    nlu = build_nlu(self.corpus, self.rules, embedder=self._embedder(),
                                    cache_dir=self.settings.nlu_dir)
                    if self.llm is not None and nlu.reader is not None:
                        nlu.reader = LLMIntentReader(self.llm, nlu.reader)  # type: ignore[assignment]
                    self._nlu = nlu
        return self._nlu

    @property
    def domain(self) -> Domain:
        if self._domain is None:
            self._domain = Domain(self.corpus, self.rules, self.nlu.catalog)
        return self._domain

    def warm_up(self) -> None:
        """Load the reader, the model and the index now (the app calls this at start)."""
        _ = self.domain
        try:
            self.retriever.search("政策", k=1)
        except IndexUnavailable as err:
            log.warning("%s", err)

    def new_conversation(self, as_of: date | None = None) -> Chat:
        return Chat(self, Conversation(DialogueState(as_of=as_of or date.today())))

    def ask(self, text: str, as_of: date | None = None) -> Reply:
        """A one-turn conversation."""
        return self.new_conversation(as_of).ask(text)

    # -- one turn ---------------------------------------------------------------------------------
    def _observe(self, text: str) -> Observation:
        parse = self.nlu.parse(text)
        hits: tuple[Any, ...] = ()
        answerable = False
        query = parse.reading.strip()
        if query:
            try:
                found = self.retriever.search(query, k=5)
                hits = tuple(found)
                answerable = bool(found) and bool(self.retriever.answerable(found))
            except IndexUnavailable as err:  # figures from the rules never depend on retrieval
                log.warning("检索不可用，仅用规则作答：%s", err)
        return Observation(parse, hits, answerable)

    def respond(self, conv: Conversation, text: str) -> Reply:
        """Answer one turn and update the conversation's state."""
        checked = check_input(text, self.settings.max_question_chars, self.examples)
        if checked.problem:
            reply = self._bare(conv, checked.problem)
        else:
            try:
                reply = self._turn(conv, checked.text)
            except InputError as err:
                reply = self._bare(conv, str(err))
        conv.history.append((text, reply))
        return reply

    def _turn(self, conv: Conversation, text: str) -> Reply:
        domain = self.domain
        obs = self._observe(text)
        waiting = conv.state.waiting
        state = apply(conv.state, obs, domain)
        if state.last.resumed and waiting is not None:
            obs = waiting  # the question that waited for "which policy?" is the one answered now
        action = decide(state, obs, domain)
        answer, action = carry_out(Context(domain, state, obs, action))
        parse = obs.parse
        if answer.intent != "out_of_scope":
            answer.details += [n for n, on in ((INJECTION_NOTE, parse.injected), (ATTRIBUTION_NOTE, parse.attributed)) if on]
            if state.last.compared_places:  # "«other region»跟«our region»比": say plainly what is not covered, invent nothing
                answer.details.append(COMPARED_NOTE.format(places="、".join(state.last.compared_places)))
            if state.last.set_aside:  # "…能补多少？加计扣除能一起享受吗": the other question is not ours to answer
                answer.details.append(SET_ASIDE_NOTE.format(words="、".join(state.last.set_aside)))
        asked = None
        if action.kind is ActionKind.ASK_FACT:
            asked = Request("fact", state.policy_id, action.fact, tuple(answer.options))
        elif action.kind is ActionKind.ASK_ITEM or (action.kind is ActionKind.ANSWER_MATCH and answer.intent == "clarify"):
            asked = Request("item", state.policy_id, None, tuple(answer.items))  # (the menu's items, in its order)
        elif action.kind is ActionKind.ANSWER_MATCH and answer.missing_facts:
            asked = Request("fact", answer.policy_id, answer.missing_facts[0], tuple(answer.options))
        answered = action.kind in _ANSWERED and answer.intent != "clarify"
        rests_on = answer.intent in ("award", "eligibility", "lookup") and answer.policy_id == state.policy_id
        topic = answer.citations[0] if rests_on and answer.citations else None
        conv.state = record(state, action.kind, asked, answered, topic)
        reply = self._reply(answer, conv.state, action.kind.value, action.reason.value)
        return self._phrase_and_guard(parse.reading, reply)

    def _bare(self, conv: Conversation, message: str) -> Reply:
        """A clarify reply to input that cannot be used (a Chinese message, no figures from the policy)."""
        pid = conv.state.policy_id or next(iter(self.corpus)).policy_id
        in_force = self.corpus.policy(pid).meta.in_force(conv.as_of)
        return Reply(answer=message, intent="clarify", as_of=conv.as_of, in_force=in_force, headline=message)

    def _reply(self, answer: Answer, state: DialogueState, action: str, reason: str) -> Reply:
        pid = answer.policy_id or state.policy_id or next(iter(self.corpus)).policy_id
        policy = self.corpus.policy(pid)
        clauses = [policy.clause(c) for c in dict.fromkeys(answer.citations) if policy.has_clause(c)]
        notes = [policy.clause(c) for c in answer.note_citations if policy.has_clause(c)]
        extra = [policy.clause(c) for c in answer.extra_evidence if policy.has_clause(c)]
        foreign = [self.corpus.policy(p).clause(c) for p, c in answer.foreign_citations]
        foreign_seen = [self.corpus.policy(p).clause(c) for p, c in answer.foreign_evidence]
        clauses += foreign
        evidence = list({(c.policy_id, c.clause_id): c for c in [*clauses, *notes, *extra, *foreign_seen]}.values())
        return Reply(
            answer=answer.text(),
            intent=answer.intent,
            as_of=state.as_of,
            citations=[Citation.of(c) for c in clauses],
            amount_yuan=answer.amount_yuan,
            in_force=policy.meta.in_force(state.as_of),
            trace=list(answer.trace),
            missing_facts=list(answer.missing_facts),
            evidence=evidence,
            policy_id=answer.policy_id,
            validity_notice=answer.validity,
            items=list(answer.items),
            eligibility=answer.eligibility,
            headline=answer.headline,
            notes=[n.text for n in answer.notes],
            note_citations=[Citation.of(c) for c in notes],
            options=list(answer.options),
            parts={"steps": answer.steps, "conditions": answer.conditions, "details": answer.details,
                   "citation_line": answer.citation_line, "validity": answer.validity},
            action=action,
            reason=reason,
            matches=answer.matches,
        )

    # -- phrasing and the guard -------------------------------------------------------------------
    def _grounding(self, reply: Reply) -> tuple[list[str], list[str]]:
        policy = self.corpus.policy(reply.policy_id) if reply.policy_id else None
        as_of = reply.as_of
        evidence = [c.text for c in reply.evidence] + [f"{as_of.year}年{as_of.month}月{as_of.day}日"]
        if policy is not None:
            evidence += metadata_texts(policy.meta)
        trace = [getattr(s, "description", str(s)) for s in reply.trace]
        return evidence, trace

    def _phrase_and_guard(self, question: str, reply: Reply) -> Reply:
        evidence, trace = self._grounding(reply)
        ids = [c.clause_id for c in reply.evidence]
        bad = ungrounded_numbers(reply.text(verbose=True), evidence, trace, ids)
        if bad:  # a bug in our own wording: never show it
            log.error("ungrounded figures %s in deterministic answer: %s", bad, reply.answer)
            issuer = self.corpus.policy(reply.policy_id).meta.issuer if reply.policy_id else "主管部门"
            reply.answer = reply.headline = f"抱歉，这个问题暂时无法给出可靠答复，请联系{issuer}咨询。"
            reply.amount_yuan = None
            reply.notes = []
            return reply
        if self.llm is None or reply.intent not in ("award", "eligibility", "lookup") or reply.missing_facts:
            return reply
        try:
            phrased = self.llm.phrase(question, reply.answer, evidence, trace)
        except LLMUnavailable as err:
            log.warning("%s", err)
            return reply
        if ungrounded_numbers(phrased, evidence, trace, ids):
            log.warning("LLM phrasing rejected by the guard")
            return reply
        line = reply.parts.get("citation_line") or ""
        reply.answer = phrased if not line or line in phrased else f"{phrased}\n{line}"
        return reply


__all__ = ["Assistant", "Chat", "DataError"]
