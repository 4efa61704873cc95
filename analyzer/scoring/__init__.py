"""Scores, flags and aggregates: pure functions over DataFrames (no I/O, no spaCy)."""
