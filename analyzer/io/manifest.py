"""The incremental-run manifest: which input files were scored, from which content, how.

One Parquet file (``OUT/_state/manifest.parquet``, readable with DuckDB like the
datasets), one row per input file, keyed by the file's absolute path:
- ``content_sha256``: the file's bytes when it was scored;
- ``scoring_key``: a hash of everything else that decides the scores (model,
  spaCy model, config, analyzer version); a change re-scores the file;
- ``run_date``: the partition its rows are published in;
- ``segment``: the run whose kept rows (``OUT/_state/segments/<run>``) hold them.
It is replaced in one step at the end of a publish, never edited in place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from analyzer.errors import OutputError
from analyzer.io.valid_text import valid_value

MANIFEST_SCHEMA = pa.schema([
    pa.field("source_path", pa.string(), nullable=False),
    pa.field("relative_path", pa.string(), nullable=False),
    pa.field("content_sha256", pa.string(), nullable=False),
    pa.field("size_bytes", pa.int64(), nullable=False),
    pa.field("scoring_key", pa.string(), nullable=False),
    pa.field("run_date", pa.string(), nullable=False),
    pa.field("segment", pa.string(), nullable=False),
    pa.field("n_interactions", pa.int64(), nullable=False),
    pa.field("n_errors", pa.int64(), nullable=False),
])


@dataclass(frozen=True)
class ManifestEntry:
    source_path: str
    relative_path: str
    content_sha256: str
    size_bytes: int
    scoring_key: str
    run_date: str
    segment: str
    n_interactions: int = 0
    n_errors: int = 0


class Manifest:
    def __init__(self, entries: dict[str, ManifestEntry] | None = None):
        self.entries: dict[str, ManifestEntry] = dict(entries or {})

    @classmethod
    def load(cls, path: Path) -> "Manifest":
        if not path.exists():
            return cls()
        try:
            # ParquetFile, not read_table: read_table imports pyarrow.dataset and pandas, a second
            # of a nightly run that has nothing to score
            table = pq.ParquetFile(path).read(columns=MANIFEST_SCHEMA.names).cast(MANIFEST_SCHEMA)
        except (OSError, ValueError, KeyError, pa.ArrowInvalid) as exc:
            raise OutputError(f"the run manifest {path} is unreadable ({exc}); "
                              "run again with --full-refresh to rebuild it") from None
        return cls({row["source_path"]: ManifestEntry(**row) for row in table.to_pylist()})

    def is_current(self, source_path: str, content_sha256: str, scoring_key: str) -> bool:
        entry = self.entries.get(source_path)
        return entry is not None and entry.content_sha256 == content_sha256 and entry.scoring_key == scoring_key

    def updated(self, new_entries: list[ManifestEntry]) -> "Manifest":
        merged = dict(self.entries)
        merged.update({entry.source_path: entry for entry in new_entries})
        return Manifest(merged)

    def for_run_date(self, run_date: str) -> list[ManifestEntry]:
        return [entry for entry in self.entries.values() if entry.run_date == run_date]

    def segments(self) -> set[str]:
        return {entry.segment for entry in self.entries.values()}

    def write(self, path: Path) -> None:
        rows = [valid_value(asdict(entry)) for _, entry in sorted(self.entries.items())]
        pq.write_table(pa.Table.from_pylist(rows, schema=MANIFEST_SCHEMA), path, compression="zstd")
