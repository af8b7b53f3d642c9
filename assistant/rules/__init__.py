"""Award rules as data, the deterministic calculator, eligibility checks and money parsing.

Public API::

    from assistant.rules import load_rules, load_all_rules, PolicyRules, Item, FactSpec
    from assistant.rules import calculate, calculate_many, CalcRequest, ItemResult, CombinedResult
    from assistant.rules import TraceStep, Note, check_eligibility, Eligibility, Reason, max_award
    from assistant.rules import parse_amount, find_amounts, format_yuan

The schema of rules.yaml is documented for maintainers in docs/rules-schema.md.
"""

from assistant.rules.calculator import ItemResult, calculate
from assistant.rules.combine import CalcRequest, CombinedResult, calculate_many
from assistant.rules.eligibility import Eligibility, Reason, check_eligibility
from assistant.rules.facts import FactSpec
from assistant.rules.maximum import MaxAward, max_award
from assistant.rules.model import PolicyRules, bind, has_rules, load_all_rules, load_rules, load_rules_file
from assistant.rules.money import AmountMention, format_yuan, parse_amount
from assistant.rules.money_text import find_amounts
from assistant.rules.schema import Item
from assistant.rules.trace import Note, TraceStep

__all__ = [
    "AmountMention",
    "CalcRequest",
    "CombinedResult",
    "Eligibility",
    "FactSpec",
    "Item",
    "ItemResult",
    "MaxAward",
    "Note",
    "PolicyRules",
    "Reason",
    "TraceStep",
    "bind",
    "calculate",
    "calculate_many",
    "check_eligibility",
    "find_amounts",
    "format_yuan",
    "has_rules",
    "load_all_rules",
    "load_rules",
    "load_rules_file",
    "max_award",
    "parse_amount",
]
