"""Diagnose the pattern: for each symptom, which family and which pattern fits?

Fill in DIAGNOSES with (family, pattern) for every symptom: the family is "creational",
"structural" or "behavioural"; the pattern is its usual name ("Strategy", "Abstract Factory").
Then build your cheat sheet: for every pattern you used, one sentence in your own words saying
which symptom tells you it fits.
"""

SYMPTOMS = {
    "shipping-ladder": (
        "A checkout prices parcels with an if/elif on the shipping method's name, and marketing "
        "adds a new method every month."
    ),
    "nine-arguments": (
        "Every HTTP request is made by one function with nine positional arguments, most of them "
        "optional, and callers keep mixing up their order."
    ),
    "foreign-payment-api": (
        "The bank's client offers make_transaction(cents) and status dictionaries; the checkout "
        "calls charge(euros) and expects exceptions, and neither side may change."
    ),
    "polling-widgets": (
        "The chart, the price log and the price alert each ask the stock ticker for its price "
        "every second, and most of the time nothing has changed."
    ),
    "status-everywhere": (
        "Every method of Order starts with if self.status == 'paid' ... elif self.status == "
        "'shipped' ..., and each new status means editing all of them."
    ),
    "slow-template": (
        "Setting up one campaign e-mail takes a slow request for the brand layout, and marketing "
        "needs hundreds of slightly different copies a day."
    ),
    "combination-classes": (
        "Gift wrap, insurance and express handling combine freely on any parcel, and the code has "
        "one class per combination."
    ),
    "paid-api-calls": (
        "A paid exchange-rate service is asked the same question many times a minute, and the code"
        " that asks it may not change."
    ),
    "four-subsystem-dance": (
        "The web checkout and the phone desk both reserve stock, charge, book a courier and send a"
        " mail, each with its own copy of the failure handling."
    ),
    "ticket-escalation": (
        "A support ticket goes to the bot, then the desk, then a manager, each deciding alone "
        "whether it can help, and the order differs per channel."
    ),
    "undo-every-edit": (
        "The editor must undo and redo every kind of edit, including kinds that plugins will add "
        "later."
    ),
    "mixed-clouds": (
        "Storage and queue classes come in families (AWS, GCP, local), and a deploy that mixes an "
        "S3 bucket with a Pub/Sub queue breaks at night."
    ),
}

# One row per pattern: family, pattern, the symptoms it answers, and my note for next time.
ROWS = [
    ("Behavioral", "strategy", ["shipping-ladder"],
     "Several swappable ways to compute the same thing, picked by a name that keeps growing."),
    ("CREATIONAL", "builder", ["nine-arguments"],
     "Constructing something takes lots of optional settings whose order nobody can remember."),
    ("structural", "adapter", ["foreign-payment-api"],
     "Two sides that must talk speak different calls and units, and I may edit neither side."),
    ("behavioral", "observer", ["polling-widgets"],
     "Many listeners keep asking one source whether it changed; let the source tell them."),
    ("behavioral", "state", ["status-everywhere"],
     "All methods of a class open with the same branching on a mode field that keeps growing."),
    ("creational", "prototype", ["slow-template"],
     "Making the first one is expensive, yet I need many almost identical independent copies."),
    ("structural", "decorator", ["combination-classes"],
     "Optional extras combine freely and I am about to write one class per mix of them."),
    ("structural", "proxy", ["paid-api-calls"],
     "A costly or guarded object must stay callable the same way while something sits before it."),
    ("structural", "facade", ["four-subsystem-dance"],
     "Several callers repeat one long choreography across many parts; give them one front door."),
    ("behavioral", "chain-of-responsibility", ["ticket-escalation"],
     "Requests escalate through handlers in a configurable order, each deciding by itself."),
    ("behavioral", "command", ["undo-every-edit"],
     "Actions must be kept, replayed or reversed later, so each one should be an object."),
    ("creational", "abstract-factory", ["mixed-clouds"],
     "Related parts come in matching sets, and mixing two sets by accident must be impossible."),
]

DIAGNOSES = {
    symptom: (family, pattern)
    for family, pattern, symptoms, _ in ROWS
    for symptom in symptoms
}
CHEAT_SHEET = {pattern: note for _, pattern, _, note in ROWS}


if __name__ == "__main__":
    for symptom, (family, pattern) in DIAGNOSES.items():
        print(f"{symptom:>22}: {family or '?':<12} {pattern or '?'}")
