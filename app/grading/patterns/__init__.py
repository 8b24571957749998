"""Structural checks that confirm a design pattern is really used, one module per family.

Exercise tests call these (as ``grading.patterns.<family>``) after the behavioural tests, so a
working but pattern-free answer fails with a message saying which part of the pattern is missing.
Each check returns a list of problems in plain words (empty when the structure is right).
"""
