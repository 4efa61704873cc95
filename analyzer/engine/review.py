"""The review queue for finance and quality reviewers, and the record of their verdicts.

``review_queue`` joins the published flags with the latest verdicts and the
words around each piece of evidence; ``write_queue_csv`` exports it for a
spreadsheet; ``record_verdicts`` and ``import_verdicts`` append verdicts
(``analyzer.io.reviews``), skipping any a reviewer has already given, so importing
the same CSV twice stores nothing the second time. ``record_labels`` stores a
reviewer's tone and blame for company-side sentences (label corrections), with
the same rules. The CLI's ``analyzer review`` and the review web app are thin
layers over these.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow.compute as pc

from analyzer import __version__
from analyzer.engine.safe_text import neutralize_cell, unneutralize_cell
from analyzer.errors import UsageError
from analyzer.io.reviews import (
    append_reviews,
    has_verdicts,
    latest_verdicts,
    latest_verdicts_by_reviewer,
    read_csv_records,
)
from analyzer.io.schemas import BLAMES, TONES, VERDICTS
from analyzer.io.store import OutputStore
from analyzer.io.verdict_store import VerdictStore
from analyzer.report.counting import latest_versions
from analyzer.scoring.flag_rules import SEVERITIES

CONTEXT_CHARS = 60
QUEUE_COLUMNS = ["flag_id", "severity", "rule", "description", "department", "channel", "relative_path",
                 "source_offset", "subject", "sender", "sent_at", "run_date", "evidence", "context", "reasons",
                 "verdict", "reviewer", "note"]
IMPORTED_COLUMNS = ("flag_id", "verdict", "reviewer", "note")
MAX_CHARS = {"flag_id": 200, "reviewer": 200, "note": 2000}


class Recorded(NamedTuple):
    """What a record or an import did."""

    new: int  # verdicts stored
    unchanged: int  # the same verdict, reviewer and note were already the reviewer's latest on the flag
    skipped: int = 0  # CSV rows with an empty verdict (not decided yet)


def published_flags(out: Path) -> pd.DataFrame:
    """The flags of every source file's current version (``analyzer.report.counting``): a flag of a
    file's earlier version is history, and one re-published on a later date appears once."""
    store = OutputStore(out)
    flags = store.read("flags").to_pandas()
    flags["run_date"] = flags["run_date"].astype(str)
    flags = latest_versions(flags, store.current_run_dates())
    return flags.sort_values("run_date", kind="stable").drop_duplicates("flag_id", keep="last")


def _messages(out: Path, interaction_ids: list[str]) -> tuple[dict[tuple[str, int], str], pd.DataFrame]:
    """The turn texts ((interaction id, turn index) -> text) and the subject and sender of each message."""
    if not interaction_ids:
        return {}, pd.DataFrame(columns=["interaction_id", "subject", "sender"])
    table = OutputStore(out).read("interactions", columns=["interaction_id", "subject", "sender", "turns"],
                                  filter=pc.field("interaction_id").isin(interaction_ids))
    texts = {}
    for row in table.to_pylist():
        for index, turn in enumerate(row["turns"]):
            texts[(row["interaction_id"], index)] = turn["text"]
    facts = table.select(["interaction_id", "subject", "sender"]).to_pandas()
    return texts, facts.drop_duplicates("interaction_id", keep="last")


def highlight(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The evidence in brackets with some words on each side: '...may be treated as [theft]. Our...'."""
    left, right = max(0, start - width), min(len(text), end + width)
    snippet = f"{text[left:start]}[{text[start:end]}]{text[end:right]}"
    return ("..." if left else "") + " ".join(snippet.split()) + ("..." if right < len(text) else "")


def narrowest(evidence) -> list[dict]:
    """Evidence without the pieces that merely contain another (a whole sentence around a span)."""
    def contains(outer, inner) -> bool:
        return (outer is not inner and outer["turn_index"] == inner["turn_index"]
                and outer["start"] <= inner["start"] and inner["end"] <= outer["end"]
                and (outer["start"], outer["end"]) != (inner["start"], inner["end"]))
    return [e for e in evidence if not any(contains(e, other) for other in evidence)]


def review_queue(out: str | Path, *, run_date: str | None = None, departments: tuple[str, ...] = (),
                 min_severity: str = "low", include_reviewed: bool = False) -> pd.DataFrame:
    """Flags to review, most severe first, with the exact words and their context."""
    out = Path(out)
    if min_severity not in SEVERITIES:
        raise UsageError(f"--min-severity must be one of {', '.join(SEVERITIES)}; got {min_severity!r}")
    flags = published_flags(out)
    if run_date:
        flags = flags[flags["run_date"] == run_date]
    if departments:
        flags = flags[flags["department"].isin(departments)]
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    flags = flags[flags["severity"].map(rank) >= rank[min_severity]]
    verdicts = latest_verdicts(out)[["flag_id", "verdict", "reviewer", "note"]]
    flags = flags.merge(verdicts, on="flag_id", how="left")
    if not include_reviewed:
        flags = flags[flags["verdict"].isna()]
    texts, facts = _messages(out, sorted(set(flags["interaction_id"])))
    flags = flags.merge(facts, on="interaction_id", how="left")
    flags = flags.assign(
        evidence=[" | ".join(dict.fromkeys(e["text"] for e in evidence)) for evidence in flags["evidence"]],
        context=[" | ".join(highlight(texts.get((iid, e["turn_index"]), ""), e["start"], e["end"])
                            for e in narrowest(evidence))
                 for iid, evidence in zip(flags["interaction_id"], flags["evidence"])],
        reasons=["; ".join(reasons) for reasons in flags["reasons"]],
        severity_rank=flags["severity"].map(rank))
    flags = flags.sort_values(["severity_rank", "department", "relative_path", "source_offset", "rule"],
                              ascending=[False, True, True, True, True], kind="stable")
    return flags[QUEUE_COLUMNS].reset_index(drop=True)


def write_queue_csv(queue: pd.DataFrame, path: str | Path) -> None:
    """The queue for a spreadsheet: UTF-8 with a BOM (or Excel shows £ as Â£), no cell that runs as a formula."""
    try:
        queue.map(neutralize_cell).to_csv(path, index=False, encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def record_verdicts(out: str | Path, flag_ids: list[str], verdict: str, reviewer: str, note: str | None = None,
                    now: datetime | None = None) -> Recorded:
    """Record one verdict for each of ``flag_ids``; unknown ids fail before anything is written."""
    return _append(Path(out), [{"flag_id": f, "verdict": verdict, "reviewer": reviewer, "note": note}
                               for f in flag_ids], now)


def import_verdicts(out: str | Path, csv_path: str | Path, reviewer: str | None = None,
                    now: datetime | None = None) -> Recorded:
    """Verdicts from a CSV (the exported queue with its verdict column filled in); blank verdicts are skipped.

    Any problem in the file (encoding, quoting, a missing column, a value too long)
    fails with its line before anything is written.
    """
    header, records = read_csv_records(csv_path, required=("flag_id", "verdict"))
    columns = _column_positions(header, csv_path)
    entries, skipped = [], 0
    for line, fields in records:
        row = {name: _cell(fields, columns.get(name)) for name in IMPORTED_COLUMNS}
        if not row["verdict"]:
            skipped += 1
            continue
        row["reviewer"] = row["reviewer"] or (reviewer or "").strip()
        if not row["reviewer"]:
            raise UsageError(f"{csv_path} line {line}: no reviewer; fill the reviewer column or pass --reviewer")
        entries.append({**row, "verdict": row["verdict"].lower(), "line": line})
    return _append(Path(out), entries, now, where=str(csv_path))._replace(skipped=skipped)


def _column_positions(header: list[str], csv_path: str | Path) -> dict[str, int]:
    for name in IMPORTED_COLUMNS:
        if header.count(name) > 1:
            raise UsageError(f"{csv_path}: the column {name} appears {header.count(name)} times; keep one")
    return {name: header.index(name) for name in IMPORTED_COLUMNS if name in header}


def _cell(fields: list[str], position: int | None) -> str:
    # a short row leaves its last columns empty; the export's apostrophe before a formula comes off
    if position is None or position >= len(fields):
        return ""
    return unneutralize_cell(fields[position]).strip()


def _append(out: Path, entries: list[dict], now: datetime | None, where: str = "") -> Recorded:
    rows, result = verdict_rows(out, entries, now, where)
    if rows:
        append_reviews(out, rows)
    return result


def verdict_rows(out: Path, entries: list[dict], now: datetime | None, where: str = "") -> tuple[list[dict], Recorded]:
    """The store rows for the entries that are not already on record, all checked; nothing is written.

    An entry names flag_id, verdict, reviewer, note, and where it came from: a CSV
    ``line`` or an ``at`` text such as "task 3" (for the error message).
    """
    entries = [{**e, "reviewer": str(e["reviewer"] or "").strip(), "note": (e["note"] or "").strip() or None}
               for e in entries]
    if not entries:
        return [], Recorded(0, 0)
    flags = published_flags(out).set_index("flag_id")
    for entry in entries:
        _check(entry, flags, out, _at(entry, where))
    fresh = _changed(out, entries, where)
    now = now or datetime.now(UTC)
    rows = [{"flag_id": e["flag_id"], "interaction_id": flags.loc[e["flag_id"], "interaction_id"],
             "rule": flags.loc[e["flag_id"], "rule"], "verdict": e["verdict"], "reviewer": e["reviewer"],
             "note": e["note"], "reviewed_at": now, "analyzer_version": __version__} for e in fresh]
    return rows, Recorded(len(fresh), len(entries) - len(fresh))


def _at(entry: dict, where: str) -> str:
    if "line" in entry:
        return f"{where} line {entry['line']}: "
    return f"{where + ' ' if where else ''}{entry['at']}: " if "at" in entry else ""


def _check(entry: dict, flags: pd.DataFrame, out: Path, at: str) -> None:
    # lengths first, so the messages below never quote a huge value
    for field, limit in MAX_CHARS.items():
        if len(entry[field] or "") > limit:
            raise UsageError(f"{at}{field} is {len(entry[field]):,} characters long; at most {limit:,}")
    if entry["verdict"] not in VERDICTS:
        raise UsageError(f"{at}verdict must be one of {', '.join(VERDICTS)}; got {_preview(entry['verdict'])}")
    if entry["flag_id"] not in flags.index:
        raise UsageError(f"{at}unknown flag id {entry['flag_id']!r}: see 'analyzer review queue --out {out}'")
    if not entry["reviewer"]:
        raise UsageError("a verdict needs a reviewer name (--reviewer)")


def _preview(value: str, width: int = 40) -> str:
    return repr(value if len(value) <= width else value[:width] + "...")


def _changed(out: Path, entries: list[dict], where: str) -> list[dict]:
    """The entries that are not already the reviewer's latest verdict on the flag, once each.

    Two different verdicts on one flag from one reviewer in the same batch are a
    mistake in the file: which one holds cannot be told, so the batch fails.
    """
    stored = {(r.flag_id, r.reviewer): (r.verdict, r.note if isinstance(r.note, str) and r.note else None)
              for r in latest_verdicts_by_reviewer(out).itertuples()}
    seen, fresh = {}, []
    for entry in entries:
        key, decision = (entry["flag_id"], entry["reviewer"]), (entry["verdict"], entry["note"])
        if key in seen:
            if seen[key][0] != decision:
                first = seen[key][1]
                earlier = f"line {first['line']}" if "line" in first else first.get("at", "an earlier entry")
                raise UsageError(f"{_at(entry, where)}flag {entry['flag_id']!r} already has a different verdict from "
                                 f"{entry['reviewer']!r} on {earlier}; keep one of the two")
            continue
        seen[key] = (decision, entry)
        if stored.get(key) != decision:
            fresh.append(entry)
    return fresh


def published_sentences(out: str | Path) -> pd.DataFrame:
    """Every published company-side sentence, its latest version only, indexed by (interaction_id, sentence_index)."""
    sentences = OutputStore(Path(out)).read("sentences").to_pandas()
    sentences["run_date"] = sentences["run_date"].astype(str)
    sentences = sentences.sort_values("run_date", kind="stable")
    return sentences.drop_duplicates(["interaction_id", "sentence_index"], keep="last").set_index(
        ["interaction_id", "sentence_index"])


def record_labels(out: str | Path, corrections: list[dict], reviewer: str, note: str | None = None,
                  now: datetime | None = None) -> Recorded:
    """Store a reviewer's tone and blame for published sentences (label corrections), all or none.

    Each correction names ``interaction_id``, ``sentence_index``, ``tone`` and ``blame``
    (and may carry its own ``reviewer``, ``note`` and ``at``, where it came from, for
    error messages). The sentence's text, turn, model labels, department, channel and
    model version are taken from the published ``sentences`` dataset, so the label
    keeps the words it was given to. A label the reviewer already gave the sentence
    (same tone, blame and note) is not stored again.
    """
    rows, result = label_rows(out, corrections, reviewer, note, now)
    if rows:
        VerdictStore(out).add_label_corrections(rows)
    return result


def label_rows(out: str | Path, corrections: list[dict], reviewer: str | None, note: str | None = None,
               now: datetime | None = None) -> tuple[list[dict], Recorded]:
    """The store rows for ``record_labels``, every correction checked first; nothing is written."""
    out = Path(out)
    if not corrections:
        return [], Recorded(0, 0)
    sentences = published_sentences(out)
    entries = [_label_entry(c, reviewer, note, sentences, out) for c in corrections]
    stored = {(r.interaction_id, r.sentence_index, r.reviewer): (r.tone, r.blame, r.note if isinstance(r.note, str) and r.note else None)
              for r in _latest_labels_by_reviewer(out).itertuples()}
    fresh, seen = [], {}
    for entry in entries:
        key = (entry["interaction_id"], entry["sentence_index"], entry["reviewer"])
        decision = (entry["tone"], entry["blame"], entry["note"])
        if key in seen:
            if seen[key] != decision:
                raise UsageError(f"{entry['at']}sentence {key[1]} of {key[0]!r} already has a different label from "
                                 f"{key[2]!r} in this batch; keep one of the two")
            continue
        seen[key] = decision
        if stored.get(key) != decision:
            fresh.append(entry)
    now = now or datetime.now(UTC)
    rows = []
    for entry in fresh:
        sentence = sentences.loc[(entry["interaction_id"], entry["sentence_index"])]
        rows.append({"interaction_id": entry["interaction_id"], "sentence_index": entry["sentence_index"],
                     "turn_index": int(sentence["turn_index"]), "text": sentence["text"], "tone": entry["tone"],
                     "blame": entry["blame"], "model_tone": sentence["tone"], "model_blame": sentence["blame"],
                     "department": sentence["department"], "channel": sentence["channel"],
                     "model_version": sentence["model_version"], "reviewer": entry["reviewer"],
                     "note": entry["note"], "corrected_at": now, "analyzer_version": __version__})
    return rows, Recorded(len(fresh), len(entries) - len(fresh))


def _label_entry(correction: dict, reviewer: str | None, note: str | None, sentences: pd.DataFrame,
                 out: Path) -> dict:
    at = f"{correction['at']}: " if correction.get("at") else ""
    for field in ("interaction_id", "sentence_index", "tone", "blame"):
        if correction.get(field) is None or correction.get(field) == "":
            raise UsageError(f"{at}a label correction needs {field}")
    entry = {"at": at, "interaction_id": str(correction["interaction_id"]),
             "tone": str(correction["tone"]).strip().lower(), "blame": str(correction["blame"]).strip().lower(),
             "reviewer": str(correction.get("reviewer") or reviewer or "").strip(),
             "note": (str(correction.get("note") or note or "")).strip() or None}
    for field, limit in {**MAX_CHARS, "interaction_id": 200}.items():
        if field in entry and len(entry[field] or "") > limit:
            raise UsageError(f"{at}{field} is {len(entry[field]):,} characters long; at most {limit:,}")
    try:
        entry["sentence_index"] = int(correction["sentence_index"])
    except (TypeError, ValueError):
        raise UsageError(f"{at}sentence_index must be a whole number; got "
                         f"{_preview(str(correction['sentence_index']))}") from None
    if entry["tone"] not in TONES:
        raise UsageError(f"{at}tone must be one of {', '.join(TONES)}; got {_preview(entry['tone'])}")
    if entry["blame"] not in BLAMES:
        raise UsageError(f"{at}blame must be one of {', '.join(BLAMES)}; got {_preview(entry['blame'])}")
    if (entry["interaction_id"], entry["sentence_index"]) not in sentences.index:
        raise UsageError(f"{at}no published sentence {entry['sentence_index']} in interaction "
                         f"{entry['interaction_id']!r} under {out}")
    if not entry["reviewer"]:
        raise UsageError(f"{at}a label needs a reviewer name (--reviewer)")
    return entry


def _latest_labels_by_reviewer(out: Path) -> pd.DataFrame:
    """The latest label per sentence and reviewer: what a repeated import is compared with."""
    if not has_verdicts(out):
        return pd.DataFrame(columns=["interaction_id", "sentence_index", "reviewer", "tone", "blame", "note"])
    labels = VerdictStore(out).label_corrections()
    return labels.drop_duplicates(["interaction_id", "sentence_index", "reviewer"], keep="last")
