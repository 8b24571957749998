"""A tiny text editor with undo and redo."""


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


class InsertText:
    def __init__(self, document, position, text):
        self.document = document
        self.position = position
        self.text = text

    def execute(self):
        self.document.insert(self.position, self.text)

    def undo(self):
        self.document.text = self.document.text.replace(self.text, "", 1)


class DeleteText:
    def __init__(self, document, position, length):
        self.document = document
        self.position = position
        self.length = length
        self.removed = None

    def execute(self):
        self.removed = self.document.delete(self.position, self.length)

    def undo(self):
        self.document.insert(self.position, self.removed)
class Editor:
    def __init__(self):
        self.done = []
        self.undone = []

    def run(self, command):
        command.execute()
        self.done.append(command)
        self.undone.clear()

    def undo(self):
        if not self.done:
            return False
        command = self.done.pop()
        command.undo()
        self.undone.append(command)
        return True

    def redo(self):
        if not self.undone:
            return False
        command = self.undone.pop()
        command.execute()
        self.done.append(command)
        return True
