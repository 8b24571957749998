"""Checks for the Command refactoring of editor.py: edits as objects, a generic undo stack."""

from __future__ import annotations

from typing import NoReturn

import editor
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

# Edit sessions drawn at random on every check (the seed is chosen when the check runs).
FRESH = settings(
    max_examples=30, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), st.floats(0, 1), st.text("abcxyz ", min_size=1, max_size=4)),
        st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 4)),
        st.tuples(st.just("undo")),
        st.tuples(st.just("redo")),
    ),
    min_size=1, max_size=12,
)


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def part(name: str, what: str):
    """Fetch a name from editor.py, or fail saying what the prompt expects it to be."""
    value = getattr(editor, name, None)
    if value is None:
        fail(f"editor.py has no {name} yet: {what}")
    return value


def document(text: str = ""):
    """A fresh Document holding this text."""
    return part("Document", "keep the Document class as it is")(text)


def insert(doc, position: int, text: str):
    """An InsertText command."""
    return part("InsertText", "the command InsertText(document, position, text)")(
        doc, position, text
    )


def delete(doc, position: int, length: int):
    """A DeleteText command."""
    return part("DeleteText", "the command DeleteText(document, position, length)")(
        doc, position, length
    )


def new_editor():
    """An Editor (the invoker), built without arguments."""
    cls = part("Editor", "the invoker that runs commands and undoes them")
    try:
        return cls()
    except TypeError as exc:
        fail(
            f"Editor() failed: {exc}. The editor no longer needs the document: each command "
            "knows which document it edits"
        )


def call(obj, method: str, *args):
    """obj.method(*args), failing with the prompt's wording if the method is missing."""
    found = getattr(obj, method, None)
    if not callable(found):
        fail(f"{type(obj).__name__} has no {method}() method; see 'What to build'")
    return found(*args)


def test_insert_text_does_and_undoes_itself():
    """InsertText(doc, 5, ...).execute() inserts; its undo() takes exactly that back."""
    doc = document("Hello")
    command = insert(doc, 5, " world")
    call(command, "execute")
    if doc.text != "Hello world":
        fail(f"after InsertText(doc, 5, ' world').execute() the text is {doc.text!r}")
    call(command, "undo")
    if doc.text != "Hello":
        fail(
            f"after undo() the text is {doc.text!r}, expected 'Hello': an insert is undone "
            "by deleting as many characters as it inserted, at the same position"
        )


def test_delete_text_restores_exactly_what_it_removed():
    """DeleteText removes characters, and its undo() puts back those very characters."""
    doc = document("Hello brave new world")
    command = delete(doc, 6, 6)
    call(command, "execute")
    if doc.text != "Hello new world":
        fail(f"after DeleteText(doc, 6, 6).execute() the text is {doc.text!r}")
    call(command, "undo")
    if doc.text != "Hello brave new world":
        fail(
            f"after undo() the text is {doc.text!r}, expected 'Hello brave new world'. "
            "Document.delete returns what it removed: the command keeps that to put it back"
        )


@FRESH
@given(text=st.text("ab", max_size=8), where=st.floats(0, 1),
       words=st.text("ab", min_size=1, max_size=3), length=st.integers(1, 3))
# Always tried first: the inserted text also occurs before its position, so an undo that
# removes the first match is caught on every check, not only when the draw happens to repeat.
@example(text="ab", where=1.0, words="a", length=1)
def test_commands_undo_at_their_own_position(text, where, words, length):
    """Texts full of repeats, drawn at random: each command takes back its own edit, in place."""
    position = int(where * len(text))
    doc = document(text)
    command = insert(doc, position, words)
    call(command, "execute")
    call(command, "undo")
    if doc.text != text:
        fail(
            f"InsertText(doc, {position}, {words!r}) on {text!r}, executed and undone, left "
            f"{doc.text!r}. Undo must remove the characters at the position the command "
            "inserted them, not the same text found somewhere else: in a document with repeats "
            "it deletes the wrong part"
        )
    command = delete(doc, position, length)
    call(command, "execute")
    call(command, "undo")
    if doc.text != text:
        fail(
            f"DeleteText(doc, {position}, {length}) on {text!r}, executed and undone, left "
            f"{doc.text!r}. Undo puts back exactly what was removed, at the same position"
        )


def test_a_command_captures_what_it_needs_when_it_runs():
    """Commands built ahead of time (a macro) still undo correctly."""
    doc = document("")
    macro = [insert(doc, 0, "Dear Sam,"), delete(doc, 5, 3), insert(doc, 5, "Alex")]
    for command in macro:
        call(command, "execute")
    if doc.text != "Dear Alex,":
        fail(f"executing the macro's three commands in order gave {doc.text!r}, expected "
             "'Dear Alex,'")
    call(macro[2], "undo")
    call(macro[1], "undo")
    if doc.text != "Dear Sam,":
        fail(
            f"after undoing the macro's last two commands the text is {doc.text!r}, expected "
            "'Dear Sam,'. The DeleteText was created while the document was still empty; a "
            "command must record what it removed when it executes, not when it is created"
        )


def test_undo_reverses_the_most_recent_edit_first():
    """Editor.undo() takes back the latest edit, then the one before, and so on."""
    doc = document("")
    editor_ = new_editor()
    call(editor_, "run", insert(doc, 0, "Hello world"))
    call(editor_, "run", delete(doc, 5, 6))
    call(editor_, "run", insert(doc, 5, "!"))
    seen = []
    for _ in range(3):
        done = call(editor_, "undo")
        seen.append(doc.text)
        if done is not True:
            fail(f"undo() returned {done!r} while there was an edit to undo; expected True")
    if seen != ["Hello", "Hello world", ""]:
        fail(
            f"three undo() calls left the text as {seen!r}, expected ['Hello', 'Hello world', "
            "'']. Undo reverses the most recent edit first: the history is a stack (last in, "
            "first out)"
        )
    if call(editor_, "undo") is not False:
        fail("undo() with nothing left to undo should return False (and change nothing)")


def test_redo_reapplies_what_was_undone():
    """Editor.redo() re-runs undone edits, most recently undone first."""
    doc = document("")
    editor_ = new_editor()
    call(editor_, "run", insert(doc, 0, "abc"))
    call(editor_, "run", insert(doc, 3, "def"))
    call(editor_, "undo")
    call(editor_, "undo")
    seen = []
    for _ in range(2):
        if call(editor_, "redo") is not True:
            fail("redo() after an undo should return True")
        seen.append(doc.text)
    if seen != ["abc", "abcdef"]:
        fail(f"two redo() calls gave {seen!r}, expected ['abc', 'abcdef']")
    if call(editor_, "redo") is not False:
        fail("redo() with nothing left to redo should return False (and change nothing)")


def test_a_new_edit_clears_redo():
    """After an undo, a new edit throws away the edits that could have been redone."""
    doc = document("")
    editor_ = new_editor()
    call(editor_, "run", insert(doc, 0, "cat"))
    call(editor_, "run", insert(doc, 3, "s"))
    call(editor_, "undo")
    call(editor_, "run", insert(doc, 0, "the "))
    text_before_redo = doc.text
    done = call(editor_, "redo")
    if done is not False:
        fail(
            f"after undo() and then a new edit, redo() returned {done!r} and changed the text "
            f"from {text_before_redo!r} to {doc.text!r}. A new edit must clear the redo stack: "
            "the undone 's' was recorded for a text that no longer exists, so replaying it "
            "puts it in the wrong place. redo() should return False here"
        )
    if doc.text != "the cat":
        fail(
            f"typing 'cat', 's', undoing the 's' and then inserting 'the ' at 0 gave "
            f"{doc.text!r}, expected 'the cat'"
        )


def test_editor_runs_a_command_it_has_never_seen():
    """Any object with execute() and undo() works in the editor, without changing it."""

    class Shout:
        """Make the whole text upper case; undo restores it."""

        def __init__(self, doc):
            self.document = doc
            self.before = None
            self.runs = 0

        def execute(self):
            self.runs += 1
            self.before = self.document.text
            self.document.text = self.document.text.upper()

        def undo(self):
            self.document.text = self.before

    doc = document("quiet please")
    editor_ = new_editor()
    shout = Shout(doc)
    try:
        call(editor_, "run", shout)
        first = doc.text
        call(editor_, "undo")
        second = doc.text
        call(editor_, "redo")
    except Exception as exc:
        fail(
            f"the editor failed on a new kind of command (Shout): {type(exc).__name__}: {exc}. "
            "If the editor must know each command, every new one means editing it; it should "
            "only call execute() and undo()"
        )
    if (first, second, doc.text, shout.runs) != ("QUIET PLEASE", "quiet please",
                                                  "QUIET PLEASE", 2):
        fail(
            f"with a Shout command, run/undo/redo gave {first!r}, {second!r}, {doc.text!r} "
            f"and executed it {shout.runs} times (expected 'QUIET PLEASE', 'quiet please', "
            "'QUIET PLEASE', 2): run() and redo() each call execute() once, undo() calls undo()"
        )


def said(step, position=None, amount=None) -> str:
    """One step of a session, in words."""
    if step[0] == "insert":
        return f"insert {amount!r} at {position}"
    if step[0] == "delete":
        return f"delete {amount} at {position}"
    return f"{step[0]}()"


@FRESH
@given(steps=STEPS)
def test_any_session_of_edits_undo_and_redo_ends_right(steps):
    """Edits, undos and redos in an order drawn at random end with the text they should."""
    doc, ed = document("hello"), new_editor()
    text, done, undone = "hello", [], []  # the expected text and (before, after) histories
    story = []
    for step in steps:
        if step[0] == "insert":
            position, words = int(step[1] * len(text)), step[2]
            after = text[:position] + words + text[position:]
            call(ed, "run", insert(doc, position, words))
            done.append((text, after))
            undone.clear()
            story.append(said(step, position, words))
            text = after
        elif step[0] == "delete":
            if not text:
                continue
            position = min(int(step[1] * len(text)), len(text) - 1)
            after = text[:position] + text[position + step[2]:]
            call(ed, "run", delete(doc, position, step[2]))
            done.append((text, after))
            undone.clear()
            story.append(said(step, position, step[2]))
            text = after
        elif step[0] == "undo":
            call(ed, "undo")
            story.append("undo()")
            if done:
                before, after = done.pop()
                undone.append((before, after))
                text = before
        else:
            call(ed, "redo")
            story.append("redo()")
            if undone:
                before, after = undone.pop()
                done.append((before, after))
                text = after
        if doc.text != text:
            fail(
                f"starting from 'hello', after {', '.join(story)} the document reads "
                f"{doc.text!r}; it should read {text!r}. Undo takes back the most recent edit "
                "still done, redo puts back the most recently undone one (which can then be "
                "undone again), and a new edit clears what could be redone"
            )


def test_an_edit_that_was_redone_can_be_undone_again():
    """Undo, redo, then undo again: the redone edit goes back on the undo history."""
    doc, ed = document("hello"), new_editor()
    call(ed, "run", insert(doc, 5, " world"))
    call(ed, "undo")
    call(ed, "redo")
    call(ed, "undo")
    if doc.text != "hello":
        fail(
            f"after insert ' world', undo(), redo() and undo() again the document reads "
            f"{doc.text!r}; it should read 'hello'. A redone edit is done again, so it goes "
            "back on the undo history, which can then be undone again"
        )
