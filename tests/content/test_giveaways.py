"""The give-away detector of the content audit: it flags the fix, not the explanation."""

from __future__ import annotations

from tests.content.giveaways import giveaways

SOLUTION = {"app.yaml": "spec:\n  ingressClassName: traefik\n  # ingressClassName: nginx\n",
            "shop.py": "class AwsFactory:\n    ticker.unsubscribe(self)\n"}


def test_a_missing_solution_line_is_a_give_away_and_the_learners_own_line_is_not():
    shown = "line 3: the alert stays subscribed; it should call ticker.unsubscribe(self)"
    assert giveaways(shown, SOLUTION, known="") == [
        "quotes the solution's line 'ticker.unsubscribe(self)'"
    ]
    assert giveaways(shown, SOLUTION, known="    ticker.unsubscribe(self)\n") == []


def test_comments_short_lines_and_class_names_the_prompt_gives_are_not_give_aways():
    shown = "# ingressClassName: nginx; there is no class AwsFactory: it should make S3Storage"
    assert giveaways(shown, SOLUTION, known="Write AwsFactory and GcpFactory.") == []
    assert giveaways(shown, SOLUTION, known="") == [
        "quotes the solution's line 'class AwsFactory:'"
    ]


def test_fix_phrasings_are_found_and_descriptions_are_not():
    for fix in ("nobody routes it. Write ingressClassName: nginx",
                "a named port; use targetPort: 8080 instead",
                "give 'db' a health check, e.g. test: [CMD-SHELL, pg_isready]",
                "the port is a number. Change it to a string",
                "not defined there: add namespace: default to the parentRef",
                "read as a label. Move it under annotations",
                "is a number, so it is rejected. Quote it",
                "the program does not exist: use CMD-SHELL for a command line"):
        assert giveaways(fix, {}, known=""), fix
    for description in ("Subclasses should not have to write the algorithm themselves",
                        "PostgreSQL cannot write to /data, so the container stops",
                        "the canary gets 50% of the traffic instead of 10%",
                        "the alert costs a call on every price change from then on"):
        assert giveaways(description, {}, known="") == [], description
