"""A tiny text editor with undo."""


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


class Editor:
    """Edits a document and remembers each edit so it can be undone."""

    def __init__(self, document):
        self.document = document
        self.history = []  # ("insert", position, text) or ("delete", position, removed)

    def insert(self, position, text):
        self.document.insert(position, text)
        self.history.append(("insert", position, text))

    def delete(self, position, length):
        removed = self.document.delete(position, length)
        self.history.append(("delete", position, removed))

    def undo(self):
        if not self.history:
            return False
        action, position, text = self.history.pop()
        if action == "insert":
            self.document.delete(position, len(text))
        elif action == "delete":
            self.document.insert(position, text)
        return True


if __name__ == "__main__":
    doc = Document()
    editor = Editor(doc)
    editor.insert(0, "Hello world")
    editor.delete(5, 6)
    editor.insert(5, "!")
    editor.undo()
    editor.undo()
    print(doc.text)
