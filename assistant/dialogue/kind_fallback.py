"""The last rules of a turn's kind in context, when no earlier rule of :func:`context_kind.reconsider` decided:
a question of validity, what is on offer ("match") with nothing listed, an item named alone. Pure functions of
the state and one parse."""

from __future__ import annotations

from assistant.dialogue.domain import Domain
from assistant.dialogue.message_facts import only_the_items_own_facts
from assistant.dialogue.named_items import strongly_named
from assistant.dialogue.state import DialogueState, TurnKind
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.intents import NluIntent

#: Topics that ask what the text says (stacking, procedure, how often, the rate, which clause, newer policies),
#: not for a figure.
RULE_TOPICS = frozenset({"stacking", "procedure", "repeat", "rate", "basis", "new_policy", "hearsay", "certainty",
                         "original", "beyond_cap", "category", "options"})
#: Topics about the document as a whole, the same answer whichever item is discussed.
DOCUMENT_TOPICS = frozenset({"validity", "validity_yes_no", "interpreter", "upstream", "new_policy"})

#: A runner-up intent this sure is taken when the reader's first choice does not fit the message.
RUNNER_UP = 0.25


def settled_last(
    state: DialogueState, parse: Parse, kind: TurnKind, items: tuple[str, ...], policy_id: str, domain: Domain,
    stated: bool, no_fact_amount: bool,
) -> TurnKind:
    """The turn's kind after the rules of context that come first (see :func:`context_kind.reconsider`, which
    passes what it read: whether the message states facts, and whether no fact claims its amount)."""
    goal = state.goal
    validity = parse.topics & {"validity", "validity_yes_no"}
    about_facts = parse.amounts or any(f.mentioned or f.values for f in parse.facts.values())
    if validity and not about_facts and not items and kind in ("award", "eligibility", "followup", "match", "inform"):
        return "lookup"
    if validity and kind == "eligibility" and only_the_items_own_facts(parse, policy_id, items, domain):
        return "lookup"  # "«item»今年还能申请吗" with nothing about the enterprise: whether the policy is in force
    if kind == "match" and not items and not parse.which_ones and goal is not None and goal.kind == "award" \
            and goal.items and goal.answered and not stated and no_fact_amount and "follow_up" not in parse.acts:
        # "能不能多给点" after a figure: no list asked for, nothing new (an amount only of the cap, "这个200万的上限"),
        # no other thing pointed at ("那别的呢，还有啥能拿钱的") — the figure's question, pressed
        return "award"
    if kind == "match" and not items and not parse.which_ones:
        # "我们刚成立，还没做过项目，能报吗": no list asked for and nothing named — the runner-up question, if any.
        runner_up: tuple[NluIntent, ...] = ("eligibility", "award")
        second = max(runner_up, key=lambda k: parse.scores.get(k, 0.0))
        if parse.scores.get(second, 0.0) >= RUNNER_UP:
            return "eligibility" if second == "eligibility" else "award"
    if kind == "match" and len(items) == 1 and not parse.which_ones \
            and strongly_named(parse, policy_id, items, (), domain):
        # "«item condition»了，这个政策还能另外给多少"; "那«item»呢" after a figure: the figure's question, of that item
        pressed = "follow_up" in parse.acts and goal is not None and goal.kind == "award"
        return "award" if parse.money_words or pressed else "eligibility"
    if kind == "vague" and items and strongly_named(parse, policy_id, items, (), domain):
        if goal is not None and not goal.items:
            return "inform"  # the item a waiting question needs ("能补多少钱" … "«item»")
        return "award" if parse.money_words else "lookup"  # "«item»补贴", "«item»"
    return kind


def asks_of_last_clause(state: DialogueState, parse: Parse) -> bool:
    """A few words asked right after a clause was looked up ("谁批", "多久", "这个要谁批准"), naming nothing else:
    asked of it."""
    # a word pointing back at what was just read ("这个", "那条") is not more to read
    back = load_genre().back_reference.match(parse.reading.lstrip("那 ，,"))
    size = parse.content_size - (len(back.group(0)) if back else 0)
    return parse.asks and state.last.kind == "lookup" and state.topic is not None and not parse.amounts \
        and size <= 4 and not parse.other_schemes and not parse.off_topic and not parse.places \
        and not parse.items and not parse.clause_refs


def disputes_last_lookup(state: DialogueState, parse: Parse, items: tuple[str, ...], policy_id: str) -> bool:
    """"不是市经信委吗" right after a look-up about the text ("这个政策由谁负责解释"): the answer disputed — the same
    question again, answered from the text, not a new question nor a fact of the enterprise."""
    return "correction" in parse.acts and state.last.kind == "lookup" and bool(state.last.topics) and not items \
        and not parse.amounts and not parse.clause_refs \
        and (not parse.states_facts(policy_id) or state.last.topics <= DOCUMENT_TOPICS)  # (of the document: not ours)
