"""Structural checks on a learner's Python: find classes and functions, branching and type checks.

    from grading import pyast
    tree = pyast.parse_submission("shipping.py")        # LearnerSyntaxError(line, message)
    context = pyast.find_class(tree, "ShippingCalculator")
    pyast.if_chains(context)            # if/elif ladders (and chained conditional expressions)
    pyast.type_checks(context)          # isinstance(), issubclass(), type(x) is/== Y
    pyast.string_switches(tree)         # ladders or match statements that switch on strings

Behavioural tests say whether code works; these helpers say whether it has the shape an
exercise teaches (a pattern instead of a ladder). Every finding carries the line it is on, so
the test's message can point at it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
TYPE_CHECK_FUNCTIONS = ("isinstance", "issubclass")


class LearnerSyntaxError(Exception):
    """The learner's file is not valid Python: file name, 1-based line and what is wrong."""

    def __init__(self, name: str, line: int, message: str) -> None:
        super().__init__(f"{name} line {line}: {message}")
        self.name = name
        self.line = line
        self.message = message


@dataclass(frozen=True)
class IfChain:
    """An if/elif ladder (or a chain of `a if x else b if y else c`), counted once."""

    line: int
    end_line: int
    tests: tuple[ast.expr, ...]  # one condition per branch, in order
    has_else: bool
    kind: str  # "if" (if/elif), "ifexp" (conditional expressions), "sequence" (sibling ifs)

    @property
    def branches(self) -> int:
        """How many conditions the chain tests (an else adds none)."""
        return len(self.tests)


@dataclass(frozen=True)
class TypeCheck:
    """A place where code asks what type something is."""

    line: int
    code: str  # the expression, as source text


@dataclass(frozen=True)
class StringSwitch:
    """A chain of branches choosing by comparing one expression with string literals."""

    line: int
    subject: str  # the expression compared, as source text
    values: tuple[str, ...]  # the strings it is compared with
    kind: str  # "if", "ifexp", "sequence" or "match"


@dataclass(frozen=True)
class TypeSwitch:
    """A chain of branches choosing by the type of an object."""

    line: int
    kind: str  # "if", "ifexp", "sequence" or "match"
    branches: int  # how many branches test a type


def parse(source: str, name: str = "<learner>") -> ast.Module:
    """Parse source into an AST; raise LearnerSyntaxError with the line if it is invalid."""
    try:
        return ast.parse(source, filename=name)
    except SyntaxError as exc:
        raise LearnerSyntaxError(name, exc.lineno or 1, exc.msg or "invalid syntax") from None
    except ValueError as exc:  # null bytes in the source
        raise LearnerSyntaxError(name, 1, str(exc)) from None


def parse_submission(name: str) -> ast.Module:
    """Parse one of the learner's files (only while the grader runs a check)."""
    from . import submission

    return parse(submission.read(name), name)


def code(node: ast.AST) -> str:
    """Source text of a node, shortened for messages."""
    text = ast.unparse(node)
    return text if len(text) <= 70 else text[:67] + "..."


def find_class(tree: ast.AST, name: str) -> ast.ClassDef | None:
    """The class with this name: top level first, then anywhere in the tree."""
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    return next(
        (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == name), None
    )


def find_function(tree: ast.AST, name: str) -> FunctionNode | None:
    """A function or method by name; "Class.method" looks inside that class only."""
    if "." in name:
        class_name, _, method = name.partition(".")
        cls = find_class(tree, class_name)
        return methods(cls).get(method) if cls else None
    for node in getattr(tree, "body", []):
        if isinstance(node, FunctionNode) and node.name == name:
            return node
    return next((n for n in ast.walk(tree) if isinstance(n, FunctionNode) and n.name == name), None)


def classes(tree: ast.AST) -> list[ast.ClassDef]:
    """Every class defined in the tree, in source order."""
    found = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    return sorted(found, key=lambda n: n.lineno)


def methods(cls: ast.ClassDef) -> dict[str, FunctionNode]:
    """The methods defined directly in a class body, by name."""
    return {n.name: n for n in cls.body if isinstance(n, FunctionNode)}


def base_names(cls: ast.ClassDef) -> list[str]:
    """The names of a class's bases as written ("ABC", "abc.ABC", "Protocol")."""
    return [ast.unparse(b) for b in cls.bases]


def classes_implementing(tree: ast.AST, method: str) -> list[ast.ClassDef]:
    """Classes that define `method` themselves (not counting abstract stubs is up to the caller)."""
    return [c for c in classes(tree) if method in methods(c)]


def is_stub(function: FunctionNode) -> bool:
    """True when a function only has a docstring, `...`, `pass` or `raise NotImplementedError`."""
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body:
        return True
    if len(body) != 1:
        return False
    stmt = body[0]
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return stmt.value.value is Ellipsis
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return False


def if_chains(node: ast.AST, min_branches: int = 1) -> list[IfChain]:
    """Every if/elif ladder and conditional-expression chain below `node`, each counted once.

    `else: if ...:` nested as the only statement of an else is the same ladder as elif.
    """
    inner: set[int] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.If) and len(n.orelse) == 1 and isinstance(n.orelse[0], ast.If):
            inner.add(id(n.orelse[0]))
        elif isinstance(n, ast.IfExp) and isinstance(n.orelse, ast.IfExp):
            inner.add(id(n.orelse))
    chains = []
    for n in ast.walk(node):
        if id(n) in inner:
            continue
        if isinstance(n, ast.If):
            tests, current = [n.test], n
            while len(current.orelse) == 1 and isinstance(current.orelse[0], ast.If):
                current = current.orelse[0]
                tests.append(current.test)
            end = n.end_lineno or n.lineno
            chains.append(IfChain(n.lineno, end, tuple(tests), bool(current.orelse), "if"))
        elif isinstance(n, ast.IfExp):
            tests, expr = [n.test], n
            while isinstance(expr.orelse, ast.IfExp):
                expr = expr.orelse
                tests.append(expr.test)
            chains.append(IfChain(n.lineno, n.end_lineno or n.lineno, tuple(tests), True, "ifexp"))
    return sorted(
        (c for c in chains if c.branches >= min_branches), key=lambda c: (c.line, c.kind)
    )


def if_sequences(node: ast.AST, min_branches: int = 2) -> list[IfChain]:
    """Runs of consecutive sibling `if` statements: the early-return form of a ladder.

        if mode == "a":
            return 1
        if mode == "b":
            return 2

    Each run becomes one IfChain of kind "sequence" holding every condition it tests.
    """
    found = []
    for parent in ast.walk(node):
        for field_name in ("body", "orelse", "finalbody"):
            statements = getattr(parent, field_name, None)
            if not isinstance(statements, list):
                continue
            run: list[ast.If] = []
            for stmt in [*statements, None]:
                if isinstance(stmt, ast.If):
                    run.append(stmt)
                    continue
                if len(run) >= 2:
                    tests = [t for if_node in run for t in chain_tests(if_node)]
                    if len(tests) >= min_branches:
                        last = run[-1]
                        found.append(IfChain(
                            run[0].lineno, last.end_lineno or last.lineno, tuple(tests),
                            bool(last.orelse), "sequence",
                        ))
                run = []
    return sorted(found, key=lambda c: c.line)


def chain_tests(if_node: ast.If) -> list[ast.expr]:
    """The conditions of an if statement and its elif branches."""
    tests, current = [if_node.test], if_node
    while len(current.orelse) == 1 and isinstance(current.orelse[0], ast.If):
        current = current.orelse[0]
        tests.append(current.test)
    return tests


def calls_to(node: ast.AST, name: str) -> list[ast.Call]:
    """Calls of a function or method with this name (`f(...)` or `obj.f(...)`)."""
    found = []
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            func = n.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called == name:
                found.append(n)
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


def isinstance_calls(node: ast.AST) -> list[ast.Call]:
    """Every isinstance(...) call below `node`."""
    return calls_to(node, "isinstance")


def type_checks(node: ast.AST) -> list[TypeCheck]:
    """isinstance()/issubclass() calls and `type(x) is Y` / `type(x) == Y` comparisons.

    Also `type(x).__name__ == "Name"` and `x.__class__ ...`: asking an object its type.
    """
    found = []
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and (
            n.func.id in TYPE_CHECK_FUNCTIONS
        ):
            found.append(TypeCheck(n.lineno, code(n)))
        elif isinstance(n, ast.Compare) and any(asks_type(e) for e in (n.left, *n.comparators)):
            found.append(TypeCheck(n.lineno, code(n)))
    return sorted(found, key=lambda t: t.line)


def asks_type(expr: ast.expr) -> bool:
    """True for type(x), x.__class__ and their .__name__ / .__qualname__."""
    if isinstance(expr, ast.Attribute) and expr.attr in ("__name__", "__qualname__"):
        expr = expr.value
    if isinstance(expr, ast.Attribute) and expr.attr == "__class__":
        return True
    return (
        isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)
        and expr.func.id == "type" and len(expr.args) == 1
    )


def compared_strings(test: ast.expr) -> tuple[str, list[str]] | None:
    """For `x == "a"`, `"a" == x`, `x in ("a", "b")`, return ("x", ["a", ...]); else None."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        parts = [compared_strings(v) for v in test.values]
        if parts and all(parts) and len({p[0] for p in parts}) == 1:
            return parts[0][0], [s for p in parts for s in p[1]]
        return None
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(op, (ast.Eq, ast.Is)):
        if is_str(right) and not is_str(left):
            return ast.unparse(left), [right.value]
        if is_str(left) and not is_str(right):
            return ast.unparse(right), [left.value]
    if isinstance(op, ast.In) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        if right.elts and all(is_str(e) for e in right.elts):
            return ast.unparse(left), [e.value for e in right.elts]
    return None


def is_str(expr: ast.expr) -> bool:
    """True for a string literal."""
    return isinstance(expr, ast.Constant) and isinstance(expr.value, str)


def string_switches(node: ast.AST, min_branches: int = 2) -> list[StringSwitch]:
    """Chains that pick a branch by comparing one expression with string literals.

    An if/elif ladder, a run of sibling ifs or a conditional-expression chain with at least
    `min_branches` tests of the same subject against strings, or a match statement with that
    many string cases. A ladder found both ways is reported once.
    """
    found: list[StringSwitch] = []
    for chain in [*if_chains(node, min_branches), *if_sequences(node, min_branches)]:
        by_subject: dict[str, list[tuple[ast.expr, list[str]]]] = {}
        for test in chain.tests:
            compared = compared_strings(test)
            if compared:
                by_subject.setdefault(compared[0], []).append((test, compared[1]))
        for subject, hits in by_subject.items():
            # Report at the first comparison, so a ladder seen both as an if/elif chain and
            # as part of a run of sibling ifs is reported once.
            line = hits[0][0].lineno
            seen = any(f.line == line and f.subject == subject for f in found)
            if len(hits) >= min_branches and not seen:
                values = tuple(v for _, vs in hits for v in vs)
                found.append(StringSwitch(line, subject, values, chain.kind))
    for n in ast.walk(node):
        if isinstance(n, ast.Match):
            values = [
                c.pattern.value.value for c in n.cases
                if isinstance(c.pattern, ast.MatchValue) and is_str(c.pattern.value)
            ]
            if len(values) >= min_branches:
                found.append(StringSwitch(n.lineno, ast.unparse(n.subject), tuple(values), "match"))
    return sorted(found, key=lambda s: s.line)


def match_statements(node: ast.AST) -> list[ast.Match]:
    """Every match statement below `node`."""
    return [n for n in ast.walk(node) if isinstance(n, ast.Match)]


def type_switches(node: ast.AST, min_branches: int = 2) -> list[TypeSwitch]:
    """Chains that pick a branch by asking an object's type.

    if/elif ladders (or conditional-expression chains) with at least `min_branches` type
    checks, and match statements with that many class patterns (`case Express():`).
    """
    found = []
    for chain in [*if_chains(node, min_branches), *if_sequences(node, min_branches)]:
        typed = [test for test in chain.tests if type_checks(test)]
        if len(typed) >= min_branches and all(f.line != typed[0].lineno for f in found):
            found.append(TypeSwitch(typed[0].lineno, chain.kind, len(typed)))
    for n in match_statements(node):
        class_cases = sum(1 for c in n.cases if isinstance(c.pattern, ast.MatchClass))
        if class_cases >= min_branches:
            found.append(TypeSwitch(n.lineno, "match", class_cases))
    return sorted(found, key=lambda t: t.line)


# ------------------------------------------------------------------ names, bases and methods
#
# These follow what the code does rather than how it is spelled: `_Base = LegacyBankClient`
# then `class Adapter(_Base)` inherits from LegacyBankClient; a method called through a helper
# (`self._step()`) or inherited from a base class in the same file still counts.


def module_aliases(tree: ast.AST) -> dict[str, str]:
    """Module-level names that stand for another name, mapped to what they stand for.

    `_Base = LegacyBankClient` gives {"_Base": "LegacyBankClient"}; `import legacy_bank as lb`
    gives {"lb": "legacy_bank"}; `from legacy_bank import LegacyBankClient as Old` gives
    {"Old": "legacy_bank.LegacyBankClient"}. Only plain names and dotted names count.
    """
    found: dict[str, str] = {}
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if alias.asname and alias.name != "*":
                    found[alias.asname] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = dotted_name(node.value)
            for target in targets:
                if isinstance(target, ast.Name) and value and value != target.id:
                    found[target.id] = value
    return found


def dotted_name(expr: ast.AST) -> str | None:
    """`a.b.C` as text for a name or attribute chain; None for anything else."""
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    return ".".join([expr.id, *reversed(parts)])


def resolve_name(tree: ast.AST, name: str) -> str:
    """What a name written in the file stands for, following aliases; the last part is kept.

    `resolve_name(tree, "_Base")` is "LegacyBankClient" after `_Base = LegacyBankClient`, and
    `resolve_name(tree, "lb.LegacyBankClient")` is "LegacyBankClient" too.
    """
    aliases = module_aliases(tree)
    seen: set[str] = set()
    while True:
        head, dot, rest = name.partition(".")
        if name in aliases and name not in seen:
            seen.add(name)
            name = aliases[name]
        elif dot and head in aliases and head not in seen:
            seen.add(head)
            name = f"{aliases[head]}.{rest}"
        else:
            return name.rpartition(".")[2]


def resolved_bases(tree: ast.AST, cls: ast.ClassDef) -> list[str]:
    """The names of a class's direct bases, through aliases (`Adapter(_Base)` -> the real one)."""
    found = []
    for base in cls.bases:
        name = dotted_name(base)
        if name is None and isinstance(base, ast.Subscript):  # Generic[T], Protocol[T]
            name = dotted_name(base.value)
        if name is not None:
            found.append(resolve_name(tree, name))
    return found


def lineage(tree: ast.AST, cls: ast.ClassDef) -> list[ast.ClassDef]:
    """The class and then its ancestors defined in the same file, nearest first, each once."""
    order: list[ast.ClassDef] = []
    todo = [cls]
    while todo:
        current = todo.pop(0)
        if any(current is c for c in order):
            continue
        order.append(current)
        for name in resolved_bases(tree, current):
            parent = find_class(tree, name)
            if parent is not None:
                todo.append(parent)
    return order


def ancestor_names(tree: ast.AST, cls: ast.ClassDef) -> list[str]:
    """Every base class name of `cls`, through aliases and through bases in the same file."""
    names: list[str] = []
    for current in lineage(tree, cls):
        names += [n for n in resolved_bases(tree, current) if n not in names]
    return names


def resolve_method(
    tree: ast.AST, cls: ast.ClassDef, name: str
) -> tuple[ast.ClassDef, FunctionNode] | None:
    """Where `instance.name` is found: in the class itself, else the nearest base in the file."""
    for current in lineage(tree, cls):
        found = methods(current).get(name)
        if found is not None:
            return current, found
    return None


def self_method_calls(function: FunctionNode) -> list[str]:
    """Methods a function calls on its own instance (`self.x()`, `type(self).x()`), in order."""
    me = function.args.args[0].arg if function.args.args else "self"
    found: list[str] = []
    calls = sorted(
        (n for n in ast.walk(function) if isinstance(n, ast.Call)),
        key=lambda n: (n.lineno, n.col_offset),
    )
    for call in calls:
        func = call.func
        if not isinstance(func, ast.Attribute):
            continue
        target = func.value
        on_self = isinstance(target, ast.Name) and target.id == me
        on_type = (
            isinstance(target, ast.Call) and isinstance(target.func, ast.Name)
            and target.func.id == "type" and len(target.args) == 1
            and isinstance(target.args[0], ast.Name) and target.args[0].id == me
        )
        if (on_self or on_type) and func.attr not in found:
            found.append(func.attr)
    return found


def reachable_methods(
    tree: ast.AST, cls: ast.ClassDef, name: str
) -> list[tuple[ast.ClassDef, FunctionNode]]:
    """A method and every method it reaches through calls on self, resolved through bases.

    A template method whose steps run through a helper (`self._render()` calling
    `self.header()`) reaches those steps too. Each (class, method) appears once.
    """
    found: list[tuple[ast.ClassDef, FunctionNode]] = []
    todo = [name]
    seen: set[str] = set()
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.add(current)
        resolved = resolve_method(tree, cls, current)
        if resolved is None:
            continue
        found.append(resolved)
        todo += self_method_calls(resolved[1])
    return found


# ------------------------------------------------------------------------------- dispatch


@dataclass(frozen=True)
class Dispatch:
    """A place where code chooses what to do by a value instead of asking an object to act.

    kind is one of:
    - "compare": a chain (if/elif, sibling ifs, conditional expressions or match) comparing one
      subject with constants: strings, numbers, Enum members or named constants;
    - "type": a chain of type checks (isinstance, type(x) is/==, match on classes);
    - "attribute": a chain of hasattr() tests, or getattr() with a name built from data;
    - "lookup": a table indexed by what an object is (type(x), x.__class__, a class name);
    - "subclasses": a class's __subclasses__() searched for the one to use.
    """

    line: int
    kind: str
    subject: str  # what is examined, as source text
    code: str  # the examining expression, as source text


def constant_names(tree: ast.AST) -> set[str]:
    """Module-level names bound to a literal (`EXPRESS = "express"`, `LIMIT = 5`)."""
    found = set()
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Constant):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found |= {t.id for t in targets if isinstance(t, ast.Name)}
    return found


def enum_classes(tree: ast.AST) -> set[str]:
    """Classes in the file that derive from an Enum type (Enum, StrEnum, IntEnum, Flag)."""
    enum_bases = {"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag"}
    return {
        c.name for c in classes(tree)
        if any(b in enum_bases for b in ancestor_names(tree, c))
    }


def is_constant(expr: ast.expr, tree: ast.AST | None) -> bool:
    """A literal, an Enum member (`Mode.EXPRESS`), a named constant, or a tuple of those."""
    if isinstance(expr, ast.Constant):
        return expr.value is not None and not isinstance(expr.value, bool)
    if isinstance(expr, ast.Tuple | ast.List | ast.Set):
        return bool(expr.elts) and all(is_constant(e, tree) for e in expr.elts)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        owner = expr.value.id
        enums = enum_classes(tree) if tree is not None else set()
        return owner in enums or (expr.attr.isupper() and owner[:1].isupper())
    if isinstance(expr, ast.Name) and tree is not None:
        return expr.id in constant_names(tree) or (expr.id.isupper() and len(expr.id) > 1)
    return False


def compared_constant(test: ast.expr, tree: ast.AST | None) -> str | None:
    """For `x == C`, `C == x`, `x is Mode.A`, `x in (A, B)` (C a constant), the subject x."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        subjects = {compared_constant(v, tree) for v in test.values}
        return subjects.pop() if len(subjects) == 1 else None
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if not isinstance(op, ast.Eq | ast.Is | ast.In):
        return None
    if is_constant(right, tree) and not is_constant(left, tree):
        return ast.unparse(left)
    if isinstance(op, ast.Eq | ast.Is) and is_constant(left, tree) and not is_constant(right, tree):
        return ast.unparse(right)
    return None


def hasattr_subject(test: ast.expr) -> str | None:
    """For `hasattr(x, "name")` (or `not hasattr(...)`), the object x asked about."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if (
        isinstance(test, ast.Call) and isinstance(test.func, ast.Name)
        and test.func.id == "hasattr" and test.args
    ):
        return ast.unparse(test.args[0])
    return None


def asks_identity(expr: ast.AST) -> bool:
    """True when an expression asks what an object is: type(x), x.__class__, their names."""
    return any(asks_type(n) for n in ast.walk(expr) if isinstance(n, ast.expr))


def reads_tag(expr: ast.AST, tags: tuple[str, ...]) -> bool:
    """True when an expression reads `self.<tag>` (or `self.state.<tag>`) for one of `tags`."""
    for n in ast.walk(expr):
        if isinstance(n, ast.Attribute) and n.attr.lstrip("_") in tags:
            root = n.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id == "self":
                return True
    return False


def single_dispatches(node: ast.AST) -> list[tuple[int, str]]:
    """Functions below `node` made with functools.singledispatch(method) that have types
    registered (`@price_of.register`): a table keyed by type, so a chain of type checks.
    Each as (line of the dispatching function, its name)."""
    dispatching = {
        n.name: n.lineno for n in ast.walk(node)
        if isinstance(n, FunctionNode) and any(
            (dotted_name(d) or "").rpartition(".")[2] in ("singledispatch", "singledispatchmethod")
            for d in n.decorator_list
        )
    }
    registered = {
        (dotted_name(target.value) or "")
        for n in ast.walk(node) if isinstance(n, FunctionNode)
        for d in n.decorator_list
        for target in [d.func if isinstance(d, ast.Call) else d]
        if isinstance(target, ast.Attribute) and target.attr == "register"
    }
    return sorted((line, name) for name, line in dispatching.items() if name in registered)


def dispatches(
    node: ast.AST,
    tree: ast.AST | None = None,
    min_branches: int = 2,
    tags: tuple[str, ...] = (),
) -> list[Dispatch]:
    """Places below `node` that choose behaviour by a value (see Dispatch for the kinds).

    `tree` is the whole file, used to recognise Enum classes and named constants (pass the
    module when `node` is a class). `tags` names attributes that say what an object is (for a
    State exercise: "status", "name"): a table indexed by `self.<tag>` counts as a lookup too.
    Each place is reported once, at its first line.
    """
    tree = tree if tree is not None else node
    found: list[Dispatch] = []

    def add(line: int, kind: str, subject: str, text: str) -> None:
        if not any(f.line == line and f.kind == kind for f in found):
            found.append(Dispatch(line, kind, subject, text))

    for chain in [*if_chains(node, min_branches), *if_sequences(node, min_branches)]:
        by_subject: dict[str, list[ast.expr]] = {}
        probes: dict[str, list[ast.expr]] = {}
        for test in chain.tests:
            subject = compared_constant(test, tree)
            if subject is not None:
                by_subject.setdefault(subject, []).append(test)
            probed = hasattr_subject(test)
            if probed is not None:
                probes.setdefault(probed, []).append(test)
        for subject, tests in by_subject.items():
            if len(tests) >= min_branches:
                add(tests[0].lineno, "compare", subject, code(tests[0]))
        for subject, tests in probes.items():
            if len(tests) >= min_branches:
                add(tests[0].lineno, "attribute", subject, code(tests[0]))
    for switch in type_switches(node, min_branches):
        add(switch.line, "type", "", "")
    for line, name in single_dispatches(node):
        add(line, "type", name, f"@singledispatch {name}")
    for match in match_statements(node):
        constants = [
            c for c in match.cases
            if isinstance(c.pattern, ast.MatchValue) and is_constant(c.pattern.value, tree)
        ]
        if len(constants) >= min_branches:
            add(match.lineno, "compare", ast.unparse(match.subject), code(match.subject))
    def identity(key: ast.AST) -> bool:
        return asks_identity(key) or bool(tags) and reads_tag(key, tags)

    for n in ast.walk(node):
        if isinstance(n, ast.Subscript) and identity(n.slice):
            add(n.lineno, "lookup", ast.unparse(n.slice), code(n))
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
            if n.func.attr == "get" and n.args and identity(n.args[0]):
                add(n.lineno, "lookup", ast.unparse(n.args[0]), code(n))
            elif n.func.attr == "__subclasses__":
                add(n.lineno, "subclasses", ast.unparse(n.func.value), code(n))
        elif (
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "getattr"
            and len(n.args) >= 2 and isinstance(n.args[1], ast.JoinedStr | ast.BinOp)
        ):
            add(n.lineno, "attribute", ast.unparse(n.args[0]), code(n))
    return sorted(found, key=lambda d: (d.line, d.kind))


# ------------------------------------------------------------------------- calls through helpers


def bound_argument(call: ast.Call, function: FunctionNode, parameter: str) -> ast.expr | None:
    """The expression a call `self.helper(...)` passes for one parameter of `helper`, or None.

    The helper is a method: its first parameter (self) is bound by the call itself, so the
    call's first positional argument goes to the second parameter. Keywords count too.
    """
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    positional = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    if not is_static(function):
        positional = positional[1:]
    if parameter in positional:
        index = positional.index(parameter)
        if index < len(call.args) and not any(
            isinstance(a, ast.Starred) for a in call.args[: index + 1]
        ):
            return call.args[index]
    defaults = function.args.defaults
    if parameter in positional and defaults:
        offset = len(positional) - len(defaults)
        index = positional.index(parameter)
        if index >= offset:
            return defaults[index - offset]
    return None


def is_static(function: FunctionNode) -> bool:
    """True for a @staticmethod: its first parameter is an ordinary argument, not self."""
    return any((dotted_name(d) or "").split(".")[-1] == "staticmethod"
               for d in function.decorator_list)


def instance_name(function: FunctionNode) -> str | None:
    """What a method calls its instance (`self`), or None for a static method."""
    if is_static(function):
        return None
    positional = [*function.args.posonlyargs, *function.args.args]
    return positional[0].arg if positional else None


def methods_called_on_argument(expr: ast.AST | None) -> set[str]:
    """Methods a callable calls on the object it is given.

    `lambda item: item.price()` and `operator.methodcaller("price")` give {"price"};
    anything else gives an empty set (nothing is known about it).
    """
    if isinstance(expr, ast.Lambda) and expr.args.args:
        given = expr.args.args[0].arg
        return {
            n.func.attr for n in ast.walk(expr.body)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and isinstance(n.func.value, ast.Name) and n.func.value.id == given
        }
    if (
        isinstance(expr, ast.Call) and (dotted_name(expr.func) or "").split(".")[-1]
        == "methodcaller" and expr.args and isinstance(expr.args[0], ast.Constant)
        and isinstance(expr.args[0].value, str)
    ):
        return {expr.args[0].value}
    return set()


def constant_string(expr: ast.AST | None) -> str | None:
    """The value of a string literal, else None."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


def partial_binding(
    tree: ast.AST, cls: ast.ClassDef, name: str
) -> tuple[FunctionNode, ast.Call] | None:
    """For `undo = partialmethod(_move, "done", "undone", "undo")` in a class body (or a base
    in the file): the helper method and a call `self._move("done", "undone", "undo")` that
    stands for what the binding passes. None for anything else."""
    for current in lineage(tree, cls):
        stmt = bound_names(current).get(name)
        if not isinstance(stmt, ast.Assign):
            continue
        value = stmt.value
        if not (
            isinstance(value, ast.Call)
            and (dotted_name(value.func) or "").rpartition(".")[2] == "partialmethod"
            and value.args and isinstance(value.args[0], ast.Name)
        ):
            return None
        resolved = resolve_method(tree, cls, value.args[0].id)
        if resolved is None:
            return None
        call = ast.Call(
            func=ast.Attribute(value=ast.Name(id="self", ctx=ast.Load()),
                               attr=resolved[1].name, ctx=ast.Load()),
            args=list(value.args[1:]), keywords=list(value.keywords),
        )
        return resolved[1], ast.copy_location(call, value)
    return None


def calls_on_others(tree: ast.AST, cls: ast.ClassDef, name: str) -> set[str]:
    """Methods that `cls.name` calls on objects other than self, following its own helpers.

    `command.undo()` counts directly; `getattr(command, "undo")()` counts too, and so does
    `getattr(command, action)()` in a helper when every caller on the way hands `action` over
    as a string literal (`self._move(self.done, self.undone, "undo")`), or when the method is
    that helper bound with its literals (`undo = partialmethod(_move, ..., "undo")`).
    """
    # the string literals each helper parameter receives from the callers that reach it
    literals: dict[tuple[str, str], set[str]] = {}
    if resolve_method(tree, cls, name) is None:
        partial = partial_binding(tree, cls, name)
        if partial is not None:
            helper, call = partial
            name = helper.name
            for arg in [*helper.args.posonlyargs, *helper.args.args, *helper.args.kwonlyargs]:
                value = constant_string(bound_argument(call, helper, arg.arg))
                if value is not None:
                    literals.setdefault((helper.name, arg.arg), set()).add(value)
    reached = reachable_methods(tree, cls, name)
    by_name = {function.name: function for _, function in reached}
    for _, function in reached:
        me = instance_name(function)
        for call in ast.walk(function):
            if not (
                isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id in (me, "cls") and call.func.attr in by_name
            ):
                continue
            helper = by_name[call.func.attr]
            for arg in [*helper.args.posonlyargs, *helper.args.args, *helper.args.kwonlyargs]:
                value = constant_string(bound_argument(call, helper, arg.arg))
                if value is not None:
                    literals.setdefault((helper.name, arg.arg), set()).add(value)
    found: set[str] = set()
    for _, function in reached:
        me = instance_name(function)
        for call in ast.walk(function):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            if isinstance(func, ast.Attribute):
                on_self = isinstance(func.value, ast.Name) and func.value.id == me
                if not on_self:
                    found.add(func.attr)
            elif (
                isinstance(func, ast.Call) and isinstance(func.func, ast.Name)
                and func.func.id == "getattr" and len(func.args) >= 2
                and not (isinstance(func.args[0], ast.Name) and func.args[0].id == me)
            ):
                chosen = func.args[1]
                value = constant_string(chosen)
                if value is not None:
                    found.add(value)
                elif isinstance(chosen, ast.Name):
                    found |= literals.get((function.name, chosen.id), set())
    return found


def attribute_probes(node: ast.AST) -> list[tuple[int, str, ast.expr]]:
    """`hasattr(x, name)` and `getattr(x, name, default)` below `node`: (line, code, x).

    Both ask whether an object has something before deciding how to treat it: a type question
    in another shape (a three-argument getattr falls back when the answer is no).
    """
    found = []
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.args and (
            n.func.id == "hasattr" or (n.func.id == "getattr" and len(n.args) >= 3)
        ):
            found.append((n.lineno, code(n), n.args[0]))
    return found


# ------------------------------------------------------------------------- names a class binds

# Bases and class decorators that add no attributes an exercise asks about.
PLAIN_BASES = frozenset({"object", "ABC", "Protocol", "Generic"})
PLAIN_DECORATORS = frozenset({"dataclass", "total_ordering", "final", "runtime_checkable"})
PLAIN_METACLASSES = frozenset({"ABCMeta"})


def bound_names(cls: ast.ClassDef) -> dict[str, ast.AST]:
    """Every name a class body binds, by name: what `instance.name` finds in this class.

    A `def` (decorated or not), an assignment (`ship = _refuse("...")`,
    `pay = functools.partialmethod(_move, "paid")`, `a = b = ...`, `x, y = ...`), an
    annotated assignment with a value, a nested class. The node is the statement that binds it.
    """
    found: dict[str, ast.AST] = {}
    for stmt in cls.body:
        if isinstance(stmt, FunctionNode | ast.ClassDef):
            found[stmt.name] = stmt
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                for n in ast.walk(target):
                    if isinstance(n, ast.Name):
                        found[n.id] = stmt
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            if isinstance(stmt.target, ast.Name):
                found[stmt.target.id] = stmt
    return found


def attached_names(tree: ast.AST, cls: ast.ClassDef) -> set[str]:
    """Names given to a class from outside its body: `Cls.x = ...`, `setattr(Cls, "x", ...)`."""
    found: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Assign):
            for target in n.targets:
                if (
                    isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                    and target.value.id == cls.name
                ):
                    found.add(target.attr)
        elif (
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "setattr"
            and len(n.args) >= 2 and isinstance(n.args[0], ast.Name)
            and n.args[0].id == cls.name and constant_string(n.args[1]) is not None
        ):
            found.add(n.args[1].value)
    return found


def opaque_class(tree: ast.AST, cls: ast.ClassDef) -> bool:
    """True when the source alone cannot say which names instances of `cls` answer.

    A base class from another module, a class decorator or metaclass other than the plain ones
    (dataclass, ABCMeta, ...), `__getattr__`, or `__init_subclass__` in the lineage: each can
    add attributes that no statement of the class body binds.
    """
    for current in lineage(tree, cls):
        for name in resolved_bases(tree, current):
            if find_class(tree, name) is None and name not in PLAIN_BASES:
                return True
        for decorator in current.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if (dotted_name(target) or "").rpartition(".")[2] not in PLAIN_DECORATORS:
                return True
        for keyword in current.keywords:
            value = (dotted_name(keyword.value) or "").rpartition(".")[2]
            if keyword.arg == "metaclass" and value not in PLAIN_METACLASSES:
                return True
        if {"__getattr__", "__getattribute__", "__init_subclass__"} & set(bound_names(current)):
            return True
    return False


def class_members(tree: ast.AST, cls: ast.ClassDef) -> set[str] | None:
    """Names instances of `cls` answer, from its body, its bases in the file and `Cls.x = ...`.

    None when the source cannot tell (see opaque_class): a check must then not judge by it.
    """
    if opaque_class(tree, cls):
        return None
    found: set[str] = set()
    for current in lineage(tree, cls):
        found |= set(bound_names(current)) | attached_names(tree, current)
    return found


# ---------------------------------------------------------------- deciding by what a thing is


EQUALITY = (ast.Eq, ast.NotEq, ast.Is, ast.IsNot, ast.In, ast.NotIn)


def names_identity(expr: ast.AST, tags: tuple[str, ...]) -> bool:
    """True when an expression reads what an object is: an attribute named by `tags` on any
    object (`self.name`, `order.state.status`), or its type (type(x), x.__class__, names)."""
    for n in ast.walk(expr):
        if isinstance(n, ast.Attribute) and n.attr.lstrip("_") in tags:
            return True
        if isinstance(n, ast.expr) and asks_type(n):
            return True
    return False


def decisions_on_identity(
    node: ast.AST, tree: ast.AST, tags: tuple[str, ...]
) -> list[Dispatch]:
    """Every place below `node` that decides by what an object is, even a single one.

    Finer than `dispatches`, which wants a chain: here one comparison is enough, because a
    nested `if`, an `in ("new", "paid")` test or a flag (`refund = self.name == "paid"`)
    decides by the name exactly as an if/elif ladder does. Found:
    - "compare": `names_identity(...)` compared (==, !=, is, is not, in, not in) with a
      constant (literal, Enum member, named constant or a tuple of those), or a match on it
      with a constant case;
    - "type": isinstance()/issubclass()/`type(x) is C` with a class defined in the file;
    - "lookup": a table indexed by it (`TABLE[self.status]`, `TABLE.get(order.state.name)`).
    """
    found: list[Dispatch] = []
    own = {c.name for c in classes(tree)}

    def add(line: int, kind: str, subject: str, text: str) -> None:
        if not any(f.line == line and f.kind == kind for f in found):
            found.append(Dispatch(line, kind, subject, text))

    def own_class(expr: ast.AST) -> bool:
        if isinstance(expr, ast.Tuple | ast.List | ast.Set):
            return any(own_class(e) for e in expr.elts)
        name = dotted_name(expr)
        return name is not None and resolve_name(tree, name) in own

    for n in ast.walk(node):
        if isinstance(n, ast.Compare) and all(isinstance(op, EQUALITY) for op in n.ops):
            sides = [n.left, *n.comparators]
            for side in sides:
                others = [s for s in sides if s is not side]
                if names_identity(side, tags) and any(is_constant(o, tree) for o in others):
                    add(n.lineno, "compare", ast.unparse(side), code(n))
                    break
                if asks_type(side) and any(own_class(o) for o in others):
                    add(n.lineno, "type", ast.unparse(side), code(n))
                    break
        elif (
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
            and n.func.id in TYPE_CHECK_FUNCTIONS and len(n.args) == 2 and own_class(n.args[1])
        ):
            add(n.lineno, "type", ast.unparse(n.args[0]), code(n))
        elif isinstance(n, ast.Match) and names_identity(n.subject, tags):
            if any(
                isinstance(c.pattern, ast.MatchValue) and is_constant(c.pattern.value, tree)
                or isinstance(c.pattern, ast.MatchClass) and own_class(c.pattern.cls)
                for c in n.cases
            ):
                add(n.lineno, "compare", ast.unparse(n.subject), code(n.subject))
        elif isinstance(n, ast.Subscript) and names_identity(n.slice, tags):
            add(n.lineno, "lookup", ast.unparse(n.slice), code(n))
        elif (
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr == "get" and n.args and names_identity(n.args[0], tags)
        ):
            add(n.lineno, "lookup", ast.unparse(n.args[0]), code(n))
    return sorted(found, key=lambda d: (d.line, d.kind))
