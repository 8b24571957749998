"""A tiny text editor: every edit is a command object that can do and undo itself."""

from functools import partialmethod
from typing import Protocol


class Document:
    """The text being edited. Keep this class as it is."""

    def __init__(self, text=""):
        self.text = text

    def insert(self, position, text):
        self.text = self.text[:position] + text + self.text[position:]

    def delete(self, position, length):
        """Remove `length` characters from `position` and return what was removed."""
        removed = self.text[position : position + length]
        self.text = self.text[:position] + self.text[position + length :]
        return removed


class Command(Protocol):
    """An action as an object: it knows how to do itself and how to take itself back."""

    def execute(self) -> None: ...

    def undo(self) -> None: ...


class InsertText:
    def __init__(self, document: Document, position: int, text: str) -> None:
        self.document = document
        self.position = position
        self.text = text

    def execute(self) -> None:
        self.document.insert(self.position, self.text)

    def undo(self) -> None:
        self.document.delete(self.position, len(self.text))


class DeleteText:
    def __init__(self, document: Document, position: int, length: int) -> None:
        self.document = document
        self.position = position
        self.length = length
        self.removed = ""

    def execute(self) -> None:
        # What to put back is known only now, when the deletion really happens.
        self.removed = self.document.delete(self.position, self.length)

    def undo(self) -> None:
        self.document.insert(self.position, self.removed)


class Editor:
    """The invoker: two stacks of commands; undo and redo move one from one to the other."""

    def __init__(self) -> None:
        self._stacks = {"done": [], "undone": []}

    def run(self, command: Command) -> None:
        command.execute()
        self._stacks["done"].append(command)
        self._stacks["undone"].clear()

    def _move(self, source: str, target: str, action: str) -> bool:
        if not self._stacks[source]:
            return False
        command = self._stacks[source].pop()
        getattr(command, action)()
        self._stacks[target].append(command)
        return True

    undo = partialmethod(_move, "done", "undone", "undo")
    redo = partialmethod(_move, "undone", "done", "execute")


if __name__ == "__main__":
    doc = Document()
    editor = Editor()
    editor.run(InsertText(doc, 0, "Hello world"))
    editor.run(DeleteText(doc, 5, 6))
    editor.run(InsertText(doc, 5, "!"))
    editor.undo()
    editor.undo()
    print(doc.text)
    editor.redo()
    print(doc.text)
