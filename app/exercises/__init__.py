"""The exercise catalog: authored folders -> validated, versioned exercises (no Flask, no SQL)."""

from __future__ import annotations

from .loader import load_catalog
from .schema import Catalog
from .schema import Exercise
from .schema import LoadError
from .schema import Track

__all__ = ["Catalog", "Exercise", "LoadError", "Track", "load_catalog"]
