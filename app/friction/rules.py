"""The friction rule ids (PEDAGOGY.md, F0-F9) and the actions logged for them: one list.

The server decides and logs with these, the pydantic schemas accept them, and the exercise page
receives them from the server (`for_page`) instead of keeping its own copies of the strings.
"""

from __future__ import annotations

from enum import StrEnum


class Rule(StrEnum):
    """A friction rule; the value is the id stored in friction events."""

    PLAN = "F0"  # plan card before the first check
    REFLECT = "F1"  # failure reflection gate
    COOLDOWN = "F2"  # predict-and-wait gate
    FIRST_HINT = "F3"
    NEXT_HINT = "F4"
    BOTTOM_OUT = "F5"  # the last hint level
    BREAK = "F6"  # break offer
    REENTRY = "F7"  # back after a long pause that followed a failure
    REFERENCE = "F8"  # success reflection and the reference solution
    FOLLOW_UP = "F9"  # an assisted solve schedules the follow-up exercise


class Action(StrEnum):
    """What happened with a rule: shown by the server, or the learner's response to a card."""

    SHOWN = "shown"
    COMPLETED = "completed"
    SKIPPED = "skipped"
    FLAGGED = "flagged"  # a check sent while a gate was open (stored all the same)
    SCHEDULED = "scheduled"  # F9
    BREAK_TAKEN = "break_taken"
    WORKED_EXAMPLE = "worked_example"
    KEPT_GOING = "kept_going"
    WAITED = "waited"
    EXPLAINED = "explained"  # the learner's one-line explanation of the bottom-out hint


# What the exercise page may post to /api/friction-events (the other rules and actions are
# logged by the server itself, when it decides or stores).
PAGE_RULES = frozenset(
    {
        Rule.PLAN,
        Rule.REFLECT,
        Rule.COOLDOWN,
        Rule.BOTTOM_OUT,  # the learner's one-line explanation of the last hint
        Rule.BREAK,
        Rule.REENTRY,
        Rule.REFERENCE,
    }
)
PAGE_ACTIONS = frozenset(
    {
        Action.SHOWN,
        Action.COMPLETED,
        Action.SKIPPED,
        Action.BREAK_TAKEN,
        Action.WORKED_EXAMPLE,
        Action.KEPT_GOING,
        Action.WAITED,
        Action.EXPLAINED,
    }
)


def for_page() -> dict[str, dict[str, str]]:
    """The ids by name, as the exercise page reads them (e.g. rules.COOLDOWN -> "F2")."""
    return {
        "rules": {rule.name: rule.value for rule in Rule},
        "actions": {action.name: action.value for action in Action},
    }
