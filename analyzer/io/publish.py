"""Publishing a run in one step, and finishing a publish that a crash cut short.

A run prepares everything in ``OUT/_state/staging/<run>``, then writes a journal
listing the renames that publish it (kept rows, one file per dataset partition,
the manifest last) and carries them out. Each rename replaces one file or folder
atomically, so a reader always sees a whole partition file, old or new. If the
process dies during the renames, the next run (under the output lock) finds the
journal and completes them first; a crash before the journal is written leaves
only staging debris, removed by the next run.
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


def write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fsync_dir(path.parent)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def write_journal(state: Path, moves: list[tuple[Path, Path]]) -> None:
    """The commit point: once the journal for ``moves`` (source -> target, in order) is on
    disk, the publish will complete, now or in the next run."""
    for source, _ in moves:
        if source.is_file():
            fsync_file(source)  # the data is on disk before any rename points at it
    record = {"moves": [[str(source), str(target)] for source, target in moves]}
    write_atomically(state / JOURNAL, json.dumps(record, indent=1).encode())


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
