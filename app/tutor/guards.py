"""The tutor guards G1-G7 (PEDAGOGY.md): code-level checks every AI reply passes before a learner
sees it. Pure Python (no Flask, no database, no anthropic), so authors can run them from the CLI
on replies they wrote by hand and the tests can judge replies nobody has seen.

Hard guards (G1-G5, G7) reject a reply; G6 (readability) is soft: logged, never blocking.
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import re
import tokenize
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field

from markdown_it import MarkdownIt

from ..exercises import Exercise

# Thresholds of PEDAGOGY.md; level 4 and above share the bottom-out budget.
CODE_LINES_BY_LEVEL = {1: 0, 2: 0, 3: 3, 4: 8}
PROSE_WORDS_BY_LEVEL = {1: 120, 2: 120, 3: 160, 4: 160}
JACCARD_MAX = 0.10
JACCARD_MAX_BOTTOM_OUT = 0.25
SHARED_RUN_TOKENS = 8
NGRAM = 5
INLINE_CODE_MAX_CHARS = 40
# Settings of the reference (key: value) a reply may name, by level: prose that lists the
# whole configuration is the answer even without a code block.
SETTINGS_BY_LEVEL = {1: 1, 2: 1, 3: 2, 4: 4}
READING_GRADE_MAX = 9.0


@dataclass(frozen=True)
class GuardResult:
    """One guard's verdict on one reply."""

    id: str
    name: str
    hard: bool
    passed: bool
    detail: str
    value: float | None = None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready, as stored with the turn and shown in "what the tutor saw"."""
        return asdict(self)


@dataclass(frozen=True)
class GuardContext:
    """What the guards know about the exercise and the learner at the moment of the reply."""

    level: int
    tests_failing: bool
    reference: str = ""
    known_code: str = ""  # starter and learner code: quoting it leaks nothing
    avoid: frozenset[str] = field(default_factory=frozenset)
    test_literals: frozenset[str] = field(default_factory=frozenset)
    # key: value settings of the reference the learner does not have (YAML, compose, ENV ...)
    settings: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @property
    def guard_level(self) -> int:
        """The ladder level as the guard thresholds read it (1-4)."""
        return max(1, min(self.level, 4))


# ---------- reading a reply: prose, code blocks, inline code ----------

_markdown = MarkdownIt("commonmark")
INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
# Lines that are code even without a fence (a model may "forget" the backticks).
CODE_LINE = re.compile(
    r"""^\s*(
        (def|class)\s+\w+.*:\s*$ | (return|yield|raise|import|assert)\b\s*\S* |
        from\s+[\w.]+\s+import\b | (for|while|if|elif|with)\b[^?]*:\s*$ | (else|try|finally):\s*$ |
        except\b.*:\s*$ | @\w+ | [A-Za-z_][\w.\[\]'"]*\s*(=|\+=|-=|\*=)\s*[^=\s].* |
        [\w.]+\([^)]*\)\s*$ | -\s+\w[\w-]*:\s*\S* | [\w-]+:\s*$ | [\w.-]+:\s+["'\w./:-]+\s*$ |
        (FROM|RUN|COPY|CMD|ENTRYPOINT|ENV|EXPOSE|WORKDIR|USER|HEALTHCHECK|ARG)\s+\S.*
    )""",
    re.X,
)


@dataclass(frozen=True)
class Reply:
    """A reply split into what is code and what is prose."""

    text: str
    blocks: tuple[str, ...]  # fenced or indented code blocks
    inline: tuple[str, ...]  # `inline code` spans in the prose
    bare_code: tuple[str, ...]  # unfenced lines that read as code
    prose: str  # the rest, with inline code removed

    @property
    def code_lines(self) -> int:
        """Non-blank lines of code, fenced or not."""
        fenced = sum(1 for b in self.blocks for line in b.splitlines() if line.strip())
        return fenced + len(self.bare_code)

    @property
    def code(self) -> str:
        """Every piece of code in the reply, one per line."""
        return "\n".join([*self.blocks, *self.inline, *self.bare_code])


def read_reply(text: str) -> Reply:
    """Split a Markdown reply into code blocks, inline code, code-like lines and prose."""
    tokens = _markdown.parse(text)
    blocks, prose_lines = [], []
    covered: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            blocks.append(token.content)
            covered.update(range(*token.map))
    bare = []
    for number, line in enumerate(text.splitlines()):
        if number in covered:
            continue
        if CODE_LINE.match(line) and not line.rstrip().endswith("?"):
            bare.append(line.strip())
        else:
            prose_lines.append(line)
    prose_with_inline = "\n".join(prose_lines)
    inline = tuple(m.group(2).strip() for m in INLINE_CODE.finditer(prose_with_inline))
    prose = INLINE_CODE.sub(" CODE ", prose_with_inline)
    return Reply(text, tuple(blocks), inline, tuple(bare), prose)


def words(prose: str) -> list[str]:
    """The words of a stretch of prose (Markdown marks and the CODE placeholder dropped)."""
    return [w for w in re.findall(r"[A-Za-z0-9][\w'’-]*", prose) if w != "CODE"]


# ---------- G1 one question at the end ----------

EMPTY_CHECKS = re.compile(
    r"does (that|this|it) (all )?make sense|do you (understand|see( what i mean)?)|"
    r"is (that|this|it) clear|any (other )?questions|(got|get) it\s*\?|makes sense\s*\?|"
    r"are you with me|ok(ay)?\s*\?",
    re.I,
)


def g1_one_question(reply: Reply, ctx: GuardContext) -> GuardResult:
    """G1: the reply ends with exactly one question, and it is not "does that make sense?"."""
    prose = reply.prose.strip()
    questions = prose.count("?")
    if EMPTY_CHECKS.search(prose):
        return GuardResult(
            "G1",
            "one question",
            True,
            False,
            "asks 'does that make sense?' or the like: "
            "ask something the learner answers by thinking about their code",
            questions,
        )
    if questions != 1:
        return GuardResult(
            "G1",
            "one question",
            True,
            False,
            f"{questions} question marks: end with exactly one question",
            questions,
        )
    if not prose.rstrip("*_ )\"'”").endswith("?") or reply.text.rstrip().endswith("```"):
        return GuardResult(
            "G1",
            "one question",
            True,
            False,
            "the question is not the last thing in the reply",
            questions,
        )
    return GuardResult("G1", "one question", True, True, "ends with one question", questions)


# ---------- G2 code budget by hint level ----------


def g2_code_budget(reply: Reply, ctx: GuardContext) -> GuardResult:
    """G2: L1-L2 no code block; L3 at most 3 lines of code; L4 at most 8."""
    allowed = CODE_LINES_BY_LEVEL[ctx.guard_level]
    lines = reply.code_lines
    long_inline = [s for s in reply.inline if len(s) > INLINE_CODE_MAX_CHARS]
    if allowed == 0 and (reply.blocks or reply.bare_code):
        return GuardResult(
            "G2",
            "code budget",
            True,
            False,
            f"{lines} line(s) of code at hint level {ctx.level}, where no code is allowed",
            lines,
        )
    if lines > allowed:
        return GuardResult(
            "G2",
            "code budget",
            True,
            False,
            f"{lines} lines of code at hint level {ctx.level} (at most {allowed})",
            lines,
        )
    if long_inline:
        return GuardResult(
            "G2",
            "code budget",
            True,
            False,
            f"inline code of {len(long_inline[0])} characters (at most {INLINE_CODE_MAX_CHARS})",
            lines,
        )
    return GuardResult(
        "G2", "code budget", True, True, f"{lines} of at most {allowed} code lines", lines
    )


# ---------- G3 overlap with the reference ----------

TOKEN = re.compile(
    r"""(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(?P<num>\d+(?:\.\d+)?)|
        (?P<id>[A-Za-z_]\w*)|(?P<op>==|!=|<=|>=|->|\*\*|//|[-+*/%=<>()\[\]{}.,:;@|&^~])""",
    re.X,
)
KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)


def code_tokens(text: str, normalise: bool) -> list[str]:
    """Tokens of code-ish text, comments dropped; `normalise` maps names to ID, literals to
    STR and NUM, so a renamed copy of the reference still matches."""
    text = re.sub(r"#[^\n]*", "", text)
    out = []
    for m in TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        if normalise and kind == "id" and value not in KEYWORDS:
            value = "ID"
        elif normalise and kind == "str":
            value = "STR"
        elif normalise and kind == "num":
            value = "NUM"
        out.append(value)
    return out


def ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    """The set of n-token windows."""
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def g3_reference_overlap(reply: Reply, ctx: GuardContext) -> GuardResult:
    """G3: Jaccard of normalised 5-grams with the reference < 0.10 (L4 < 0.25), and no run of
    8 tokens copied from the reference (runs the learner already has do not count)."""
    if not ctx.reference.strip():
        return GuardResult("G3", "reference overlap", True, True, "no reference to compare", 0.0)
    known_norm = ngrams(code_tokens(ctx.known_code, True), NGRAM)
    reference = ngrams(code_tokens(ctx.reference, True), NGRAM) - known_norm
    said = ngrams(code_tokens(reply.code, True), NGRAM) - known_norm
    union = reference | said
    jaccard = len(reference & said) / len(union) if union else 0.0
    limit = JACCARD_MAX_BOTTOM_OUT if ctx.guard_level >= 4 else JACCARD_MAX
    runs = ngrams(code_tokens(ctx.reference, False), SHARED_RUN_TOKENS) - ngrams(
        code_tokens(ctx.known_code, False), SHARED_RUN_TOKENS
    )
    copied = sorted(ngrams(code_tokens(reply.text, False), SHARED_RUN_TOKENS) & runs)
    restated = settings_restated(reply.text, ctx.settings)
    settings_max = SETTINGS_BY_LEVEL[ctx.guard_level]
    if len(restated) > settings_max:
        return GuardResult(
            "G3",
            "reference overlap",
            True,
            False,
            f"restates {len(restated)} settings of the reference in words or code "
            f"(at most {settings_max} at hint level {ctx.level})",
            round(jaccard, 3),
        )
    if copied:
        return GuardResult(
            "G3",
            "reference overlap",
            True,
            False,
            # The copied text itself is never named: the learner may read guard details.
            f"copies {len(copied)} run(s) of {SHARED_RUN_TOKENS} tokens from the reference",
            round(jaccard, 3),
        )
    if jaccard >= limit:
        return GuardResult(
            "G3",
            "reference overlap",
            True,
            False,
            f"overlap with the reference {jaccard:.2f} (must stay below {limit:.2f})",
            round(jaccard, 3),
        )
    return GuardResult(
        "G3",
        "reference overlap",
        True,
        True,
        f"overlap with the reference {jaccard:.2f} (below {limit:.2f})",
        round(jaccard, 3),
    )


SETTING = re.compile(r"""^\s*(?:-\s+)?([A-Za-z_][\w.-]*)\s*[:=]\s*["']?([^\s"'#{}\[\]]+)""")


def settings_of(text: str) -> set[tuple[str, str]]:
    """The key: value (or KEY=value) settings written one per line in a config file."""
    found = set()
    for line in text.splitlines():
        m = SETTING.match(line)
        if m and m.group(2) not in ("|", ">", "-"):
            found.add((m.group(1), m.group(2).rstrip(",")))
    return found


def settings_restated(text: str, settings: frozenset[tuple[str, str]]) -> list[tuple[str, str]]:
    """The reference settings a reply names, key next to its value ("pathType: Prefix",
    "pathType Prefix", "pathType=Prefix")."""
    return [
        (key, value)
        for key, value in sorted(settings)
        if re.search(rf"(?<![\w-]){re.escape(key)}\W{{1,3}}{re.escape(value)}(?![\w-])", text, re.I)
    ]


# ---------- G4 no test literals, no reference-only identifiers ----------

NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w]|\.\d)")


def code_shaped(name: str) -> bool:
    """A name no one writes in prose by accident: snake_case, CamelCase, ALLCAPS, digits."""
    return "_" in name or bool(re.search(r"[a-z][A-Z]|[A-Z]{2}|\d", name))


def g4_no_leaks(reply: Reply, ctx: GuardContext) -> GuardResult:
    """G4: no literal the tests expect and no identifier only the reference uses."""
    leaked = []
    code = reply.code
    for name in sorted(ctx.avoid):
        pattern = re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])")
        if pattern.search(code) or (code_shaped(name) and pattern.search(reply.prose)):
            leaked.append(f"identifier {name}")
    numbers = {float(m.group()) for m in NUMBER.finditer(reply.text)}
    for literal in sorted(ctx.test_literals):
        if is_number(literal):
            if float(literal) in numbers:
                leaked.append(f"test value {literal}")
        elif re.search(rf"(?<![\w-]){re.escape(literal)}(?![\w-])", reply.text, re.I):
            leaked.append(f"test value {literal!r}")
    if leaked:
        return GuardResult(
            "G4",
            "no leaks",
            True,
            False,
            "names what only the reference or the tests hold: " + ", ".join(leaked[:4]),
            len(leaked),
        )
    return GuardResult(
        "G4", "no leaks", True, True, "no test value, no reference-only identifier", 0
    )


def is_number(text: str) -> bool:
    """True for a plain decimal number."""
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", text))


# ---------- G5 length ----------


def g5_length(reply: Reply, ctx: GuardContext) -> GuardResult:
    """G5: at most 120 words of prose at L1-L2, 160 at L3-L4."""
    count = len(words(reply.prose))
    limit = PROSE_WORDS_BY_LEVEL[ctx.guard_level]
    return GuardResult(
        "G5", "length", True, count <= limit, f"{count} words of prose (at most {limit})", count
    )


# ---------- G6 readability (soft) ----------


def syllables(word: str) -> int:
    """A vowel-group estimate of syllables (English), good enough for a soft grade."""
    word = word.lower().strip("'’-")
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups) - (1 if word.endswith("e") and len(groups) > 1 else 0)
    return max(1, count)


def g6_readability(reply: Reply, ctx: GuardContext) -> GuardResult:
    """G6 (soft): Flesch-Kincaid grade of the prose at most 9."""
    found = words(reply.prose)
    sentences = max(1, len(re.findall(r"[.!?]+(\s|$)", reply.prose)))
    if not found:
        return GuardResult("G6", "readability", False, True, "no prose", 0.0)
    grade = (
        0.39 * len(found) / sentences + 11.8 * sum(syllables(w) for w in found) / len(found) - 15.59
    )
    return GuardResult(
        "G6",
        "readability",
        False,
        grade <= READING_GRADE_MAX,
        f"reading grade {grade:.1f} (aim for {READING_GRADE_MAX:g} or lower)",
        round(grade, 1),
    )


# ---------- G7 no praise or "it works" while the check fails ----------

PRAISE = re.compile(
    r"\b(great|good|nice|excellent|awesome|fantastic|amazing|brilliant|impressive)\s+"
    r"(job|work|start|effort|thinking|progress|catch|attempt)\b|"
    r"\b(well done|nicely done|bravo|kudos|congrat\w*|nailed it|spot on|perfect(ly)?|"
    r"excellent|you('ve| have) got it|you'?re (almost|nearly) there|so close)\b",
    re.I,
)
CLAIMS = re.compile(
    r"\b(you('re| are)|that('s| is)|this is|it('s| is)) (absolutely |exactly |quite )?"
    r"(right|correct)\b|"
    r"\b(is|are|looks|seems|appears)( to be)? (correct|right|fine|good|ok|okay)\b|"
    r"\b(it|this|that|everything|your (code|solution|function|class|program|logic|version)|"
    r"the (code|solution|logic))( now| already)? (works|is working|runs correctly)\b|"
    r"\bworks (correctly|fine|perfectly|as expected)\b|"
    r"\b(tests?|checks?|checker|grader|test suite)((\s+(is|are|seems?|might|may|must|could|"
    r"probably|likely|be|really|actually|just|itself|simply|clearly|here|then))+)\s+"
    r"(wrong|incorrect|buggy|mistaken|broken|flawed|confused|at fault)\b|"
    r"\b(bug|mistake|error) (is )?in the (tests?|checker|grader)\b",
    re.I,
)


def g7_no_false_praise(reply: Reply, ctx: GuardContext) -> GuardResult:
    """G7: while the latest check fails, no praise, no "correct"/"works", no "the test is
    wrong" (the test results are the ground truth a learner's pushback cannot flip)."""
    if not ctx.tests_failing:
        return GuardResult("G7", "no false praise", True, True, "the latest check passes")
    text = " ".join(reply.prose.split())
    match = PRAISE.search(text) or CLAIMS.search(text)
    if match:
        return GuardResult(
            "G7",
            "no false praise",
            True,
            False,
            f"says {match.group(0)!r} while the latest check fails",
        )
    return GuardResult(
        "G7", "no false praise", True, True, "no praise or correctness claim while failing"
    )


GUARDS = (
    g1_one_question,
    g2_code_budget,
    g3_reference_overlap,
    g4_no_leaks,
    g5_length,
    g6_readability,
    g7_no_false_praise,
)


def check_reply(text: str, ctx: GuardContext) -> list[GuardResult]:
    """Run every guard on a reply; an empty reply fails G1."""
    reply = read_reply(text or "")
    return [guard(reply, ctx) for guard in GUARDS]


def hard_failures(results: Iterable[GuardResult]) -> list[GuardResult]:
    """The hard guards that failed: any of them means the reply is not shown."""
    return [r for r in results if r.hard and not r.passed]


def violation_note(failures: Iterable[GuardResult]) -> str:
    """The violations named for a regeneration ("G2 code budget: 4 lines ...")."""
    return "; ".join(f"{r.id} {r.name}: {r.detail}" for r in failures)


# ---------- what the guards know about an exercise ----------


def joined(files: Mapping[str, str]) -> str:
    """Several files as one text."""
    return "\n".join(files.values())


def identifiers(text: str) -> set[str]:
    """The names in a stretch of code or prose."""
    return set(re.findall(r"[A-Za-z_]\w*", text))


def reference_only_identifiers(
    exercise: Exercise, level: int, learner_code: Mapping[str, str] | None = None
) -> frozenset[str]:
    """Names the reference uses that the learner has not met: not in the prompt, the starter,
    the tests, their own code or the hints up to `level` (a hint may name what it reveals)."""
    seen = identifiers(
        "\n".join(
            [
                exercise.prompt_md,
                joined(exercise.starter),
                joined(exercise.readonly),
                joined(exercise.tests),
                joined(learner_code or {}),
                *exercise.hints[: max(0, level)],
            ]
        )
    )
    names = set().union(*(code_names(name, text) for name, text in exercise.solution.items()))
    names -= seen | KEYWORDS
    return frozenset(
        n for n in names if len(n) >= 4 and n not in BUILTINS and not n.startswith("__")
    )


BUILTINS = frozenset(dir(builtins)) | {"self", "cls"}


def code_names(filename: str, source: str) -> set[str]:
    """The names a file's code uses: comments, docstrings and strings left out (their words
    are prose, not identifiers a reply could leak)."""
    if filename.endswith(".py"):
        try:
            return {
                t.string
                for t in tokenize.generate_tokens(io.StringIO(source).readline)
                if t.type == tokenize.NAME
            }
        except (tokenize.TokenError, SyntaxError, IndentationError):
            pass
    return identifiers(re.sub(r"(?m)(^|\s)#.*$", "", source))


def python_literals(source: str) -> set[str]:
    """Short string and number literals of a Python file (its expected values)."""
    found: set[str] = set()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return found
    for token in tokens:
        if token.type == tokenize.NUMBER:
            found.add(token.string.replace("_", ""))
        elif token.type == tokenize.STRING:
            try:
                value = ast.literal_eval(token.string)
            except (ValueError, SyntaxError):
                continue
            if isinstance(value, str):
                found.add(value)
    return found


def test_literals(
    exercise: Exercise,
    learner_code: Mapping[str, str] | None = None,
    seen: str = "",
    level: int = 0,
) -> frozenset[str]:
    """Values the tests expect that the learner has not been shown: short literals of the test
    files, minus what the prompt, starter, hints up to `level`, their own code and what they
    have `seen` (the failure messages of their check) already say."""
    shown = "\n".join(
        [
            exercise.prompt_md,
            joined(exercise.starter),
            joined(learner_code or {}),
            seen,
            *exercise.hints[: max(0, level)],
        ]
    )
    shown_numbers = {float(m.group()) for m in NUMBER.finditer(shown)}
    out = set()
    for literal in python_literals(joined(exercise.tests)):
        literal = literal.strip()
        if is_number(literal):
            value = float(literal)
            # Small whole numbers are counts and indexes, not answers.
            if (value.is_integer() and abs(value) <= 10) or value in shown_numbers:
                continue
            out.add(literal)
        elif (
            3 <= len(literal) <= 60
            and " " not in literal
            and literal not in shown
            # A plain word ("default", "ADD") is a message or a keyword, not a hidden value.
            and not (literal.isalpha() and not re.search(r"[a-z][A-Z]", literal))
        ):
            out.add(literal)
    return frozenset(out)


def context_for(
    exercise: Exercise,
    level: int,
    tests_failing: bool,
    learner_code: Mapping[str, str] | None = None,
    seen: str = "",
) -> GuardContext:
    """The guard context for a reply on this exercise at this level; `seen` is what the
    learner's check already showed them (failure messages), which a reply may repeat."""
    return GuardContext(
        level=level,
        tests_failing=tests_failing,
        reference=joined(exercise.solution),
        known_code="\n".join(
            [joined(exercise.starter), joined(exercise.readonly), joined(learner_code or {})]
        ),
        avoid=reference_only_identifiers(exercise, level, learner_code),
        test_literals=test_literals(exercise, learner_code, seen, level),
        settings=frozenset(
            settings_of(joined(exercise.solution))
            - settings_of(joined(exercise.starter))
            - settings_of(joined(exercise.readonly))
            - settings_of(joined(learner_code or {}))
        ),
    )
