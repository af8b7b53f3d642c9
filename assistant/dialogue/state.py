"""The conversation state as data (a tracker, after Rasa): what the user wants, the facts known so far with the
turn that set each, and what the assistant asked for last.

Immutable: :func:`assistant.dialogue.tracker.apply` returns a new state for each message, and the dialogue
policy (:mod:`assistant.dialogue.next_action`) reads it to choose the next action. Nothing here calls the
assistant; a :class:`~assistant.dialogue.conversation.Conversation` holds one state at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from assistant.nlu import Parse
from assistant.rules.trace import TraceStep

GoalKind = Literal["award", "eligibility", "match"]
RequestKind = Literal["fact", "item", "policy"]
OutOfScope = Literal["other_region", "other_scheme", "off_topic", "injection_only", "about_us"]
TurnKind = Literal[
    "award", "eligibility", "match", "lookup", "inform", "followup", "vague", "chitchat", "out_of_scope"
]


#: A lexical score this high, and this many times the next clause's, makes a clause the answer by itself.
DECISIVE_BM25 = 5.0
DECISIVE_MARGIN = 3.0
#: A reply to "which item?" picks the one clause its words match, at this lower score ("就是那个示范的").
CHOICE_BM25 = 2.0
#: An item named with at least this score is named outright (not by a shared keyword alone).
ITEM_NAMED = 0.75


@dataclass(frozen=True)
class Observation:
    """One message as read: the NLU's parse, plus what retrieval found for it (also state-free)."""

    parse: Parse
    hits: tuple[Any, ...] = ()
    answerable: bool = False

    def decisive_hit(self, policy_id: str | None, beside: frozenset[str] = frozenset()) -> Any | None:
        """The policy's best hit when its lexical match is decisive: the policy's own words, far ahead of any other
        clause (a score of DECISIVE_BM25 and DECISIVE_MARGIN times the next one's). Clauses in ``beside`` (the
        clauses of the items being discussed, whose words the message repeats as context) do not compete."""
        hit = self._lexical_lead(policy_id, DECISIVE_BM25, beside) if self.answerable else None
        return hit if hit is not None and self._says_a_matched_word(hit) else None

    def sole_match(self, policy_id: str | None) -> Any | None:
        """The policy's best hit when the message's words match that clause alone (CHOICE_BM25, DECISIVE_MARGIN
        times the next one's): weak as a question, enough as the reply to "which item?"."""
        return self._lexical_lead(policy_id, CHOICE_BM25)

    def _lexical_lead(self, policy_id: str | None, floor: float, beside: frozenset[str] = frozenset()) -> Any | None:
        """The policy's best hit when its lexical score is at least ``floor`` and DECISIVE_MARGIN times the next."""
        hits = [h for h in self.hits if h.clause.policy_id == policy_id and h.clause.clause_id not in beside]
        if not hits:
            return None
        first = hits[0].scores.get("bm25", 0.0)
        second = hits[1].scores.get("bm25", 0.0) if len(hits) > 1 else 0.0
        return hits[0] if first >= floor and first >= DECISIVE_MARGIN * second else None

    def _says_a_matched_word(self, hit: Any) -> bool:
        """The message itself says one of the words the clause matched on — not only a word retrieval put in
        its place ("去年上了一套MES" matched only through 上一年: no clause is named outright)."""
        terms = getattr(hit, "matched_terms", ())
        return not terms or any(t.lower() in self.parse.reading.lower() for t in terms)


@dataclass(frozen=True)
class Slot:
    """One known fact: its value and the turn that set it (corrections overwrite, newer wins)."""

    value: Any
    turn: int
    items: tuple[str, ...] = ()
    """The items the conversation was about when it was set (other support "for this project" is that project's)."""
    adding: bool = False
    """The user is giving this amount in pieces ("分几块，设备900万" … "软件600万"): the next pieces add to it."""
    planned: bool = False
    """Only planned for ("还没认定，准备报区级"): the figure is computed with it, the condition is not met yet."""
    parts: tuple[int, ...] = ()
    """An amount given in parts ("设备300万、软件200万"): the parts, so that one of them can be corrected."""
    part_words: tuple[str, ...] = ()
    """The word naming each part ("设备", "软件"; "" where none), so that "硬件其实是780万" finds its part."""
    earlier: tuple[Any, ...] = ()
    """The values it had before (oldest first): "回到80万那个情况" after a what-if brings one back."""


def _history(slot: Slot | None, value: Any) -> tuple[Any, ...]:
    if slot is None:
        return ()
    return slot.earlier if slot.value == value else (*slot.earlier, slot.value)[-4:]


@dataclass(frozen=True)
class Goal:
    """What the user is after across turns: a figure, a verdict, or the list of what fits them.

    A goal stays until it is answered and then replaced by a new explicit question; facts given after its
    answer update the profile and it is answered again (recomputed)."""

    kind: GoalKind
    policy_id: str | None
    items: tuple[str, ...] = ()
    turn: int = 0
    answered: bool = False
    same_project: bool = False
    compared: bool = False
    """Its items were compared ("哪个多"), not added up: a what-if about one of them is about that one alone."""


@dataclass(frozen=True)
class Request:
    """What the assistant asked for last: one fact, which item, or which policy."""

    kind: RequestKind
    policy_id: str | None = None
    fact: str | None = None
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class TurnNotes:
    """What this turn's message did to the state — read by the dialogue policy and the answer."""

    kind: TurnKind = "vague"
    asked: TurnKind = "vague"
    """What the reader took the message to ask, even when it was refused (a follow-up may reuse it)."""
    out_of_scope: OutOfScope | None = None
    other_places: tuple[str, ...] = ()
    compared_places: tuple[str, ...] = ()
    """Places not covered, named beside a loaded policy ("«other region»跟«our region»比"): the answer says they are not covered."""
    set_aside: tuple[str, ...] = ()
    """Other schemes asked about beside a question of ours ("…能补多少？加计扣除能一起享受吗"): said not covered."""
    injection: bool = False
    attributed: bool = False
    hoped_amounts: tuple[int, ...] = ()
    """Figures the user hoped for or attributed to us ("能拿800万吧"): never facts."""
    filled: tuple[str, ...] = ()
    corrected: tuple[str, ...] = ()
    policy_tie: tuple[str, ...] = ()
    goal_changed: bool = False
    answered_request: bool = False
    clause_refs: tuple[str, ...] = ()
    """Clause ids of the chosen policy that the message names."""
    misnumbered: str | None = None
    """A clause number the message said to check, corrected to ``clause_refs`` ("«rule»是第6条吧")."""
    named_items: tuple[str, ...] = ()
    received_unsaid: tuple[str, ...] = ()
    """Support said received with no amount ("市里给过补助"): a bare amount said received next is its amount."""
    refused_items: tuple[tuple[str, str], ...] = ()
    """(policy, item) named in a message refused as another region's ("«other region»那边«item»补多少"): asked again of
    ours when the next message turns to our region ("«our region»呢")."""
    dropped: tuple[str, ...] = ()
    """Elements of a list this message took out ("第三项不满足“«condition»”，不计入"), for the answer."""
    left_out: tuple[TraceStep, ...] = ()
    """Amounts this message said of another place, left out of a base limited to the region (steps of the working:
    they carry the user's figure, as the calculator's steps do)."""
    resumed: bool = False
    """This message picked the policy of a question put on hold; that question is what gets answered."""
    topics: frozenset[str] = frozenset()
    """The look-up topics the message asked (validity, procedure, …)."""
    view: tuple[tuple[str, Any], ...] = ()
    """Values for this turn only ("那如果只算前两场呢", "那第一场能拿多少"): a part of a list asked about, while the
    slots keep the whole list for the next question."""


@dataclass(frozen=True)
class Turn:
    """One exchange, for the history."""

    turn: int
    text: str
    kind: TurnKind
    action: str = ""


@dataclass(frozen=True)
class DialogueState:
    as_of: date
    turn: int = 0
    policy_id: str | None = None
    goal: Goal | None = None
    slots: Mapping[str, Mapping[str, Slot]] = field(default_factory=dict)
    """Policy id → fact name → slot: the enterprise's profile, per policy."""
    requested: Request | None = None
    pending_money: tuple[Any, ...] = ()
    """Amounts given before the item they belong to was known ("投了600万，能补多少？")."""
    last: TurnNotes = field(default_factory=TurnNotes)
    history: tuple[Turn, ...] = ()
    waiting: Any = None
    """The observation of a question put on hold while the assistant asks which policy it is about."""
    recent: tuple[str, ...] = ()
    """Items of the current policy discussed so far, most recent last ("两个一共多少" adds up the last two)."""
    discussed: tuple[str, ...] = ()
    """Items of the current policy in the order they were first discussed ("回到第一个项目" is the first of them)."""
    same_project: bool = False
    """The user said the items they ask about are one project ("同一个项目又是…又是…"), in any turn."""
    suspended: Goal | None = None
    """A goal left unanswered when another question came first ("国家级标杆能补多少" … "另外规上那个奖多少？"):
    "那刚才那个呢" goes back to it."""
    answered_before: Goal | None = None
    """The last figure given before another question replaced it ("区级标杆投了一千万能补多少" … "会不会被
    取消资格" … "回到刚才那个，是市级的"): what going back to it returns to, once nothing is left open."""
    topic: str | None = None
    """The clause the last answer rested on ("一事一议是什么意思" … "那谁来批准" asks more about it)."""
    projects: tuple[Any, ...] = ()
    """Earlier projects set aside under the same items (:class:`assistant.dialogue.projects.Project`)."""
    subjects: tuple[Any, ...] = ()
    """The enterprises asked about, by their order in the talk; the current one's entry is stale until it is
    parked (:class:`assistant.dialogue.subjects.Subject`)."""
    subject: int = 0
    """The place of the enterprise now asked about (0: the first)."""
    applicants: Any = None
    """Which of a group's companies the profile is about, and the others' facts (:mod:`assistant.dialogue.applicants`)."""
    subject_label: str = ""
    """The letter the enterprise now asked about was named by ("客户A"), if any."""
    label: str = ""
    """The label of the project now discussed, when several under the same items were labelled ("甲厂")."""
    labels: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    """Policy id → label → items: the projects a message labelled ("A是…，B是…"), for "那B呢" later
    (:mod:`assistant.dialogue.labels`)."""

    def had(self, policy_id: str, value: Any, names: Sequence[str]) -> list[str]:
        """The facts of ``names`` that had ``value`` before their current one."""
        own = self.slots.get(policy_id, {})
        return [n for n in names if n in own and value in own[n].earlier]

    def profile(self, policy_id: str | None = None) -> dict[str, Any]:
        """Fact name → value for a policy (default: the current one)."""
        pid = policy_id or self.policy_id
        if not pid:
            return {}
        values = {k: s.value for k, s in self.slots.get(pid, {}).items()}
        return values | dict(self.last.view) if pid == self.policy_id else values

    def with_slots(
        self, policy_id: str, values: Mapping[str, Any], turn: int, items: tuple[str, ...] = (),
        adding: frozenset[str] = frozenset(), planned: frozenset[str] = frozenset(),
        parts: Mapping[str, tuple[int, ...]] | None = None,
        part_words: Mapping[str, tuple[str, ...]] | None = None,
    ) -> DialogueState:
        merged = dict(self.slots)
        own = dict(merged.get(policy_id, {}))
        given, words = parts or {}, part_words or {}
        own.update({k: Slot(v, turn, items, k in adding, k in planned, given.get(k, ()), words.get(k, ()),
                            _history(own.get(k), v)) for k, v in values.items()})
        merged[policy_id] = own
        return replace(self, slots=merged)

    def planned(self, policy_id: str | None = None) -> frozenset[str]:
        """Facts whose value is only planned for (see :attr:`Slot.planned`)."""
        return frozenset(k for k, s in self.slots.get(policy_id or self.policy_id or "", {}).items() if s.planned)

    def forget(self, policy_id: str, names: frozenset[str], before: DialogueState) -> DialogueState:
        """These facts back to what ``before`` knew of them (a value said of one list element only)."""
        merged = dict(self.slots)
        own = {k: v for k, v in merged.get(policy_id, {}).items() if k not in names}
        own.update({k: v for k, v in before.slots.get(policy_id, {}).items() if k in names})
        merged[policy_id] = own
        return replace(self, slots=merged)

    def profile_for_item(self, policy_id: str, item: str, project_facts: set[str]) -> dict[str, Any]:
        """The profile one item of several separate projects is computed with: a project's own amounts (other
        support "这个节点项目…给过120万") stay with the items they were said about."""
        own = self.slots.get(policy_id, {})
        values = {k: s.value for k, s in own.items() if k not in project_facts or not s.items or item in s.items}
        return values | dict(self.last.view) if policy_id == self.policy_id else values

    def part_list(self, policy_id: str, name: str) -> tuple[int, ...]:
        """The parts an amount was given in so far (see :attr:`Slot.parts`)."""
        slot = self.slots.get(policy_id, {}).get(name)
        return slot.parts if slot is not None else ()

    def part_word_list(self, policy_id: str, name: str) -> tuple[str, ...]:
        """The words naming those parts (see :attr:`Slot.part_words`), one per part."""
        slot = self.slots.get(policy_id, {}).get(name)
        return slot.part_words if slot is not None and len(slot.part_words) == len(slot.parts) else ()

    def element_word_list(self, policy_id: str, name: str) -> tuple[str, ...]:
        """The words naming the elements of a list fact ("论坛", "大赛"), one per element (see :attr:`Slot.part_words`)."""
        slot = self.slots.get(policy_id, {}).get(name)
        if slot is None or not isinstance(slot.value, list) or len(slot.part_words) != len(slot.value):
            return ()
        return slot.part_words

    def adding_to(self, policy_id: str, among: list[str]) -> list[str]:
        """The money facts among ``among`` the user is giving in pieces."""
        own = self.slots.get(policy_id, {})
        return [n for n in among if n in own and own[n].adding]

    def last_money_slot(self, policy_id: str, among: list[str], money_facts: set[str]) -> str | None:
        """The money fact among ``among`` the user set most recently (what a bare correction changes)."""
        own = self.slots.get(policy_id, {})
        candidates = [(own[n].turn, n) for n in among if n in own and n in money_facts]
        return max(candidates)[1] if candidates else None
