"""Interactions and input errors as output rows (plain dicts matching ``analyzer.io.schemas``)."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd

from analyzer import __version__
from analyzer.errors import InputFileError
from analyzer.ingest.records import Interaction
from analyzer.ingest.source import SourceFile


def interaction_row(item: Interaction, run_id: str) -> dict:
    """What ingestion knows of an interaction; ``score_batch`` adds the score, count and flag columns."""
    return {
        "interaction_id": item.interaction_id,
        "source_path": item.source_path,
        "relative_path": item.relative_path,
        "source_offset": item.source_offset,
        "source_format": item.source_format,
        "source_sha256": item.source_sha256,
        "channel": item.channel,
        "department": item.department,
        "department_source": item.department_source,
        "direction": item.direction,
        "sent_at": item.sent_at,
        "subject": item.subject,
        "sender": item.sender,
        "recipients": list(item.recipients),
        "external_id": item.external_id,
        "turns": [asdict(turn) for turn in item.turns],
        "n_turns": len(item.turns),
        "n_company_turns": sum(1 for turn in item.turns if turn.role == "company"),
        "quoted_text": item.quoted_text,
        "header_text": item.header_text,
        "signature": item.signature,
        "attachments": list(item.attachments),
        "masked_card_numbers": item.masked_card_numbers,
        "analyzer_version": __version__,
        "run_id": run_id,
    }


def error_row(source: SourceFile | str, error: InputFileError, run_id: str, model_version: str,
              relative_path: str = "") -> dict:
    path = str(source.path) if isinstance(source, SourceFile) else str(source)
    return {
        "source_path": path,
        "relative_path": source.relative_path if isinstance(source, SourceFile) else relative_path,
        "source_offset": error.offset,
        "error_kind": error.kind,
        "message": error.message,
        "model_version": model_version,
        "analyzer_version": __version__,
        "run_id": run_id,
    }


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None, not NaN or NaT, where a value is missing (schemas and JSON want null)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")
