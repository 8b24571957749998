"""The server's re-check of claimed passes: a queue in the database worked by a pool of warm
Pyodide interpreters in a sandbox (see README "Verified passes")."""
