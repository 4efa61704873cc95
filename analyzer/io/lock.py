"""One run at a time per output folder: an exclusive lock on ``OUT/_state/lock``.

The lock is an operating-system file lock taken through ``filelock`` (``flock``
on Linux and macOS, ``msvcrt.locking`` on Windows), held by the open file, so the
system releases it when the process ends, even after ``kill -9``: a crashed run
never leaves a stale lock. The holder's process id goes to ``lock.owner`` beside
it, for the message a second run prints.
"""

from __future__ import annotations

import os
from pathlib import Path

from filelock import FileLock, Timeout

from analyzer.errors import OutputBusyError, OutputError

POLL_SECONDS = 0.2


class OutputLock:
    def __init__(self, path: Path, wait_seconds: float = 0.0):
        self.path = path
        self.owner_path = path.with_name(path.name + ".owner")
        self.wait_seconds = wait_seconds
        self._lock: FileLock | None = None

    def __enter__(self) -> "OutputLock":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.path, timeout=self.wait_seconds, thread_local=False)
            lock.acquire(poll_interval=POLL_SECONDS)
        except Timeout:
            raise OutputBusyError(f"another run{self._holder()} is writing to {self.path.parent.parent}; "
                                  "wait for it or pass --wait SECONDS") from None
        except OSError as exc:
            raise OutputError(f"cannot write to output folder {self.path.parent.parent}: "
                              f"{exc.strerror or exc}") from None
        self._lock = lock
        try:
            self.owner_path.write_text(f"{os.getpid()}\n", encoding="ascii")
        except OSError:
            pass  # only a hint for the busy message
        return self

    def _holder(self) -> str:
        try:
            pid = self.owner_path.read_text(encoding="ascii").strip()
        except (OSError, ValueError):
            return ""
        return f" (process {pid})" if pid.isdigit() else ""

    def __exit__(self, *exc) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
