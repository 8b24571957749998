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
    "shipping-ladder": ("behavioural", "Strategy"),
    "nine-arguments": ("creational", "Builder"),
    "foreign-payment-api": ("structural", "Adapter"),
    "polling-widgets": ("behavioural", "Observer"),
    "status-everywhere": ("behavioural", "State"),
    "slow-template": ("creational", "Prototype"),
    "combination-classes": ("structural", "Decorator"),
    "paid-api-calls": ("structural", "Proxy"),
    "four-subsystem-dance": ("structural", "Facade"),
    "ticket-escalation": ("behavioural", "Chain of Responsibility"),
    "undo-every-edit": ("behavioural", "Command"),
    "mixed-clouds": ("creational", "Abstract Factory"),
}

# pattern name -> the symptom that tells you to reach for it, in your own words
CHEAT_SHEET = {
    "Strategy": (
        "Reach for it when one calculation has several interchangeable formulas chosen by a name, "
        "and new formulas keep arriving."
    ),
    "Builder": (
        "Use it when an object needs many optional parts set by name, and the rules that join them"
        " should be checked once at the end."
    ),
    "Adapter": (
        "Use it when an existing class does the job but speaks another interface, and you may "
        "change neither it nor its callers."
    ),
    "Observer": (
        "Use it when several objects must react to one object's changes without that object "
        "knowing who they are, instead of polling it."
    ),
    "State": (
        "Use it when an object's methods all branch on its current status, so each status should "
        "carry its own behaviour."
    ),
    "Prototype": (
        "Use it when setting an object up is slow or complicated and you need many near copies: "
        "build one, then clone it deeply."
    ),
    "Decorator": (
        "Use it when optional extras stack in any combination around an object, so each extra "
        "wraps it instead of a subclass per mix."
    ),
    "Proxy": (
        "Use it when access to a real object needs control (caching, lazy loading, permissions) "
        "while callers keep the same interface."
    ),
    "Facade": (
        "Use it when several clients repeat the same sequence over many subsystems, so one simple "
        "entry point should own the sequence."
    ),
    "Chain of Responsibility": (
        "Use it when a request should pass along handlers that each decide alone whether to deal "
        "with it, in an order set from outside."
    ),
    "Command": (
        "Use it when actions must be stored, undone, redone or queued, so each action becomes an "
        "object that can reverse itself."
    ),
    "Abstract Factory": (
        "Use it when products come in families that must never be mixed, so one factory object "
        "makes every product of a family."
    ),
}


if __name__ == "__main__":
    for symptom, (family, pattern) in DIAGNOSES.items():
        print(f"{symptom:>22}: {family or '?':<12} {pattern or '?'}")
