"""热线查询 handlers: search with the chat's relevance floor, and the 答复口径 of a clicked clause.

A search shows only relevant hits: none when the retriever's calibrated floor says nothing in the corpus
answers (``retriever.answerable``, as the chat uses it); otherwise the hits whose fused score is at least
:data:`RELATIVE_FLOOR` of the best one's — section headings without text of their own are never results.
The tab has its own as-of date: validity tags, the tree and the 答复口径 follow it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import gradio as gr

from assistant.errors import InputError, PolicyQAError
from assistant.ui import render
from assistant.ui.common import parse_as_of
from assistant.ui.services import Services
from assistant.ui.standard_reply import standard_reply

#: Clauses retrieved before filtering.
SEARCH_K = 8
#: A hit is shown when its fused score is at least this share of the best hit's. Calibrated on
#: evals/retrieval.yaml with ``python -m assistant.ui.hotline``: 0.4 shows 1.76 hits on average (median 1)
#: and keeps an expected clause among the first three shown for 132 of 133 queries, as many as no cut at all.
RELATIVE_FLOOR = 0.4

#: Clicking a result card (or Enter/Space on it) fires ``click`` with the clause key.
HIT_JS = """
const pick = (card) => {
  if (!card) return;
  element.querySelectorAll('.pqa-hit-on').forEach((c) => c.classList.remove('pqa-hit-on'));
  card.classList.add('pqa-hit-on');
  trigger('click', {key: card.getAttribute('data-key')});
};
element.addEventListener('click', (e) => pick(e.target.closest('.pqa-hit')));
element.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const card = e.target.closest('.pqa-hit');
  if (card) { e.preventDefault(); pick(card); }
});
"""
#: Clicking a clause in the tree (its summary) loads its 答复口径 too.
TREE_JS = """
element.addEventListener('click', (e) => {
  const summary = e.target.closest('summary');
  const node = summary && summary.parentElement.closest('.pqa-tree-node');
  if (node) trigger('click', {key: node.getAttribute('data-key')});
});
"""


def relevant(retriever: Any, hits: Sequence[Any]) -> list[Any]:
    """The hits worth showing: none below the relevance floor, no bare headings, none far below the best."""
    hits = [h for h in hits if not render.is_heading_only(h.clause)]
    if not hits or not retriever.answerable(hits):
        return []
    best = max(h.score for h in hits)
    return [h for h in hits if h.score >= RELATIVE_FLOOR * best]


def make_search(services: Services) -> Callable[..., tuple[str, Any]]:
    def search(query: str, as_of_value: Any):
        """Results as HTML, and the top hit's key for the 答复口径 picker (which then loads its reply)."""
        query = (query if isinstance(query, str) else "")[: services.settings.max_question_chars].strip()
        if not query:
            return render.search_results([], ""), gr.update()
        started = time.perf_counter()
        try:
            as_of = parse_as_of(as_of_value)
            hits = relevant(services.retriever, services.retriever.search(query, k=SEARCH_K, as_of=as_of))
        except PolicyQAError as err:
            return render.error_html(str(err)), gr.update()
        elapsed = (time.perf_counter() - started) * 1000
        top = render.clause_key(hits[0].clause) if hits else None
        metas = {p.policy_id: p.meta for p in services.policies}
        html = render.search_results(hits, query, elapsed, metas, as_of, selected=top)
        return html, (gr.update(value=top) if top else gr.update())

    return search


def make_research(services: Services) -> Callable[..., str]:
    """The same search again for a new date: the results only. The clause the caller is on stays picked
    (re-picking the top hit would swap the reply being read out under the staff member's eyes)."""
    search = make_search(services)

    def research(query: str, as_of_value: Any) -> str:
        return search(query, as_of_value)[0]

    return research


def make_standard_reply(services: Services) -> Callable[..., str]:
    def reply_for(key: str | None, as_of_value: Any) -> str:
        if not key or ":" not in key:
            return ""
        policy_id, clause_id = key.split(":", 1)
        try:
            policy = services.corpus.policy(policy_id)
            clause = policy.clause(clause_id)
            return standard_reply(policy, clause, services.rules.get(policy_id), parse_as_of(as_of_value))
        except (InputError, PolicyQAError) as err:
            return str(err)

    return reply_for


def pick_clicked(evt: gr.EventData) -> Any:
    """The clause key a result card or tree node sent with its click."""
    key = getattr(evt, "key", None)
    return gr.update(value=key) if isinstance(key, str) and ":" in key else gr.update()


def tree_html(services: Services, as_of_value: Any) -> str:
    try:
        as_of = parse_as_of(as_of_value)
    except InputError as err:
        return render.error_html(str(err))
    return "".join(render.policy_tree(p, as_of) for p in services.policies)


def clause_choices(services: Services) -> list[tuple[str, str]]:
    """(shown name, key) of every clause that has text of its own or children, policy by policy."""
    several = len(services.policies) > 1
    return [
        ((f"《{p.meta.name}》" if several else "") + render.clause_name(c), render.clause_key(c))
        for p in services.policies for c in p.clauses
    ]


def calibrate(k: int = SEARCH_K) -> None:  # pragma: no cover - a measurement, run by hand
    """Print, per relative floor, how many hits a search shows and whether the expected clause stays."""
    import statistics

    import yaml

    from assistant.config import REPO_ROOT, Settings
    from assistant.retrieval import get_retriever

    retriever = get_retriever(Settings.from_env())
    cases = yaml.safe_load((REPO_ROOT / "evals" / "retrieval.yaml").read_text(encoding="utf-8"))
    searched = [(c, retriever.search(c["query"], k=k)) for c in cases]
    policy = next(iter(retriever.corpus))

    def expected_of(case: dict[str, Any]) -> set[str]:
        """The expected clauses; a bare heading stands for the clauses under it (headings are not results)."""
        out: set[str] = set()
        todo = [str(x) for x in case["clauses"]]
        while todo:
            cid = todo.pop()
            clause = policy.clause(cid)
            if render.is_heading_only(clause):
                todo += [c.clause_id for c in policy.children(cid)]
            else:
                out.add(cid)
        return out

    for floor in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7):
        shown, kept = [], 0
        for case, hits in searched:
            hits = [h for h in hits if not render.is_heading_only(h.clause)]
            if hits and retriever.answerable(hits):
                best = max(h.score for h in hits)
                hits = [h for h in hits if h.score >= floor * best]
            else:
                hits = []
            shown.append(len(hits))
            kept += bool(expected_of(case) & {h.clause.clause_id for h in hits[:3]})
        print(f"floor {floor:.1f}: median hits {statistics.median(shown)}, mean {statistics.mean(shown):.2f}, "
              f"expected clause in the top 3 shown: {kept}/{len(searched)}")


if __name__ == "__main__":  # pragma: no cover
    calibrate()
