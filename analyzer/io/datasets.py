"""Schema-checked Parquet writing: rows are checked against the dataset's explicit
schema before anything reaches a file, and every file carries the run's metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from analyzer.errors import SchemaError
from analyzer.io.valid_text import valid_value

BATCH_ROWS = 2000
ROW_GROUP_ROWS = 100_000
# a published partition is written in row groups of this many rows, so assembling it holds no more
PARTITION_ROW_GROUP_ROWS = 10_000
COMPRESSION = "zstd"


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
    """Streams rows of one dataset into one Parquet file, in row groups of BATCH_ROWS rows."""

    def __init__(self, path: Path, dataset: str, schema: pa.Schema, metadata: dict[str, str]):
        self.dataset = dataset
        self.schema = with_run_metadata(schema, metadata)
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(self.path, self.schema, compression=COMPRESSION)
        self._pending: list[dict[str, Any]] = []
        self.rows_written = 0

    def add(self, row: dict[str, Any]) -> None:
        self._pending.append(valid_value(row))
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


def with_run_metadata(schema: pa.Schema, metadata: dict[str, str]) -> pa.Schema:
    """The schema with the run's id, model version and config digest stored in the file footer."""
    return schema.with_metadata({f"analyzer.{key}": str(value) for key, value in sorted(metadata.items())})


def write_table(table: pa.Table, path: Path, metadata: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = table.replace_schema_metadata(with_run_metadata(table.schema, metadata).metadata)
    pq.write_table(table, path, compression=COMPRESSION, row_group_size=ROW_GROUP_ROWS)
