"""What a run tells the person (or cron job) watching it.

``Reporter`` receives the run's events; the CLI picks one:
- ``TextReporter``: a progress bar on stderr when stderr is a terminal, and
  warnings as one ``Warning: ...`` line each (with ``quiet``, only the warnings:
  ``--quiet`` and cron);
- ``JsonReporter``: one JSON object per line on stderr (``--log-format json``),
  for log collectors;
- ``Reporter`` itself: silent (the Python API's default).

``warnings_to`` sends Python warnings raised by any library during a run to the
reporter, so a JSON log stays one JSON object per line.
"""

from __future__ import annotations

import json
import sys
import warnings
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator, TextIO

WARNING_EVENTS = ("model_drift", "warning")


class Reporter:
    """Silent base: every event is a no-op."""

    def event(self, name: str, **fields) -> None:
        """A step of the run: recovered, planned, file_scored, file_failed, published, finished..."""

    def close(self) -> None:
        pass


class TextReporter(Reporter):
    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self._bar = None

    def event(self, name: str, **fields) -> None:
        if name in WARNING_EVENTS:
            print(f"Warning: {fields['message']}", file=self.stream)
        elif self.quiet:
            return
        elif name == "recovered":
            print("finished the publish of an interrupted run", file=self.stream)
        elif name == "planned" and fields["to_score"] and self.stream.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=fields["to_score"], unit="file", file=self.stream, desc="scoring", leave=False)
        elif name in ("file_scored", "file_failed") and self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class JsonReporter(Reporter):
    """Structured log lines; per-file successes are left out to keep nightly logs small."""

    QUIET_EVENTS = {"file_scored", "step"}

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr

    def event(self, name: str, **fields) -> None:
        if name in self.QUIET_EVENTS:
            return
        level = fields.pop("level", "warning" if name == "file_failed" else "info")
        record = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), "level": level,
                  "event": name, **fields}
        print(json.dumps(record, sort_keys=True, default=str), file=self.stream, flush=True)


@contextmanager
def warnings_to(reporter: Reporter) -> Iterator[None]:
    """Python warnings as ``warning`` events of the reporter, instead of two raw lines on stderr."""
    previous = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        reporter.event("warning", level="warning", message=str(message), category=category.__name__)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = previous
