"""Parquet datasets under ``--out``: schema-checked writes into a staging folder,
then one publish step per run.

Layout: ``OUT/<dataset>/run_date=YYYY-MM-DD/part-0.parquet`` (hive partitioning,
read by pandas, DuckDB and Spark as a ``run_date`` column).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from analyzer.errors import OutputError, SchemaError

BATCH_ROWS = 2000
STAGING = ".staging"


def to_table(rows: list[dict[str, Any]], schema: pa.Schema, dataset: str) -> pa.Table:
    """Build a table with exactly ``schema``; a wrong column or type fails with its name and value."""
    expected = set(schema.names)
    for row in rows:
        missing, extra = expected - row.keys(), row.keys() - expected
        if missing or extra:
            raise SchemaError(f"{dataset}: rows do not match the schema "
                              f"(missing columns: {sorted(missing) or 'none'}; unknown columns: {sorted(extra) or 'none'})")
    columns = []
    for field in schema:
        values = [row[field.name] for row in rows]
        if not field.nullable and any(v is None for v in values):
            raise SchemaError(f"{dataset}.{field.name} must not be null (row {values.index(None)})")
        try:
            columns.append(pa.array(values, type=field.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
            bad = next((v for v in values if not _fits(v, field.type)), None)
            raise SchemaError(f"{dataset}.{field.name} must be {field.type}; got {bad!r} "
                              f"({type(bad).__name__}): {exc}") from None
    return pa.Table.from_arrays(columns, schema=schema)


def _fits(value: Any, arrow_type: pa.DataType) -> bool:
    try:
        pa.array([value], type=arrow_type)
        return True
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return False


class DatasetWriter:
    """Streams rows of one dataset into one Parquet file in the staging folder."""

    def __init__(self, folder: Path, dataset: str, schema: pa.Schema, metadata: dict[str, str]):
        self.dataset = dataset
        self.schema = schema.with_metadata({f"analyzer.{k}": v for k, v in metadata.items()})
        self.path = folder / dataset / "part-0.parquet"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        self._pending: list[dict[str, Any]] = []
        self.rows_written = 0

    def add(self, row: dict[str, Any]) -> None:
        self._pending.append(row)
        if len(self._pending) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            table = to_table(self._pending, self.schema, self.dataset)
            self._writer.write_table(table.replace_schema_metadata(self.schema.metadata))
            self.rows_written += len(self._pending)
            self._pending = []

    def close(self) -> None:
        self.flush()
        self._writer.close()

    def discard(self) -> None:
        """Close without writing what is pending (the run failed; its staging folder is removed)."""
        self._pending = []
        self._writer.close()


class RunOutput:
    """All datasets of one run: written to ``OUT/.staging/<run_id>``, published together."""

    def __init__(self, out: Path, run_id: str, run_date: str, schemas: dict[str, pa.Schema],
                 metadata: dict[str, str]):
        self.out, self.run_date = out, run_date
        try:
            out.mkdir(parents=True, exist_ok=True)
            self.staging = out / STAGING / run_id
            self.staging.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(f"cannot write to output folder {out}: {exc.strerror or exc}") from None
        self.writers = {name: DatasetWriter(self.staging, name, schema, metadata) for name, schema in schemas.items()}

    def __getitem__(self, dataset: str) -> DatasetWriter:
        return self.writers[dataset]

    def publish(self) -> dict[str, Path]:
        """Swap each dataset's ``run_date`` partition for the new one with renames, then drop staging."""
        published = {}
        for name, writer in self.writers.items():
            writer.close()
            target = self.out / name / f"run_date={self.run_date}"
            target.parent.mkdir(parents=True, exist_ok=True)
            replaced = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
            if target.exists():
                os.replace(target, replaced)
            os.replace(writer.path.parent, target)
            shutil.rmtree(replaced, ignore_errors=True)
            published[name] = target
        shutil.rmtree(self.staging, ignore_errors=True)
        _remove_if_empty(self.staging.parent)
        return published

    def abort(self) -> None:
        for writer in self.writers.values():
            try:
                writer.discard()
            except OSError:
                pass  # the folder is removed below either way
        shutil.rmtree(self.staging, ignore_errors=True)
        _remove_if_empty(self.staging.parent)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass
