"""The assistant: route a message, gather facts, call the calculator or retrieval, compose a cited answer.

One :class:`Assistant` per process (it holds the corpus, the rules and the retriever, loaded once);
one :class:`Conversation` per user. ``Conversation.ask(text)`` returns a :class:`Reply`.

Figures come only from the calculator (:mod:`assistant.rules.calculator`) and the clause texts; citations
only from the clause ids of the evidence; and :mod:`assistant.dialogue.guard` checks every answer before
it is returned. The optional LLM backend may read the question and phrase the answer, nothing more.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import cn2an

from assistant.config import Settings
from assistant.corpus import Clause, Corpus, Policy, load_corpus
from assistant.dialogue import compose
from assistant.dialogue.conversation import Conversation
from assistant.dialogue.facts import FactCues, extract_facts, load_lexicon
from assistant.dialogue.guard import metadata_texts, ungrounded_numbers
from assistant.dialogue.inputs import check_input
from assistant.dialogue.llm import LLMBackend
from assistant.dialogue.reply import INTENTS, Citation, Intent, Reply
from assistant.dialogue.router import Routed, asks_eligibility, is_vague, other_places, route, wants_amount
from assistant.errors import DataError, InputError, LLMUnavailable
from assistant.rules.calculator import CalcRequest, ItemResult, calculate, calculate_many
from assistant.rules.eligibility import STATUS_TEXT, check_eligibility
from assistant.rules.model import FactSpec, PolicyRules, load_rules

log = logging.getLogger(__name__)

#: Questions about the document itself, answered from the clause its metadata names.
_ASKS_VALIDITY = re.compile(
    r"有效期|有效至|到期|过期|失效|还有效|仍然有效|还能用|什么时候(开始|实施|施行|生效|结束|截止|到期)|何时|实施日期|施行日期"
    r"|(开始|起)(实施|施行|执行)|expire|valid",
    re.IGNORECASE,
)
_ASKS_INTERPRETER = re.compile(r"解释|负责单位|哪个部门负责|谁负责|主管部门|哪个部门|发文单位|谁发")
_ASKS_UPSTREAM = re.compile(r"依据|上位|根据什么|哪些文件|贯彻|依照什么|出台背景|制定目的|目的")

#: "第四条", "第9条": an explicit reference to a clause by its number.
_CLAUSE_REFERENCE = re.compile(r"第\s*([0-9]{1,3}|[一二三四五六七八九十]{1,3})\s*条")
#: "同一个项目既是…又是…": several items of one project.
_SAME_PROJECT = re.compile(r"同一(个)?项目|一个项目|这个项目既|既是.{1,20}又是|同时(获得|符合|申请)")
#: "那首次进规上呢？": a follow-up that keeps the open question and changes the item.
_FOLLOW_UP = re.compile(r"^(那|那么|还有|另外|再问)|呢[？?]?$")
INJECTION_NOTE = "（您消息中要求更改规则、角色或数字的内容已被忽略；以下答复仅依据政策原文和计算规则。）"


@dataclass
class Turn:
    """Everything one turn's handler needs."""

    conversation: Conversation
    text: str
    routed: Routed
    policy: Policy
    rules: PolicyRules | None
    items: list[str]
    hits: list[Any] = field(default_factory=list)
    answerable: bool = False


Handler = Callable[["Assistant", Turn], Reply]


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
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.corpus = corpus or load_corpus(self.settings.corpus_dir)
        self.rules: dict[str, PolicyRules] = {}
        self.lexicons: dict[str, dict[str, FactCues]] = {
            p.policy_id: load_lexicon(self.corpus.root / p.policy_id / "lexicon.yaml") for p in self.corpus
        }
        for policy in self.corpus:
            try:
                self.rules[policy.policy_id] = load_rules(policy, self.corpus.root)
            except DataError as err:
                if "找不到" not in str(err) and "不存在" not in str(err):
                    raise
        self._retriever = retriever
        self._retriever_lock = threading.Lock()
        self.llm = llm if llm is not None else (LLMBackend.from_settings(self.settings) if use_llm else None)
        self.regions = {p.meta.region for p in self.corpus}
        self.region_parents = {p.meta.region_parent for p in self.corpus if p.meta.region_parent}
        self.domain_terms = self._domain_terms()

    def _domain_terms(self) -> frozenset[str]:
        """The corpus's own vocabulary, from data: item aliases and titles, headings, regions, issuers."""
        terms: set[str] = set()
        for rules in self.rules.values():
            for item in rules.items:
                terms.update(a.lower() for a in item.aliases if len(a) >= 2)
        for policy in self.corpus:
            meta = policy.meta
            terms.update(x for x in (meta.region, meta.region[:2], meta.issuer) if x)
            terms.update(c.title for c in policy.clauses if c.kind in ("section", "subsection") and len(c.title) >= 2)
        return frozenset(terms)

    # -- resources --------------------------------------------------------------------------------

    @property
    def retriever(self) -> Any:
        """The hybrid retriever, loaded on first use and shared by all conversations."""
        if self._retriever is None:
            with self._retriever_lock:
                if self._retriever is None:
                    from assistant.retrieval import get_retriever

                    self._retriever = get_retriever(self.settings)
        return self._retriever

    def warm_up(self) -> None:
        """Load the model and index now (the app calls this at start, not on the first request)."""
        self.retriever.search("工业互联网", k=1)

    def new_conversation(self, as_of: date | None = None) -> Conversation:
        return Conversation(self, as_of=as_of or date.today())

    def ask(self, text: str, as_of: date | None = None) -> Reply:
        """A one-turn conversation."""
        return self.new_conversation(as_of).ask(text)

    # -- one turn ----------------------------------------------------------------------------------

    def respond(self, conv: Conversation, text: str) -> Reply:
        """Answer one turn; ``in_force`` always says whether the conversation's policy is in force on as_of."""
        policy = self.corpus.policy(conv.policy_id) if conv.policy_id else next(iter(self.corpus))
        checked = check_input(text, self.settings.max_question_chars)
        if checked.problem:
            return self._bare(conv, policy, checked.problem)
        try:
            turn = self._read(conv, checked.text)
            reply = self._handler(turn.routed.intent)(self, turn)
        except InputError as err:
            return self._bare(conv, policy, str(err))
        if reply.in_force is None:
            reply.in_force = turn.policy.meta.in_force(conv.as_of)
        reply = self._phrase_and_guard(turn, reply)
        if turn.routed.injection and reply.intent != "out_of_scope":
            reply.answer = f"{INJECTION_NOTE}\n{reply.answer}"
        conv.last_intent = reply.intent if reply.intent in ("award", "eligibility") else conv.last_intent
        return reply

    @staticmethod
    def _bare(conv: Conversation, policy: Policy, message: str) -> Reply:
        """A clarify reply to input that cannot be used (a Chinese message, no figures from the policy)."""
        return Reply(answer=message, intent="clarify", as_of=conv.as_of, in_force=policy.meta.in_force(conv.as_of))

    def _policy_for(self, conv: Conversation, items_by_policy: dict[str, list[str]], hits: list[Any]) -> Policy:
        for pid, items in items_by_policy.items():
            if items:
                return self.corpus.policy(pid)
        if conv.policy_id:
            return self.corpus.policy(conv.policy_id)
        if hits:
            return self.corpus.policy(hits[0].clause.policy_id)
        return next(iter(self.corpus))

    def _read(self, conv: Conversation, text: str) -> Turn:
        from assistant.dialogue.router import strip_injection

        clean, injected = strip_injection(text)
        # An injection that names an item ("直接说实训基地能拿…") still asks about that item; its figures never count.
        topic = clean or (text if injected else "")
        items_by_policy = {pid: r.match_items(topic) for pid, r in self.rules.items()}
        hits: list[Any] = []
        answerable = False
        if clean:
            hits = self.retriever.search(clean, k=5, as_of=conv.as_of)
            answerable = bool(hits) and self.retriever.answerable(hits)
        policy = self._policy_for(conv, items_by_policy, hits)
        rules = self.rules.get(policy.policy_id)
        items = list(items_by_policy.get(policy.policy_id, []))

        specs = self._specs(rules, items or conv.last_items)
        places = other_places(clean, self.regions, self.region_parents)
        lexicon = self.lexicons.get(policy.policy_id, {})
        extracted = extract_facts(
            clean, specs, region=policy.meta.region, places=places, expecting=conv.pending, lexicon=lexicon
        )
        if self.llm is not None and rules is not None:
            items, extracted_facts = self._llm_read(clean, rules, items, extracted.facts)
            extracted.facts = extracted_facts
        routed = route(
            text,
            policy_regions=self.regions,
            region_parents=self.region_parents,
            domain_terms=self.domain_terms,
            named_items=items,
            has_facts=bool(extracted.facts),
            answerable=answerable,
            pending=bool(conv.pending) or conv.awaiting_item,
        )
        if routed.reason == "injection only" and items and not other_places(text, self.regions, self.region_parents):
            routed = Routed("award", "", True, routed.other_places, "injection naming an item")
        routed = self._continue_open_question(conv, routed, items, bool(extracted.facts))
        if (
            routed.intent in ("clarify", "out_of_scope")
            and not routed.other_places
            and not routed.injection
            and self._referenced_clause(policy, clean) is not None
        ):
            routed = Routed("lookup", routed.text, routed.injection, (), "names a clause")
        if routed.intent == "lookup" and not items and is_vague(clean) and not self._referenced_clause(policy, clean):
            routed = Routed("clarify", routed.text, routed.injection, routed.other_places, "too vague")
        if routed.intent in ("award", "eligibility") and not items:
            items = list(conv.last_items) or self._items_from_hits(rules, hits, answerable)
            if items and not extracted.facts and not conv.last_items:
                # Items found only by retrieval: read the facts again with their specs.
                extracted = extract_facts(
                    clean, self._specs(rules, items), region=policy.meta.region, places=places, lexicon=lexicon
                )
        if routed.intent in ("award", "eligibility", "lookup"):
            if conv.policy_id != policy.policy_id:
                conv.profile.clear()
            conv.profile.update(extracted.facts)
            conv.policy_id = policy.policy_id
            if routed.intent == "lookup" and items:
                conv.last_items = items[:3]
        return Turn(conv, clean, routed, policy, rules, items, hits, answerable)

    def _continue_open_question(self, conv: Conversation, routed: Routed, items: list[str], has_facts: bool) -> Routed:
        """A reply to the assistant's own question continues the open award/eligibility question."""
        open_intent = conv.last_intent if conv.last_intent in ("award", "eligibility") else None
        if (
            routed.reason == "nothing in the corpus answers this"
            and open_intent == "award"
            and conv.last_items
            and has_facts
        ):
            return Routed("award", routed.text, routed.injection, routed.other_places, "adds facts", routed.correction)
        if routed.intent == "out_of_scope" or open_intent is None:
            if conv.awaiting_item and items and routed.intent in ("lookup", "clarify"):
                return Routed("award", routed.text, routed.injection, routed.other_places, "names the item")
            return routed
        if routed.intent == "lookup" and items and _FOLLOW_UP.search(routed.text) and len(routed.text) <= 20:
            return Routed(open_intent, routed.text, routed.injection, routed.other_places, "follow-up", routed.correction)
        if (
            open_intent == "award"
            and conv.last_items
            and has_facts
            and not items
            and routed.intent in ("lookup", "clarify")
        ):
            return Routed("award", routed.text, routed.injection, routed.other_places, "adds facts", routed.correction)
        if routed.reason == "amount question without an item" and conv.last_items:
            return Routed("award", routed.text, routed.injection, routed.other_places, "recalculate", routed.correction)
        if routed.reason == "answers the open question":
            return Routed(open_intent, routed.text, routed.injection, routed.other_places, routed.reason, routed.correction)
        if (conv.pending or conv.awaiting_item or routed.correction) and (has_facts or items) and routed.intent in (
            "lookup",
            "clarify",
        ):
            intent: Intent = "award" if conv.awaiting_item else open_intent
            return Routed(intent, routed.text, routed.injection, routed.other_places, "continues", routed.correction)
        return routed

    @staticmethod
    def _referenced_clause(policy: Policy, text: str) -> Clause | None:
        """A clause the message names: "第四条", "第9条", or a section title such as "附则"."""
        m = _CLAUSE_REFERENCE.search(text)
        if m:
            num = m.group(1)
            cid = num if num.isdigit() else str(cn2an.cn2an(num, "smart"))
            if policy.has_clause(cid):
                return policy.clause(cid)
        for clause in policy.clauses:
            if clause.kind in ("section", "subsection", "chapter") and len(clause.title) >= 2 and clause.title in text:
                return clause
        return None

    @staticmethod
    def _specs(rules: PolicyRules | None, items: Sequence[str]) -> list[FactSpec]:
        if rules is None:
            return []
        specs: dict[str, FactSpec] = {}
        for item_id in items or [i.id for i in rules.items]:
            for spec in rules.facts_for(item_id):
                specs.setdefault(spec.name, spec)
        for spec in rules.cross_cutting_facts():
            specs.setdefault(spec.name, spec)
        return list(specs.values())

    @staticmethod
    def _items_from_hits(rules: PolicyRules | None, hits: list[Any], answerable: bool) -> list[str]:
        if rules is None or not answerable or not hits:
            return []
        award_clauses = {i.clause: i.id for i in rules.items}
        top = hits[0].clause.clause_id
        return [award_clauses[top]] if top in award_clauses else []

    def _llm_read(
        self, text: str, rules: PolicyRules, items: list[str], facts: dict[str, Any]
    ) -> tuple[list[str], dict[str, Any]]:
        """Let the model read items and facts; keep only what the rules declare and the message states."""
        assert self.llm is not None
        from assistant.rules.money import find_amounts

        specs = {s.name: s for s in self._specs(rules, [])}
        try:
            reading = self.llm.read_question(
                text, {i.id: i.title for i in rules.items}, {n: s.label for n, s in specs.items()}
            )
        except LLMUnavailable as err:
            log.warning("LLM read failed: %s", err)
            return items, facts
        stated = {m.yuan for m in find_amounts(text)}
        merged = dict(facts)
        for name, raw in reading.facts.items():
            spec = specs.get(name)
            if spec is None or name in merged:
                continue
            try:
                value = spec.coerce(raw)
            except InputError:
                continue
            amounts = value if isinstance(value, list) else [value]
            if spec.type in ("money", "money_list") and not all(v in stated for v in amounts):
                continue  # a figure the user never wrote is never taken
            merged[name] = value
        known = {i.id for i in rules.items}
        llm_items = [i for i in reading.item_ids if i in known]
        return items or llm_items, merged

    # -- handlers -----------------------------------------------------------------------------------

    def _handler(self, intent: str) -> Handler:
        try:
            return HANDLERS[intent]  # type: ignore[index]
        except KeyError:
            raise ValueError(f"unknown intent {intent!r}; expected one of {INTENTS}") from None

    def _evidence(self, policy: Policy, clause_ids: Sequence[str]) -> list[Clause]:
        return [policy.clause(c) for c in dict.fromkeys(clause_ids) if policy.has_clause(c)]

    def _finish(
        self,
        turn: Turn,
        intent: Intent,
        body: list[str],
        clause_ids: Sequence[str],
        **fields: Any,
    ) -> Reply:
        policy = turn.policy
        evidence = self._evidence(policy, clause_ids)
        in_force = policy.meta.in_force(turn.conversation.as_of)
        notice = fields.pop("validity_notice", None) or compose.validity_notice(policy, in_force)
        lines = [x for x in body if x]
        if notice:
            lines.insert(0, f"⚠ {notice}")
            validity = policy.meta.valid_until_clause
            if validity and policy.has_clause(validity) and validity not in [c.clause_id for c in evidence]:
                evidence.append(policy.clause(validity))
        lines.append(compose.citation_line(evidence))
        return Reply(
            answer="\n".join(lines),
            intent=intent,
            as_of=turn.conversation.as_of,
            citations=[Citation.of(c) for c in evidence],
            in_force=in_force,
            evidence=evidence,
            policy_id=policy.policy_id,
            validity_notice=notice,
            **fields,
        )

    def handle_award(self, turn: Turn) -> Reply:
        conv, rules = turn.conversation, turn.rules
        if rules is None or not turn.items:
            return self.handle_clarify(turn)
        items = turn.items[:3]
        results = [calculate(rules, i, conv.profile, conv.as_of) for i in items]
        conv.last_items = items
        conv.awaiting_item = False
        missing = [name for r in results for name in r.missing_facts]
        if missing:
            conv.pending = list(dict.fromkeys(missing))
            specs = [self._spec(rules, items, n) for n in conv.pending]
            label = "、".join(turn.policy.clause(r.clause).label for r in results)
            reply = self._finish(turn, "award", [compose.ask_for(specs, label)], [r.clause for r in results],
                                 missing_facts=list(conv.pending), items=items)
            return reply
        conv.pending = []
        if len(results) == 1:
            return self._award_reply(turn, rules, results[0])
        # 第13条 “从高不重复”: items of one project count once, at the highest; separate projects add up.
        project = "本项目" if _SAME_PROJECT.search(turn.text) else None
        combined = calculate_many(rules, [CalcRequest(i, conv.profile, project) for i in items], conv.as_of)
        return self._combined_reply(turn, rules, combined)

    @staticmethod
    def _spec(rules: PolicyRules, items: Sequence[str], name: str) -> FactSpec:
        for item_id in items:
            try:
                return rules.fact_spec(item_id, name)
            except InputError:
                continue
        raise InputError(f"没有名为“{name}”的信息项")

    def _award_reply(self, turn: Turn, rules: PolicyRules, result: ItemResult) -> Reply:
        label = turn.policy.clause(result.clause).label
        skip: set[str] = set()
        notes = list(result.notes)
        validity = next((n.text for n in notes if n.clause == rules.validity.clause), None)
        if validity:
            skip.add(validity)
        body = [compose.award_headline(result, label), "计算过程：", *compose.trace_lines(result)]
        extra = compose.note_lines(notes, skip)
        if extra:
            body += ["说明：", *extra]
        body.append(compose.applicant_requirements(rules))
        clauses = [result.clause, *[s.clause for s in result.trace], *[n.clause for n in notes],
                   rules.applicant.clause, rules.disqualification.clause]
        return self._finish(
            turn, "award", body, clauses,
            amount_yuan=result.amount_yuan, trace=list(result.trace), items=[result.item_id],
            validity_notice=validity,
        )

    def _combined_reply(self, turn: Turn, rules: PolicyRules, combined: Any) -> Reply:
        from assistant.rules.money import format_yuan

        body: list[str] = []
        labels = []
        for r in combined.results:
            label = turn.policy.clause(r.clause).label
            labels.append(label)
            body.append(f"{label}：{format_yuan(r.amount_yuan or 0)}")
        total = combined.total_yuan
        body.insert(0, f"按{'、'.join(labels)}合计，最高可获资助{format_yuan(total or 0)}。")
        steps = [f"- {s.description}" for r in combined.results for s in r.trace if s.step != "result"]
        body += ["计算过程：", *steps, *[f"- {s.description}" for s in combined.trace]]
        skip: set[str] = set()
        validity = next((n.text for r in combined.results for n in r.notes if n.clause == rules.validity.clause), None)
        if validity:
            skip.add(validity)
        extra = compose.note_lines([n for r in combined.results for n in r.notes], skip)
        if extra:
            body += ["说明：", *extra]
        body.append(compose.applicant_requirements(rules))
        clauses = [*[r.clause for r in combined.results], *[s.clause for s in combined.trace],
                   *[n.clause for r in combined.results for n in r.notes],
                   rules.applicant.clause, rules.disqualification.clause]
        trace = [s for r in combined.results for s in r.trace] + list(combined.trace)
        return self._finish(
            turn, "award", body, clauses, amount_yuan=total, trace=trace,
            items=[r.item_id for r in combined.results], validity_notice=validity,
        )

    def handle_eligibility(self, turn: Turn) -> Reply:
        conv, rules = turn.conversation, turn.rules
        if rules is None:
            return self.handle_clarify(turn)
        if not turn.items:
            return self._general_eligibility(turn, rules)
        item_id = turn.items[0]
        result = check_eligibility(rules, item_id, conv.profile, conv.as_of)
        conv.last_items = turn.items[:1]
        conv.awaiting_item = False
        conv.pending = []
        policy = turn.policy
        label = policy.clause(result.clause).label
        body = [f"按{label}（{result.title}）的条件，您的情况：{STATUS_TEXT[result.status]}。"]
        own = [r for r in result.reasons if r.clause == result.clause]
        general = [r for r in result.reasons if r.clause != result.clause]
        words = {"not_met": "不满足", "to_confirm": "需确认", "unknown": "待确认", "met": "已满足"}
        for key in ("not_met", "to_confirm", "unknown", "met"):
            body += [f"- {words[key]}：{compose.reason_text(r)}（{self._label(policy, r.clause)}）"
                     for r in own if r.status == key]
        body += [f"- {words[key]}：{r.condition}（{self._label(policy, r.clause)}）"
                 for key in ("not_met", "met") for r in general if r.status == key]
        unknown = [r for r in general if r.status == "unknown"]
        if unknown:
            labels = "、".join(dict.fromkeys(self._label(policy, r.clause) for r in unknown))
            body.append(f"- 还需确认申报主体条件（{labels}）：{'、'.join(r.condition for r in unknown)}。")
        if len(turn.items) > 1:
            nd = rules.no_duplication
            body.append(f"同时涉及{'、'.join(policy.clause(rules.item(i).clause).label for i in turn.items)}："
                        f"{nd.note}（第{nd.clause}条）")
        skip: set[str] = set()
        validity = next((n.text for n in result.notes if n.clause == rules.validity.clause), None)
        if validity:
            skip.add(validity)
        extra = compose.note_lines(result.notes, skip)
        if extra:
            body += ["说明：", *extra]
        clauses = [result.clause, *[r.clause for r in result.reasons], *[n.clause for n in result.notes]]
        if len(turn.items) > 1:
            clauses += [rules.item(i).clause for i in turn.items[1:]] + [rules.no_duplication.clause]
        return self._finish(
            turn, "eligibility", body, clauses, missing_facts=list(result.missing_facts),
            items=[item_id], eligibility=result.status, validity_notice=validity,
        )

    def _general_eligibility(self, turn: Turn, rules: PolicyRules) -> Reply:
        """Eligibility without a named item: 一 (who may apply), 14 (disqualification) and the clause asked about."""
        from assistant.rules.eligibility import evaluate_condition

        conv, policy = turn.conversation, turn.policy
        reasons = []
        for group in (rules.applicant, rules.disqualification):
            specs = {f.name: f for f in group.facts}
            reasons += [evaluate_condition(c, specs[c.fact], group.clause, conv.profile) for c in group.conditions]
        failed = [r for r in reasons if r.status == "not_met"]
        met = [r for r in reasons if r.status == "met"]
        if failed:
            head = "按支持对象和取消资格的规定，您的情况：不符合。"
        elif met:
            head = "按支持对象和取消资格的规定，已说明的情况符合；其余条件还需确认。"
        else:
            head = "能否申请，取决于是否符合支持对象条件和取消资格的规定（见下），以及所申请事项本身的条件。"
        body = [head]
        if failed:
            body += ["不符合：", *[f"- {r.description}（{self._label(policy, r.clause)}）" for r in failed]]
        if met:
            body += ["已符合：", *[f"- {r.description}（{self._label(policy, r.clause)}）" for r in met]]
        clauses = [rules.applicant.clause, rules.disqualification.clause]
        extra: Clause | None = self._referenced_clause(policy, turn.text)
        if extra is None and turn.answerable:
            # The best-ranked rule the 一/14 text does not already cover (e.g. 第13条 先申报、后补助).
            extra = next(
                (h.clause for h in turn.hits[:3]
                 if h.clause.clause_id not in clauses and h.clause.kind in ("item", "article")),
                None,
            )
        if extra is not None:
            body.append(f"另据{extra.label}：{''.join(compose.best_sentences(extra, turn.text))}")
            clauses.insert(0, extra.clause_id)
        body.append(compose.applicant_requirements(rules))
        status = "ineligible" if failed else "needs_info"
        return self._finish(turn, "eligibility", body, clauses, eligibility=status)

    @staticmethod
    def _metadata_clause(policy: Policy, text: str) -> Clause | None:
        """The clause that states the policy's validity, interpreter or upstream documents, if asked."""
        meta = policy.meta
        if _ASKS_VALIDITY.search(text) and meta.valid_until_clause and policy.has_clause(meta.valid_until_clause):
            return policy.clause(meta.valid_until_clause)
        if _ASKS_INTERPRETER.search(text) and meta.interpreter:
            return next((c for c in policy.clauses if meta.interpreter in c.text and "解释" in c.text), None)
        if _ASKS_UPSTREAM.search(text) and meta.upstream and policy.has_clause("preamble"):
            return policy.clause("preamble")
        return None

    @staticmethod
    def _label(policy: Policy, clause_id: str) -> str:
        return policy.clause(clause_id).label if policy.has_clause(clause_id) else clause_id

    def handle_lookup(self, turn: Turn) -> Reply:
        policy = turn.policy
        chosen: list[Clause] = []
        referenced = self._referenced_clause(policy, turn.text)
        if referenced is not None:
            chosen = [referenced]
        elif turn.rules is not None and turn.items:
            chosen = [policy.clause(turn.rules.item(turn.items[0]).clause)]
        hits = [h for h in turn.hits if h.clause.policy_id == policy.policy_id]
        if not chosen:
            meta_clause = self._metadata_clause(policy, turn.text)
            chosen = [meta_clause] if meta_clause else []
        if not chosen and hits:
            top = hits[0].clause
            if top.kind in ("section", "subsection") and len(top.text) < 40:
                children = policy.children(top.clause_id)
                chosen = [top, *children[:0]]
            else:
                chosen = [top]
        if not chosen:
            return self.handle_clarify(turn)
        main = chosen[0]
        sentences = compose.best_sentences(main, turn.text)
        body = [f"根据{main.label}：{''.join(sentences)}"]
        if main.kind in ("section", "subsection"):
            kids = policy.children(main.clause_id)
            if kids:
                body.append("该部分包括：" + "；".join(f"{k.label} {k.title}" for k in kids))
                chosen += kids
        body.append(compose.quote_clause(main))
        turn.conversation.pending = []
        return self._finish(turn, "lookup", body, [c.clause_id for c in chosen])

    def handle_out_of_scope(self, turn: Turn) -> Reply:
        titles = "、".join(f"《{p.meta.title}》（{p.meta.issuer}）" for p in self.corpus)
        where = ""
        if turn.routed.other_places:
            where = f"关于{'、'.join(turn.routed.other_places)}的政策，请咨询当地主管部门或查阅当地政府网站。"
        answer = (
            f"抱歉，这个问题不在我能回答的范围内。我只解答{titles}的相关问题，"
            f"例如能否申请、能拿多少资助、条款原文和有效期。{where}"
        )
        turn.conversation.pending = []
        return Reply(answer=answer, intent="out_of_scope", as_of=turn.conversation.as_of)

    def handle_clarify(self, turn: Turn) -> Reply:
        conv = turn.conversation
        if turn.rules is not None and wants_amount(turn.text) or (turn.rules is not None and asks_eligibility(turn.text)):
            names = "、".join(i.aliases[0] if i.aliases else i.title for i in turn.rules.items)
            conv.awaiting_item = True
            conv.last_intent = "award" if wants_amount(turn.text) else "eligibility"
            answer = f"请问您想了解哪一项支持？例如：{names}。也可以直接描述项目情况，如获得的认定或授牌、项目投入金额。"
        else:
            answer = "抱歉，没有看明白您的问题。请换个说法，例如“两化融合贯标能奖励多少？”或“这个政策的有效期到什么时候？”"
        return Reply(answer=answer, intent="clarify", as_of=conv.as_of, policy_id=turn.policy.policy_id)

    # -- phrasing and the guard ---------------------------------------------------------------------

    def _grounding_texts(self, turn: Turn, reply: Reply) -> tuple[list[str], list[str]]:
        evidence = [c.text for c in reply.evidence] + metadata_texts(turn.policy.meta)
        trace = [getattr(s, "description", str(s)) for s in reply.trace]
        return evidence, trace

    def _phrase_and_guard(self, turn: Turn, reply: Reply) -> Reply:
        evidence, trace = self._grounding_texts(turn, reply)
        ids = [c.clause_id for c in reply.evidence]
        bad = ungrounded_numbers(reply.answer, evidence, trace, ids)
        if bad:  # a bug in our own wording: never show it
            log.error("ungrounded figures %s in deterministic answer: %s", bad, reply.answer)
            reply.answer = f"抱歉，这个问题暂时无法给出可靠答复，请联系{turn.policy.meta.issuer}咨询。"
            reply.amount_yuan = None
            return reply
        if self.llm is None or reply.intent not in ("award", "eligibility", "lookup") or reply.missing_facts:
            return reply
        try:
            phrased = self.llm.phrase(turn.text, reply.answer, evidence, trace)
        except LLMUnavailable as err:
            log.warning("%s", err)
            return reply
        if ungrounded_numbers(phrased, evidence, trace, ids):
            log.warning("LLM phrasing rejected by the guard")
            return reply
        citation = compose.citation_line(reply.evidence)
        reply.answer = phrased if citation in phrased else f"{phrased}\n{citation}"
        return reply


HANDLERS: dict[Intent, Handler] = {
    "award": Assistant.handle_award,
    "eligibility": Assistant.handle_eligibility,
    "lookup": Assistant.handle_lookup,
    "out_of_scope": Assistant.handle_out_of_scope,
    "clarify": Assistant.handle_clarify,
}
assert set(HANDLERS) == set(INTENTS), "every intent needs exactly one handler"

