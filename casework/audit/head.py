"""The last verified head of the chain, kept in the instance folder, outside the database.

A chain that is cut short at its end still verifies: every remaining entry is intact. Each
successful `casework audit verify` therefore remembers the head it saw (sequence and MAC)
in a file the database administrator cannot reach, and the next run checks that this entry
is still there, unchanged.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

HEAD_FILE = "audit_head.json"


@dataclass(frozen=True)
class ChainHead:
    seq: int
    mac: str


def head_path(instance_path: Path) -> Path:
    return instance_path / HEAD_FILE


def read_head(path: Path) -> ChainHead | None:
    """The head remembered by the last successful verification, if any."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return ChainHead(seq=int(data["seq"]), mac=str(data["mac"]))


def write_head(path: Path, head: ChainHead) -> None:
    """Replace the remembered head atomically, readable only by the owner."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"seq": head.seq, "mac": head.mac}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
