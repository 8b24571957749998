"""Checks that settings.py fails fast and clearly, and never makes up a secret."""

from __future__ import annotations

import importlib
import sys
from typing import NoReturn

import pytest

COMPLETE = {
    "DATABASE_URL": "postgresql://shop:pw-8c1f@db:5432/shop",
    "SECRET_KEY": "k-5d2e9a7b1c",
    "MAIL_API_KEY": "mk-77f03e",
    "LOG_LEVEL": "warning",
    "PORT": "3000",
}
SECRETS = ("SECRET_KEY", "MAIL_API_KEY")


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def settings_module():
    """settings.py, imported afresh."""
    sys.modules.pop("settings", None)
    try:
        return importlib.import_module("settings")
    except Exception as exc:  # noqa: BLE001 - the learner reads what went wrong
        fail(f"settings.py cannot be imported: {type(exc).__name__}: {exc}")


def load(environ: dict[str, str]):
    """(settings, None) when load_settings() returns, (None, error) when it raises."""
    module = settings_module()
    config_error = getattr(module, "ConfigError", None)
    if not (isinstance(config_error, type) and issubclass(config_error, Exception)):
        fail("settings.py has no ConfigError exception class any more, so the app has nothing "
             "to raise when the environment is incomplete")
    try:
        return module.load_settings(dict(environ)), None
    except config_error as exc:
        return None, exc
    except Exception as exc:  # noqa: BLE001
        absent = sorted(set(COMPLETE) - set(environ))
        listed = " and ".join([", ".join(absent[:-1]), absent[-1]] if len(absent) > 1
                              else absent) or "nothing"
        fail(
            f"With {listed} missing, load_settings() raised "
            f"{type(exc).__name__}: {exc}. That is the crash in logs.txt: a bare traceback "
            "that names one variable and says nothing about what to do, and Coolify "
            "restarts the container again and again"
        )


def without(*names: str, empty: bool = False) -> dict[str, str]:
    """The complete environment with some variables removed (or set to '')."""
    env = {k: v for k, v in COMPLETE.items() if k not in names}
    if empty:
        env.update({name: "" for name in names})
    return env


def test_complete_environment_loads():
    """With every variable set, the settings hold their values (PORT as a number)."""
    settings, error = load(COMPLETE)
    if error is not None:
        fail(f"Every variable is set, yet load_settings() raised ConfigError: {error}")
    wanted = {"database_url": COMPLETE["DATABASE_URL"], "secret_key": COMPLETE["SECRET_KEY"],
              "mail_api_key": COMPLETE["MAIL_API_KEY"], "log_level": "warning", "port": 3000}
    for field, value in wanted.items():
        got = getattr(settings, field, None)
        if got != value:
            fail(f"settings.{field} is {got!r}, but the environment says {value!r}")


def test_optional_settings_have_defaults():
    """LOG_LEVEL and PORT are optional: info and 8000 when they are not set."""
    settings, error = load(without("LOG_LEVEL", "PORT"))
    if error is not None:
        fail(
            f"Without LOG_LEVEL and PORT, load_settings() refuses to start ({error}). These "
            "two have a sensible value for every deployment, so a missing one should not "
            "cost a crash loop"
        )
    if settings.log_level != "info" or settings.port != 8000:
        fail(f"Without LOG_LEVEL and PORT the settings say log_level={settings.log_level!r}, "
             f"port={settings.port!r}, not the defaults the prompt gives, so the app logs "
             "or listens differently from what the team expects")


def test_secrets_have_no_default():
    """A missing secret stops the app; it never starts with a made-up one."""
    for name in SECRETS:
        settings, error = load(without(name))
        if error is None:
            value = getattr(settings, name.lower(), None)
            fail(
                f"Without {name}, load_settings() starts anyway, with {name} = {value!r}. "
                "A default secret is written in the code, so everyone who can read the repo "
                "knows it (sessions signed with it can be forged), and an empty key makes the "
                "app fail later, on a customer's order, instead of at start-up where Coolify "
                "shows it"
            )


def test_all_missing_variables_are_named_at_once():
    """ConfigError names every missing variable, and says where to set them."""
    names = ("SECRET_KEY", "MAIL_API_KEY")
    _, error = load(without(*names, "LOG_LEVEL"))
    if error is None:
        fail("Without SECRET_KEY and MAIL_API_KEY, load_settings() returned settings; it "
             "should raise ConfigError")
    text = str(error)
    absent = [name for name in names if name not in text]
    if absent:
        fail(
            f"With SECRET_KEY and MAIL_API_KEY both missing, the message is: {text!r}. It "
            f"does not name {', '.join(absent)}, so the team fixes one, redeploys, and meets "
            "the next crash, as ana did in logs.txt"
        )
    if "coolify" not in text.lower() and "environment variables" not in text.lower():
        fail(f"The message {text!r} names the variables but not where to set them, so whoever "
             "reads the log still has to find out where the values come from")
    if "LOG_LEVEL" in text:
        fail(f"The message {text!r} lists LOG_LEVEL, which has a default and is not missing")
    leaked = [v for k, v in COMPLETE.items() if k not in names and v in text]
    if leaked:
        fail(f"The message {text!r} prints the values of other settings; logs are read by "
             "many people, so the values reach everyone who reads them")


def test_empty_value_counts_as_missing():
    """An empty value is missing too."""
    settings, error = load(without("MAIL_API_KEY", empty=True))
    if error is None:
        fail(
            "With MAIL_API_KEY set to an empty value, load_settings() starts anyway. That "
            "happens for real: Compose replaces ${MAIL_API_KEY} with an empty string when the "
            "variable is not set (with only a warning), and a variable saved in a dashboard "
            "without a value is empty too, and the app then fails later, on a customer's "
            "request"
        )
    if "MAIL_API_KEY" not in str(error):
        fail(f"With MAIL_API_KEY empty, the message {str(error)!r} does not name it")


def test_names_only_what_is_missing():
    """With only SECRET_KEY missing, the message names SECRET_KEY and nothing that is set."""
    _, error = load(without("SECRET_KEY"))
    if error is None:
        pytest.skip("see the check about secrets")
    text = str(error)
    if "SECRET_KEY" not in text:
        fail(f"With only SECRET_KEY missing, the message {text!r} does not name it")
    wrongly = [name for name in ("DATABASE_URL", "MAIL_API_KEY") if name in text]
    if wrongly:
        fail(
            f"With only SECRET_KEY missing, the message {text!r} also names "
            f"{', '.join(wrongly)}, which is set: the team would go looking for a problem "
            "that is not there"
        )
