"""A tiny text editor with undo and redo."""

from abc import ABC
from abc import abstractmethod
from collections import deque
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



class Command(ABC):
    @abstractmethod
    def execute(self): ...

    @abstractmethod
    def undo(self): ...


@dataclass
class InsertText(Command):
    document: Document
    position: int
    text: str

    def execute(self):
        self.document.insert(self.position, self.text)

    def undo(self):
        self.document.delete(self.position, len(self.text))


@dataclass
class DeleteText(Command):
    document: Document
    position: int
    length: int
    _removed: str = field(default="", init=False)

    def execute(self):
        self._removed = self.document.delete(self.position, self.length)

    def undo(self):
        self.document.insert(self.position, self._removed)


class Editor:
    def __init__(self):
        self._undo = deque()
        self._redo = deque()

    def run(self, command):
        command.execute()
        self._undo.append(command)
        self._redo = deque()

    def undo(self):
        return self._move(self._undo, self._redo, "undo")

    def redo(self):
        return self._move(self._redo, self._undo, "execute")

    @staticmethod
    def _move(source, target, action):
        if not source:
            return False
        command = source.pop()
        getattr(command, action)()
        target.append(command)
        return True
