"""The tutor guards G1-G7 on hand-written replies, good and bad, for a real exercise."""

from __future__ import annotations

import pytest

from app.exercises.loader import load_exercise
from app.tutor.guards import GuardContext
from app.tutor.guards import check_reply
from app.tutor.guards import context_for
from app.tutor.guards import hard_failures
from app.tutor.guards import reference_only_identifiers
from app.tutor.guards import test_literals as exercise_test_literals
from tests.conftest import ROOT

SHIPPING = ROOT / "exercises" / "design-patterns" / "010-strategy-shipping"


@pytest.fixture(scope="module")
def shipping():
    return load_exercise(SHIPPING, "design-patterns", 10)


def verdicts(reply: str, ctx: GuardContext) -> dict[str, bool]:
    return {r.id: r.passed for r in check_reply(reply, ctx)}


def failed(reply: str, ctx: GuardContext) -> set[str]:
    return {r.id for r in hard_failures(check_reply(reply, ctx))}


GOOD_L1 = (
    "Your calculator still picks the price by comparing the method's name. "
    "If the shop added a fourth shipping method tomorrow, which lines of your class "
    "would you have to edit?"
)
GOOD_L3 = """Try describing each method as its own object that knows its price.

```
for each method name:
    make an object with a cost(parcel)
```

What would the calculator need to hold so that it never asks which method it has?"""


def test_a_good_level_1_question_passes_every_guard(shipping):
    ctx = context_for(shipping, 1, tests_failing=True)
    assert verdicts(GOOD_L1, ctx) == {f"G{i}": True for i in range(1, 8)}


def test_a_short_pseudo_code_sketch_passes_at_level_3_but_not_at_level_1(shipping):
    assert failed(GOOD_L3, context_for(shipping, 3, tests_failing=True)) == set()
    assert failed(GOOD_L3, context_for(shipping, 1, tests_failing=True)) == {"G2"}


# ---- G1 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "Your calculator compares names. Look at the branches.",  # no question
        "Which branch runs for express? And what about overnight?",  # two
        "Which branch runs for express? Look at it closely.",  # not last
        "Each branch is a small algorithm. Does that make sense?",
        "Each branch prices a parcel. Do you understand?",
    ],
)
def test_g1_wants_exactly_one_real_question_at_the_end(shipping, reply):
    assert "G1" in failed(reply, context_for(shipping, 1, tests_failing=True))


def test_g1_ignores_question_marks_inside_code(shipping):
    reply = "Your line `x = a if ok else b?` is odd. What does it return for express?"
    assert verdicts(reply, context_for(shipping, 1, tests_failing=True))["G1"]


# ---- G2 -------------------------------------------------------------------------------------


FOUR_LINES = """Think about a table of objects.

```python
methods = {}
methods["a"] = A()
methods["b"] = B()
price = methods[name].cost(parcel)
```

How would the calculator use that table?"""

BARE_CODE = """Put each branch in a class:
def cost(self, parcel):
    return 4.00 + 0.50 * parcel.weight_kg
Which other branches could become classes the same way?"""


def test_g2_allows_no_code_block_at_levels_1_and_2(shipping):
    for level in (1, 2):
        assert "G2" in failed(FOUR_LINES, context_for(shipping, level, tests_failing=True))


def test_g2_caps_code_at_3_lines_on_level_3_and_8_on_level_4(shipping):
    assert "G2" in failed(FOUR_LINES, context_for(shipping, 3, tests_failing=True))
    assert "G2" not in failed(FOUR_LINES, context_for(shipping, 4, tests_failing=True))


def test_g2_counts_code_written_without_a_fence(shipping):
    assert "G2" in failed(BARE_CODE, context_for(shipping, 1, tests_failing=True))


def test_g2_refuses_a_long_inline_snippet(shipping):
    reply = "What does `round(self.strategy.cost(parcel), 2) if parcel.weight_kg > 0` give?"
    assert "G2" in failed(reply, context_for(shipping, 2, tests_failing=True))


# ---- G3 -------------------------------------------------------------------------------------


def test_g3_catches_lines_of_the_reference_even_where_the_code_budget_allows_them(shipping):
    reference_lines = """Here is how the calculator could look.

```python
class ShippingCalculator:
    def __init__(self, strategy: ShippingStrategy) -> None:
        self.strategy = strategy

    def quote(self, parcel: Parcel) -> float:
        return round(self.strategy.cost(parcel), 2)
```

What does your version do differently?"""
    ctx = context_for(shipping, 4, tests_failing=True)
    results = {r.id: r for r in check_reply(reference_lines, ctx)}
    assert results["G2"].passed  # 6 lines fit the level-4 budget ...
    assert not results["G3"].passed  # ... but they are the reference's lines
    assert "reference" in results["G3"].detail


def test_g3_catches_a_renamed_copy_of_the_reference(shipping):
    renamed = """Something like this:

```python
class Calc:
    def __init__(self, s: Strat) -> None:
        self.s = s

    def price(self, p: Box) -> float:
        if p.kg <= 0:
            raise ValueError("no")
        return round(self.s.cost(p), 2)
```

What do you notice?"""
    result = {r.id: r for r in check_reply(renamed, context_for(shipping, 4, tests_failing=True))}
    assert not result["G3"].passed and result["G3"].value >= 0.25


def test_g3_does_not_count_the_learners_own_starter_code(shipping):
    quoting_starter = """Look at this part of your code:

```python
if method == "standard":
    price = 4.00 + 0.50 * parcel.weight_kg
elif method == "express":
```

What would a fourth method add to this chain?"""
    ctx = context_for(shipping, 3, tests_failing=True)
    assert verdicts(quoting_starter, ctx)["G3"]


# ---- G4 -------------------------------------------------------------------------------------


def test_g4_knows_which_names_only_the_reference_uses(shipping):
    avoid = reference_only_identifiers(shipping, 1)
    assert "ShippingStrategy" in avoid
    assert "ShippingCalculator" not in avoid  # the starter has it


def test_g4_catches_a_reference_only_name_and_a_value_the_tests_expect(shipping):
    ctx = context_for(shipping, 2, tests_failing=True)
    assert "G4" in failed("Have you written a ShippingStrategy protocol yet, for instance?", ctx)
    expected = sorted(v for v in exercise_test_literals(shipping) if v == "23.15")
    assert expected, "the shipping tests expect 23.15 somewhere"
    assert "G4" in failed("Express for that parcel should come out at 23.15, should it not?", ctx)


def test_g4_lets_plain_words_through(shipping):
    ctx = context_for(shipping, 1, tests_failing=True)
    assert "G4" not in failed("Which strategy does your calculator hold right now?", ctx)


# ---- G5 -------------------------------------------------------------------------------------


def test_g5_word_cap_is_120_at_level_2_and_160_at_level_3(shipping):
    long = ("Look at how each branch computes a price from the parcel. " * 13).strip()
    reply = long + " Which branch would you move first?"
    assert "G5" in failed(reply, context_for(shipping, 2, tests_failing=True))
    assert "G5" not in failed(reply, context_for(shipping, 3, tests_failing=True))


# ---- G6 (soft) ------------------------------------------------------------------------------


def test_g6_is_logged_but_never_blocks(shipping):
    dense = (
        "Consider the organisational responsibilities distributed inconsistently "
        "throughout the conditional implementation characterising computational "
        "differentiation of the transportation methodologies. Which responsibility "
        "dominates?"
    )
    ctx = context_for(shipping, 1, tests_failing=True)
    results = {r.id: r for r in check_reply(dense, ctx)}
    assert not results["G6"].passed and not results["G6"].hard
    assert "G6" not in {r.id for r in hard_failures(results.values())}


# ---- G7 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "Great job so far! Which branch would you move into its own class first?",
        "Your code is correct for standard. What happens for express?",
        "You're right, the test is wrong here. Which value did you expect?",
        "That works for most parcels. What happens at 0 kg?",
        "Well done. Which method is next?",
    ],
)
def test_g7_no_praise_or_correctness_while_the_check_fails(shipping, reply):
    assert "G7" in failed(reply, context_for(shipping, 1, tests_failing=True))


def test_g7_allows_a_statement_of_fact_after_a_pass(shipping):
    reply = "Your code is correct and every test passes. Which part would you change next?"
    assert "G7" not in failed(reply, context_for(shipping, 1, tests_failing=False))


def test_g7_does_not_mistake_ordinary_words_for_praise(shipping):
    reply = "Which object would be the right place for the express formula to live?"
    assert "G7" not in failed(reply, context_for(shipping, 1, tests_failing=True))


def test_an_empty_reply_is_rejected(shipping):
    assert "G1" in failed("", context_for(shipping, 1, tests_failing=True))


def test_g4_lets_a_reply_repeat_what_the_failing_check_already_showed(shipping):
    reply = "Your check said express came out at 23.15, not what you expected. Which line adds it?"
    assert "G4" in failed(reply, context_for(shipping, 1, tests_failing=True))
    seen = "express for 3 kg over 120 km: expected 23.15, got 17.0"
    assert "G4" not in failed(reply, context_for(shipping, 1, tests_failing=True, seen=seen))
