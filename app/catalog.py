"""The loaded exercise catalog, attached to the app once at start-up."""

from __future__ import annotations

import logging

from flask import Flask
from flask import current_app

from .exercises import Catalog
from .exercises import load_catalog

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Load the catalog; broken folders are logged, and the rest of the app still starts."""
    catalog = load_catalog(app.config["EXERCISES_DIR"])
    for error in catalog.errors:
        log.error("exercise not loaded: %s", error)
    app.extensions["catalog"] = catalog


def get_catalog() -> Catalog:
    """Return the current app's catalog."""
    return current_app.extensions["catalog"]
