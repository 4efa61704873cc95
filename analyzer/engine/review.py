"""The review queue for finance and quality reviewers, and the record of their verdicts.

``review_queue`` joins the published flags with the latest verdicts and the
words around each piece of evidence; ``record_verdicts`` and ``import_verdicts``
append verdicts (``analyzer.io.reviews``). The CLI's ``analyzer review`` is a thin
layer over these.
"""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc

from analyzer import __version__
from analyzer.errors import UsageError
from analyzer.io.reviews import append_reviews, latest_verdicts
from analyzer.io.schemas import VERDICTS
from analyzer.io.store import OutputStore
from analyzer.scoring.flag_rules import SEVERITIES

CONTEXT_CHARS = 60
QUEUE_COLUMNS = ["flag_id", "severity", "rule", "department", "channel", "relative_path", "source_offset",
                 "sent_at", "run_date", "evidence", "context", "reasons", "verdict", "reviewer", "note"]


def _published_flags(out: Path) -> pd.DataFrame:
    flags = OutputStore(out).read("flags").to_pandas()
    flags["run_date"] = flags["run_date"].astype(str)
    # a flag re-published on a later date (its file changed) keeps only its latest version
    return flags.sort_values("run_date", kind="stable").drop_duplicates("flag_id", keep="last")


def _turn_texts(out: Path, interaction_ids: list[str]) -> dict[tuple[str, int], str]:
    if not interaction_ids:
        return {}
    table = OutputStore(out).read("interactions", columns=["interaction_id", "turns"],
                                  filter=pc.field("interaction_id").isin(interaction_ids))
    texts = {}
    for row in table.to_pylist():
        for index, turn in enumerate(row["turns"]):
            texts[(row["interaction_id"], index)] = turn["text"]
    return texts


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
    flags = _published_flags(out)
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
    texts = _turn_texts(out, sorted(set(flags["interaction_id"])))
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


def record_verdicts(out: str | Path, flag_ids: list[str], verdict: str, reviewer: str, note: str | None = None,
                    now: datetime | None = None) -> int:
    """Record one verdict for each of ``flag_ids``; unknown ids fail before anything is written."""
    return _append(Path(out), [{"flag_id": f, "verdict": verdict, "reviewer": reviewer, "note": note}
                               for f in flag_ids], now)


def import_verdicts(out: str | Path, csv_path: str | Path, reviewer: str | None = None,
                    now: datetime | None = None) -> int:
    """Verdicts from a CSV (the exported queue with its verdict column filled in); blank verdicts are skipped."""
    try:
        with open(csv_path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise UsageError(f"cannot read {csv_path}: {exc.strerror or exc}") from None
    if rows and not {"flag_id", "verdict"} <= set(rows[0]):
        raise UsageError(f"{csv_path} needs the columns flag_id and verdict (export one with "
                         "'analyzer review queue --csv FILE')")
    entries = []
    for line, row in enumerate(rows, start=2):
        if not (row.get("verdict") or "").strip():
            continue
        who = (row.get("reviewer") or "").strip() or reviewer
        if not who:
            raise UsageError(f"{csv_path} line {line}: no reviewer; fill the reviewer column or pass --reviewer")
        entries.append({"flag_id": row["flag_id"].strip(), "verdict": row["verdict"].strip().lower(),
                        "reviewer": who, "note": (row.get("note") or "").strip() or None, "line": line})
    return _append(Path(out), entries, now, where=str(csv_path))


def _append(out: Path, entries: list[dict], now: datetime | None, where: str = "") -> int:
    if not entries:
        return 0
    flags = _published_flags(out).set_index("flag_id")
    for entry in entries:
        at = f"{where} line {entry['line']}: " if "line" in entry else ""
        if entry["verdict"] not in VERDICTS:
            raise UsageError(f"{at}verdict must be one of {', '.join(VERDICTS)}; got {entry['verdict']!r}")
        if entry["flag_id"] not in flags.index:
            raise UsageError(f"{at}unknown flag id {entry['flag_id']!r}: see 'analyzer review queue --out {out}'")
        if not str(entry["reviewer"]).strip():
            raise UsageError("a verdict needs a reviewer name (--reviewer)")
    now = now or datetime.now(timezone.utc)
    rows = [{"flag_id": e["flag_id"], "interaction_id": flags.loc[e["flag_id"], "interaction_id"],
             "rule": flags.loc[e["flag_id"], "rule"], "verdict": e["verdict"], "reviewer": e["reviewer"],
             "note": e["note"], "reviewed_at": now, "analyzer_version": __version__} for e in entries]
    append_reviews(out, rows, now)
    return len(rows)
