"""Campaign e-mails: each kind is built once, as a prototype, and new e-mails are its clones."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from dataclasses import field

LAYOUT_LOADS = 0  # how many times the (slow) brand layout was loaded


def load_layout(kind: str) -> dict:
    """Read the brand layout for one kind of e-mail (in the real shop: a slow request)."""
    global LAYOUT_LOADS
    LAYOUT_LOADS += 1
    return {"font": "Inter", "accent": {"welcome": "#2a7", "sale": "#d33"}.get(kind, "#333")}


@dataclass
class Block:
    heading: str
    text: str


@dataclass
class Email:
    subject: str
    blocks: list[Block] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    style: dict = field(default_factory=dict)

    def clone(self, **changes) -> Email:
        """A copy made by pickling: a new object graph of the same class, then the changes."""
        twin = pickle.loads(pickle.dumps(self))
        vars(twin).update(changes)
        return twin


# Built once, when the module loads: the only two slow layout loads.
TEMPLATES: dict[str, Email] = {
    "welcome": Email(
        "Welcome to the shop",
        [Block("Hello!", "Thanks for signing up."), Block("Your code", "WELCOME10")],
        {"onboarding"},
        load_layout("welcome"),
    ),
    "sale": Email(
        "Summer sale",
        [Block("Up to 50 % off", "This week only."), Block("Free shipping", "Over 40 EUR.")],
        {"promo", "seasonal"},
        load_layout("sale"),
    ),
}


def make_email(kind: str, **changes) -> Email:
    """A new e-mail of this kind: a clone of its prototype."""
    prototype = TEMPLATES.get(kind)
    if prototype is None:
        raise ValueError(f"no e-mail template called {kind!r}")
    return prototype.clone(**changes)


if __name__ == "__main__":
    for _ in range(3):
        email = make_email("sale")
    print(email.subject, [b.heading for b in email.blocks], sorted(email.tags))
    print("layouts loaded:", LAYOUT_LOADS)
