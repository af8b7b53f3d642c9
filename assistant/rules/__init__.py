"""Award rules as data, the deterministic calculator, eligibility checks and money parsing.

Public API::

    from assistant.rules import load_rules, calculate, calculate_many, check_eligibility
    from assistant.rules import parse_amount, find_amounts, format_yuan
"""

from assistant.rules.calculator import (
    CalcRequest,
    CombinedResult,
    ItemResult,
    Note,
    TraceStep,
    calculate,
    calculate_many,
)
from assistant.rules.eligibility import Eligibility, Reason, check_eligibility
from assistant.rules.model import FactSpec, Item, PolicyRules, load_rules, load_rules_file
from assistant.rules.money import AmountMention, find_amounts, format_yuan, parse_amount

__all__ = [
    "AmountMention",
    "CalcRequest",
    "CombinedResult",
    "Eligibility",
    "FactSpec",
    "Item",
    "ItemResult",
    "Note",
    "PolicyRules",
    "Reason",
    "TraceStep",
    "calculate",
    "calculate_many",
    "check_eligibility",
    "find_amounts",
    "format_yuan",
    "load_rules",
    "load_rules_file",
    "parse_amount",
]
