"""Productive friction: the rules (F0-F9 in PEDAGOGY.md) and the struggle metrics (EQ, RED).

Pure Python: it takes a learner's recent checks and journal entries as plain data and decides,
so it is unit-tested without a database and the same decisions are enforced on the server.
"""
