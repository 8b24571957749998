"""The journal page, export and account deletion (views)."""

from __future__ import annotations
