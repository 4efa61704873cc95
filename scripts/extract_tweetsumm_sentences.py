"""Extract agent sentences from TweetSumm (../shared/data/customer-care/) for labelling.

    python scripts/extract_tweetsumm_sentences.py --out /tmp/tweetsumm_candidates.csv

Agent turns are cleaned (leading @handles and links removed) and split into
sentences with the project's own spaCy pipeline; a fixed-seed sample per
TweetSumm split (train / valid -> dev / test) is written for labelling. The
labelled result is data/labels/real_tweetsumm.csv.

    python scripts/extract_tweetsumm_sentences.py --blame-extension 150 --out /tmp/tweetsumm_blame.csv

writes every agent sentence of 150 further dialogs for the test side only, so
that the real blame evaluation holds enough blaming sentences (blame is rare in
real agent text: 15 in the 996 test sentences). The dialogs come from
TweetSumm's train split, never used before (no dialog of `real_tweetsumm.csv`),
and are drawn with a fixed seed among those whose agent turns mention an
apology, a fault or a problem (`BLAME_CUES`): a selection by dialog, stated in
data/labels/README.md, whose every agent sentence is labelled.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

import pandas as pd

from analyzer.nlp.model import load_pipeline

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "customer-care" / "tweetsumm_dialogs.parquet"
SAMPLE = {"train": 480, "valid": 170, "test": 330}
SPLIT_NAMES = {"train": "train", "valid": "dev", "test": "test"}
_HANDLES = re.compile(r"^(\s*@\w+)+\s*")
_LINKS = re.compile(r"https?://\S+")
BLAME_CUES = re.compile(r"\b(sorr(y|ies)|apolog\w*|mistake|error|fault|our end|issue|problem|glitch|should have|"
                        r"didn't|did not|failed|unfortunately|inconvenience)\b", re.IGNORECASE)
LABELLED = Path(__file__).resolve().parent.parent / "data" / "labels" / "real_tweetsumm.csv"


def agent_turns(dialogs: pd.DataFrame):
    for dialog in dialogs.itertuples():
        for turn_index, line in enumerate(dialog.text.split("\n")):
            role, _, text = line.strip().partition(":")
            if role.strip() == "Agent":
                text = _LINKS.sub("", _HANDLES.sub("", text.strip())).strip()
                if text:
                    yield dialog.data_split, dialog.dialog_id, turn_index, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--blame-extension", type=int, metavar="DIALOGS",
                        help="every agent sentence of this many unused train dialogs with blame cues, as test rows")
    args = parser.parse_args()
    nlp = load_pipeline()
    dialogs = pd.read_parquet(args.data)
    if args.blame_extension:
        extend_for_blame(dialogs, nlp, args)
        return
    turns = list(agent_turns(dialogs))
    rows = []
    for (split, dialog_id, turn_index, _), doc in zip(turns, nlp.pipe(t[3] for t in turns)):
        for sentence_index, sentence in enumerate(s for s in doc.sents if len(s.text.split()) >= 2):
            rows.append({"split": SPLIT_NAMES[split], "source": f"tweetsumm:{dialog_id}:{turn_index}:{sentence_index}",
                         "text": " ".join(sentence.text.split())})
    rng = random.Random(args.seed)
    sample = []
    for split, size in SAMPLE.items():
        pool = [r for r in rows if r["split"] == SPLIT_NAMES[split]]
        sample += sorted(rng.sample(pool, min(size, len(pool))), key=lambda r: r["source"])
    pd.DataFrame(sample).to_csv(args.out, index=False)
    print(f"{len(rows)} agent sentences; sampled {len(sample)} -> {args.out}")


def extend_for_blame(dialogs: pd.DataFrame, nlp, args) -> None:
    used = set(pd.read_csv(LABELLED).source.str.split(":").str[1])
    turns = [t for t in agent_turns(dialogs) if t[0] == "train" and t[1] not in used]
    cued = sorted({t[1] for t in turns if BLAME_CUES.search(t[3])})
    chosen = set(random.Random(args.seed).sample(cued, min(args.blame_extension, len(cued))))
    turns = [t for t in turns if t[1] in chosen]
    rows = []
    for (_, dialog_id, turn_index, _), doc in zip(turns, nlp.pipe(t[3] for t in turns)):
        for sentence_index, sentence in enumerate(s for s in doc.sents if len(s.text.split()) >= 2):
            rows.append({"split": "test", "source": f"tweetsumm:{dialog_id}:{turn_index}:{sentence_index}",
                         "text": " ".join(sentence.text.split())})
    pd.DataFrame(rows).to_csv(args.out, index=False)
    print(f"{len(cued)} unused train dialogs with cues; {len(chosen)} chosen, {len(rows)} sentences -> {args.out}")


if __name__ == "__main__":
    main()
