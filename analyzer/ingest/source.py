"""Finding input files under the roots a user names."""

from __future__ import annotations

import os
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Iterator

from analyzer.errors import InputFileError, UsageError


@dataclass(frozen=True)
class SourceFile:
    path: Path  # as found under the root the user named
    relative_path: str  # posix path under that root; the first folder names the department

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    def read_bytes(self, max_bytes: int) -> bytes:
        try:
            size = self.path.stat().st_size
            if size > max_bytes:
                raise InputFileError("too_large", f"file is {size / 1048576:.1f} MB, above the limit of "
                                     f"{max_bytes / 1048576:g} MB ([limits] max_file_mb)")
            data = self.path.read_bytes()
        except OSError as exc:
            raise InputFileError("unreadable", f"cannot read file: {exc.strerror or exc}") from None
        if not data.strip():
            raise InputFileError("empty", "file is empty" if not data else "file holds only whitespace")
        return data


def check_inputs(inputs: list[str | Path]) -> list[Path]:
    """Fail fast, before any work, when an input path does not exist."""
    paths = [Path(p) for p in inputs]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"input path not found: {', '.join(missing)}")
    return paths


def is_excluded(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch(name, pattern) for pattern in patterns)


def discover(inputs: list[Path], exclude: tuple[str, ...]) -> Iterator[SourceFile | str]:
    """Yield every input file in a stable order; yield the path string of each excluded file.

    A file named directly has no department folder; files under a named
    folder are relative to it.
    """
    for root in inputs:
        if root.is_file():
            yield SourceFile(path=root, relative_path=root.name)
            continue
        for folder, dirs, files in os.walk(root):
            # prune excluded folders (.git, .snapshots) and walk in a stable order
            dirs[:] = sorted(d for d in dirs if not is_excluded(d, exclude))
            for name in sorted(files):
                path = Path(folder) / name
                if is_excluded(name, exclude):
                    yield str(path)
                    continue
                yield SourceFile(path=path, relative_path=path.relative_to(root).as_posix())
