"""Vendored, trimmed OpenAPI and CRD schemas (JSON data; see SOURCES.md)."""
