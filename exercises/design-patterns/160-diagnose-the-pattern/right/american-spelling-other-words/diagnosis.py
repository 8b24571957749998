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

DIAGNOSES = {
    "shipping-ladder": ("Behavioral", "strategy"),
    "nine-arguments": ("Creational", "builder"),
    "foreign-payment-api": ("Structural", "adapter"),
    "polling-widgets": ("Behavioral", "observer"),
    "status-everywhere": ("Behavioral", "state"),
    "slow-template": ("Creational", "prototype"),
    "combination-classes": ("Structural", "decorator"),
    "paid-api-calls": ("Structural", "proxy"),
    "four-subsystem-dance": ("Structural", "facade"),
    "ticket-escalation": ("Behavioral", "chain-of-responsibility"),
    "undo-every-edit": ("Behavioral", "command"),
    "mixed-clouds": ("Creational", "abstract-factory"),
}

# pattern name -> the symptom that tells you to reach for it, in your own words
CHEAT_SHEET = {
    "strategy": (
        "Several pricing formulas picked by name, with more to come: make each formula an object "
        "the caller hands in."
    ),
    "builder": (
        "Too many optional constructor arguments in a row: set them one named step at a time and "
        "validate in build()."
    ),
    "adapter": (
        "Two interfaces that do the same thing in different units or shapes, neither of which I "
        "may edit: translate between them."
    ),
    "observer": (
        "Lots of widgets polling one value for changes: let the value tell whoever subscribed, "
        "right after it changes."
    ),
    "state": (
        "Status checks repeated at the top of every method: move each status into its own object "
        "that answers every action."
    ),
    "prototype": (
        "Expensive setup repeated for objects that differ only a little: build the expensive one "
        "once and deep-copy it."
    ),
    "decorator": (
        "An explosion of subclasses for every combination of optional extras: wrap the object once"
        " per extra, in any order."
    ),
    "proxy": (
        "A costly or remote object called too often: put a stand-in with the same methods in front"
        " that caches or guards."
    ),
    "facade": (
        "Clients copying the same multi-step dance across four subsystems: give them one method "
        "that does the whole dance."
    ),
    "chain-of-responsibility": (
        "Escalation through several handlers, each checking if it can help before passing it on, "
        "with the order configurable."
    ),
    "command": (
        "Undo, redo or queued actions: turn each action into an object with execute and undo that "
        "the history keeps."
    ),
    "abstract-factory": (
        "Related classes that must be used together as a set: one factory per set guarantees they "
        "always match."
    ),
}


if __name__ == "__main__":
    for symptom, (family, pattern) in DIAGNOSES.items():
        print(f"{symptom:>22}: {family or '?':<12} {pattern or '?'}")
