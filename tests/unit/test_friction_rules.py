"""The friction rule and action ids exist once (app/friction/rules.py): the server, the schemas
and the exercise page all take them from there, so a renamed id cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.friction.rules import PAGE_ACTIONS
from app.friction.rules import PAGE_RULES
from app.friction.rules import Action
from app.friction.rules import Rule
from app.friction.rules import for_page
from app.practice.schemas import FrictionEventIn

ROOT = Path(__file__).resolve().parents[2]
RULE_ID = re.compile(r"""["'`]F\d["'`]""")
ACTION_POSTED = re.compile(r"""(action:\s*|record\()["'`]""")


def test_the_ids_are_the_ten_rules_of_pedagogy_md_and_unique():
    assert [r.value for r in Rule] == [f"F{i}" for i in range(10)]
    assert len({a.value for a in Action}) == len(Action)


def test_the_page_gets_every_id_by_name():
    ids = for_page()
    assert ids["rules"]["COOLDOWN"] == "F2" and ids["actions"]["KEPT_GOING"] == "kept_going"
    assert set(ids["rules"].values()) == {r.value for r in Rule}
    assert set(ids["actions"].values()) == {a.value for a in Action}


def test_the_page_sources_hold_no_copy_of_an_id():
    # The runner's protocol is another matter (runner*.js); every friction id comes from
    # friction-ids.js, which reads them from the page data the server renders.
    for source in sorted((ROOT / "static" / "src").glob("*.js")):
        if source.name.startswith("runner"):
            continue
        text = source.read_text()
        assert not RULE_ID.search(text), f"{source.name} spells a rule id itself"
        assert not ACTION_POSTED.search(text), f"{source.name} spells an action id itself"


def test_the_server_spells_no_rule_id_outside_the_enum():
    for source in sorted((ROOT / "app").rglob("*.py")):
        if "grading" in source.parts or source.name == "rules.py":
            continue
        assert not RULE_ID.search(source.read_text()), f"{source} spells a rule id itself"


def event(rule: str, action: str) -> dict:
    return {"exercise_id": "x", "rule": rule, "action": action}


@pytest.mark.parametrize("rule", sorted(PAGE_RULES))
def test_the_page_may_post_its_cards_responses(rule):
    parsed = FrictionEventIn.model_validate(event(rule.value, Action.SKIPPED.value))
    assert parsed.rule is rule and parsed.action is Action.SKIPPED


@pytest.mark.parametrize(
    ("rule", "action"),
    [("F9", "skipped"), ("F3", "completed"), ("F6", "flagged"), ("F6", "scheduled"), ("F99", "x")],
)
def test_ids_only_the_server_logs_are_refused_from_the_page(rule, action):
    with pytest.raises(ValidationError) as refused:
        FrictionEventIn.model_validate(event(rule, action))
    assert "Input should be" in str(refused.value)


def test_every_action_the_page_may_post_is_an_action():
    assert PAGE_ACTIONS <= set(Action) and PAGE_RULES <= set(Rule)
