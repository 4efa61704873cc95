"""Reviewers' decisions as a label file that ``analyzer train`` and ``analyzer evaluate`` read as it is.

One row per company-side sentence, columns ``text, tone, blame, department,
channel, source, split`` (the label file format, ``analyzer.model.labels``) and,
for the record, ``origin, reviewer, flag_rule, verdict, interaction_id,
sentence_index``. Where a row comes from:

- **a label correction** (``origin = correction``): the latest tone and blame any
  reviewer gave the sentence, with the sentence's text as it was labelled. A
  correction is explicit, so it always wins over what a verdict implies.
- **a flag verdict** (``origin = verdict``), only for a flag whose trigger was a
  model probability ``head:class`` (``customer_blame`` -> blame:customer,
  ``hostile_tone`` -> tone:hostile): each sentence of its evidence gets, for that
  head, the class when the flag was confirmed, and the model's most probable other
  class when it was dismissed; the other head keeps the model's label. Flags of
  rules without such a trigger (threat, false_urgency, deflection, implied_crime)
  say nothing about a class of the model, so they give no row. When two verdicts
  give one sentence different classes for the same head, the sentence is left out.

``split`` is ``hash_split(text)``, the project's fixed split, so ``analyzer
evaluate --split test`` has held-out rows and a sentence never moves between splits.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analyzer.engine.review import published_sentences
from analyzer.errors import UsageError
from analyzer.io.reviews import has_verdicts, latest_verdicts
from analyzer.io.schemas import BLAMES, TONES
from analyzer.io.store import OutputStore
from analyzer.io.verdict_store import VerdictStore
from analyzer.model.labels import hash_split
from analyzer.scoring.flag_rules import DEFAULT_RULES

FORMATS = {"csv": (".csv",), "jsonl": (".jsonl", ".ndjson"), "parquet": (".parquet",)}
COLUMNS = ["text", "tone", "blame", "department", "channel", "source", "split", "origin", "reviewer", "flag_rule",
           "verdict", "interaction_id", "sentence_index"]
CLASSES = {"tone": TONES, "blame": BLAMES}
DEFAULT_TRIGGERS = {rule.name: rule.probability for rule in DEFAULT_RULES if rule.probability}


class Exported(NamedTuple):
    """What an export wrote and what it left out."""

    rows: int
    corrections: int  # rows from label corrections
    from_verdicts: int  # rows from flag verdicts
    no_trigger: int  # verdicts on flags without a probability trigger (no row by design)
    conflicts: int  # sentences two verdicts gave different classes for one head
    unpublished: int  # verdicts on flags or sentences no longer in the published datasets


def training_labels(out: str | Path) -> tuple[pd.DataFrame, Exported]:
    """The label rows of an output folder's verdict store, ordered by interaction and sentence."""
    out = Path(out)
    if not has_verdicts(out):
        return pd.DataFrame(columns=COLUMNS), Exported(0, 0, 0, 0, 0, 0)
    corrections = VerdictStore(out).latest_labels()
    corrected = set(zip(corrections["interaction_id"], corrections["sentence_index"].astype(int)))
    rows = [_correction_row(row) for row in corrections.itertuples()]
    from_verdicts, no_trigger, conflicts, unpublished = _verdict_rows(out, corrected)
    frame = pd.DataFrame(rows + from_verdicts, columns=COLUMNS)
    frame = frame.sort_values(["interaction_id", "sentence_index"], kind="stable").reset_index(drop=True)
    return frame, Exported(len(frame), len(rows), len(from_verdicts), no_trigger, conflicts, unpublished)


def _correction_row(row) -> dict:
    return {"text": row.text, "tone": row.tone, "blame": row.blame, "department": row.department or "",
            "channel": row.channel or "", "source": f"review:{row.interaction_id}:{row.sentence_index}",
            "split": hash_split(row.text), "origin": "correction", "reviewer": row.reviewer, "flag_rule": "",
            "verdict": "", "interaction_id": row.interaction_id, "sentence_index": int(row.sentence_index)}


def _verdict_rows(out: Path, corrected: set) -> tuple[list[dict], int, int, int]:
    verdicts = latest_verdicts(out)
    if verdicts.empty:
        return [], 0, 0, 0
    flags = OutputStore(out).read("flags").to_pandas()
    flags = flags.assign(run_date=flags["run_date"].astype(str)).sort_values("run_date", kind="stable")
    flags = flags.drop_duplicates("flag_id", keep="last").set_index("flag_id")
    sentences = published_sentences(out)
    given: dict[tuple[str, int], dict[str, tuple[str, str, str, str]]] = {}  # sentence -> head -> decision
    clashing, no_trigger, unpublished = set(), 0, 0
    for verdict in verdicts.itertuples():
        if verdict.flag_id not in flags.index:
            unpublished += 1
            continue
        flag = flags.loc[verdict.flag_id]
        trigger = probability_trigger(flag["rule"], flag["evidence"])
        if trigger is None:
            no_trigger += 1
            continue
        head, label = trigger
        for index in dict.fromkeys(int(piece["sentence_index"]) for piece in flag["evidence"]):
            key = (flag["interaction_id"], index)
            if key in corrected:
                continue
            if key not in sentences.index:
                unpublished += 1
                continue
            value = label if verdict.verdict == "confirmed" else _most_probable_other(sentences.loc[key], head, label)
            earlier = given.setdefault(key, {}).get(head)
            if earlier and earlier[0] != value:
                clashing.add(key)
            given[key][head] = (value, flag["rule"], verdict.verdict, verdict.reviewer)
    rows = [_verdict_row(key, heads, sentences.loc[key]) for key, heads in given.items() if key not in clashing]
    return rows, no_trigger, len(clashing), unpublished


def probability_trigger(rule: str, evidence) -> tuple[str, str] | None:
    """The ``(head, class)`` a flag's model-probability trigger names: from its evidence, else the default rule's."""
    for piece in evidence:
        head, _, label = str(piece["trigger"]).partition(":")
        if label in CLASSES.get(head, ()):
            return head, label
    if rule in DEFAULT_TRIGGERS:
        head, _, label = DEFAULT_TRIGGERS[rule].partition(":")
        return head, label
    return None


def _most_probable_other(sentence: pd.Series, head: str, label: str) -> str:
    """A dismissed flag says 'not this class': the model's next guess is the best label left."""
    others = [c for c in CLASSES[head] if c != label]
    return max(others, key=lambda c: sentence[f"{head}_p_{c}"])


def _verdict_row(key: tuple[str, int], heads: dict, sentence: pd.Series) -> dict:
    decisions = list(heads.values())
    return {"text": sentence["text"], "tone": heads["tone"][0] if "tone" in heads else sentence["tone"],
            "blame": heads["blame"][0] if "blame" in heads else sentence["blame"],
            "department": sentence["department"], "channel": sentence["channel"],
            "source": f"review:{key[0]}:{key[1]}", "split": hash_split(sentence["text"]), "origin": "verdict",
            "reviewer": ";".join(dict.fromkeys(d[3] for d in decisions)),
            "flag_rule": ";".join(d[1] for d in decisions), "verdict": ";".join(d[2] for d in decisions),
            "interaction_id": key[0], "sentence_index": key[1]}


def label_file_format(path: str | Path, fmt: str | None) -> str:
    """The format to write: ``fmt`` if given, else the file's suffix; the two must agree, because
    ``analyzer train`` reads a label file by its suffix."""
    suffix = Path(path).suffix.lower()
    by_suffix = next((name for name, suffixes in FORMATS.items() if suffix in suffixes), None)
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join([*FORMATS, 'label-studio'])}; got {fmt!r}")
    if by_suffix is None or (fmt is not None and fmt != by_suffix):
        wanted = fmt or "csv, jsonl or parquet"
        endings = " or ".join(FORMATS[fmt]) if fmt else ".csv, .jsonl or .parquet"
        raise UsageError(f"{path}: a {wanted} label file must end in {endings} ('analyzer train' reads it by its "
                         "suffix)")
    return by_suffix


def write_label_file(frame: pd.DataFrame, path: str | Path, fmt: str) -> None:
    """Write the rows through a temporary file, so a failed write leaves no half file behind.

    CSV is plain UTF-8, text exactly as said: no formula apostrophe (training would
    learn it) and no BOM; it is a training file, not a spreadsheet (for that, use
    ``analyzer review queue --csv``).
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if fmt == "csv":
            frame.to_csv(temporary, index=False, encoding="utf-8")
        elif fmt == "jsonl":
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in frame.to_dict("records"))
        else:
            frame.to_parquet(temporary, index=False)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def export_training_labels(out: str | Path, path: str | Path, fmt: str | None = None) -> Exported:
    """Write the label file; nothing to export is a usage error and writes nothing."""
    fmt = label_file_format(path, fmt)
    frame, exported = training_labels(out)
    if frame.empty:
        raise UsageError(f"nothing to export under {out}: no label corrections, and no verdicts on flags with a "
                         "model-probability trigger (customer_blame, hostile_tone); see docs/review.md")
    write_label_file(frame, path, fmt)
    return exported
