"""Append-only, HMAC-chained audit events."""

from casework.audit.service import (
    ChainReport,
    entries_for,
    latest_entries_for,
    record,
    verify_chain,
)

__all__ = ["ChainReport", "entries_for", "latest_entries_for", "record", "verify_chain"]
