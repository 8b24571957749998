"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

import ast
from typing import NoReturn

from grading import pyast
from grading.patterns import dispatch


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_nothing_chooses_by_kind():
    """No if/elif, match or other ladder on the kind is left in emails.py."""
    tree = pyast.parse_submission("emails.py")
    for problem in dispatch.problems(tree, "emails.py"):
        fail(
            f"{problem}. With prototypes, the kind only picks a template out of TEMPLATES; a "
            "new kind is a new entry, not a new branch"
        )


def test_make_email_only_clones():
    """make_email builds no Email or Block and loads no layout: it clones a prototype."""
    tree = pyast.parse_submission("emails.py")
    function = pyast.find_function(tree, "make_email")
    if function is None:
        fail("emails.py has no make_email(kind, **changes) function")
    for call in sorted(
        (n for n in ast.walk(function) if isinstance(n, ast.Call)), key=lambda n: n.lineno
    ):
        name = (pyast.dotted_name(call.func) or "").rpartition(".")[2]
        if name in ("Email", "Block", "load_layout"):
            fail(
                f"emails.py line {call.lineno}: make_email calls {name}(...), building part of "
                "an e-mail from scratch again. It should only look up the prototype and clone "
                "it; building happens once, when TEMPLATES is made"
            )
