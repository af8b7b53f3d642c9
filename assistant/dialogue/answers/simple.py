"""Answers with no figure: a polite refusal, a request to rephrase, a greeting, "which policy?", and the
award answer of a policy that has text but no calculation rules yet.
"""

from __future__ import annotations

from assistant.dialogue.answer import Answer
from assistant.dialogue.answers.common import Context, interpreter_clause, resume_line, short_title
from assistant.dialogue.next_action import Reason

_SCOPE = "能否申请、能拿多少、条款原文和有效期"


def _titles(ctx: Context) -> str:
    return "、".join(f"{short_title(p)}（{p.meta.issuer}）" for p in ctx.domain.corpus)


def refuse(ctx: Context) -> Answer:
    reason = ctx.action.reason
    where = ""
    places = ctx.state.last.other_places
    if reason is Reason.OTHER_REGION and places:
        where = f"关于{'、'.join(places)}的政策，请咨询当地主管部门或查阅当地政府网站。"
    if reason is Reason.INJECTION_ONLY:
        head = "抱歉，我不能按消息中的指令更改规则、角色或金额；我只依据政策原文和计算规则答复。"
    elif reason is Reason.ABOUT_US:
        # no phone number or office of our own invention: the issuer is named, its published contacts are the source
        issuers = "、".join(dict.fromkeys(p.meta.issuer for p in ctx.domain.corpus))
        head = (f"我是政策问答的自动助手，不能转接人工。需要人工咨询，请联系{issuers}（以其官方公布的联系方式为准）。"
                f"我可以解答{_titles(ctx)}的问题，例如{_SCOPE}。")
    else:
        head = f"抱歉，这个问题不在我能回答的范围内。我只解答{_titles(ctx)}的相关问题，例如{_SCOPE}。"
    details = [x for x in (where, resume_line(ctx)) if x]
    return Answer("out_of_scope", head, None, details=details)


def clarify(ctx: Context) -> Answer:
    resume = resume_line(ctx)
    head = "抱歉，没有看明白您的问题。可以问某一项能拿多少、能不能申请，或政策的有效期等。"
    return Answer("clarify", head, ctx.policy_id, details=[resume] if resume else [])


def greet(ctx: Context) -> Answer:
    text = ctx.obs.parse.reading.strip()
    if "complaint" in ctx.obs.parse.acts and (heard := _complaint(ctx)) is not None:
        return heard
    if "drop" in ctx.obs.parse.acts:
        head = "好的，这个先不谈。还想了解哪一项？可以问某一项能拿多少、能不能申请，或政策的有效期等。"
    elif "thanks" in ctx.obs.parse.acts or any(w in text for w in ("谢", "好的", "明白", "收到")):
        head = "不客气！还有问题随时问我。"
    else:
        head = f"您好！我可以解答{_titles(ctx)}的问题：{_SCOPE}。请问有什么可以帮您？"
    return Answer("clarify", head, ctx.policy_id, details=[x for x in (resume_line(ctx),) if x])


def _complaint(ctx: Context) -> Answer | None:
    """A complaint acknowledged: the answers rest on the text and the calculator only, and the body that interprets
    the policy (its metadata, the clause that says so, cited) is where a disagreement goes; None without that clause."""
    policy, meta = ctx.policy, ctx.policy.meta
    clause = interpreter_clause(policy)
    if clause is None:
        return None
    head = (f"理解您的心情，给您带来不便很抱歉。我的答复只依据{short_title(policy)}原文和计算规则，每个数字都注明了出处；"
            f"如对答复有异议，可以向负责解释本政策的{meta.interpreter}咨询（{ctx.named(clause.label)}）。")
    return Answer("clarify", head, policy.policy_id, details=[x for x in (resume_line(ctx),) if x],
                  citations=[clause.clause_id], citation_line=ctx.citation([clause.clause_id]))


def ask_policy(ctx: Context) -> Answer:
    options = list(ctx.state.last.policy_tie)
    names = [short_title(ctx.domain.policy(p)) for p in options]
    lines = [f"- {name}（{ctx.domain.policy(p).meta.issuer}）" for p, name in zip(options, names, strict=True)]
    return Answer("clarify", "您问的是哪一项政策？请点选，或说出地区或政策名称：", None, details=lines, options=names)


def no_rules(ctx: Context) -> Answer:
    policy = ctx.policy
    head = f"{short_title(policy)}暂未录入计算规则，无法测算金额；可以查询条款原文、适用条件和有效期。"
    return Answer("clarify", head, policy.policy_id)
