"""Flagged messages as Label Studio tasks, and Label Studio's JSON export back into the verdict store.

One task per flagged interaction. Its ``data.dialogue`` holds one paragraph per
turn (``{"author", "text"}``, what the ``<Paragraphs>`` tag shows); its
``predictions`` hold, as ``paragraphlabels`` regions (paragraph = turn index,
``startOffset``/``endOffset`` = character offsets in the turn text):
- each flag's evidence, labelled with the flag's rule (control ``flag``); a
  per-region ``verdict`` choice (confirmed/dismissed) is pre-filled only where a
  verdict is already on record, so accepting the predictions never decides a flag;
- each evidence sentence's model tone (control ``tone``) and blame (control ``blame``).

A researcher picks a verdict on each flag region and relabels sentence regions;
the project's JSON export then comes back through ``import_label_studio``: a
verdict per flag region, and a label correction for each sentence whose tone or
blame differs from the model's. Regions are matched by position, not by id, so a
region the researcher drew again still finds its sentence.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import quoteattr

import pandas as pd
import pyarrow.compute as pc

from analyzer.engine.review import (
    Recorded,
    label_rows,
    latest_verdicts,
    narrowest,
    published_sentences,
    verdict_rows,
)
from analyzer.errors import UsageError
from analyzer.io.reviews import append_reviews, read_bounded
from analyzer.io.schemas import BLAMES, TONES, VERDICTS
from analyzer.io.store import OutputStore
from analyzer.io.verdict_store import VerdictStore
from analyzer.scoring.flag_rules import DEFAULT_RULES

MAX_EXPORT_BYTES = 100 * 1024 * 1024
DIALOGUE, FLAG, TONE, BLAME, VERDICT = "dialogue", "flag", "tone", "blame", "verdict"


# -- export --------------------------------------------------------------------------------------------------------

def label_studio_tasks(out: str | Path) -> list[dict]:
    """One task per flagged interaction, in the order of the flags dataset."""
    out = Path(out)
    flags = _latest(OutputStore(out).read("flags").to_pandas(), ["flag_id"])
    if flags.empty:
        return []
    ids = list(dict.fromkeys(flags["interaction_id"]))
    interactions = _latest(OutputStore(out).read("interactions", filter=pc.field("interaction_id").isin(ids))
                           .to_pandas(), ["interaction_id"]).set_index("interaction_id")
    sentences = published_sentences(out)
    verdicts = latest_verdicts(out).set_index("flag_id")["verdict"].to_dict()
    return [_task(interactions.loc[iid], group, sentences, verdicts)
            for iid, group in flags.groupby("interaction_id", sort=False)]


def _latest(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    # a file re-scored on a later date is published again: its latest version holds
    frame = frame.assign(run_date=frame["run_date"].astype(str)).sort_values("run_date", kind="stable")
    return frame.drop_duplicates(key, keep="last")


def _task(interaction: pd.Series, flags: pd.DataFrame, sentences: pd.DataFrame, verdicts: dict) -> dict:
    iid = interaction.name
    turns = list(interaction["turns"])
    result, flag_records, evidence_sentences = [], [], {}
    for flag in flags.itertuples():
        regions = []
        pieces = {(e["turn_index"], e["start"], e["end"]): e for e in narrowest(list(flag.evidence))}
        for number, piece in enumerate(pieces.values()):
            region = f"{flag.flag_id}-{number}"
            regions.append(region)
            result.append(_region(region, FLAG, piece, turns, [flag.rule]))
            if number == 0 and flag.flag_id in verdicts:
                result.append(_region(region, VERDICT, piece, turns, [verdicts[flag.flag_id]]))
        for piece in flag.evidence:
            evidence_sentences.setdefault(int(piece["sentence_index"]), None)
        flag_records.append({"flag_id": flag.flag_id, "rule": flag.rule, "severity": flag.severity,
                             "description": flag.description, "regions": regions})
    for index in sorted(evidence_sentences):
        if (iid, index) not in sentences.index:
            continue
        sentence = sentences.loc[(iid, index)]
        for head in (TONE, BLAME):
            result.append(_region(f"{head}-{index}", head, sentence, turns, [sentence[head]]))
    data = {DIALOGUE: [{"author": _author(turn), "text": turn["text"], "role": turn["role"]} for turn in turns],
            "interaction_id": iid, "flag_ids": list(flags["flag_id"]), "flags": flag_records,
            "department": interaction["department"], "channel": interaction["channel"],
            "relative_path": interaction["relative_path"], "source_offset": int(interaction["source_offset"]),
            "subject": interaction["subject"] if isinstance(interaction["subject"], str) else ""}
    return {"data": data, "predictions": [{"model_version": str(flags["model_version"].iloc[0]), "result": result}]}


def _author(turn: dict) -> str:
    return f"{turn['speaker']} ({turn['role']})" if turn.get("speaker") else turn["role"]


def _region(region_id: str, control: str, where, turns: list[dict], labels: list[str]) -> dict:
    """A ``paragraphlabels`` region (or, for the verdict, a per-region ``choices`` result on the same region)."""
    turn, start, end = int(where["turn_index"]), int(where["start"]), int(where["end"])
    kind = "choices" if control == VERDICT else "paragraphlabels"
    value = {"start": turn, "end": turn, "startOffset": start, "endOffset": end,
             "text": turns[turn]["text"][start:end], kind: labels}
    return {"id": region_id, "from_name": control, "to_name": DIALOGUE, "type": kind, "value": value}


def label_config(rules: list[str]) -> str:
    """The labelling config (XML) that shows and edits the tasks: paste it into the project's Labeling Interface."""
    rules = list(dict.fromkeys([*(rule.name for rule in DEFAULT_RULES), *rules]))
    def labels(values) -> str:
        return "\n".join(f"    <Label value={quoteattr(value)}/>" for value in values)
    return f"""<View>
  <Header value="$relative_path ($department, $channel)"/>
  <Paragraphs name="{DIALOGUE}" value="$dialogue" layout="dialogue" nameKey="author" textKey="text"/>
  <Header value="Flags: select a region, then confirm or dismiss it"/>
  <ParagraphLabels name="{FLAG}" toName="{DIALOGUE}">
{labels(rules)}
  </ParagraphLabels>
  <Choices name="{VERDICT}" toName="{DIALOGUE}" perRegion="true" choice="single" visibleWhen="region-selected"
           whenLabelValue={quoteattr(",".join(rules))}>
    <Choice value="confirmed"/>
    <Choice value="dismissed"/>
  </Choices>
  <Header value="Sentence tone"/>
  <ParagraphLabels name="{TONE}" toName="{DIALOGUE}">
{labels(TONES)}
  </ParagraphLabels>
  <Header value="Sentence blame"/>
  <ParagraphLabels name="{BLAME}" toName="{DIALOGUE}">
{labels(BLAMES)}
  </ParagraphLabels>
</View>
"""


def write_label_studio(out: str | Path, path: str | Path) -> tuple[int, int, Path]:
    """Write the tasks to ``path`` and the labelling config beside it (``path`` + ``.xml``).

    Returns (tasks, flags, config path). No flag to export is a usage error, and nothing is written.
    """
    tasks = label_studio_tasks(out)
    if not tasks:
        raise UsageError(f"nothing to export: no published flags under {out}")
    rules = sorted({flag["rule"] for task in tasks for flag in task["data"]["flags"]})
    path = Path(path)
    config_path = path.with_name(path.name + ".xml")
    try:  # ensure_ascii=False: message text stays readable; json escapes what must be escaped
        path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        config_path.write_text(label_config(rules), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or path}: {exc.strerror or exc}") from None
    return len(tasks), sum(len(task["data"]["flags"]) for task in tasks), config_path


# -- import --------------------------------------------------------------------------------------------------------

class Imported(NamedTuple):
    """What a Label Studio import did."""

    verdicts: Recorded
    labels: Recorded
    skipped: int  # tasks without a finished annotation


def looks_like_json(path: str | Path) -> bool:
    """Whether a review file is JSON (Label Studio's export) rather than a CSV: its first character."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False  # the CSV reader says why it cannot be read
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] in (b"[", b"{")


def read_export(path: str | Path) -> list[dict]:
    """Label Studio's JSON export: a list of tasks; a bad file is one ``UsageError`` line."""
    data = read_bounded(path, MAX_EXPORT_BYTES, "export the tasks in parts")
    try:
        tasks = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 JSON (byte {exc.object[exc.start]:#04x} at offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise UsageError(f"{path} nests JSON too deeply to be a Label Studio export") from None
    if not isinstance(tasks, list) or not all(isinstance(task, dict) for task in tasks):
        raise UsageError(f"{path} is not a Label Studio JSON export: expected a list of tasks "
                         "(Export > JSON in the Label Studio project)")
    return tasks


def import_label_studio(out: str | Path, path: str | Path, reviewer: str | None = None,
                        now: datetime | None = None) -> Imported:
    """Verdicts and label corrections from Label Studio's JSON export; every problem fails before anything is written."""
    out = Path(out)
    tasks = read_export(path)
    if not any(isinstance(task.get("annotations"), list) for task in tasks):
        raise UsageError(f"{path} holds no annotations: export the project from Label Studio (JSON) after labelling, "
                         "not the tasks file 'analyzer review export' wrote")
    sentences = published_sentences(out)
    texts = _turn_texts(out, [task.get("data", {}).get("interaction_id") for task in tasks])
    verdicts, labels, skipped = [], [], 0
    for number, task in enumerate(tasks, start=1):
        at = f"{path} task {number}" + (f" (id {task['id']})" if "id" in task else "")
        annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
        if not annotations:
            skipped += 1
            continue
        reader = _TaskReader(task, at, sentences, texts)
        for annotation in annotations:
            name = _annotator(annotation, reviewer, at)
            task_verdicts, task_labels = reader.decisions(annotation)
            verdicts += [{**v, "reviewer": name, "note": None} for v in task_verdicts]
            labels += [{**label, "reviewer": name} for label in task_labels]
    flag_rows, verdict_result = verdict_rows(out, verdicts, now)
    label_store_rows, label_result = label_rows(out, labels, reviewer, now=now)
    if flag_rows:  # two transactions, but only after every row of both kinds passed its checks
        append_reviews(out, flag_rows)
    if label_store_rows:
        VerdictStore(out).add_label_corrections(label_store_rows)
    return Imported(verdict_result, label_result, skipped)


def _turn_texts(out: Path, ids: list) -> dict[str, list[str]]:
    ids = sorted({i for i in ids if isinstance(i, str)})
    if not ids:
        return {}
    table = OutputStore(out).read("interactions", columns=["interaction_id", "turns", "run_date"],
                                  filter=pc.field("interaction_id").isin(ids))
    frame = _latest(table.to_pandas(), ["interaction_id"])
    return {row.interaction_id: [turn["text"] for turn in row.turns] for row in frame.itertuples()}


def _annotator(annotation: dict, reviewer: str | None, at: str) -> str:
    """The annotation's author: Label Studio's ``completed_by`` when it names one, else ``--reviewer``."""
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        full = " ".join(str(who.get(k) or "").strip() for k in ("first_name", "last_name")).strip()
        who = who.get("email") or full or who.get("username")
    if isinstance(who, str) and who.strip():
        return who.strip()
    if reviewer and reviewer.strip():
        return reviewer.strip()
    return _fail(f"{at}: the annotation names no annotator (completed_by is {who!r}); pass --reviewer")


def _fail(message: str):
    raise UsageError(message)


class _TaskReader:
    """Turns one task's annotation results into flag verdicts and sentence labels."""

    def __init__(self, task: dict, at: str, sentences: pd.DataFrame, texts: dict[str, list[str]]):
        data = task.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("interaction_id"), str) \
                or not isinstance(data.get("flags"), list):
            _fail(f"{at}: data.interaction_id or data.flags is missing; import the export of tasks made by "
                  "'analyzer review export --format label-studio'")
        self.at, self.iid = at, data["interaction_id"]
        if self.iid not in texts:
            _fail(f"{at}: interaction {self.iid[:40]!r} is not published under this output folder")
        self.turns = texts[self.iid]
        self.flags = [f for f in data["flags"] if isinstance(f, dict) and isinstance(f.get("flag_id"), str)]
        self.region_flags = {region: f["flag_id"] for f in self.flags for region in f.get("regions") or []}
        in_interaction = sentences.loc[self.iid] if self.iid in sentences.index.get_level_values(0) else None
        self.sentences = in_interaction

    def decisions(self, annotation: dict) -> tuple[list[dict], list[dict]]:
        results = annotation.get("result")
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            _fail(f"{self.at}: the annotation's result is not a list of regions")
        regions = {r.get("id"): r for r in results if r.get("from_name") == FLAG}
        verdicts, labels = {}, {}
        for number, result in enumerate(results, start=1):
            at = f"{self.at} result {number}"
            control = result.get("from_name")
            value = result.get("value") if isinstance(result.get("value"), dict) else _fail(f"{at}: no value")
            if control == VERDICT:
                choice = _one(value.get("choices"), VERDICTS, at, "verdict")
                flag = self._flag_of(result.get("id"), regions, value, at)
                if verdicts.get(flag, (choice,))[0] != choice:
                    _fail(f"{at}: flag {flag!r} is both confirmed and dismissed in one annotation; keep one")
                verdicts[flag] = (choice, at)
            elif control in (TONE, BLAME):
                label = _one(value.get("paragraphlabels"), TONES if control == TONE else BLAMES, at, control)
                index = self._sentence_at(value, at)
                if labels.setdefault(index, {}).get(control, label) != label:
                    _fail(f"{at}: sentence {index} has two different {control} labels; keep one")
                labels[index][control] = label
        return ([{"flag_id": flag, "verdict": choice, "at": where} for flag, (choice, where) in verdicts.items()],
                self._corrections(labels))

    def _corrections(self, labels: dict[int, dict]) -> list[dict]:
        # a head the researcher left alone keeps the model's label; an unchanged sentence is no correction
        corrections = []
        for index, given in sorted(labels.items()):
            model = self.sentences.loc[index]
            tone, blame = given.get(TONE, model["tone"]), given.get(BLAME, model["blame"])
            if (tone, blame) != (model["tone"], model["blame"]):
                corrections.append({"interaction_id": self.iid, "sentence_index": index, "tone": tone,
                                    "blame": blame, "at": f"{self.at} sentence {index}"})
        return corrections

    def _flag_of(self, region_id, regions: dict, value: dict, at: str) -> str:
        """The flag a verdict belongs to: by the region id the export gave it, else by the region's rule and place."""
        if region_id in self.region_flags:
            return self.region_flags[region_id]
        # a region drawn anew has an id of Label Studio's: its rule names the flag (one flag per rule and message)
        region = regions.get(region_id)
        rules = region["value"].get("paragraphlabels") if region and isinstance(region.get("value"), dict) else None
        for flag in self.flags:
            if rules and flag.get("rule") in rules:
                return flag["flag_id"]
        return _fail(f"{at}: the verdict is on a region that is no flag's evidence; choose it on a flag region")

    def _sentence_at(self, value: dict, at: str) -> int:
        """The company-side sentence a region covers most (offsets are in the turn text)."""
        turn = _whole(value.get("start"), at, "start")
        if _whole(value.get("end"), at, "end") != turn:
            _fail(f"{at}: a tone or blame region must stay within one paragraph (turn)")
        if not 0 <= turn < len(self.turns):
            _fail(f"{at}: paragraph {turn} does not exist (the dialogue has {len(self.turns)})")
        start, end = _span(value, self.turns[turn], at)
        best, overlap = None, 0
        if self.sentences is not None:
            for index, sentence in self.sentences[self.sentences["turn_index"] == turn].iterrows():
                shared = min(end, sentence["end"]) - max(start, sentence["start"])
                if shared > overlap:
                    best, overlap = int(index), shared
        if best is None:
            _fail(f"{at}: no company-side sentence at paragraph {turn}, offsets {start}-{end}")
        return best


def _one(values, allowed: tuple[str, ...], at: str, what: str) -> str:
    if not isinstance(values, list) or len(values) != 1 or values[0] not in allowed:
        shown = json.dumps(values)[:60] if values is not None else "nothing"
        _fail(f"{at}: {what} must be one of {', '.join(allowed)}; got {shown}")
    return values[0]


def _whole(value, at: str, name: str) -> int:
    # Label Studio writes paragraph indices as numbers in some versions and as strings ("0") in others
    try:
        number = int(value)
    except (TypeError, ValueError):
        return _fail(f"{at}: value.{name} must be a paragraph index; got {json.dumps(value)[:40]}")
    if isinstance(value, float) and value != number:
        _fail(f"{at}: value.{name} must be a whole number; got {value}")
    return number


def _span(value: dict, text: str, at: str) -> tuple[int, int]:
    """(start, end) in code points. Label Studio may count UTF-16 units (a text with emoji): ``value.text``,
    when present, tells which reading is right."""
    start, end = _whole(value.get("startOffset"), at, "startOffset"), _whole(value.get("endOffset"), at, "endOffset")
    if not 0 <= start <= end:
        _fail(f"{at}: startOffset {start} and endOffset {end} do not make a span")
    shown = value.get("text")
    if isinstance(shown, str) and text[start:end] != shown:
        units = text.encode("utf-16-le")
        start16, end16 = (len(units[:2 * n].decode("utf-16-le", "ignore")) for n in (start, end))
        if text[start16:end16] == shown:
            return start16, end16
    return min(start, len(text)), min(end, len(text))
