"""Every run publishes all its datasets with one atomic switch, so readers never see a mix.

::

    OUT/interactions -> _current/interactions          one fixed link per dataset
    OUT/_current -> _versions/<run_id>                 replaced in one rename: the switch
    OUT/_versions/<run_id>/<dataset>/run_date=D/part-0.parquet
    OUT/_versions/<run_id>/_manifest.parquet           the manifest switches with the data

A run builds its whole version beside the current one (earlier partitions are
hard links, so it costs no copy), then replaces the ``_current`` link with one
``rename``. Before that instant every reader (pandas, DuckDB, Spark, or this
tool) sees the previous run's datasets and manifest, all of them; after it, all
of the new ones. A reader that opened files of the previous version keeps them:
the previous version is removed only by the run after next. A crash at any
moment leaves the previous version current and, at worst, an unfinished version
folder that the next run removes.

Output folders written by earlier releases (datasets as plain folders) are
migrated by the first publish: their files become the base of the first version,
and each folder is replaced by its link.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from analyzer.io.publish import fsync_dir

CURRENT = "_current"
VERSIONS = "_versions"
MANIFEST = "_manifest.parquet"
KEEP_VERSIONS = 2  # the current one and the one before, for readers still reading it


def current_version(out: Path) -> Path | None:
    link = out / CURRENT
    return out / os.readlink(link) if link.is_symlink() else None


def previous_files(out: Path, dataset: str) -> Path | None:
    """Where the files of ``dataset`` are now: the current version, or a folder of an earlier release."""
    version = current_version(out)
    if version is not None and (version / dataset).is_dir():
        return version / dataset
    legacy = out / dataset
    if legacy.is_dir() and not legacy.is_symlink():
        return legacy
    return None


def link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target)


def carry_partitions(out: Path, dataset: str, folder: Path, replaced_partition: str) -> None:
    """Link every partition of ``dataset`` except ``replaced_partition`` into a new version."""
    previous = previous_files(out, dataset)
    if previous is None:
        return
    for partition in sorted(previous.iterdir()):
        if partition.name == replaced_partition or not partition.is_dir():
            continue
        for path in sorted(partition.iterdir()):
            if path.is_file():
                link_or_copy(path, folder / dataset / partition.name / path.name)


def switch(out: Path, version: Path) -> None:
    """Make ``version`` the current one: the single atomic step of a publish."""
    temporary = out / f"{CURRENT}.new"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(f"{VERSIONS}/{version.name}", temporary, target_is_directory=True)
    os.replace(temporary, out / CURRENT)
    fsync_dir(out)


def link_datasets(out: Path, datasets) -> None:
    """``OUT/<dataset>`` as a link into the current version (replacing a folder of an earlier release)."""
    for dataset in datasets:
        path = out / dataset
        if path.is_symlink():
            continue
        if path.is_dir():
            shutil.rmtree(path)  # its files were carried into the current version before the switch
        os.symlink(f"{CURRENT}/{dataset}", path, target_is_directory=True)


def remove_old_versions(out: Path) -> None:
    """Keep the current version and the one before it; remove unfinished and older ones."""
    folder = out / VERSIONS
    if not folder.is_dir():
        return
    current = current_version(out)
    finished = sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime)
    keep = {current} | set(finished[-KEEP_VERSIONS:])
    for path in folder.iterdir():
        if path not in keep:
            shutil.rmtree(path, ignore_errors=True)
