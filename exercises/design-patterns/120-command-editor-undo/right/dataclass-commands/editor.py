"""Commands as dataclasses; the editor keeps two stacks."""

from dataclasses import dataclass
from dataclasses import field


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



@dataclass
class InsertText:
    document: Document
    position: int
    text: str

    def execute(self):
        self.document.insert(self.position, self.text)

    def undo(self):
        self.document.delete(self.position, len(self.text))


@dataclass
class DeleteText:
    document: Document
    position: int
    length: int
    removed: str = field(default="", init=False)

    def execute(self):
        self.removed = self.document.delete(self.position, self.length)

    def undo(self):
        self.document.insert(self.position, self.removed)


@dataclass
class Editor:
    done: list = field(default_factory=list)
    undone: list = field(default_factory=list)

    def run(self, command):
        command.execute()
        self.done.append(command)
        self.undone = []

    def undo(self):
        if self.done:
            command = self.done.pop()
            command.undo()
            self.undone.append(command)
            return True
        return False

    def redo(self):
        if self.undone:
            command = self.undone.pop()
            command.execute()
            self.done.append(command)
            return True
        return False
