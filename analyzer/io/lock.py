"""One run at a time per output folder: an exclusive advisory lock on ``OUT/_state/lock``.

The lock is held by the open file, so the operating system releases it when the
process ends, even after ``kill -9``: a crashed run never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from analyzer.errors import OutputBusyError, OutputError

POLL_SECONDS = 0.2


class OutputLock:
    def __init__(self, path: Path, wait_seconds: float = 0.0):
        self.path = path
        self.wait_seconds = wait_seconds
        self._fd: int | None = None

    def __enter__(self) -> "OutputLock":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot write to output folder {self.path.parent.parent}: "
                              f"{exc.strerror or exc}") from None
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder()
                    os.close(self._fd)
                    self._fd = None
                    raise OutputBusyError(
                        f"another run{holder} is writing to {self.path.parent.parent}; "
                        f"wait for it or pass --wait SECONDS") from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"{os.getpid()}\n".encode())
        return self

    def _holder(self) -> str:
        try:
            pid = self.path.read_text().strip()
        except OSError:
            return ""
        return f" (process {pid})" if pid else ""

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
