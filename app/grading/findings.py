"""Findings: what the manifest, Dockerfile and compose checkers report.

    from grading import manifests, dockerfile, compose
    for f in manifests.check(text, source="app.yaml"):   # also dockerfile.check, compose.check
        f.rule        # stable id, e.g. "service-selects-no-pods"
        f.severity    # "error": it will not work or is unsafe; "warning": it works but is fragile
        f.line        # 1-based line in f.source
        f.message     # what is wrong, where, and why it matters (never the corrected text)
        f.fix         # what to do about it; the CLI prints it, exercises do not
        f.format()    # "app.yaml:12: error [service-selects-no-pods] Service 'web' selects ..."

Pure standard library, so it runs in Pyodide like the rest of the grader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True)
class Finding:
    """One problem: which rule, how bad, where, and why it matters."""

    rule: str  # stable id, e.g. "service-selects-no-pods"
    severity: str  # "error" (it will not work, or is unsafe) or "warning" (works, but fragile)
    line: int
    message: str
    source: str = ""
    # What to do about it, kept apart from the message: a linter's user wants the fix, while an
    # exercise shows only the message so the learner works out the change (PEDAGOGY.md).
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.source} line {self.line}" if self.source else f"line {self.line}"
        return f"{where}: {self.message}"

    @property
    def is_error(self) -> bool:
        """True for findings that make the file fail a lint."""
        return self.severity == ERROR

    def format(self, source: str | None = None) -> str:
        """One line for a terminal: FILE:LINE: severity [rule] message."""
        name = source if source is not None else self.source or "-"
        return f"{name}:{self.line}: {self.severity} [{self.rule}] {self.with_fix()}"

    def with_fix(self) -> str:
        """The message and then the fix, as one text (for the linter, not for exercises)."""
        if not self.fix:
            return self.message
        end = "" if self.message.rstrip().endswith((".", "!", "?", ":")) else "."
        # A fix may be written as a clause ("mount a volume ..."); it starts a sentence here.
        fix = self.fix if self.message.rstrip().endswith(":") else (
            self.fix[:1].upper() + self.fix[1:])
        return f"{self.message.rstrip()}{end} {fix}"


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is an error."""
    return any(f.is_error for f in findings)


def sort_findings(findings: Iterable[Finding], sources: Iterable[str] = ()) -> list[Finding]:
    """Findings in reading order: by file (in the order given), line, then errors first.

    Exact duplicates (the same rule, line and message twice) are dropped.
    """
    order = {name: i for i, name in enumerate(sources)}
    unique = list(dict.fromkeys(findings))
    return sorted(
        unique,
        key=lambda f: (
            order.get(f.source, len(order)), f.source, f.line, f.severity != ERROR, f.rule
        ),
    )


def count(findings: Iterable[Finding]) -> str:
    """'2 errors, 1 warning' (or 'no problems')."""
    items = list(findings)
    errors = sum(f.is_error for f in items)
    warnings = len(items) - errors
    if not items:
        return "no problems"
    parts = []
    if errors:
        parts.append(f"{errors} error" + ("" if errors == 1 else "s"))
    if warnings:
        parts.append(f"{warnings} warning" + ("" if warnings == 1 else "s"))
    return ", ".join(parts)


# Words that make a variable name look like it holds a secret, and last words that say it only
# points at one (a file, a path) or names something public.
SECRET_WORDS = frozenset(
    "PASSWORD PASSWD PASSPHRASE SECRET SECRETS TOKEN APIKEY CREDENTIAL CREDENTIALS".split()
)
SECRET_PAIRS = frozenset({
    ("API", "KEY"), ("ACCESS", "KEY"), ("PRIVATE", "KEY"), ("SIGNING", "KEY"),
    ("ENCRYPTION", "KEY"), ("MASTER", "KEY"), ("AUTH", "KEY"), ("SECRET", "KEY"),
    ("DB", "PASS"), ("DATABASE", "PASS"),
})
NOT_SECRET_LAST = frozenset(
    "FILE PATH DIR NAME USER USERNAME ID TYPE LENGTH TTL HEADER IN EXPIRY EXPIRES TIMEOUT".split())
NOT_SECRET_WORDS = frozenset("PUBLIC GPG".split())
URL_WITH_PASSWORD_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/:@\s]+:([^@\s]+)@")
WORD_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def name_words(name: str) -> list[str]:
    """'DB_PASSWORD' or 'dbPassword' -> ['DB', 'PASSWORD']."""
    return [w.upper() for w in WORD_RE.findall(name)]


def looks_like_secret_name(name: str) -> bool:
    """True for names such as DB_PASSWORD, API_KEY, SECRET_KEY, githubToken."""
    words = name_words(name)
    if not words or words[-1] in NOT_SECRET_LAST or NOT_SECRET_WORDS & set(words):
        return False
    if SECRET_WORDS & set(words):
        return True
    return any(pair in SECRET_PAIRS for pair in zip(words, words[1:], strict=False))


def is_reference(value: str) -> bool:
    """True when a value only refers to a secret kept elsewhere: empty or a $VARIABLE."""
    text = value.strip()
    return not text or text.startswith("$")


def password_in_url(value: str) -> str | None:
    """The password written into a URL such as postgres://app:s3cret@db/app, else None."""
    match = URL_WITH_PASSWORD_RE.match(value.strip())
    if not match or is_reference(match.group(1)):
        return None
    return match.group(1)
