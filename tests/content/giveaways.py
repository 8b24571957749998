"""Find give-aways in what a failing check shows: the corrected line, or a fix spelled out.

The project's rule for every track (PEDAGOGY.md; issue 10): a failure message names the line,
what goes wrong and its consequence, and leaves the correction to the learner (only an
exercise's last hint may show it). Two kinds of give-away are found here:
- a line of the reference solution the answer lacks (at least MIN_LINE characters, not a
  comment, not already in the answer, the starter or the prompt: quoting the learner's own line
  or the prompt's words is fine);
- a fix phrased as an instruction: "write X", "use X instead", "e.g. <code>", "change it to",
  "add key: value", "move it under", "quote it", "use CMD-SHELL for".
"""

from __future__ import annotations

import re

# Shorter solution lines ("USER app", "port: 80") also occur in plain explanations.
MIN_LINE = 12
COMMENT_STARTS = ("#", "//", "<!--", '"""', "'''")
# Instructions that hand over the fix. Each pattern is anchored on words a description of what
# goes wrong does not need; the audit's tuning on the bundled answers keeps it precise.
FIX_PHRASES = [
    # "write X" where X is code, not "write the algorithm" or "write to /data".
    re.compile(r"\b[Ww]rite\s+(?!(?:the|a|an|one|it|to|its|their|your|into|down|out)\b)[`'\"]?[\w${<\[-]"),
    re.compile(r"\b[Uu]se\s+[^.;!?\n]{1,60}?\s+instead\b"),
    re.compile(r"\be\.g\.,?\s+[`'\"]?[\w$<\[{./-]"),
    re.compile(r"\b[Cc]hange\s+(?:it|this|that|the line)\s+to\b"),
    re.compile(r"\b[Rr]eplace\s+(?:it|this|that|the line)\s+with\b"),
    re.compile(r"\b[Aa]dd\s+[\w./-]+:\s+\S"),  # "add namespace: default to ..."
    re.compile(r"\b[Mm]ove (?:it|them|the \w+) (?:to|under|into)\b"),
    re.compile(r"\b[Uu]se [`'\"]?[A-Z][\w-]*[`'\"]? for\b"),  # "use CMD-SHELL for ..."
    re.compile(r"\b[Qq]uote it\b|\b[Pp]ut (?:it|the value|them) in quotes\b"),
]


def solution_lines(solution: dict[str, str]) -> list[str]:
    """The stripped, long enough, non-comment lines of the reference solution."""
    lines = []
    for text in solution.values():
        for line in text.splitlines():
            stripped = line.strip()
            if len(stripped) >= MIN_LINE and not stripped.startswith(COMMENT_STARTS):
                lines.append(stripped)
    return lines


def names_the_spec(line: str, known: str) -> bool:
    """A class or function header whose name the prompt gives: saying it is missing is the spec."""
    header = re.match(r"(?:async\s+)?(?:class|def)\s+(\w+)", line)
    return bool(header) and re.search(rf"\b{header.group(1)}\b", known) is not None


def giveaways(shown: str, solution: dict[str, str], known: str) -> list[str]:
    """What `shown` gives away: missing solution lines quoted, and fix phrasings found.

    `known` is what the learner already has in front of them (their answer, the starter, the
    prompt); a solution line found there is not a give-away.
    """
    found = [f"quotes the solution's line {line!r}" for line in solution_lines(solution)
             if line in shown and line not in known and not names_the_spec(line, known)]
    for pattern in FIX_PHRASES:
        for match in pattern.finditer(shown):
            start = max(0, match.start() - 30)
            found.append(f"spells the fix out: ...{shown[start:match.end() + 40]!r}...")
    return list(dict.fromkeys(found))
