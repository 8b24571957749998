"""CSV cells as a spreadsheet should show them: the one formula guard every CSV download uses."""

from __future__ import annotations

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets
# (OWASP "CSV injection"): a learner's display name "=HYPERLINK(...)" would become a link.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """The text, with a leading apostrophe if a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
