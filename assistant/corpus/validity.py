"""Whether a policy is in force on a date, and the one wording used when it is not.

Validity lives only in ``corpus/<id>/meta.yaml`` (``effective_from``, ``valid_until`` and the clause that
states them); every layer — calculator, eligibility, answers, UI — calls :func:`validity_notice` so the
not-in-force wording is the same everywhere: it names the policy's short title, the date as
"2025年12月31日" and the issuer.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from assistant.corpus.dates import cn_date
from assistant.corpus.model import PolicyMeta

ValidityStatus = Literal["in_force", "expired", "not_yet"]


def validity_status(meta: PolicyMeta, as_of: date) -> ValidityStatus:
    """'in_force', 'expired' (after valid_until, which is inclusive) or 'not_yet' (before effective_from)."""
    if as_of < meta.effective_from:
        return "not_yet"
    if meta.valid_until is not None and as_of > meta.valid_until:
        return "expired"
    return "in_force"


def validity_notice(meta: PolicyMeta, as_of: date) -> str | None:
    """The notice an answer must carry when the policy is not in force on ``as_of``; None when it is."""
    status = validity_status(meta, as_of)
    if status == "expired":
        assert meta.valid_until is not None
        return (
            f"《{meta.name}》有效期至{cn_date(meta.valid_until)}，测算日（{cn_date(as_of)}）已过期；以下按原文测算，仅供参考，"
            f"请以{meta.issuer}最新申报指南为准。"
        )
    if status == "not_yet":
        return (
            f"《{meta.name}》自{cn_date(meta.effective_from)}起施行，测算日（{cn_date(as_of)}）尚未生效；以下按原文测算，仅供参考，"
            f"请以{meta.issuer}正式发布的申报指南为准。"
        )
    return None
