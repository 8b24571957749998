"""A test-only app factory: the real app with the tutor's SDK wired to a fake Anthropic API.

Only tests start it (FLASK_APP=tests.e2e.tutor_app:create_app_with_fake_tutor()); the transport
is a Python object in the app config, which no environment variable can set in production.
"""

from __future__ import annotations

from app import create_app
from tests.fake_anthropic import FakeAnthropic
from tests.fake_anthropic import status

# The first reply a model writes gives the answer away; the guards reject it and the tutor is
# asked again with the violation named, and then writes a question.
LEAKY = """Here is the fix:

```python
class ExpressShipping:
    def cost(self, parcel: Parcel) -> float:
        return 8.00 + 1.00 * parcel.weight_kg + 0.05 * parcel.distance_km
```

Does that make sense?"""
QUESTION = (
    "Your calculator still asks which class it was given before it picks a formula. "
    "If the shop added a fourth shipping method tomorrow, which lines of your calculator "
    "would you have to edit?"
)


OUTAGE = "(the test asks for an outage)"


def reply_for(body: dict):
    """Leak on the first try of a turn, ask a real question when asked again; answer 500 when
    the learner's question asks for an outage."""
    if OUTAGE in body["messages"][0]["content"]:
        return status(500)
    return LEAKY if len(body["messages"]) == 1 else QUESTION


def create_app_with_fake_tutor():
    """The app with a tutor whose HTTP goes to the fake API (no network)."""
    return create_app(
        {
            "ANTHROPIC_API_KEY": "sk-ant-e2e-fake",
            "TUTOR_HTTP_TRANSPORT": FakeAnthropic(reply_for).transport(),
            "TUTOR_MAX_RETRIES": 0,
            "TUTOR_COOLDOWN_S": 0,
        }
    )
