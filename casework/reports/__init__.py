"""Anonymised statistics for the board: SQL aggregates, small-cell suppression, exports."""
