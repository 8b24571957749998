"""Every bundled exercise proven on CPython."""
