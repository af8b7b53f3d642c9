"""Is a message about the loaded policies at all? Another region's or scheme's question, an everyday topic,
or nothing but an injected instruction is out of scope (a reason the dialogue policy refuses with); a place
given as a fact about the applicant is not. Part of the tracker (:mod:`assistant.dialogue.tracker`).
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.dialogue.domain import Domain
from assistant.dialogue.named_items import ITEM_NAMED
from assistant.dialogue.state import DialogueState, OutOfScope, TurnKind
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.spans import CLAUSE_END, SENTENCE_END, occurrences


def place_is_a_fact(parse: Parse, domain: Domain) -> bool:
    """"峰会是在苏州办的", "税务登记在闵行": a place given as a fact about the applicant, not the topic; "这500万里
    有300万是给太仓客户做的": where an amount was spent, no word of support in its clause."""
    if any(
        (spec := policy.facts.get(name)) is not None and spec.type == "bool" and policy.region and policy.region in spec.label
        for policy in domain.catalog for name in parse.facts_of(policy.policy_id).values
    ):
        return True
    # (not "青浦区的«item»项目投了500万能补多少": that place's own figure asked)
    genre = load_genre()
    spent = tuple(p.place for p in parse.amount_places.values() if p.outside)
    return bool(spent) and not any(genre.support_words.search(c) or genre.amount_question.search(c)
                                   for c in _place_clauses(parse, spent))


def _a_stated_fact(word: str, parse: Parse, domain: Domain) -> bool:
    """``word`` (another scheme's, such as 交税) is a cue of a fact this message states ("在嘉定经营和交税": where the
    enterprise pays tax, a condition of ours — not a question about tax)."""
    genre = load_genre()
    if any(genre.stated_figure.match(parse.reading, end) for _, end in occurrences(parse.reading, word)):
        return True  # "去年营收3.5亿，交税800万": a figure of the enterprise's story, not a question about tax
    settled = [m.span() for m in genre.settled_in.finditer(parse.reading)]
    if settled and all(any(a <= start < b for a, b in settled) for start, _ in occurrences(parse.reading, word)):
        return True  # "2018年在«our region»落户": where the enterprise settled
    return any(
        any(word in cue or cue in word for cue in policy.cues(name).cues)
        for policy in domain.catalog for name in parse.facts_of(policy.policy_id).values
    )


def _scheme_asked(parse: Parse, schemes: list[str]) -> bool:
    """"智能工厂项目里研发投入了300万，这部分能做研发费用加计扣除吗": a clause that names the other scheme asks a question
    and names no item of ours — that scheme is asked about, whatever item the story began with."""
    genre = load_genre()
    question, reading = genre.question, parse.reading
    for word in schemes:
        for start, _ in occurrences(reading, word):
            begin = max((m.end() for m in CLAUSE_END.finditer(reading) if m.end() <= start), default=0)
            after = CLAUSE_END.search(reading, start)
            end = after.end() if after else len(reading)
            applied = genre.applies_for.search(reading, max(begin, start - 10), start) \
                or genre.asked_of_scheme.match(reading, start + len(word))  # "学员落户上海有政策吗"
            if question.search(reading, begin, end) and (applied or not any(begin <= m.start < end for m in parse.items)):
                return True  # "我们的«staff»能申请«our region»的«scheme»吗": applying for that scheme, whoever applies
            following = CLAUSE_END.search(reading, end)
            stop = following.end() if following else len(reading)
            if applied and end < stop and question.search(reading, end, stop) \
                    and not any(end <= m.start < stop for m in parse.items):
                return True  # "我们今年在申报高企认定，有啥要求？": the question that follows is that scheme's
    return False


def _body_asked(parse: Parse, ours: Callable[[str], bool] = lambda _: False) -> tuple[str, int] | None:
    """"区金融办的上市辅导备案奖励是多少", "科委那个政策今年还能再申请第二期吗", "镇里的扶持政策是什么标准": another body's
    own programme, money or rules asked about — the body named as their owner, a question in the same sentence and no
    amount in it (not "科委那个已经给了40万，这个还能拿多少", a fact of the project)."""
    genre, reading = load_genre(), parse.reading
    for m in genre.other_body.finditer(reading):
        begin = max((b.end() for b in SENTENCE_END.finditer(reading, 0, m.start())), default=0)
        end = SENTENCE_END.search(reading, m.end())
        stop = end.end() if end else len(reading)
        if genre.question.search(reading, m.start(), stop) and not any(begin <= a.start < stop for a in parse.amounts) \
                and not genre.body_in_our_case.search(reading, begin, stop):
            left = max((b.end() for b in CLAUSE_END.finditer(reading, 0, m.start())), default=0)
            right = (c.start() if (c := CLAUSE_END.search(reading, m.end())) else len(reading))
            if not any(left <= p.start < right and ours(p.name) for p in parse.places):
                return m.group("body") or m.group(0), m.start()  # (not "«our region»金融办…": our region's own body)
    return None


def ours_asked_apart(parse: Parse, words: tuple[str, ...], at: int | None = None) -> bool:
    """"…实际发生服务金额260万，能补多少？研发费用加计扣除能不能一起享受？": beside the other scheme's question, a sentence of
    its own names an item of ours and asks about it — that part is answered, the other one set aside with a note."""
    genre, reading = load_genre(), parse.reading
    starts = [0, *(m.end() for m in SENTENCE_END.finditer(reading))]
    for begin, stop in zip(starts, [*starts[1:], len(reading)], strict=True):
        other = begin <= at < stop if at is not None else any(w in reading[begin:stop] for w in words)
        if other or not genre.question.search(reading, begin, stop):
            continue
        if any(begin <= m.start < stop and m.score >= ITEM_NAMED and not m.negated for m in parse.items):
            return True
    return False


def set_aside_questions(parse: Parse) -> tuple[str, ...]:
    """The other schemes or bodies asked about in a sentence of their own beside a question of ours ("…能补多少？研发费用
    加计扣除能不能一起享受？"): ours is answered, and the answer says these are not covered."""
    body = _body_asked(parse)
    asked = [w for w in dict.fromkeys(parse.other_schemes) if ours_asked_apart(parse, (w,)) and _scheme_asked(parse, [w])]
    if body is not None and ours_asked_apart(parse, (), body[1]):
        asked.append(body[0] + "的政策")  # (a body is named, its programme is what was asked)
    return tuple(w for w in asked if not any(w != o and w in o for o in asked))  # (加计扣除 within 研发费用加计扣除)


def _asked_of_ours(parse: Parse, elsewhere: tuple[str, ...], ours: Callable[[str], bool]) -> bool:
    """"听说«other region»那边是先建后补，«our region»这个是先申报后补助吗？": the clause that asks names our region and no other place — the
    other place is told as a contrast, the question is about our text."""
    genre, reading = load_genre(), parse.reading
    starts = [0, *(m.end() for m in CLAUSE_END.finditer(reading))]
    asking = [(b, e) for b, e in zip(starts, [*starts[1:], len(reading)], strict=True) if genre.question.search(reading, b, e)]
    return bool(asking) and all(
        any(b <= p.start < e and ours(p.name) for p in parse.places)
        and not any(b <= p.start < e and p.name in elsewhere for p in parse.places)
        for b, e in asking)


def _higher_document(parse: Parse, domain: Domain) -> str | None:
    """The region above ours named in the title of a document the message asks about ("《上海市…细则》里…"), when the
    title names none of the loaded policies' own regions."""
    genre = load_genre()
    regions = [x for v in domain.catalog for x in (v.region, v.region_short) if x]
    parents = [p.meta.region_parent for p in domain.corpus if p.meta.region_parent]
    for m in genre.document_title.finditer(parse.reading):
        title = m.group("title")
        if not any(r in title for r in regions) and genre.inside_document.match(parse.reading, m.end()):
            for parent in parents:
                if parent in title or parent.rstrip("市省") in title:
                    return parent
    return None


def _place_clauses(parse: Parse, elsewhere: tuple[str, ...]) -> list[str]:
    """The clause from each mention of another place on ("青浦那边招商的人…，…青浦区的«item»能补多少？")."""
    return [
        CLAUSE_END.split(parse.reading[start:], maxsplit=1)[0]
        for name in dict.fromkeys(p.name for p in parse.places if p.name in elsewhere)
        for start, _ in occurrences(parse.reading, name)
    ]


def _counted_here(parse: Parse, elsewhere: tuple[str, ...]) -> bool:
    """"我们也给昆山的厂做了不少项目 这部分服务金额能算进去吗": what counts under our text is asked, and the place is
    named only as where something happened (no word of support in its clause)."""
    genre = load_genre()
    return bool(genre.asks_scope.search(parse.reading)) and not any(
        genre.support_words.search(c) for c in _place_clauses(parse, elsewhere)
    )


def _asks_about_elsewhere(parse: Parse, elsewhere: tuple[str, ...]) -> bool:
    """"«our region»这个我了解了，那«other region»有没有类似的政策": the clause naming the other place asks about its
    own support, and nothing in the message compares it with ours — or it asks that support's figure outright."""
    genre = load_genre()
    clauses = _place_clauses(parse, elsewhere)
    if any((genre.support_words.search(c) or genre.money_words.search(c)) and genre.amount_question.search(c)
           for c in clauses):
        return True  # "«other region»的«item»补贴是多少，比«ours»高吗": that region's own figure is asked for
    if genre.comparison.search(parse.reading):
        return False
    return any(genre.support_words.search(c) for c in clauses)


def out_of_scope(
    parse: Parse, kind: TurnKind, domain: Domain, answerable: bool = False
) -> tuple[OutOfScope | None, tuple[str, ...]]:
    """Another region's or scheme's question, an everyday topic, or nothing but an injected instruction."""
    genre = load_genre()
    if parse.injected and parse.empty_after_spans and not parse.items and kind == "out_of_scope":
        return "injection_only", ()
    covered = set()
    for policy in domain.corpus:
        meta = policy.meta
        covered |= {x for x in (meta.region, meta.region_parent or "") if x}
    def ours(name: str) -> bool:
        return any(name in c or c.startswith(name) for c in covered)

    def own(name: str) -> bool:  # a loaded policy's own region (not the one above it)
        return any(name in r or r.startswith(name) for v in domain.catalog for r in (v.region, v.region_short) if r)

    elsewhere = tuple(p.name for p in parse.places if not p.registration and not ours(p.name))
    named_here = bool(parse.policy_names)
    place_fact = place_is_a_fact(parse, domain)
    named_items = any(m.score >= ITEM_NAMED for m in parse.items)
    about_facts = any(f.values or f.mentioned for f in parse.facts.values())
    # "«other region»的政策是怎么样的？跟«our region»比哪个高": about another region's policy, ours named only to compare — refused;
    # "«other region»的«item»补贴跟«our region»比" names an item of ours: answered for it, with a note (compared_places).
    states = any(f.values for f in parse.facts.values()) or bool(parse.amounts)
    # "…设备是找苏州一家供应商买的…上海市«item»…实际投资650万…能补多少": a place in passing in a story about our item,
    # its clause neither about support nor a question — not another region's policy.
    in_passing = named_items and states and not any(
        genre.support_words.search(c) or genre.question.search(c) for c in _place_clauses(parse, elsewhere))
    # "那我们在«other region»的分公司能报吗": who would apply, where it is — a verdict of ours, not their policy
    applicant = kind == "eligibility" and any(
        name in domain.applicant_facts(pid) for pid, f in parse.facts.items() for name in (*f.values, *f.raised))
    # "《青浦区促进工业互联网发展若干措施》第六条：…按这条能拿多少": another region's document by its title — its
    # clause numbers are its own, whatever the message then says of our case.
    if not named_here and any(name in title for title in genre.document_titles(parse.reading) for name in elsewhere):
        return "other_region", elsewhere
    # "《上海市…实施细则》里平台项目最高补多少": a figure asked of a higher level's document (its title names the region
    # above ours and not ours) — that document's own standards.
    above = _higher_document(parse, domain)
    if above is not None and parse.asks_amount and not parse.amounts:
        return "other_region", (above,)
    if elsewhere and not place_fact and not parse.clause_refs and not _counted_here(parse, elsewhere) \
            and not in_passing and not (applicant and not _asks_about_elsewhere(parse, elsewhere)) \
            and not (named_here and _asked_of_ours(parse, elsewhere, ours)) and (
        not named_here or not (named_items or states) or _asks_about_elsewhere(parse, elsewhere)
    ):  # (a clause of ours cited — "在苏州办的峰会，能申请第9条吗" — asks about our text)
        return "other_region", elsewhere
    theirs = tuple(
        p.name for p in parse.places
        if not ours(p.name)
        and any(genre.their_support.match(parse.reading, end) for _, end in occurrences(parse.reading, p.name))
    )
    if theirs and not named_here and not named_items:  # (a clause number then is that policy's: "«other region»…政策第5条")
        return "other_region", theirs  # "青浦区那边的…补贴政策…我们厂在青浦": that place's own support, though we are there
    if theirs and not named_here and parse.asks_amount and not parse.amounts and not parse.clause_refs:
        return "other_region", theirs  # "«other region»对办«item»的补贴标准是多少": that place's own figure for the item
    # "上海市层面的专项，市里能补多少": a higher level's own support asked about (not "市级«item»", an option of ours,
    # nor "市里补了400万", a fact) — answered by that level, not by this district's policy.
    level = genre.other_level.search(parse.reading)
    # "市级标杆市里能给多少": that level named as the one who pays, and its figure asked right after — its own support,
    # whatever item or option of ours the message also names.
    pays = level is not None and (genre.amount_question.match(parse.reading, level.end()) is not None
                                  or level.group("there") is not None
                                  # "上海市…实施细则里，«item»能补多少": a figure asked of that level's own document
                                  # (not "按市里文件中的标准评上的市级标杆，投入800万": a story of our own project)
                                  or (level.group("doc") is not None and parse.asks_amount and not states))
    if level and parse.asks and (pays or (not named_items and not parse.options and not states)):
        return "other_region", (level.group(0),)
    if (body := _body_asked(parse, own)) is not None and not ours_asked_apart(parse, (), body[1]):
        return "other_scheme", ()  # "区金融办的上市辅导备案奖励是多少": that body's own programme
    # "市经信委之前给过这个项目100万": an amount a fact's cue claims is a fact about the project, not a question
    # about another scheme.
    claimed = any(m.claims for f in parse.facts.values() for m in f.money)
    schemes = [w for w in parse.other_schemes if not _a_stated_fact(w, parse, domain)]
    if "interpreter" in parse.topics:
        # "公众号说这个政策是市经信委负责解释的，是吗", "政策怎么解释是不是要去问市经信委": who interprets ours, another
        # body rumoured or guessed as the answer (after the question) — not "市经信委的专项政策谁解释" nor
        # "专精特新申报是找哪个部门", asked of that scheme
        cue = genre.lookup_topics["interpreter"].search(parse.reading)
        after = cue.start() if cue is not None else len(parse.reading)
        schemes = [] if "hearsay" in parse.topics else [w for w in schemes if parse.reading.find(w, after) < 0]
    # "我们员工社保都在«our region»交，但公司注册在«other region»，能申请吗": the scheme said in passing, a condition of
    # ours stated and asked about in another clause — not a question about that scheme.
    # ("去年有一笔增值税晚交了几天，交了点滞纳金，会影响我们申请吗": a condition of ours raised, to confirm, is one too.)
    ours_stated = any(name in domain.applicant_facts(pid) for pid, f in parse.facts.items()
                      for name in (*f.values, *f.raised))
    # ("专精特新申报表 企业名称：某某有限公司 … 能拿多少奖励": who we are, stated, does not make a figure of that scheme ours)
    if schemes and (_scheme_asked(parse, schemes) or not (named_items or (ours_stated and not parse.asks_amount))) \
            and not (kind == "inform" and claimed) and not ours_asked_apart(parse, tuple(schemes)):
        return "other_scheme", elsewhere
    # "今天«our region»下雨吗": a place named is not the policy asked about; "上证指数多少": 多少 is not support.
    # "今天股市怎么样，我们想把补贴拿去理财": support named beside the question, not asked about
    asking = [c for c in CLAUSE_END.split(parse.reading) if genre.question.search(c)] or [parse.reading]
    support = any(genre.money_words.search(genre.amount_question.sub("", c)) for c in asking)
    # "明天下雨吗？园区活动要不要改期": an item's word in a message about something else, read as such, no money
    # asked or said — not a question about that item.
    chat = kind == "out_of_scope" and not parse.money_words and not parse.clause_refs
    # "后天园区下雨吗，活动要不要改期": nothing but the item's everyday word ties it to the policy — no support, money
    # or applying said, no rule asked about, no fact of ours stated — whatever the reader's near-tie made of it.
    plain = not (parse.money_words or parse.clause_refs or parse.topics or states or about_facts
                 or genre.support_words.search(parse.reading) or genre.apply_words.search(parse.reading))
    if genre.asks_human.search(parse.reading) and not (support or named_items or parse.clause_refs):
        return "about_us", ()  # "能转人工吗", "你是AI吧？给我个人工电话": asked of us, not of a policy
    if parse.off_topic and (chat or plain or not named_items) and not support:
        return "off_topic", elsewhere
    if genre.writing_task.search(parse.reading):
        return "off_topic", elsewhere  # "帮我写一份«item»的资助申请报告": a task we do not do, whatever it is about
    if genre.advice_asked.search(parse.reading) and not (
            parse.money_words or parse.asks_amount or parse.topics or parse.clause_refs or support or states
            or genre.apply_words.search(parse.reading)):
        return "off_topic", elsewhere  # "MES选哪家好", "Handle和OID哪个体系好": which product to choose, not support
    asks_text = bool(parse.topics)  # "什么时候能到账", "能一起拿吗": about a policy's rules, even with nothing named
    if kind == "out_of_scope" and not (
        named_items or named_here or parse.clause_refs or about_facts or answerable or asks_text or parse.attributed
        or parse.acts & {"again", "dispute"}
    ):  # (a claim about what we said, "这个数怎么算出来的" or "为什么不是七百五", is about this conversation)
        return "off_topic", elsewhere
    return None, elsewhere


def scheme_pressed(state: DialogueState, parse: Parse) -> bool:
    """"社保在«our region»也不行吗？" after a verdict given beside that scheme's word ("员工社保都在«our region»交，但公司注册在
    «other region»，能申请吗"): the scheme was said in passing and the question answered; pressed again, it is the
    verdict disputed, not that scheme asked about."""
    if "dispute" not in parse.acts or state.last.kind not in ("award", "eligibility") or not state.history:
        return False
    before = state.history[-1].text
    return any(word in before for word in parse.other_schemes)
