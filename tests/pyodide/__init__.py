"""Tests that grade in real Pyodide under Node (marker: pyodide)."""
