"""Finding input files under the roots a user names, and reading them safely.

Only regular files are read: a FIFO, device or socket in a drop (or a link to
one, such as ``/dev/zero``) would block or never end, so it is reported, never
opened for reading. A symbolic link whose target lies outside the input root is
not followed unless ``[input] follow_symlinks`` says so (a link in a drop must
not publish ``/etc/passwd``). Inputs that overlap (``drop drop/support``) give
each file once, under the outermost root that holds it.
"""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import BinaryIO, Iterator

from analyzer.errors import InputFileError, UsageError

_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


@dataclass(frozen=True)
class SourceFile:
    path: Path  # as found under the root the user named
    relative_path: str  # posix path under that root; the first folder names the department
    problem: tuple[str, str] | None = None  # (error kind, message) when the walker refused the file

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    def read_bytes(self, max_bytes: int) -> bytes:
        if self.problem is not None:
            raise InputFileError(*self.problem)
        try:
            with open_regular(self.path) as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > max_bytes:
                    raise _too_large(size, max_bytes)
                data = handle.read(max_bytes + 1)  # a file that grows while it is read is cut here
        except OSError as exc:
            raise InputFileError("unreadable", f"cannot read file: {exc.strerror or exc}") from None
        if len(data) > max_bytes:
            raise _too_large(len(data), max_bytes)
        if not data.strip():
            raise InputFileError("empty", "file is empty" if not data else "file holds only whitespace")
        return data


def _too_large(size: int, max_bytes: int) -> InputFileError:
    return InputFileError("too_large", f"file is {size / 1048576:.1f} MB, above the limit of "
                          f"{max_bytes / 1048576:g} MB ([limits] max_file_mb)")


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading, without blocking on a FIFO; anything else is an input error."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputFileError("not_regular", f"not a regular file ({_KINDS.get(stat.S_IFMT(mode), 'special')}): "
                                 "only regular files are read")
        return io.open(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise


def check_inputs(inputs: list[str | Path]) -> list[Path]:
    """Fail fast, before any work, when an input path does not exist."""
    paths = [Path(p) for p in inputs]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"input path not found: {', '.join(missing)}")
    return paths


def is_excluded(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch(name, pattern) for pattern in patterns)


def discover(inputs: list[Path], exclude: tuple[str, ...],
             follow_symlinks: bool = False) -> Iterator[SourceFile | str]:
    """Yield every input file in a stable order; yield the path string of each excluded file.

    A file named directly has no department folder; files under a named folder
    are relative to it. A file refused by the checks in the module docstring is
    yielded with its ``problem`` set, so it becomes an error row.
    """
    seen: set[tuple[int, int]] = set()
    # outermost roots first, so a file under two overlapping roots keeps the department folder of the outer one
    for root in sorted(inputs, key=lambda p: len(Path(os.path.abspath(p)).parts)):
        if root.is_file():
            yield from _once(SourceFile(path=root, relative_path=root.name), seen)
            continue
        if not root.is_dir():
            yield from _once(_checked(root, root.name, root, True), seen)
            continue
        real_root = Path(os.path.realpath(root))
        for folder, dirs, files in os.walk(root):
            # prune excluded folders (.git, .snapshots) and walk in a stable order
            dirs[:] = sorted(d for d in dirs if not is_excluded(d, exclude))
            for name in sorted(files):
                path = Path(folder) / name
                if is_excluded(name, exclude):
                    yield str(path)
                    continue
                relative = path.relative_to(root).as_posix()
                yield from _once(_checked(path, relative, real_root, follow_symlinks), seen)


def _checked(path: Path, relative: str, real_root: Path, follow_symlinks: bool) -> SourceFile:
    """The file, or the file with the reason it is not read."""
    try:
        if path.is_symlink():
            target = Path(os.path.realpath(path))
            if not follow_symlinks and not target.is_relative_to(real_root):
                return SourceFile(path, relative, ("outside_root", "a symbolic link to a file outside the input "
                                                   "folder: not followed ([input] follow_symlinks)"))
        mode = path.stat().st_mode
    except OSError as exc:
        return SourceFile(path, relative, ("unreadable", f"cannot read file: {exc.strerror or exc}"))
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "a special file")
        return SourceFile(path, relative, ("not_regular", f"not a regular file ({kind}): only regular files are read"))
    return SourceFile(path, relative)


def _once(source: SourceFile, seen: set[tuple[int, int]]) -> Iterator[SourceFile]:
    """Each file once, however many inputs or links lead to it."""
    try:
        info = source.path.stat()
    except OSError:
        yield source
        return
    identity = (info.st_dev, info.st_ino)
    if identity in seen and stat.S_ISREG(info.st_mode):
        return
    seen.add(identity)
    yield source
