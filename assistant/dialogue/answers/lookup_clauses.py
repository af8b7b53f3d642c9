"""Which clauses a look-up answers from: the clause the message names ("第12条", "附则"), the named item's, the one a
rule question's words point at, the clause in focus in the conversation, else retrieval's best clause of the chosen
policy — first the one the answer quotes, then each further clause it rests on (see :func:`chosen_clauses`).
"""

from __future__ import annotations

from assistant.corpus import Clause
from assistant.dialogue.answers.common import Context, validity_clause
from assistant.nlu.genre import LookupTopic, load_genre
from assistant.rules.money_text import find_amounts


def _topic_words(topic: LookupTopic) -> list[str]:
    return load_genre().topic_hints.get(topic, "").split()


def _uses_topic(clause: Clause, topic: LookupTopic) -> int:
    """How many of the words of sentences that answer ``topic`` the clause uses."""
    return sum(w in clause.text for w in _topic_words(topic))


def _rule_clause(ctx: Context, topic: LookupTopic | None = None) -> Clause | None:
    """Retrieval's best clause among the policy's general rules (not an award item, not the validity clause); with
    a ``topic``, the one of the top three that uses most of the topic's words ("是直接打过来，还是要自己去申报":
    the clause on 申报 and 补助 方式, not one that only says 申报) — found even under retrieval's relevance floor
    when it uses at least two of them, since the topic's own words say what is asked."""
    items = {i.clause for i in ctx.rules.items} if ctx.rules is not None else set()
    found = [
        hit.clause for hit in ctx.obs.hits[:3]
        if hit.clause.policy_id == ctx.policy_id
        and hit.clause.kind in ("item", "article") and hit.clause.clause_id not in items
        and hit.clause.clause_id != validity_clause(ctx.policy)
    ]
    if topic is not None and _topic_words(topic) and found:
        best = max(found, key=lambda c: _uses_topic(c, topic))  # max keeps retrieval's order on ties
        if ctx.obs.answerable or _uses_topic(best, topic) >= 2:
            return best
    return found[0] if found and ctx.obs.answerable else None


def _in_focus(ctx: Context) -> Clause | None:
    """The clause the last answer rested on, when it is among retrieval's top three for this message and no
    clause ranked above it matches the message's words better (a higher BM25 score). Under the relevance floor
    too: the floor tells whether a question is about the policy at all, and this one continues a look-up."""
    topic = ctx.state.topic
    hits = [h for h in ctx.obs.hits[:3] if h.clause.policy_id == ctx.policy_id]
    if topic is None:
        return None
    for rank, hit in enumerate(hits):
        if hit.clause.clause_id == topic:
            words = hit.scores.get("bm25", 0.0)
            # (a clause ranked below it may share more of the message's words — "按已投入还是计划投入算" names the
            # clause's own 已投入 and another's 投入 — retrieval already weighed that)
            return hit.clause if words > 0 and all(h.scores.get("bm25", 0.0) <= words for h in hits[:rank]) else None
    return None


def _quoting(ctx: Context, items: tuple[str, ...]) -> Clause | None:
    """The clause of the conversation's item whose text says an amount the message quotes (a figure of the text
    asked about, not a fact of the case)."""
    quoted = {m.yuan for m in ctx.obs.parse.amounts}
    if not quoted or ctx.rules is None:
        return None
    for item in items:
        clause = ctx.policy.clause(ctx.rules.item(item).clause)
        if quoted & {m.yuan for m in find_amounts(clause.text)}:
            return clause
    return None


def chosen_clauses(ctx: Context) -> list[Clause]:
    policy, parse = ctx.policy, ctx.obs.parse
    notes = ctx.state.last
    if notes.clause_refs:
        named = [policy.clause(c) for c in notes.clause_refs[:1]]
        if "beyond_cap" in parse.topics and (rule := _rule_clause(ctx, "beyond_cap")) is not None \
                and rule.clause_id != named[0].clause_id:
            return [rule, *named]  # "是否仍受第五条标准的限制": the rule past the standards, then the clause named
        return named
    if "exclusion" in parse.topics and not parse.items_of(policy.policy_id) and ctx.rules is not None:
        # "哪些情况下拿不到这个补贴": the conditions that govern every item (支持对象, 取消资格), each cited
        general = dict.fromkeys(g.clause for g in ctx.rules.groups_for(None))
        if found := [policy.clause(c) for c in general if policy.has_clause(c)]:
            return found
    items = ctx.action.items or notes.named_items
    together = load_genre().plural_reference.search(parse.reading) is not None
    goal_items = ctx.state.goal.items if ctx.state.goal is not None else ()
    if together and len(goal_items) > 1 and set(items) <= set(goal_items) and not parse.items_of(policy.policy_id):
        items = goal_items  # "这些奖励都是一次性的吗" after a total: every item of it
    decisive = ctx.obs.decisive_hit(policy.policy_id)
    if ("original" in parse.topics or (parse.attributed and not parse.topics)) \
            and not parse.items_of(policy.policy_id) and ctx.state.topic and policy.has_clause(ctx.state.topic):
        # "我不信，给我原文", "你刚才说的是到2026年6月底，对吧？": the clause the last answer rests on
        return [policy.clause(ctx.state.topic)]
    if not items and (parse.refers_back or parse.topics & {"repeat", "certainty"}) and ctx.state.recent:
        items = ctx.state.recent[-1:]  # "这个是一次性的还是每年都给", "是每年都有吗": the item just discussed
        if decisive is not None and ctx.rules is not None and "repeat" not in parse.topics \
                and decisive.clause.clause_id != ctx.rules.item(items[0]).clause:
            # "从高不重复这个原则是第几条规定的": the message's own words name another clause outright
            return [decisive.clause]
    topic = ctx.state.topic
    rules = ctx.rules
    item_clauses = {i.clause for i in rules.items} if rules is not None else set()
    # the general rule (not an item's own clause) the last answer rested on, if it did
    rule_read = policy.clause(topic) if topic and rules is not None and topic not in item_clauses \
        and policy.has_clause(topic) else None
    if notes.topics - parse.topics and rule_read is not None:
        # "先申报后补助吗" … "那«item»那条也一样吗": the same question of that item (its topic carried by the
        # tracker) — the general rule the last answer quoted, which holds for every item
        return [rule_read]
    if "new_policy" in parse.topics and (rule := _rule_clause(ctx)) is not None:
        return [rule]  # "要是国家出了新的«item»政策，这个还算数吗": the rule on newer policies, not the item's clause
    if "beyond_cap" in parse.topics and (rule := _rule_clause(ctx, "beyond_cap")) is not None:
        return [rule]  # "«item»1000万的上限太低了，有没有可能突破": the rule past the standards, not the item's cap
    goal = ctx.state.goal
    if "stacking" in parse.topics and len(items) == 1 and goal is not None and goal.items:
        items = tuple(dict.fromkeys((*goal.items, *items)))  # "(this project) 也是«item»了，两个能一起拿吗"
    named_here = {m.item_id for m in parse.items_of(policy.policy_id)}
    own_item = bool(named_here) or "repeat" in parse.topics  # "是每年都能拿吗": how often its item pays
    crossed = rules.rule_clauses_of(parse.facts_of(policy.policy_id).mentioned) if rules is not None else []
    if "stacking" in parse.topics and crossed and policy.has_clause(crossed[0]):
        # "«item»补贴能跟区里别的扶持一起拿吗": the item with support of another kind — the rule on support received
        return [policy.clause(crossed[0])]
    if "stacking" in parse.topics and (len(items) >= 2 or not own_item) and (rule := _rule_clause(ctx)) is not None:
        # "«item A»和«item B»两项能一起拿吗", "这个还能跟镇里的扶持叠加吗": the rule between supports, not an item
        return [rule]
    stated = parse.facts_of(policy.policy_id).values
    noted = [n.clause for n in rules.notes_when(stated)] if rules is not None else []
    if noted and not parse.items_of(policy.policy_id) and policy.has_clause(noted[0]):
        # "这个项目是区政府批准的重大项目，能不能突破上限": the clause the stated situation turns on (一事一议),
        # not the item the conversation is about.
        return [policy.clause(noted[0])]
    about = goal.items if goal is not None and goal.items else ctx.state.recent[-1:]
    if parse.topics & {"rate", "options"} and not named_here and about and rules is not None:
        # "是按计划总投资算还是按已经投进去的算", "级别有几种啊" about «item»'s figure: that item's rate and base, or
        # its levels — not another clause that merely says 投资
        return [policy.clause(rules.item(about[0]).clause)]
    if together and len(items) > 1 and rules is not None and not named_here \
            and not parse.topics - {"repeat", "certainty", "rate", "options"}:  # (not "这些都是先申报后补助吧": the rule)
        return list(dict.fromkeys(policy.clause(rules.item(i).clause) for i in items))  # "这些奖励都是一次性的吗"
    # ("封顶1000万太少了，能不能一事一议": a rule's own words name another clause outright)
    rule_named = decisive is not None and rules is not None and decisive.clause.clause_id not in item_clauses
    if rules is not None and about and not named_here and not rule_named and "procedure" not in parse.topics \
            and (quoted := _quoting(ctx, about)) is not None:  # (not "这20万是自动发还是要申请": how it is paid)
        return [quoted]  # "200万上限写在哪一条？" after «item»'s figure: the item's clause that says that figure
    claiming = "procedure" in parse.topics and load_genre().apply_words.search(parse.reading) is not None
    if not own_item and not claiming and (focus := _in_focus(ctx)) is not None:
        # ("这个钱是一次性的吗": how its item pays; "是自动发还是要去申请": how support is claimed, the rule below)
        # "考核是哪个部门负责的" after «item»'s figure: the clause in focus matches the message's words as well as
        # any clause retrieval ranks above it — a follow-up about it, not about a clause that merely ranks first
        return [focus]
    # "材料要准备哪些", "多久能到账", "先申报再给还是直接给": the policy's rule on how support is claimed — unless the
    # message names the item whose own clause sets its procedure ("办大赛，补贴怎么申请" → 事前备案).
    own_steps = [i for i in (items or (goal.items if goal is not None else ())) if rules is not None
                 and load_genre().lookup_topics["procedure"].search(policy.clause(rules.item(i).clause).text)]
    carried = "procedure" in notes.topics and "procedure" not in parse.topics
    if "procedure" in notes.topics and own_steps and rules is not None:
        # "要准备什么材料、走什么手续" about an event: its own step (事前备案) first, then the policy's rule
        rule = _rule_clause(ctx, "procedure")
        # (a rule on how support is claimed uses the topic's words — not 第12条 found by "12月")
        rule = rule if rule is not None and _uses_topic(rule, "procedure") >= 2 else None
        return [policy.clause(rules.item(own_steps[0]).clause), *([rule] if rule is not None else [])]
    procedure = "procedure" in notes.topics
    if procedure and not named_here and rule_read is not None \
            and load_genre().lookup_topics["procedure"].search(rule_read.text):
        return [rule_read]  # "先申报后补助是什么意思" … "所以不能先拿钱再建设？": the rule just read
    if procedure and not carried and decisive is not None and rules is not None \
            and decisive.clause.clause_id in item_clauses \
            and not (load_genre().paid_how.search(parse.reading)
                     and not load_genre().lookup_topics["procedure"].search(decisive.clause.text)):
        # ("«item»是先拿钱还是先做": how support is paid, which that item's clause does not say — the rule below)
        return [decisive.clause]  # "要备案吗": the words of one item's own procedure (事前备案), not the general rule
    if procedure and (rule := _rule_clause(ctx, "procedure")) is not None:
        if decisive is not None and decisive.clause.clause_id not in item_clauses | {rule.clause_id} \
                and decisive.clause.kind in ("item", "article") and decisive.clause.clause_id != validity_clause(policy):
            # "取消扶持资格的那条，对已拨付资金的追回是否另有规定": the rule the message is about, then how support is paid
            return [decisive.clause, rule]
        return [rule]
    if rules is not None and items:
        return [policy.clause(rules.item(items[0]).clause)]
    # ("谁批" alone right after: a few words naming nothing else)
    more = "follow_up" in parse.acts or (parse.content_size <= 4 and not parse.items and not parse.clause_refs)
    if not parse.topics and more and topic and policy.has_clause(topic) \
            and (decisive is None or decisive.clause.clause_id == topic):
        # "«rule»是什么意思" … "那谁来批准": more about the same clause — unless the message's own words point
        # decisively at another ("上位文件有哪些" … "那要是出了新政策呢": the clause on new policies).
        return [policy.clause(topic)]
    read_item = ctx.domain.item_by_clause(policy.policy_id, topic) if topic else None
    if read_item is not None and topic and not parse.topics and not named_here and parse.asks \
            and set(parse.facts_of(policy.policy_id).values) & set(ctx.domain.item_facts(policy.policy_id, (read_item,))):
        return [policy.clause(topic)]  # "第N条支持哪些活动" … "在外区办的行不行": a condition of the item just read
    if rules is not None and about and not named_here and decisive is None \
            and load_genre().asks_conditions.search(parse.reading):
        # "需要什么条件？" after «item»'s figure: its conditions, not a clause that happens to say 条件
        return [policy.clause(rules.item(about[0]).clause)]
    hits = [h for h in ctx.obs.hits if h.clause.policy_id == policy.policy_id]
    if hits and ctx.obs.answerable:
        return [hits[0].clause]
    if rules is not None and about and parse.asks and not named_here:
        # "要满足什么条件才能拿到？": nothing named or found of its own — the item the conversation is about.
        return [policy.clause(rules.item(about[0]).clause)]
    return []
