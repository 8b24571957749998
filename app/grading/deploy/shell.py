"""Just enough of the POSIX shell to follow a RUN line or a health check command.

`split_script` cuts a script into simple commands joined by `&&`, `||`, `;`, `|` and line
breaks (quotes, `$(...)` and backticks respected); `words` splits one command like a shell
would. `expand` replaces $VAR, ${VAR}, ${VAR:-default} and ${VAR-default} with known values.
"""

from __future__ import annotations

import re
import shlex

OPERATORS = ("&&", "||", ";", "|", "\n", "&")
VARIABLE_RE = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-=?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)


def split_script(script: str) -> list[tuple[str, str]]:
    """[(operator before, command text)]: 'a && b || c' -> [('', 'a'), ('&&', 'b'), ('||', 'c')]."""
    script = script.replace("\\\n", " ")
    parts: list[tuple[str, str]] = []
    current: list[str] = []
    before = ""
    quote = ""
    depth = 0
    i = 0
    while i < len(script):
        char = script[i]
        if quote:
            current.append(char)
            if char == "\\" and quote == '"' and i + 1 < len(script):
                current.append(script[i + 1])
                i += 2
                continue
            if char == quote:
                quote = ""
            i += 1
            continue
        if char in "'\"`":
            quote = char
            current.append(char)
            i += 1
            continue
        if char == "\\" and i + 1 < len(script):
            current.append(script[i : i + 2])
            i += 2
            continue
        if script.startswith("$(", i):
            depth += 1
            current.append("$(")
            i += 2
            continue
        if char == ")" and depth:
            depth -= 1
            current.append(char)
            i += 1
            continue
        if char == "#" and not depth and (not current or current[-1].isspace()):
            end = script.find("\n", i)
            i = len(script) if end < 0 else end
            continue
        if not depth:
            op = next((o for o in OPERATORS if script.startswith(o, i)), None)
            if op is not None and not (op == "&" and script.startswith("&>", i)) and not (
                op == "|" and script.startswith("|&", i)
            ):
                text = "".join(current).strip()
                if text:
                    parts.append((before, text))
                    before = op if op != "\n" else ";"
                elif op in ("&&", "||", "|"):
                    before = op
                current = []
                i += len(op)
                continue
        current.append(char)
        i += 1
    text = "".join(current).strip()
    if text:
        parts.append((before, text))
    return parts


def words(command: str) -> list[str]:
    """Split one simple command into words (unbalanced quotes: split on spaces)."""
    try:
        return shlex.split(command, comments=False, posix=True)
    except ValueError:
        return command.split()


def expand(text: str, env: dict[str, str], unset: str | None = None) -> str:
    """Shell parameter expansion with the values in env (unknown names: `unset`, or kept)."""

    def sub(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(5)
        colon, op, word = match.group(2), match.group(3), match.group(4)
        value = env.get(name)
        missing = value is None or (colon == ":" and value == "")
        if op in ("-", "="):
            return expand(word or "", env, unset) if missing else str(value)
        if op == "+":
            return "" if missing else expand(word or "", env, unset)
        if op == "?" and missing:
            return match.group(0) if unset is None else unset
        if value is None:
            return match.group(0) if unset is None else unset
        return str(value)

    return VARIABLE_RE.sub(sub, text)


def program_of(argv: list[str]) -> tuple[str, list[str]]:
    """The program a command runs and its arguments, skipping `VAR=x` prefixes and wrappers."""
    args = list(argv)
    while args and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", args[0]):
        args.pop(0)
    while args and args[0] in ("exec", "env", "nohup", "sudo", "command", "time"):
        args.pop(0)
        while args and (args[0].startswith("-") or re.match(r"^[A-Za-z_]\w*=", args[0])):
            args.pop(0)
    if not args:
        return "", []
    return args[0].rsplit("/", 1)[-1], args[1:]


def shell_c_script(argv: list[str] | tuple[str, ...]) -> str | None:
    """The script of `sh -c "script"` (bash, ash, dash too), else None."""
    if len(argv) >= 3 and argv[0].rsplit("/", 1)[-1] in ("sh", "bash", "ash", "dash", "zsh"):
        flags = [a for a in argv[1:-1] if a.startswith("-")]
        if any("c" in f for f in flags):
            index = max(i for i, a in enumerate(argv) if a.startswith("-") and "c" in a)
            return argv[index + 1] if index + 1 < len(argv) else None
    return None
