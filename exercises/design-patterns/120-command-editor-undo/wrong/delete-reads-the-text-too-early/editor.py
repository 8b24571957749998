"""Commands and a generic editor, but DeleteText reads what it will remove when it is created."""


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
        self.document.delete(self.position, len(self.text))


class DeleteText:
    def __init__(self, document, position, length):
        self.document = document
        self.position = position
        self.length = length
        self.removed = document.text[position : position + length]

    def execute(self):
        self.document.delete(self.position, self.length)

    def undo(self):
        self.document.insert(self.position, self.removed)


class Editor:
    def __init__(self):
        self._done = []
        self._undone = []

    def run(self, command):
        command.execute()
        self._done.append(command)
        self._undone.clear()

    def undo(self):
        if not self._done:
            return False
        command = self._done.pop()
        command.undo()
        self._undone.append(command)
        return True

    def redo(self):
        if not self._undone:
            return False
        command = self._undone.pop()
        command.execute()
        self._done.append(command)
        return True
