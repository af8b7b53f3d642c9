"""A message's kind and items in context: the reader saw one message; the state knows what came before.

``reconsider`` turns the reader's intent into the turn's kind ("那第7条呢" after a look-up is a look-up; an
amount for the goal's item is new information); its later rules are in :mod:`assistant.dialogue.kind_late`, its
last in :mod:`assistant.dialogue.kind_fallback`. The items a message means without naming them are found in
:mod:`assistant.dialogue.implied`. Pure functions of the state and one parse.
"""

from __future__ import annotations

from assistant.dialogue.applicants import turned_now
from assistant.dialogue.bare_replies import answers_fact_request, spec_type
from assistant.dialogue.domain import Domain
from assistant.dialogue.implied import told
from assistant.dialogue.kind_fallback import (
    DOCUMENT_TOPICS,
    RULE_TOPICS,
    RUNNER_UP,
    asks_of_last_clause,
    disputes_last_lookup,
)
from assistant.dialogue.kind_late import later_kind
from assistant.dialogue.list_elements import names_one_element
from assistant.dialogue.message_facts import (
    claims_item_money,
    follow_up_tail,
    keyword_search,
    only_noted_facts,
    sets_aside,
    states_a_step,
    states_goal_facts,
)
from assistant.dialogue.state import DialogueState, TurnKind
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.intents import NluIntent

#: While the assistant waits for "which item?", a message naming one item is its answer unless the reader is at
#: least this sure it asks a question of its own ("«item»是什么意思") — Rasa's form: the slot first, interruptions
#: only when clear.
FORM_INTERRUPT = 0.6
_QUESTION_KINDS: tuple[NluIntent, ...] = ("eligibility", "award", "lookup")



def _new_values(state: DialogueState, parse: Parse, policy_id: str) -> dict[str, object]:
    """Facts of the message that the conversation did not already hold ("不是说市级最高500万吗" repeats 市级)."""
    known = state.profile(policy_id)
    return {k: v for k, v in parse.facts_of(policy_id).values.items() if known.get(k) != v}


def _rule_of_an_unknown_amount(state: DialogueState, parse: Parse, policy_id: str, domain: Domain) -> bool:
    """After a figure, "how is it counted" of an amount neither known nor said (genre ``asks_how_counted``): the
    figure cannot change, the rule that would apply is asked."""
    goal = state.goal
    if goal is None or goal.kind != "award" or not goal.answered or parse.amounts or parse.asks_amount \
            or not load_genre().asks_how_counted.search(parse.reading):
        return False
    known = state.profile(policy_id)
    money = {n for n in domain.item_facts(policy_id, goal.items) if spec_type(domain, policy_id, n) in ("money", "money_list")}
    return any(f in money and f not in known for f in parse.facts_of(policy_id).mentioned)


def reconsider(
    state: DialogueState, parse: Parse, kind: TurnKind, items: tuple[str, ...], policy_id: str, domain: Domain
) -> TurnKind:
    """The turn's kind in context (the reader saw one message; the state knows what came before)."""
    goal, genre = state.goal, load_genre()
    stated = parse.states_facts(policy_id)
    # An amount no fact claims is not the project's: a figure named to ask about ("1000万有没有办法突破": the cap).
    no_fact_amount = not any(m.claims for m in parse.facts_of(policy_id).money)
    if turned_now(state) and goal is not None and goal.kind in ("award", "eligibility") and not items \
            and kind != "award" and not parse.asks_amount and not parse.topics and not parse.clause_refs \
            and not parse.amounts:
        return "eligibility"  # "那我们«other region»的母公司呢": who applies changed — that company's verdict
    if kind == "followup" and not state.history and not items and parse.asks and parse.content_size > 8:
        # "钱就给这么点，那…还有没有别的优先政策？" as the first message: nothing to follow — the reader's best question
        second = max(_QUESTION_KINDS, key=lambda k: parse.scores.get(k, 0.0))
        if parse.scores.get(second, 0.0) >= RUNNER_UP:
            return second
    if kind != "lookup" and disputes_last_lookup(state, parse, items, policy_id):
        return "lookup"  # "这个政策由谁负责解释" … "不是市经信委吗": asked again, answered from the text
    # "两条能叠加拿680万吗", "两个能不能都拿，加起来470？": whether several items stack, asked with their total (hoped for or
    # asked) — the figure, computed with the rule on stacking
    total = bool(genre.sum_asked.search(parse.reading)) or any(m.expected_award for m in parse.facts_of(policy_id).money)
    several = goal is not None and (len(goal.items) > 1 or ("together" in parse.acts and len(state.recent) > 1))
    if kind in ("lookup", "award", "eligibility") and "stacking" in parse.topics and total and several \
            and goal is not None and goal.kind == "award" and goal.policy_id == policy_id:
        return "award"
    if (kind in ("followup", "eligibility") or (kind == "award" and parse.amounts and goal is not None)) \
            and not items and no_fact_amount and not parse.options \
            and (goal is not None or kind == "eligibility") and only_noted_facts(parse, policy_id, domain):
        # "那走«rule»呢", "如果区政府批准作为重大项目，能突破标准吗" (first or later), "是区政府批的重大项目 1000万有没有
        # 办法突破": the rule that situation turns on, not the figure nor a general verdict
        return "lookup"
    if kind == "eligibility" and items and claims_item_money(parse, policy_id, items, domain) \
            and (load_genre().asks_if_funded.search(parse.reading)
                 or ("follow_up" in parse.acts and goal is not None and goal.kind == "award" and not parse.topics)):
        # "在浦东办了个全国性峰会，审计费用100万，能补吗": whether, and how much — the figure, its conditions; "那我们在
        # 嘉定办的全国性大赛呢？审计确认四十万" after a figure: the same question of that item, with its amount
        return "award"
    if kind in ("chitchat", "vague") and parse.asks and goal is not None and goal.kind in ("award", "eligibility") \
            and parse.scores.get(goal.kind, 0.0) >= RUNNER_UP:
        return goal.kind  # "行不行" after the facts of a verdict: the question the conversation is on, asked again
    if kind == "vague" and not items and (parse.topics & DOCUMENT_TOPICS or "basis" in parse.topics):
        # "谁解释", "哪条" after an answer: a question about the text itself, however short ("哪条" with nothing
        # before it: which one is asked back)
        return "lookup" if goal is not None or not parse.topics <= {"basis"} else "vague"
    values = parse.facts_of(policy_id).values
    if kind == "inform" and goal is None and not items and not parse.amounts and values \
            and set(values) <= domain.applicant_facts(policy_id) and False in values.values():
        return "eligibility"  # "来电是个体户": who may apply, said not to fit — the verdict, not a menu of items
    if kind == "inform" and parse.asks and not stated and not parse.amounts \
            and load_genre().asks_who.search(parse.reading):
        return "lookup"  # "«item»谁考核": who does what the text names
    if kind in ("vague", "out_of_scope") and not items and asks_of_last_clause(state, parse):
        return "lookup"  # "«rule»是哪条" … "谁批": asked of the clause just read
    req = state.requested
    if req is None and kind in ("inform", "award", "eligibility", "followup", "vague") and keyword_search(parse):
        return "lookup"  # "«item» 企业数量 要求", "«item» 上级补助 配套": a search of the text, not a case to work out
    if req is not None and req.kind == "item" and kind == "lookup" and len(items) == 1 and not parse.topics \
            and not parse.clause_refs and (parse.scores.get("lookup", 0.0) < FORM_INTERRUPT or not parse.asks):
        # "«item»那个啊，还要我说什么？" to "which item?": the answer, said impatiently; "…好像是被认定成什么«item»了，
        # 文件在老板那里": a story that asks nothing, however much it reads like the item's text
        return "inform"
    if req is not None and req.kind == "fact" and kind == "lookup" and not parse.topics and not parse.clause_refs \
            and parse.scores.get("lookup", 0.0) < FORM_INTERRUPT and answers_fact_request(state, parse, domain):
        return "inform"  # "…算下来是380万，另外厂房一万平方，不知道这些有没有用" to "投资多少？": the answer, with doubts
    opening = load_genre().follow_up_opening.match(parse.reading)
    if kind in ("eligibility", "lookup", "match", "vague", "inform") and items and goal is not None \
            and goal.kind == "award" and not parse.topics & {"original", "category"} and (
        (opening and not load_genre().question.search(parse.reading, opening.end())) or follow_up_tail(parse.reading)
    ):  # "那«item»呢？我们是«fact»，刚«fact»", "第二个客户是«item»，«fact»，这个呢？": the goal's question of that item
        return "followup"
    if kind in ("eligibility", "lookup") and items and goal is not None and goal.kind == "award" and goal.answered \
            and not set(items) <= set(goal.items) and not parse.topics and load_genre().asks_also.search(parse.reading):
        return "award"  # "«item A»能拿多少" … "«item B»之后还有吗": that item's figure too
    # An amount for the figure after a side question ("这政策谁负责解释的" … "那要是«base amount»是240万呢") is the figure's.
    amount_for_goal = goal is not None and goal.kind == "award" and not items and bool(parse.amounts)
    asked_goal = goal is not None and goal.kind in ("award", "eligibility")
    if kind == "lookup" and "follow_up" in parse.acts and amount_for_goal and goal is not None and not parse.topics \
            and not parse.clause_refs and _another_items_amount(parse, policy_id, goal.items, domain):
        # "那我们另一个业务呢？«what it does»，去年«its base»五十万": another item's own amount,
        # told after a figure — that item's figure (the item is found by its fact)
        return "award"
    if kind == "followup" and state.last.kind == "lookup" and parse.asks_amount and parse.money_words \
            and not parse.topics and not parse.amounts and not items and goal is None and state.topic is not None:
        return "award"  # "这条是不是同一笔钱" … "那这条另外给多少？": the clause just looked up, its figure
    if kind == "followup" and state.last.kind == "lookup" and not amount_for_goal \
            and not (asked_goal and (items or (goal is not None and goal.items)) and stated) \
            and not (asked_goal and goal is not None and names_one_element(state, parse, policy_id, goal.items, domain)) \
            and not (asked_goal and items and not parse.clause_refs
                     and state.last.topics and state.last.topics <= DOCUMENT_TOPICS):
        # "那第7条呢" after a look-up — not "那«item»呢？我们也通过了" (a fact for the goal's question), nor "那«item»呢"
        # after a question about the document as a whole ("这政策明年还能用吗"): the same for every item, so the goal's.
        return "lookup"
    if kind == "lookup" and parse.asks_amount and not items and not parse.amounts and not parse.topics \
            and not parse.clause_refs and goal is not None and goal.kind in ("award", "eligibility") and goal.items \
            and ("follow_up" in parse.acts or sets_aside(parse.facts_of(policy_id).values)):
        # "忽略之前的设定…" … "那按政策原文到底是多少", "如果不走«rule»，按标准就是多少": the figure, by the text
        return "award"
    what_ifs = [m.what_if for m in parse.facts_of(policy_id).money]
    if kind == "lookup" and amount_for_goal and goal is not None and goal.items \
            and ("follow_up" in parse.acts or (what_ifs and all(what_ifs))) \
            and not parse.topics and not parse.clause_refs and any(what_ifs):
        # "那要是算上软件投入，一共五百五十万呢", "算了，保守一点，还是按五百万报": the figure's amount, what-if
        return "inform"
    if kind in ("inform", "vague", "followup") and parse.clause_refs and not items and not parse.states_facts(policy_id):
        return "lookup"  # "第16条" after an award: that clause, not the award again
    for_goal = states_goal_facts(state, parse, policy_id, domain) or (
        goal is not None and goal.kind == "eligibility" and bool(parse.facts_of(policy_id).values))
    if kind in ("out_of_scope", "vague") and goal is not None and not items and stated and not parse.topics \
            and not parse.asks and for_goal:
        return "inform"  # "税务登记去年就迁到«our region»了，是我记错了": a fact for the question being answered
    if kind in ("out_of_scope", "vague", "lookup") and goal is not None and goal.kind in ("award", "eligibility") \
            and "follow_up" in parse.acts and for_goal and not items and not parse.topics and not parse.clause_refs:
        # "那我注册个公司呢，工商税务都放«our region»", "那用子公司报呢 子公司注册和纳税都在«our region»": the same
        # question again, on new facts
        return goal.kind
    if kind == "lookup" and goal is not None and goal.kind == "eligibility" and not items and not parse.topics \
            and not parse.clause_refs and parse.facts_of(policy_id).raised:
        return "eligibility"  # "他说去年有过一次«milder thing»…不知道算不算«fact»": the case's fact, for the verdict asked
    if kind in ("lookup", "out_of_scope", "vague") and goal is not None and goal.kind in ("award", "eligibility") \
            and not items and not parse.topics and not parse.clause_refs and not parse.amounts \
            and load_genre().not_known_yet.search(parse.reading):
        return "inform"  # "具体算不算重大我们也不清楚，还在调查": the open question's answer, left open — asked again
    if kind == "lookup" and not items and not parse.topics and parse.asks \
            and domain.applicant_facts(policy_id) & set(parse.facts_of(policy_id).values) \
            and parse.scores.get("eligibility", 0.0) >= RUNNER_UP / 2:
        # "工商税务都在«region»，但实际生产经营全在«elsewhere»，算不算这个政策的支持对象": the case judged against the
        # section it names, not the section quoted
        return "eligibility"
    if kind == "out_of_scope" and parse.asks and parse.money_words and not items and not parse.topics \
            and not parse.off_topic:  # ("帮我写个Python脚本算一下各种补贴": a task of another kind, about money)
        # "我们是做机械加工的中小厂，区里有补贴吗": not out of scope (nothing elsewhere was named) — a question of
        # support with nothing named: the reader's best question of support — but a figure needs an item, and with
        # none named nor in the conversation, what is on offer ("match") is asked.
        support: tuple[NluIntent, ...] = ("match", "award", "eligibility")
        best = max(support, key=lambda k: parse.scores.get(k, 0.0))
        return "match" if best == "award" and (goal is None or not goal.items) else best
    if kind == "out_of_scope" and parse.asks and (parse.facts_of(policy_id).values or parse.facts_of(policy_id).raised):
        # "去年环保方面被处罚过，影响今年申请吗": a fact of the policy's conditions stated and a question asked — the
        # reader's runner-up question, when it is a close one (the reader is unsure at this margin).
        second = max(_QUESTION_KINDS, key=lambda k: parse.scores.get(k, 0.0))
        if parse.scores.get(second, 0.0) >= RUNNER_UP:
            return second
    if kind == "out_of_scope" and "again" in parse.acts and not items and goal is not None and goal.kind == "award" \
            and goal.items:
        return "award"  # "这个数怎么算出来的": the figure again, with its steps
    # "为什么只剩20万了？", "为什么两千万只给500万？" right after a figure: why the figure is what it is (a figure named
    # or a word of its size) — not "«part»为什么不算进去", a rule asked about (the text)
    why = genre.asks_why.search(parse.reading) is not None and goal is not None and goal.answered \
        and (bool(parse.amounts) or genre.of_size.search(parse.reading) is not None) \
        and state.last.kind in ("award", "inform", "followup") \
        and not parse.topics & {"procedure", "validity", "validity_yes_no", "interpreter", "upstream", "new_policy"}
    if ("dispute" in parse.acts or why) and goal is not None and goal.kind in ("award", "eligibility") \
            and kind != goal.kind and (goal.items or goal.kind == "eligibility") and not items and not parse.clause_refs \
            and not parse.topics & (DOCUMENT_TOPICS | {"original", "certainty", "basis"}) \
            and not _new_values(state, parse, policy_id):
        # "为什么不是1260万？", "怎么又变了", "不对吧": the figure again, with the steps that say why; "这么小的事也不行？"
        # after a verdict: the verdict again, with the condition it turns on
        return goal.kind
    if kind == "out_of_scope" and not (parse.attributed and (items or goal is not None)):
        return "lookup"  # not refused above: the policy's own words answer it (retrieval found them)
    short = parse.content_size <= 8
    if kind == "lookup" and short and parse.asks_amount and parse.money_words and not items and not parse.topics \
            and not parse.clause_refs and goal is None:
        return "award"  # "区里有没有钱": money wished for, nothing named — which item (not a random clause)
    if kind in ("lookup", "vague") and short and goal is None and not items and not parse.topics \
            and not parse.clause_refs and not parse.amounts and not parse.facts_of(policy_id).values \
            and load_genre().support_words.search(parse.reading):
        return "award"  # "有什么政策", "有补贴吗": support asked for with nothing named — the items on offer (not a clause)
    if kind == "lookup" and goal is None and not items and not parse.topics and not parse.clause_refs \
            and not parse.amounts and load_genre().menu_question.search(parse.reading):
        return "match"  # "集团有几个项目想申报，有啥补助？": the supports on offer, not the text on applying
    if kind == "lookup" and items and not parse.topics and not parse.clause_refs \
            and (genre.asks_our_amount.search(parse.reading) or (genre.wants_money.search(parse.reading)
                 and not genre.asks_conditions.search(parse.reading) and not genre.alternatives.search(parse.reading))):
        # "我司为区内服务商…，特此咨询可获资助金额": the figure of its case, asked in a letter's words;
        # "两化融合惯标通过了有钱拿吗": money wished for under a named item — its figure, as with its fact read (not
        # "要具备什么条件才能拿资助", "做完评估就给奖励，还是要通过认证": what the money depends on)
        return "award"
    if kind == "eligibility" and not items and not parse.facts_of(policy_id).values and not parse.amounts \
            and not parse.topics and load_genre().wants_money.search(parse.reading):
        return "award"  # "我们厂能拿点钱吗": money wished for, nothing named or stated — which item (not a verdict)
    claimed = any(m.claims for f in parse.facts.values() for m in f.money)  # "200万的«item»补贴" names, not claims
    if kind == "lookup" and "stacking" in parse.topics and parse.asks_amount and parse.acts & {"together", "same_project"} \
            and (stated or (goal is not None and goal.kind == "award")):
        return "award"  # "同一个项目也评上了«item»，两个能叠加吗，一共多少": the figure, the stacking rule applied
    both = set(items) | set(goal.items if goal is not None and goal.kind == "award" else ())
    if kind in ("eligibility", "lookup", "match") and "stacking" in parse.topics and len(both) >= 2 \
            and parse.acts & {"together", "same_project", "compare"} \
            and (claims_item_money(parse, policy_id, tuple(both), domain)
                 or (goal is not None and goal.kind == "award"
                     and ("compare" in parse.acts or (bool(parse.amounts) and no_fact_amount)))):
        # "同一个项目，既是«item A»又是«item B»，已投入1000万，两个能不能都拿", "…也评上了«item B»，哪个划算", "两个不能都拿
        # 吗？加起来500万" after a figure: the figure with the stacking rule applied — not "也拿了«item B» 两个能一起拿吗",
        # the rule itself
        return "award"
    # "没有备案，办完了再申请行不行": a step of the procedure stated and judged is eligibility, not the procedure in
    # general — unlike "准备办«event»，要先备案吗", whose facts say nothing of the procedure.
    # "被列入经营异常名录了，同行说不影响申报，是真的吗？我们还能申请吗": a rumour checked on the enterprise's own stated
    # case is a verdict too.
    judged = kind == "eligibility" and (
        (parse.topics & RULE_TOPICS == {"procedure"} and states_a_step(parse, policy_id, domain))
        or (parse.topics & RULE_TOPICS in ({"hearsay"}, {"stacking"})
            and bool(domain.applicant_facts(policy_id) & set(parse.facts_of(policy_id).values))))
    # ("我们是个体工商户，这两个都能申请吗？": who applies, stated — a verdict on both, not the rule between them)
    # "有没有可能不受那个补助上限的限制", "200万上限太少了，有没有办法不受这个标准限制": with no figure given before, the
    # rule on going past the ceiling, not a figure (after one, pressing for more gets the figure and that rule)
    past_cap = "beyond_cap" in parse.topics and not (goal is not None and goal.kind == "award" and goal.items)
    # (a message that asks nothing and corrects or claims an amount — "看了下到账记录，给的不是100万，是300万" — states its
    # case; "我不信只有500万，把原文给我看看" does not)
    told = not parse.asks and bool(parse.amounts) and goal is not None \
        and ("correction" in parse.acts or not no_fact_amount or any(m.denied for m in parse.facts_of(policy_id).money))
    # ("那我们就按«figure»准备材料，没错吧": the figure just given, said back to confirm — not the rule on applying)
    money = parse.facts_of(policy_id).money
    confirms = goal is not None and goal.kind == "award" and goal.answered and bool(money) \
        and all(m.expected_award and not m.claims for m in money) and "certainty" not in parse.topics
    if kind == "award" and _rule_of_an_unknown_amount(state, parse, policy_id, domain):
        return "lookup"  # "«support from above»有«its condition»的话怎么算？" after a figure, no amount said: the text's rule for it
    if parse.topics & RULE_TOPICS and not claimed and (not parse.asks_amount or past_cap) and kind != "lookup" \
            and not judged and not told and not confirms:
        return "lookup"  # "两项能一起拿吗", "补贴怎么申请", "明年还能再拿一次吗": what the text says, not a figure
    if kind == "lookup" and parse.asks_count and not parse.amounts:
        return "lookup"  # "«option»«item»一年评几个": a how-many question, even with an option named
    if kind == "eligibility" and items and genre.asks_if_any.search(parse.reading) \
            and not domain.applicant_facts(policy_id) & set(parse.facts_of(policy_id).values):
        return "award"  # "今年第一次进规上了，有奖励吗": whether the item pays — its figure, with its conditions
    if kind == "eligibility" and not items and state.goal is None and genre.asks_if_any.search(parse.reading) \
            and not parse.facts_of(policy_id).values and not parse.facts_of(policy_id).raised:
        return "award"  # "我们公司想问下有没有补贴": nothing said of the case — which item (the menu), not 支持对象
    if kind in ("lookup", "inform") and items and parse.facts_of(policy_id).values and not parse.asks_amount \
            and genre.asks_if_enough.search(parse.reading):
        return "eligibility"  # "他们一年只服务了3家区内企业，这样够不够格？": the case stated, judged against the condition
    return later_kind(state, parse, kind, items, policy_id, domain, stated, no_fact_amount, claimed, opening)


def _another_items_amount(parse: Parse, policy_id: str, items: tuple[str, ...], domain: Domain) -> bool:
    """An amount the message tells (not denied, hoped or a what-if) claimed by a fact none of ``items`` has."""
    own = set(domain.item_facts(policy_id, items))
    return any(m.claims and told(m) and not set(m.best_claims(m.claims)) & own for m in parse.facts_of(policy_id).money)
