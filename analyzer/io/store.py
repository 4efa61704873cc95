"""The layout of an output folder and the life of one run's staging area.

::

    OUT/<dataset>/run_date=YYYY-MM-DD/part-0.parquet   published datasets (hive partitions), through
                                                       OUT/<dataset> -> _current/<dataset> (analyzer.io.versions)
    OUT/_current -> _versions/<run_id>                 the published version: datasets and manifest
    OUT/_state/segments/<run_id>/<dataset>.parquet     rows each run scored, kept for re-use
    OUT/_state/staging/<run_id>/                       a run in progress (never read by anyone)
    OUT/_state/lock                                    one writer at a time

Readers (pandas, DuckDB, Spark) skip folders starting with ``_``. A partition holds
every input file whose manifest entry has that ``run_date``: the files first scored
(or re-scored after a change) by runs on that date.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections import OrderedDict, defaultdict
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq

from analyzer.errors import OutputError, UsageError
from analyzer.io.datasets import (
    COMPRESSION,
    PARTITION_ROW_GROUP_ROWS,
    DatasetWriter,
    with_run_metadata,
    write_table,
)
from analyzer.io.lock import OutputLock
from analyzer.io.manifest import Manifest, ManifestEntry
from analyzer.io import publish, versions
from analyzer.io.schemas import DATASETS, PER_FILE_DATASETS, SORT_KEYS

STATE = "_state"
# row groups of the run segments kept decoded while a partition is assembled
CACHED_ROW_GROUPS = 8
PART = "part-0.parquet"


class OutputStore:
    def __init__(self, out: Path):
        self.out = out
        self.state = out / STATE

    def lock(self, wait_seconds: float = 0.0) -> OutputLock:
        return OutputLock(self.state / "lock", wait_seconds)

    def recover(self, on_step: Callable[[str], None] | None = None) -> bool:
        """Drop what a crashed run left (staging, an unfinished version); finish a journaled publish of an
        earlier release. True if such a publish was finished."""
        finished = publish.roll_forward(self.state, on_step)
        shutil.rmtree(self.state / "staging", ignore_errors=True)
        versions.remove_old_versions(self.out)
        return finished

    def manifest_path(self) -> Path:
        current = versions.current_version(self.out)
        return current / versions.MANIFEST if current is not None else self.state / "manifest.parquet"

    def manifest(self, *, rebuild_if_damaged: bool = False) -> Manifest:
        """The manifest; with ``rebuild_if_damaged`` (a full refresh) an unreadable one counts as empty."""
        try:
            return Manifest.load(self.manifest_path())
        except OutputError:
            if rebuild_if_damaged:
                return Manifest()
            raise

    def current_run_dates(self) -> dict[str, str]:
        """Source path -> the run date of the partition holding its current rows (from the manifest);
        empty when the manifest cannot be read (each file then counts at its latest run date)."""
        try:
            return {path: entry.run_date for path, entry in self.manifest().entries.items()}
        except OutputError:
            return {}

    def read(self, dataset: str, columns: list[str] | None = None, filter=None) -> pa.Table:
        """A published dataset, all partitions, with ``run_date`` as a column."""
        folder = self.out / dataset
        if not folder.exists():
            raise UsageError(f"no {dataset} dataset under {self.out}: run 'analyzer run ... --out {self.out}' first")
        import pyarrow.dataset as ds  # imports pandas: only when a dataset is read

        return ds.dataset(folder, format="parquet", partitioning="hive").to_table(columns=columns, filter=filter)

    def partition_path(self, dataset: str, run_date: str) -> Path:
        return self.out / dataset / f"run_date={run_date}" / PART

    def segment_folder(self, run_id: str) -> Path:
        return self.state / "segments" / run_id

    def collect_garbage(self, manifest: Manifest) -> None:
        """Remove kept rows that no manifest entry points to any more."""
        folder = self.state / "segments"
        if folder.exists():
            for segment in folder.iterdir():
                if segment.name not in manifest.segments():
                    shutil.rmtree(segment, ignore_errors=True)

    def start_run(self, run_id: str, metadata: dict[str, str]) -> "RunStaging":
        return RunStaging(self, run_id, metadata)


class RunStaging:
    """One run's work in progress: its kept rows, its partition files, its manifest."""

    def __init__(self, store: OutputStore, run_id: str, metadata: dict[str, str]):
        self.store, self.run_id, self.metadata = store, run_id, metadata
        self.folder = store.state / "staging" / run_id
        try:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(f"cannot write to output folder {store.out}: {exc.strerror or exc}") from None
        self.writers = {name: DatasetWriter(self.folder / "segment" / f"{name}.parquet", name, DATASETS[name], metadata)
                        for name in PER_FILE_DATASETS}
        self.partitions: dict[str, Path] = {}

    def __getitem__(self, dataset: str) -> DatasetWriter:
        return self.writers[dataset]

    def close_segment(self) -> None:
        for writer in self.writers.values():
            writer.close()

    def _segment_file(self, segment: str, dataset: str) -> Path:
        if segment == self.run_id:
            return self.folder / "segment" / f"{dataset}.parquet"
        return self.store.segment_folder(segment) / f"{dataset}.parquet"

    def write_kept_partition(self, dataset: str, entries: list[ManifestEntry],
                             on_rows: Callable[[pa.Table], None] | None = None) -> None:
        """This date's partition of ``dataset``: the rows of the input files of ``entries``, from whichever
        run scored each, in ``SORT_KEYS`` order.

        Written file by file: the kept rows of one input file are read (only the row groups that hold
        them; a row group holds at most BATCH_ROWS rows, of one or several files), sorted and appended, and the partition goes out in row groups of
        ``PARTITION_ROW_GROUP_ROWS``; memory holds one file's rows and one row group, never the
        partition. ``on_rows`` sees every written piece (the engine takes the aggregates' columns).
        """
        segment_of = {entry.source_path: entry.segment for entry in entries}
        index = _RowGroupIndex({segment: self._segment_file(segment, dataset) for segment in set(segment_of.values())})
        path = self.folder / "publish" / f"{dataset}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        schema = with_run_metadata(DATASETS[dataset], self.metadata)
        keys = [(key, "ascending") for key in SORT_KEYS[dataset]]
        with pq.ParquetWriter(path, schema, compression=COMPRESSION) as writer:
            pending = _RowGroupBuffer(writer, schema, on_rows)
            for relative_path, source_path in index.files(segment_of):
                pending.add(index.rows(segment_of[source_path], source_path).sort_by(keys))
            pending.close()
        self.partitions[dataset] = path

    def write_partition(self, dataset: str, table: pa.Table) -> None:
        path = self.folder / "publish" / f"{dataset}.parquet"
        write_table(table, path, self.metadata)
        self.partitions[dataset] = path

    def publish(self, manifest: Manifest, run_date: str, on_step: Callable[[str], None] | None = None) -> dict:
        """Make the run visible in one switch: a new version with every dataset and the manifest."""
        store = self.store
        partition = f"run_date={run_date}"
        # a new folder every time, also when this run id was published before (a full refresh of the same
        # drop): the current version is never written into, only switched away from
        version = store.out / versions.VERSIONS / f"{self.run_id}-{uuid.uuid4().hex[:8]}"
        building = version.with_name(f".{version.name}.building")
        for dataset in DATASETS:
            versions.carry_partitions(store.out, dataset, building, partition)
            if dataset in self.partitions:
                versions.link_or_copy(self.partitions[dataset], building / dataset / partition / PART)
        manifest.write(building / versions.MANIFEST)
        # the new files are on disk before the switch points at them (carried partitions already were)
        for path in [*self.partitions.values(), building / versions.MANIFEST]:
            publish.fsync_file(path)
        segment = store.segment_folder(self.run_id)
        if not segment.exists():
            segment.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.folder / "segment", segment)
        if on_step:
            on_step("version built")
        os.replace(building, version)
        versions.switch(store.out, version)
        if on_step:
            on_step("switched")
        versions.link_datasets(store.out, DATASETS)
        (store.state / "manifest.parquet").unlink(missing_ok=True)  # an earlier release's, now in the version
        if on_step:
            on_step("linked")
        shutil.rmtree(self.folder, ignore_errors=True)
        versions.remove_old_versions(store.out)
        store.collect_garbage(manifest)
        if on_step:
            on_step("tidied")
        return {dataset: store.partition_path(dataset, run_date).parent for dataset in self.partitions}

    def abort(self) -> None:
        """Drop the run's work (once the switch has happened, the run is published and this only tidies)."""
        for writer in self.writers.values():
            try:
                writer.discard()
            except OSError:
                pass  # the folder is removed below either way
        shutil.rmtree(self.folder, ignore_errors=True)


class _RowGroupIndex:
    """Which row groups of the segment files hold which input file's rows."""

    def __init__(self, files: dict[str, Path]):
        self.files_by_segment = {}
        self.groups: dict[tuple[str, str], list[int]] = defaultdict(list)  # (segment, source path) -> groups
        self.names: set[tuple[str, str, str]] = set()  # (relative path, source path, segment)
        for segment, path in files.items():
            try:
                parquet = pq.ParquetFile(path)
            except (OSError, pa.ArrowInvalid) as exc:
                raise OutputError(f"kept rows {path} are missing or unreadable ({exc}); "
                                  "run again with --full-refresh") from None
            self.files_by_segment[segment] = parquet
            for group in range(parquet.num_row_groups):
                # two small columns per row group: which files it holds (one, unless an older release wrote it)
                names = parquet.read_row_group(group, columns=["relative_path", "source_path"])
                for relative_path, source_path in set(zip(names["relative_path"].to_pylist(),
                                                          names["source_path"].to_pylist())):
                    self.groups[(segment, source_path)].append(group)
                    self.names.add((relative_path, source_path, segment))
        self._cached: OrderedDict[tuple[str, int], pa.Table] = OrderedDict()

    def files(self, segment_of: dict[str, str]) -> list[tuple[str, str]]:
        """(relative path, source path) of every wanted file with kept rows, in the partition's order."""
        return sorted({(relative, source) for relative, source, segment in self.names
                       if segment_of.get(source) == segment})

    def rows(self, segment: str, source_path: str) -> pa.Table:
        import pyarrow.compute as pc  # not needed by a run that has nothing to score

        pieces = []
        for group in self.groups[(segment, source_path)]:
            table = self._row_group(segment, group)
            pieces.append(table.filter(pc.equal(table["source_path"], source_path)))
        return pa.concat_tables(pieces)

    def _row_group(self, segment: str, group: int) -> pa.Table:
        # a row group (BATCH_ROWS rows) holds the rows of several small files, read in about the order they
        # were written: the last few read are kept, so each is mostly decompressed once
        key = (segment, group)
        if key not in self._cached:
            self._cached[key] = self.files_by_segment[segment].read_row_group(group).replace_schema_metadata(None)
            while len(self._cached) > CACHED_ROW_GROUPS:
                self._cached.popitem(last=False)
        self._cached.move_to_end(key)
        return self._cached[key]


class _RowGroupBuffer:
    """Rows on their way to a partition file, written in row groups of exactly PARTITION_ROW_GROUP_ROWS."""

    def __init__(self, writer: pq.ParquetWriter, schema: pa.Schema, on_rows):
        self.writer, self.schema, self.on_rows = writer, schema, on_rows
        self.tables: list[pa.Table] = []
        self.rows = 0

    def add(self, table: pa.Table) -> None:
        self.tables.append(table)
        self.rows += table.num_rows
        while self.rows >= PARTITION_ROW_GROUP_ROWS:
            buffered = pa.concat_tables(self.tables)
            self._write(buffered.slice(0, PARTITION_ROW_GROUP_ROWS))
            rest = buffered.slice(PARTITION_ROW_GROUP_ROWS)
            self.tables, self.rows = [rest], rest.num_rows

    def close(self) -> None:
        if self.rows:
            self._write(pa.concat_tables(self.tables))
        self.tables, self.rows = [], 0

    def _write(self, table: pa.Table) -> None:
        table = table.replace_schema_metadata(self.schema.metadata)  # the run's metadata in the footer
        self.writer.write_table(table, row_group_size=PARTITION_ROW_GROUP_ROWS)
        if self.on_rows:
            self.on_rows(table)
