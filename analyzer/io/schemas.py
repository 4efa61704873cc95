"""The public contract: explicit pyarrow schemas of every output dataset.

Rows are checked against these before anything is written; a change here is a
change of the published format, so bump ``SCHEMA_VERSION`` and document it in
``docs/outputs.md``.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "1"

TURN = pa.struct([
    pa.field("role", pa.string(), nullable=False),
    pa.field("speaker", pa.string()),
    pa.field("text", pa.string(), nullable=False),
    pa.field("start_s", pa.float64()),
    pa.field("end_s", pa.float64()),
])

INTERACTIONS = pa.schema([
    pa.field("interaction_id", pa.string(), nullable=False),
    pa.field("source_path", pa.string(), nullable=False),
    pa.field("relative_path", pa.string(), nullable=False),
    pa.field("source_offset", pa.int64(), nullable=False),
    pa.field("source_format", pa.string(), nullable=False),
    pa.field("source_sha256", pa.string(), nullable=False),
    pa.field("channel", pa.string(), nullable=False),
    pa.field("department", pa.string(), nullable=False),
    pa.field("department_source", pa.string(), nullable=False),
    pa.field("direction", pa.string(), nullable=False),
    pa.field("sent_at", pa.timestamp("us", tz="UTC")),
    pa.field("subject", pa.string()),
    pa.field("sender", pa.string()),
    pa.field("recipients", pa.list_(pa.string()), nullable=False),
    pa.field("external_id", pa.string()),
    pa.field("turns", pa.list_(TURN), nullable=False),
    pa.field("n_turns", pa.int32(), nullable=False),
    pa.field("n_company_turns", pa.int32(), nullable=False),
    pa.field("quoted_text", pa.string()),
    pa.field("header_text", pa.string()),
    pa.field("signature", pa.string()),
    pa.field("attachments", pa.list_(pa.string()), nullable=False),
    pa.field("analyzer_version", pa.string(), nullable=False),
    pa.field("run_id", pa.string(), nullable=False),
])

ERRORS = pa.schema([
    pa.field("source_path", pa.string(), nullable=False),
    pa.field("relative_path", pa.string(), nullable=False),
    pa.field("source_offset", pa.int64()),
    pa.field("error_kind", pa.string(), nullable=False),
    pa.field("message", pa.string(), nullable=False),
    pa.field("analyzer_version", pa.string(), nullable=False),
    pa.field("run_id", pa.string(), nullable=False),
])

DATASETS: dict[str, pa.Schema] = {"interactions": INTERACTIONS, "errors": ERRORS}
