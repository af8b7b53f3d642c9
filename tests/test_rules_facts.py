"""Input facts as the rules declare them: what a user may type for each type, and the Chinese message when it
cannot be used. The ratio type is exact text; the calculator turns it into money with decimal arithmetic."""

from __future__ import annotations

import pytest

from assistant.errors import InputError
from assistant.rules.facts import FactSpec, ratio_of

RATIO = FactSpec(name="matching_ratio", type="ratio", label="配套比例", question="按什么比例配套？", required=False)


@pytest.mark.parametrize(("typed", "kept"), [
    ("1:1", "1:1"), ("1：0.5", "1:0.5"), ("1比2", "1:2"), ("50%", "1:0.5"), ("１：１", "1:1"), ("2:1.50", "2:1.5"),
])
def test_a_ratio_is_kept_as_exact_text(typed: str, kept: str):
    assert RATIO.coerce(typed) == kept


@pytest.mark.parametrize("typed", ["一半", "0:1", "1:", "abc"])
def test_a_ratio_that_cannot_be_read_names_the_fact_and_the_forms_it_takes(typed: str):
    with pytest.raises(InputError, match="“配套比例”请写成比例"):
        RATIO.coerce(typed)


def test_a_ratio_of_money_is_exact_to_the_yuan():
    assert ratio_of("1:1", 4_000_000) == 4_000_000
    assert ratio_of("1:0.5", 3_000_000) == 1_500_000
    assert ratio_of("3:1", 1_000_000) == 333_333  # 333,333.33 rounded half up
    assert ratio_of("3:2", 1_000_001) == 666_667  # 666,667.33
