"""A tiny text editor: every edit is a command object that can do and undo itself."""

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
    """One history list and a cursor: commands before it are done, after it undone."""

    def __init__(self) -> None:
        self.history: list[Command] = []
        self.cursor = 0

    def run(self, command: Command) -> None:
        command.execute()
        del self.history[self.cursor:]
        self.history.append(command)
        self.cursor += 1

    def undo(self) -> bool:
        if self.cursor == 0:
            return False
        self.cursor -= 1
        self.history[self.cursor].undo()
        return True

    def redo(self) -> bool:
        if self.cursor == len(self.history):
            return False
        self.history[self.cursor].execute()
        self.cursor += 1
        return True
