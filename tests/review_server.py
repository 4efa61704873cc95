"""The real `analyzer review serve` as a child process, for tests that restart or kill it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

START_TIMEOUT_S = 60


class ReviewServer:
    def __init__(self, out: Path):
        self.out = out
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> ReviewServer:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "analyzer", "review", "serve", "--out", str(self.out), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.process.stdout.readline()  # "review app on http://127.0.0.1:PORT/ (Ctrl-C to stop)"
        match = re.search(r"(http://\S+/)", line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"the review server did not start: {line}{self.process.stdout.read()}")
        self.url = match.group(1)
        return self

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=START_TIMEOUT_S)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=START_TIMEOUT_S)
