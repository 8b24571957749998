"""Checks for the Prototype refactoring of emails.py: clones that share nothing."""

from __future__ import annotations

import dataclasses
from typing import NoReturn

import emails
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

# Edits drawn at random on every check (the seed is chosen when the check runs).
FRESH = settings(
    max_examples=25, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)
BEFORE = {
    "welcome": (
        "Welcome to the shop",
        [("Hello!", "Thanks for signing up."), ("Your code", "WELCOME10")],
        {"onboarding"},
        {"font": "Inter", "accent": "#2a7"},
    ),
    "sale": (
        "Summer sale",
        [("Up to 50 % off", "This week only."), ("Free shipping", "Over 40 EUR.")],
        {"promo", "seasonal"},
        {"font": "Inter", "accent": "#d33"},
    ),
}
EDITS = st.lists(
    st.sampled_from(["append block", "block text", "block heading", "tag", "style", "subject",
                     "drop block"]),
    min_size=1, max_size=6,
)


@dataclasses.dataclass
class UrgentEmail(emails.Email):
    """A kind of e-mail the tests invent (at module level: any copying technique can reach it)."""

    priority: str = "high"


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def make(kind: str, **changes):
    """emails.make_email(kind, **changes), failing clearly when it cannot be called."""
    try:
        return emails.make_email(kind, **changes)
    except TypeError as exc:
        fail(f"make_email({kind!r}, ...) failed: {exc}. It takes the kind and any field changes")


def snapshot(email) -> tuple:
    """An e-mail's content as plain values."""
    return (
        email.subject,
        [(b.heading, b.text) for b in email.blocks],
        set(email.tags),
        dict(email.style),
    )


def test_each_kind_makes_the_same_email_as_before():
    """make_email('welcome') and make_email('sale') give the same content as the starter."""
    for kind, expected in BEFORE.items():
        got = snapshot(make(kind))
        if got != expected:
            fail(f"make_email({kind!r}) gave {got}; the starter gave {expected}")


def test_making_emails_loads_no_layout_again():
    """The layouts are loaded when the templates are built, not for every e-mail."""
    before = emails.LAYOUT_LOADS
    for _ in range(5):
        make("sale")
        make("welcome")
    if emails.LAYOUT_LOADS != before:
        fail(
            f"making 10 e-mails loaded the layout {emails.LAYOUT_LOADS - before} more times. "
            "Each kind is built once, as a prototype; a new e-mail is a clone of it, so "
            "nothing slow runs again"
        )


def edit(email, what: str) -> None:
    """One edit the marketing team makes to its copy."""
    if what == "append block":
        email.blocks.append(emails.Block("P.S.", "See you soon"))
    elif what == "block text" and email.blocks:
        email.blocks[0].text = "changed text"
    elif what == "block heading" and email.blocks:
        email.blocks[-1].heading = "changed heading"
    elif what == "tag":
        email.tags.add("vip")
    elif what == "style":
        email.style["accent"] = "#000"
    elif what == "subject":
        email.subject = "Changed subject"
    elif what == "drop block" and email.blocks:
        email.blocks.pop()


def shared_part(first, second) -> str | None:
    """Which part of two e-mails is the very same object, if any."""
    if first is second:
        return "the whole e-mail (make_email handed out the prototype itself)"
    for name in ("blocks", "tags", "style"):
        if getattr(first, name) is getattr(second, name):
            return f"the {name}"
    for mine, theirs in zip(first.blocks, second.blocks, strict=False):
        if mine is theirs:
            return "a Block object"
    return None


def test_a_clone_shares_nothing_with_its_prototype():
    """Editing an e-mail in every way leaves the next e-mail of that kind as it was."""
    for kind, expected in BEFORE.items():
        first, second = make(kind), make(kind)
        shared = shared_part(first, second)
        if shared:
            fail(
                f"two e-mails made with make_email({kind!r}) share {shared}: an edit to one "
                "shows up in the other and in every later e-mail of that kind. A clone must "
                "copy what it holds too (the list, the set, the dict and each block)"
            )
        for what in ("append block", "block text", "tag", "style", "subject"):
            edit(first, what)
        if snapshot(make(kind)) != expected:
            fail(
                f"after the team edited one {kind} e-mail, the next make_email({kind!r}) gave "
                f"{snapshot(make(kind))}: the template itself changed. A clone must share "
                "nothing with its prototype"
            )


@FRESH
@given(kind=st.sampled_from(sorted(BEFORE)), edits=EDITS)
def test_edits_drawn_at_random_never_reach_the_template(kind, edits):
    """Any edits, in any order, to a made e-mail leave the next e-mail of that kind unchanged."""
    email = make(kind)
    for what in edits:
        edit(email, what)
    got = snapshot(make(kind))
    if got != BEFORE[kind]:
        fail(
            f"after the edits {', '.join(edits)} to one {kind} e-mail, the next one made is "
            f"{got}: the edits reached the template. A clone must share nothing with its "
            "prototype, whichever part is edited (blocks, each block's text, tags, style)"
        )


def test_changes_apply_to_the_new_email_only():
    """make_email('sale', subject=...) changes that e-mail's subject and nothing else."""
    got = make("sale", subject="Winter sale")
    if got.subject != "Winter sale":
        fail(f"make_email('sale', subject='Winter sale') has the subject {got.subject!r}")
    if make("sale").subject != "Summer sale":
        fail("after make_email('sale', subject='Winter sale') the next sale e-mail kept the "
             "new subject: changes belong to the clone, not to the template")


def test_a_subclass_clones_into_itself():
    """clone() on an e-mail subclass the tests invent gives that subclass, with its extra field."""
    original = UrgentEmail("Last chance", [emails.Block("Ends tonight", "Midnight")], {"promo"},
                           {"font": "Inter"}, priority="top")
    clone = getattr(original, "clone", None)
    if not callable(clone):
        fail("Email has no clone() method: a prototype knows how to copy itself")
    twin = clone(subject="Really the last chance")
    if type(twin) is not UrgentEmail or getattr(twin, "priority", None) != "top":
        fail(
            f"UrgentEmail(...).clone() gave a {type(twin).__name__} with priority "
            f"{getattr(twin, 'priority', None)!r}; expected an UrgentEmail with priority 'top'. "
            "clone() should copy whatever object it is called on, not build a plain Email"
        )
    if twin.subject != "Really the last chance" or original.subject != "Last chance":
        fail("clone(subject=...) should change the copy's subject and leave the original's")


def test_a_new_kind_is_one_template_entry():
    """A kind added to TEMPLATES by the tests works with make_email, with no other change."""
    templates = getattr(emails, "TEMPLATES", None)
    if not isinstance(templates, dict):
        fail("emails.py has no TEMPLATES dict: the prototypes, one per kind")
    templates["news"] = emails.Email("News", [emails.Block("This month", "...")], {"news"}, {})
    try:
        got = snapshot(make("news"))
    except ValueError as exc:
        fail(f"with a 'news' entry in TEMPLATES, make_email('news') raised ValueError({exc})")
    finally:
        del templates["news"]
    if got != ("News", [("This month", "...")], {"news"}, {}):
        fail(f"make_email('news') gave {got}, not a copy of the 'news' template")


def test_an_unknown_kind_is_refused():
    """make_email('newsletter') raises ValueError naming the kind."""
    try:
        got = make("newsletter")
    except ValueError as exc:
        if "newsletter" not in str(exc):
            fail(f"the ValueError says {str(exc)!r}; name the kind that has no template")
        return
    except KeyError:
        fail("make_email('newsletter') raised KeyError; the shop expects a ValueError that "
             "names the kind")
    fail(f"make_email('newsletter') returned {got!r}; there is no such template")
