"""Answers about the document itself, from the policy's metadata and the clause that states it: when it applies
(and what that means on the as-of date), who interprets it, what it rests on, and the clause an answer just given
rests on ("依据是哪条"). A question asked of something a clause names ("那个考核是哪个部门负责的") is not one of these.
"""

from __future__ import annotations

from datetime import date

from assistant.corpus import Clause
from assistant.dialogue.answers.common import Context, interpreter_clause, short_title, validity_clause
from assistant.dialogue.answers.quotes import best_sentences
from assistant.nlu.fact_years import resolve, year_in, year_said
from assistant.nlu.genre import LookupTopic, load_genre
from assistant.nlu.spans import SENTENCE_END


def _date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _years_said(ctx: Context) -> list[int]:
    """Every year the message speaks of, relative ones resolved against the as-of date ("明年" → 2026)."""
    said = (year_in(m.group(0)) for m in year_said().finditer(ctx.obs.parse.reading))
    return [resolve(y, ctx.as_of.year) for y in said if y is not None]


def _validity_answer(ctx: Context) -> tuple[str, Clause] | None:
    """When the policy applies, in its own words, and what that means on the as-of date."""
    policy, meta = ctx.policy, ctx.policy.meta
    cid = validity_clause(policy)
    if cid is None:
        return None
    clause = policy.clause(cid)
    # The policy's own words ("自发布之日起实施") with the date they mean.
    said = meta.effective_from_text
    start = f"{said}（{_date(meta.effective_from)}）" if said else f"自{_date(meta.effective_from)}起施行"
    until = f"有效期至{_date(meta.valid_until)}" if meta.valid_until else "未规定截止日期"
    applying = ctx.obs.parse.facts_of(policy.policy_id).applying
    # "如果明年才挂牌，这政策还适用吗": with no year of applying said, the latest year the message speaks of
    later = resolve(applying, ctx.as_of.year) if applying is not None else max(_years_said(ctx), default=ctx.as_of.year)
    if meta.valid_until is not None and later > max(ctx.as_of.year, meta.valid_until.year):
        # "今年办的活动明年报行不行": applying in a year after the policy ends — not in force by then, whatever today
        # (no year in the words: the guard checks every number; the user's year is theirs, not the text's)
        now, yes = "您说的时间在有效期届满之后，届时已不在有效期内", "否，"
    elif meta.in_force(ctx.as_of):
        now, yes = f"测算日（{_date(ctx.as_of)}）仍在有效期内", "是，"
    elif ctx.as_of < meta.effective_from:
        now, yes = f"测算日（{_date(ctx.as_of)}）尚未生效", "否，"
    else:
        now, yes = f"测算日（{_date(ctx.as_of)}）已不在有效期内", "否，"
    prefix = yes if "validity_yes_no" in ctx.obs.parse.topics else ""
    if prefix and load_genre().asks_if_ended.search(ctx.obs.parse.reading):
        # "过期了吗", "是不是就不能再按它申报了": asked whether it has ended, so the yes and the no swap.
        prefix = "否，" if yes == "是，" else "是，"
    return f"{prefix}{short_title(policy)}{start}，{until}；{now}（{clause.label}）。", clause


def _asking_sentence(reading: str, topic: LookupTopic) -> tuple[int, int] | None:
    """Where the sentence that asks ``topic`` starts and ends in ``reading`` (None when no sentence asks it)."""
    asked = load_genre().lookup_topics[topic].search(reading)
    if asked is None:
        return None
    start = max((m.end() for m in SENTENCE_END.finditer(reading, 0, asked.start())), default=0)
    found = SENTENCE_END.search(reading, asked.end())
    return start, found.start() if found else len(reading)


def _subject_elsewhere(ctx: Context, clause: Clause, topic: LookupTopic) -> bool:
    """The message asks ``topic`` of something another clause names ("那个考核是哪个部门负责的": 考核), not of the
    document: a word of the sentence that asks it, matched by retrieval in another clause, outside the topic's
    own words, that neither ``clause`` nor the words for the document itself ("政策", "文件") use."""
    genre, reading = load_genre(), ctx.obs.parse.reading
    asked = genre.lookup_topics[topic].search(reading)
    own = reading[asked.start() : asked.end()] if asked else ""
    start, end = _asking_sentence(reading, topic) or (0, len(reading))
    sentence = reading[start:end]
    return any(
        term in sentence and term not in own and term not in clause.text and not genre.support_words.search(term)
        for hit in ctx.obs.hits if hit.clause.policy_id == ctx.policy_id and hit.clause.clause_id != clause.clause_id
        for term in hit.matched_terms
    )


def _after_the_end(ctx: Context) -> bool:
    """The message speaks of a year after the one the policy ends in ("计划明年3月挂牌", "要是拖到明年才授牌呢")."""
    until = ctx.policy.meta.valid_until
    return until is not None and any(year > until.year for year in _years_said(ctx))


def validity_aside(ctx: Context) -> tuple[str, str] | None:
    """The validity sentence said beside a figure or a verdict when the same message asks it too ("…能资助多少？另外
    这个政策什么时候到期") or speaks of a time after the policy ends ("计划明年挂牌，到时候能给多少": by then it is
    not in force), while the policy is in force (out of force, the answer's notice already says it)."""
    if not ctx.in_force or not (ctx.obs.parse.topics & {"validity", "validity_yes_no"} or _after_the_end(ctx)):
        return None
    found = _validity_answer(ctx)
    if found is None:
        return None
    text, clause = found
    return text.removeprefix("是，").removeprefix("否，"), clause.clause_id


def _of_the_document(ctx: Context, topic: LookupTopic) -> bool:
    """The sentence that asks ``topic`` asks it of the document ("这个政策最后是由哪个部门负责解释的？"), naming no
    item, though an item was named elsewhere in the message ("他们说服务商那条要服务够多少家…")."""
    parse = ctx.obs.parse
    sentence = _asking_sentence(parse.reading, topic)
    if sentence is None:
        return False
    start, end = sentence
    return bool(load_genre().support_words.search(parse.reading, start, end)) and not any(
        start <= m.start < end for m in parse.items)


def metadata_answer(ctx: Context) -> tuple[str, Clause] | None:
    """A direct answer about the document itself, with the clause that states it."""
    policy, meta = ctx.policy, ctx.policy.meta
    topics = ctx.obs.parse.topics | ctx.state.last.topics  # (carried: "谁负责解释" … "不是市经信委吗")
    if ("validity" in topics or "validity_yes_no" in topics) and "new_policy" not in topics:
        found = _validity_answer(ctx)
        if found is not None:
            return found
    topic = ctx.state.topic
    decisive = ctx.obs.decisive_hit(policy.policy_id)
    if "basis" in topics and topic and policy.has_clause(topic) and not ctx.state.last.clause_refs \
            and not (decisive is not None and decisive.clause.clause_id != topic
                     and _subject_elsewhere(ctx, policy.clause(topic), "basis")):  # "不能叠加是哪条规定的": that rule
        basis = policy.clause(topic)  # "依据是哪条", right after an answer: the clause that answer rests on
        # …and the sentence of it that answered what was asked before (a caller wants the words, not a title)
        before = " ".join(t.text for t in ctx.state.history[-3:-1])
        quote = "".join(best_sentences(basis, before))
        return f"上面的答复依据{short_title(policy)}{basis.label}：{quote}", basis
    if (ctx.action.items or ctx.state.last.named_items) and not _of_the_document(ctx, "interpreter"):
        return None  # "«item»需要通过哪个部门考核" is about the item, not about who interprets the policy
    if "interpreter" in topics and meta.interpreter:
        clause = interpreter_clause(policy)
        if clause is not None and _subject_elsewhere(ctx, clause, "interpreter"):
            return None  # "那个考核是哪个部门负责的": the body a clause names for that, not who interprets the text
        if clause is not None:
            return f"{short_title(policy)}由{meta.interpreter}负责解释（{clause.label}）。", clause
    if "upstream" in topics and meta.upstream and policy.has_clause("preamble"):
        docs = "".join(meta.upstream)
        return f"{short_title(policy)}依据{docs}等文件精神制定（序言）。", policy.clause("preamble")
    return None
