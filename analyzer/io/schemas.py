"""The public contract: explicit pyarrow schemas of every output dataset.

Rows are checked against these before anything is written; a change here is a
change of the published format, so bump ``SCHEMA_VERSION`` and document it in
``docs/outputs.md``.
"""

from __future__ import annotations

import pyarrow as pa

from analyzer.vocabulary import BLAMES, COUNT_COLUMNS, TONES, VERDICTS  # noqa: F401  (re-exported)

SCHEMA_VERSION = "2"


# Every row names the model that scored it and the run that wrote it.
PROVENANCE = (
    pa.field("model_version", pa.string(), nullable=False),
    pa.field("analyzer_version", pa.string(), nullable=False),
    pa.field("run_id", pa.string(), nullable=False),
)
# Where a sentence or flag comes from: its interaction and that interaction's source.
WHERE = (
    pa.field("interaction_id", pa.string(), nullable=False),
    pa.field("source_path", pa.string(), nullable=False),
    pa.field("relative_path", pa.string(), nullable=False),
    pa.field("source_offset", pa.int64(), nullable=False),
    pa.field("department", pa.string(), nullable=False),
    pa.field("channel", pa.string(), nullable=False),
)

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
    pa.field("masked_card_numbers", pa.int32(), nullable=False),
    pa.field("empathy_score", pa.float64()),
    pa.field("applicable", pa.bool_(), nullable=False),
    pa.field("not_applicable_reason", pa.string()),
    *[pa.field(name, pa.int32(), nullable=False) for name in COUNT_COLUMNS],
    pa.field("flagged", pa.bool_(), nullable=False),
    pa.field("flag_reasons", pa.list_(pa.string()), nullable=False),
    pa.field("max_flag_severity", pa.string()),
    pa.field("n_flags", pa.int32(), nullable=False),
    *PROVENANCE,
])

SPAN = pa.struct([
    pa.field("label", pa.string(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("rule", pa.string(), nullable=False),
])
CANCELLED_SPAN = pa.struct([*SPAN, pa.field("cancelled_by", pa.string(), nullable=False)])

SENTENCES = pa.schema([
    *WHERE,
    pa.field("turn_index", pa.int32(), nullable=False),
    pa.field("speaker", pa.string()),
    pa.field("sentence_index", pa.int32(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("n_words", pa.int32(), nullable=False),
    pa.field("tone", pa.string(), nullable=False),
    *[pa.field(f"tone_p_{label}", pa.float64(), nullable=False) for label in TONES],
    pa.field("blame", pa.string(), nullable=False),
    *[pa.field(f"blame_p_{label}", pa.float64(), nullable=False) for label in BLAMES],
    pa.field("spans", pa.list_(SPAN), nullable=False),
    pa.field("cancelled_spans", pa.list_(CANCELLED_SPAN), nullable=False),
    pa.field("second_person_subject", pa.bool_(), nullable=False),
    pa.field("imperative", pa.bool_(), nullable=False),
    pa.field("valence", pa.float64(), nullable=False),
    pa.field("weight", pa.float64(), nullable=False),
    *PROVENANCE,
])

EVIDENCE = pa.struct([
    pa.field("turn_index", pa.int32(), nullable=False),
    pa.field("sentence_index", pa.int32(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("trigger", pa.string(), nullable=False),
])

FLAGS = pa.schema([
    pa.field("flag_id", pa.string(), nullable=False),
    *WHERE,
    pa.field("sent_at", pa.timestamp("us", tz="UTC")),
    pa.field("rule", pa.string(), nullable=False),
    pa.field("severity", pa.string(), nullable=False),
    pa.field("description", pa.string(), nullable=False),
    pa.field("n_sentences", pa.int32(), nullable=False),
    pa.field("reasons", pa.list_(pa.string()), nullable=False),
    pa.field("evidence", pa.list_(EVIDENCE), nullable=False),
    *PROVENANCE,
])

DEPARTMENTS = pa.schema([
    pa.field("level", pa.string(), nullable=False),
    pa.field("department", pa.string()),
    pa.field("channel", pa.string()),
    pa.field("n_interactions", pa.int64(), nullable=False),
    pa.field("n_scored", pa.int64(), nullable=False),
    pa.field("n_sentences", pa.int64(), nullable=False),
    *[pa.field(name, pa.float64()) for name in ("empathy_mean", "empathy_median", "empathy_p10",
                                                 "empathy_ci_low", "empathy_ci_high", "customer_blame_rate",
                                                 "company_ownership_rate", "hostile_rate", "curt_rate",
                                                 "apology_rate", "threat_rate", "flagged_rate")],
    pa.field("n_flagged", pa.int64(), nullable=False),
    pa.field("gap_to_company", pa.float64()),
    pa.field("gap_p_value", pa.float64()),
    pa.field("gap_p_adjusted", pa.float64()),
    pa.field("gap_verdict", pa.string()),
    pa.field("model_version", pa.string(), nullable=False),
    pa.field("config_digest", pa.string(), nullable=False),
    pa.field("analyzer_version", pa.string(), nullable=False),
    pa.field("run_id", pa.string(), nullable=False),
])

ERRORS = pa.schema([
    pa.field("source_path", pa.string(), nullable=False),
    pa.field("relative_path", pa.string(), nullable=False),
    pa.field("source_offset", pa.int64()),
    pa.field("error_kind", pa.string(), nullable=False),
    pa.field("message", pa.string(), nullable=False),
    *PROVENANCE,
])

DATASETS: dict[str, pa.Schema] = {"interactions": INTERACTIONS, "sentences": SENTENCES, "flags": FLAGS,
                                  "departments": DEPARTMENTS, "errors": ERRORS}
# The datasets kept per input file (re-used when the file has not changed); departments
# are computed from interactions at publish time.
PER_FILE_DATASETS = ("interactions", "sentences", "flags", "errors")
# Row order of a published partition, so it does not depend on which run scored what.
SORT_KEYS = {
    "interactions": ["relative_path", "source_path", "source_offset", "interaction_id"],
    "sentences": ["relative_path", "source_path", "source_offset", "interaction_id", "sentence_index"],
    "flags": ["relative_path", "source_path", "source_offset", "interaction_id", "rule"],
    "errors": ["relative_path", "source_path", "source_offset", "error_kind"],
}

# Reviewers' verdicts on flags: written by ``analyzer review``, never by a run.
REVIEWS = pa.schema([
    pa.field("flag_id", pa.string(), nullable=False),
    pa.field("interaction_id", pa.string(), nullable=False),
    pa.field("rule", pa.string(), nullable=False),
    pa.field("verdict", pa.string(), nullable=False),
    pa.field("reviewer", pa.string(), nullable=False),
    pa.field("note", pa.string()),
    pa.field("reviewed_at", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("analyzer_version", pa.string(), nullable=False),
])
