"""Look-up answers: a direct sentence first, from the clause's own words; the whole clause is the citation
(the UI opens it, the CLI prints it with ``--verbose``), never quoted twice.

The clause is the one the message names ("第12条", "附则"); else the one the policy's metadata names for a
question about the document itself (validity, who interprets it, upstream documents); else the named item's
clause; else retrieval's best clause of the chosen policy. Questions about validity get a yes/no sentence
("是，仍在有效期内…" / "否，已于…到期").
"""

from __future__ import annotations

import re

from assistant.corpus import Clause
from assistant.dialogue.answer import Answer
from assistant.dialogue.answers.common import (
    Context,
    label_and_title,
    short_title,
    validity_clause,
    with_validity,
)
from assistant.dialogue.answers.document import metadata_answer
from assistant.dialogue.answers.quotes import best_sentences
from assistant.nlu.fact_years import resolve
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


def _chosen(ctx: Context) -> list[Clause]:
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
    if "rate" in parse.topics and not named_here and about and rules is not None:
        # "是按计划总投资算还是按已经投进去的算" about «item»'s figure: that item's rate and base, not another clause
        # that merely says 投资
        return [policy.clause(rules.item(about[0]).clause)]
    # ("封顶1000万太少了，能不能一事一议": a rule's own words name another clause outright)
    rule_named = decisive is not None and rules is not None and decisive.clause.clause_id not in item_clauses
    if rules is not None and about and not named_here and not rule_named \
            and (quoted := _quoting(ctx, about)) is not None:
        return [quoted]  # "200万上限写在哪一条？" after «item»'s figure: the item's clause that says that figure
    if (focus := _in_focus(ctx)) is not None and not named_here:
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
            and decisive.clause.clause_id in item_clauses:
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


def _unsettled_detail(ctx: Context, clause: Clause, delegation: re.Pattern[str]) -> tuple[str, str] | None:
    """For a question of procedure (材料, 流程, 到账) whose words no clause of the policy uses: a line saying the
    text leaves it to later documents, with the clause that says so."""
    parse, genre = ctx.obs.parse, load_genre()
    vague = [m.group(0) for m in genre.vague_terms.finditer(parse.reading) if m.group(0) in clause.text]
    if vague and genre.asks_measure.search(parse.reading):
        asked = vague  # "第7条说的一定数量到底是几家": the clause uses the words without a measure
    elif "procedure" in parse.topics:
        asked = [m.group(0) for m in genre.lookup_topics["procedure"].finditer(parse.reading)]
        if any(w in c.text for w in asked for c in ctx.policy.clauses):
            return None
    else:
        return None
    hand_off = next((c for c in ctx.policy.clauses if c.kind in ("item", "article") and delegation.search(c.text)), None)
    if hand_off is None:
        return None
    guide = f"以{ctx.policy.meta.issuer}发布的申报指南为准（{hand_off.label}）。"
    if asked is vague:
        line = f"“{'、'.join(dict.fromkeys(asked))}”的具体标准，{short_title(ctx.policy)}原文未作规定，{guide}"
    elif ctx.rules is not None and any(i.clause == clause.clause_id for i in ctx.rules.items):
        line = f"申报材料、时间等具体办理要求，{guide}"  # the item's clause may state its own procedure (事前备案)
    else:
        line = f"申报材料、流程、拨付时间等办理细节，{short_title(ctx.policy)}原文未作规定，{guide}"
    return line, hand_off.clause_id


def _year_detail(ctx: Context, clause: Clause) -> tuple[str, str] | None:
    """"第14条…我们2025年申报，看的是哪一年": the year a condition of this clause is about, for the application year
    the message names (a fact's ``year_offset`` relative to the application: 上一年度 is -1) — the sentence, and the
    arithmetic as a trace step (the grounding guard's evidence for the year)."""
    said = ctx.obs.parse.facts_of(ctx.policy_id).applying
    if said is None or ctx.rules is None:
        return None
    applying = resolve(said, ctx.state.as_of.year)
    for group in ctx.rules.condition_groups:
        for condition in group.conditions if group.clause == clause.clause_id else ():
            spec = ctx.domain.fact_spec(ctx.policy_id, condition.fact)
            if spec is not None and spec.year_offset is not None:
                year = applying + spec.year_offset
                step = f"申报年度 {applying} 年 {spec.year_offset:+d} = {year} 年（{clause.label}）"
                return f"{applying}年申报的，看的是{year}年度（{spec.label}）。", step
    return None


def answer_lookup(ctx: Context) -> Answer | None:
    """None when nothing in the policy answers the question (the caller then clarifies or refuses)."""
    policy = ctx.policy
    direct = metadata_answer(ctx) if not ctx.state.last.clause_refs else None
    also = None
    topics = ctx.obs.parse.topics
    second = topics - {"validity", "validity_yes_no", "new_policy"}
    if direct is not None and ctx.state.recent and ("repeat" in topics or (
            second and topics & {"validity", "validity_yes_no"} and ctx.action.items)):
        # "这个是一次性的吧，明年还能再拿吗", "活动在到期前办完就行吧？要先备案吗？": the item's own rule first, then
        # whether the policy runs then — two questions in one message, both answered
        also, direct = direct, None
    if direct is not None:
        head, clause = direct
        citations = [clause.clause_id]
        validity, placed, shown = None, False, 1
    else:
        chosen = _chosen(ctx)
        if not chosen:
            return None
        clause = chosen[0]
        kids = policy.children(clause.clause_id)
        parts = [a for a in policy.ancestors(clause.clause_id) if a.kind in ("section", "subsection", "chapter")]
        asked = ctx.obs.parse.topics | ctx.state.last.topics  # (the topic carried by "那第5条呢")
        placed = "category" in asked and bool(parts) and clause.kind in ("item", "article")
        hints = load_genre().topic_hints
        query = " ".join([ctx.obs.parse.reading, *(hints.get(t, "") for t in sorted(asked))])
        if placed:
            # "«item»归在哪个大类": the parts of the document it sits in, outermost first.
            within = "中的".join(f"“{a.label}”" for a in parts)
            head = f"{ctx.named(clause.label)}（{clause.title}）属于{within}。"
        elif clause.kind in ("section", "subsection", "chapter") and kids and len(clause.text) < 40:
            head = f"{ctx.named(clause.label)}包括：" + "；".join(label_and_title(k) for k in kids) + "。"
        else:
            # "给我原文": the clause's words in full, not the sentences nearest the question
            said = clause.text if "original" in asked else "".join(best_sentences(clause, query))
            head = f"根据{ctx.named(clause.label)}：{said}"
        citations = [clause.clause_id] + ([parts[-1].clause_id] if placed else [])
        shown = len(citations)
        for more in chosen[1:] if not placed else []:  # each further clause the answer rests on, quoted and cited
            head += f"另据{ctx.named(more.label)}：{''.join(best_sentences(more, query))}"
            citations.append(more.clause_id)
            shown += 1
        if (wrong := ctx.state.last.misnumbered) is not None and policy.has_clause(wrong):
            # "来电说«rule»是第6条，对吗": the number said is corrected first (what that clause is about, cited too)
            said_clause = policy.clause(wrong)
            head = f"不是{said_clause.label}（{said_clause.label}是“{said_clause.title}”），是{clause.label}。{head}"
            citations.append(wrong)
        validity, citations = with_validity(ctx, citations)
    year = _year_detail(ctx, clause) if direct is None else None
    details: list[str] = [year[0]] if year else []
    if also is not None:
        details.append(re.sub(r"^[是否]，", "", also[0]))  # the yes/no answered the validity question alone
        citations.append(also[1].clause_id)
    unsettled = _unsettled_detail(ctx, clause, load_genre().delegation) if direct is None else None
    if unsettled is not None:
        details.append(unsettled[0])
        citations.append(unsettled[1])
    if clause.kind in ("section", "subsection", "chapter"):
        kids = policy.children(clause.clause_id)
        if kids and "包括：" not in head:
            details.append("包括：" + "；".join(label_and_title(k) for k in kids))
        citations += [k.clause_id for k in kids]
    return Answer(
        "lookup", head, policy.policy_id, details=details, validity=validity,
        citations=list(dict.fromkeys(citations)),
        citation_line=ctx.citation(citations[:shown] + ([unsettled[1]] if unsettled else [])),
        trace=[year[1]] if year else [],
    )


def not_in_text(ctx: Context, delegation: re.Pattern[str]) -> Answer | None:
    """A question about the policy that its text does not settle (申报材料, 拨付时间): say so, and cite the
    clause that hands such details to later documents (申报指南), when the policy has one."""
    policy = ctx.policy
    clause = next((c for c in policy.clauses if c.kind in ("item", "article") and delegation.search(c.text)), None)
    if clause is None:
        return None
    sentence = next((x for x in best_sentences(clause, "申报指南 发布", limit=3) if delegation.search(x)), None)
    quote = sentence or "".join(best_sentences(clause, ctx.obs.parse.reading))
    head = (f"{short_title(policy)}原文没有对此作具体规定；据{clause.label}：{quote}"
            f"具体请以{policy.meta.issuer}发布的申报指南为准。")
    validity, citations = with_validity(ctx, [clause.clause_id])
    return Answer("lookup", head, policy.policy_id, validity=validity, citations=citations,
                  citation_line=ctx.citation(citations[:1]))
