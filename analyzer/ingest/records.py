"""The one normalized record every reader produces."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

ROLES = ("company", "customer", "unknown")


@dataclass(frozen=True)
class Turn:
    """One stretch of text by one side: an email body, a call utterance, a chat message."""

    role: str  # company / customer / unknown
    text: str
    speaker: str | None = None
    start_s: float | None = None  # seconds from the start of a call
    end_s: float | None = None

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"turn role must be one of {ROLES}, got {self.role!r}")


@dataclass
class Interaction:
    """One message or conversation, from one source file (or one record inside it).

    ``department`` and ``direction`` start as the reader saw them (possibly
    ``None``); :mod:`analyzer.ingest.sides` resolves them with the config.
    """

    source_path: str
    source_offset: int  # message index in an mbox, row in a table, 0 for single-document files
    source_format: str  # eml, mbox, vtt, srt, transcribe_json, transcript_txt, txt, docx, pdf, csv, jsonl, parquet, json
    channel: str  # email / call / letter / chat
    turns: list[Turn]
    direction: str | None = None
    department: str | None = None
    department_source: str | None = None  # metadata / config_address / config_domain / config_path / folder / none
    sent_at: datetime | None = None
    subject: str | None = None
    sender: str | None = None
    recipients: list[str] = field(default_factory=list)
    external_id: str | None = None  # Message-ID, ticket id, transcript job name
    quoted_text: str | None = None  # reply chain and forwarded blocks: not the sender's words
    header_text: str | None = None  # a letter's letterhead, addresses, date and reference lines
    signature: str | None = None
    attachments: list[str] = field(default_factory=list)  # skipped, but listed
    relative_path: str = ""  # path under the input root, used for the id and path rules
    source_sha256: str = ""  # hash of the whole source file, for tracing and incremental runs
    masked_card_numbers: int = 0  # card numbers and IBANs masked in any stored field (analyzer.ingest.masking)
    interaction_id: str = ""

    def assign_id(self) -> None:
        """Stable id from where the record came from and what it says.

        Uses the path relative to the input root, so the same drop read from
        another mount point keeps its ids; identical across runs.
        """
        digest = hashlib.sha256()
        for part in (self.relative_path or self.source_path, str(self.source_offset), self.external_id or ""):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\x1f")
        for turn in self.turns:
            digest.update(f"{turn.role}\x1e{turn.speaker or ''}\x1e{turn.text}\x1f".encode("utf-8", "surrogatepass"))
        self.interaction_id = digest.hexdigest()[:24]
