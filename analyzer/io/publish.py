"""Durable writes, and finishing a journaled publish left by an earlier release.

Runs now publish with one switch (``analyzer.io.versions``). Releases before it
published through a journal of renames (``OUT/_state/journal.json``); if one of
them died in the middle, the next run (under the output lock) completes those
renames first, so an output folder is never left at mixed versions by an upgrade.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Callable

JOURNAL = "journal.json"


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def roll_forward(state: Path, on_step: Callable[[str], None] | None = None) -> bool:
    """Complete the renames of a journal, if one is there; True when there was one."""
    journal = state / JOURNAL
    if not journal.exists():
        return False
    try:
        moves = json.loads(journal.read_text(encoding="utf-8"))["moves"]
    except (OSError, ValueError, KeyError):
        # a journal is only ever written whole (write_atomically); a broken one was never acted on
        journal.unlink(missing_ok=True)
        return False
    for source, target in moves:
        _move(Path(source), Path(target))
        if on_step:
            on_step(f"published {target}")
    journal.unlink()
    fsync_dir(state)
    return True


def _move(source: Path, target: Path) -> None:
    """Move ``source`` onto ``target``; a no-op when an earlier attempt already did it."""
    if not source.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        if target.exists():
            # a folder cannot be replaced in one rename; the journal redoes this step if we stop here
            shutil.rmtree(target)
        os.rename(source, target)
    else:
        os.replace(source, target)
    fsync_dir(target.parent)
