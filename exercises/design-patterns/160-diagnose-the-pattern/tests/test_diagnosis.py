"""Checks for the diagnosis exercise: each symptom's family and pattern, and the cheat sheet."""

from __future__ import annotations

import hashlib
import re
from typing import NoReturn

import diagnosis

# Digests of the expected answers, so the page does not hand them out as text:
# symptom -> (family digest, pattern digest).
EXPECTED = {
    "shipping-ladder": (
        "44d420ce80ffa682",
        "d22c0b794f1ae7b0",
    ),
    "nine-arguments": (
        "2fbadbf6939dfa51",
        "0f0bff76d557f848",
    ),
    "foreign-payment-api": (
        "589522282c073cc8",
        "5bb2858e71430b86",
    ),
    "polling-widgets": (
        "fd11592f472d1aca",
        "d2e6e8cfc8956fbd",
    ),
    "status-everywhere": (
        "c3215cbe62ae5095",
        "62e532edc6271263",
    ),
    "slow-template": (
        "e98d9b66646b9d70",
        "7ef8fa58656ae502",
    ),
    "combination-classes": (
        "a220e0eebc924568",
        "0b7bf103f67255ec",
    ),
    "paid-api-calls": (
        "a41fc67305de402c",
        "db4437bf1e169241",
    ),
    "four-subsystem-dance": (
        "be3524745574d8a8",
        "4ada0e57bf255751",
    ),
    "ticket-escalation": (
        "587ab711cbf04df0",
        "db63657bc32aea8d",
    ),
    "undo-every-edit": (
        "61a564af674e99bd",
        "70960a51ee17c086",
    ),
    "mixed-clouds": (
        "06e62ad27ca0db2b",
        "bd21d67de9d726f8",
    ),
}
FAMILIES = {
    "creational": "how objects are made",
    "structural": "how objects are put together",
    "behavioural": "how objects share work and talk to each other",
}


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def family_key(value: str) -> str:
    """'Behavioral', ' behavioural ' -> 'behavioural'."""
    return str(value).strip().lower().replace("behavioral", "behavioural")


def pattern_key(value: str) -> str:
    """'Chain of Responsibility', 'chain-of-responsibility' -> 'chainofresponsibility'."""
    return "".join(ch for ch in str(value).lower() if ch.isalpha())


def digest(symptom: str, kind: str, value: str) -> str:
    return hashlib.sha256(f"{symptom}|{kind}|{value}".encode()).hexdigest()[:16]


def diagnoses() -> dict:
    """The learner's DIAGNOSES, checked for shape."""
    found = getattr(diagnosis, "DIAGNOSES", None)
    if not isinstance(found, dict):
        fail("diagnosis.py has no DIAGNOSES dict: symptom -> (family, pattern)")
    for symptom, answer in found.items():
        if not (isinstance(answer, tuple | list) and len(answer) == 2):
            fail(f"DIAGNOSES[{symptom!r}] is {answer!r}; write a pair: (family, pattern)")
    return found


def right_pattern(symptom: str, answer) -> bool:
    return digest(symptom, "pattern", pattern_key(answer[1])) == EXPECTED[symptom][1]


def test_every_symptom_has_a_diagnosis():
    """Each symptom has a family and a pattern filled in."""
    found = diagnoses()
    missing = [s for s in EXPECTED if s not in found or not all(str(v).strip() for v in found[s])]
    if missing:
        fail(
            f"{len(missing)} of {len(EXPECTED)} symptoms have no full diagnosis yet, the first "
            f"is {missing[0]!r}: give each a family and a pattern"
        )


def test_each_family_is_right():
    """Each symptom is placed in the right family: creational, structural or behavioural."""
    found = diagnoses()
    wrong = [
        s for s in EXPECTED if s in found
        and digest(s, "family", family_key(found[s][0])) != EXPECTED[s][0]
    ]
    if wrong:
        first = wrong[0]
        given = family_key(found[first][0])
        meaning = FAMILIES.get(given)
        about = f" ({meaning})" if meaning else ""
        others = f" ({len(wrong) - 1} more family answers are off too.)" if len(wrong) > 1 else ""
        fail(
            f"{first}: {repr(given) if given else 'an empty family'}{about} is not the family of "
            "this problem. Read "
            f"the symptom again: is the pain in making objects, in fitting objects together, "
            f"or in how they share the work?{others}"
        )


def test_each_pattern_is_right():
    """Each symptom names the pattern that removes it."""
    found = diagnoses()
    wrong = [s for s in EXPECTED if s in found and not right_pattern(s, found[s])]
    if wrong:
        first = wrong[0]
        others = f" ({len(wrong) - 1} more pattern answers are off too.)" if len(wrong) > 1 else ""
        fail(
            f"{first}: {repr(found[first][1]) if found[first][1] else 'an empty pattern'} does not "
            "remove this symptom. Ask what "
            f"that pattern changes, and whether that is where this symptom hurts.{others}"
        )


def words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z'-]+", str(text).lower())


def similarity(first: str, second: str) -> float:
    """Share of the longer words of `first` that also appear in `second`."""
    mine = {w for w in words(first) if len(w) > 3}
    theirs = {w for w in words(second) if len(w) > 3}
    return len(mine & theirs) / len(mine) if mine else 1.0


def test_the_cheat_sheet_says_when_to_use_each_pattern():
    """Each pattern you diagnosed has a cheat-sheet line of your own: when it fits."""
    found = diagnoses()
    sheet = getattr(diagnosis, "CHEAT_SHEET", None)
    if not isinstance(sheet, dict):
        fail("diagnosis.py has no CHEAT_SHEET dict: pattern -> when it fits, in your words")
    entries = {pattern_key(k): (k, v) for k, v in sheet.items()}
    symptoms = getattr(diagnosis, "SYMPTOMS", {})
    used = {pattern_key(found[s][1]): found[s][1] for s in EXPECTED if s in found
            and right_pattern(s, found[s])}
    for key, name in used.items():
        if key not in entries:
            fail(f"the cheat sheet has no line for {name}: write when you would reach for it")
        label, text = entries[key]
        if not isinstance(text, str) or len(words(text)) < 10:
            fail(
                f"CHEAT_SHEET[{label!r}] is {text!r}: write a full sentence (ten words or more) "
                "saying which symptom tells you this pattern fits"
            )
        for symptom, description in symptoms.items():
            if similarity(text, description) > 0.6:
                fail(
                    f"CHEAT_SHEET[{label!r}] repeats the symptom {symptom!r} almost word for "
                    "word. The sheet is for the next problem, not this one: say in general "
                    "terms what kind of pain the pattern removes"
                )
    texts = [(k, v) for k, v in entries.values() if isinstance(v, str)]
    for index, (label, text) in enumerate(texts):
        for other, other_text in texts[index + 1:]:
            if similarity(text, other_text) > 0.8:
                fail(
                    f"CHEAT_SHEET[{label!r}] and CHEAT_SHEET[{other!r}] say nearly the same "
                    "thing, so the sheet cannot tell the two patterns apart: say what is "
                    "particular to each"
                )
