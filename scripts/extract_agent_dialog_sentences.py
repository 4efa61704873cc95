"""Extract clerk sentences from the agent-dialog sets (../shared/data/agent-dialogs/) for labelling.

    python scripts/extract_agent_dialog_sentences.py --out /tmp/agent_candidates.csv

Taskmaster-4 assistant turns (CC BY 4.0) and MultiWOZ clerk templates (MIT) may
train the shipped model; Schema-Guided Dialogue system turns (CC BY-SA 4.0,
share-alike) are sampled for evaluation only (split `test`, never trained).
MultiWOZ templates are delexicalised (`#HOTEL-INFORM-NAME#`): each slot is
filled with one plain value per slot kind so that the sentence reads as a clerk
wrote it. Turns are split into sentences with the project's own spaCy pipeline;
sentences of one word and exact repeats are dropped; a fixed-seed sample per set
is written with `source` ids and `licence`. The labelled result is
data/labels/agent_dialogs.csv.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

import pandas as pd

from analyzer.nlp.model import load_pipeline

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "agent-dialogs"
SAMPLE = {"tm4": 900, "multiwoz": 500, "sgd": 400}
LICENCE = {"tm4": "CC BY 4.0 (Taskmaster-4)", "multiwoz": "MIT (MultiWOZ via ConvLab-3)",
           "sgd": "CC BY-SA 4.0 (SGD): evaluation only"}
# one plain value per MultiWOZ slot kind; anything else reads as "that"
SLOT_VALUES = {
    "NAME": "the Lensfield Hotel", "PHONE": "01223 356354", "POST": "CB2 1TN", "ADDR": "53 Regent Street",
    "AREA": "the city centre", "PRICE": "moderately priced", "FOOD": "Italian", "TYPE": "guesthouse",
    "STARS": "4", "CHOICE": "several", "REF": "QX7RT2AB", "TIME": "18:45", "DAY": "Friday",
    "PEOPLE": "3", "STAY": "2 nights", "DEPART": "Cambridge", "DEST": "London Kings Cross",
    "LEAVE": "09:15", "ARRIVE": "11:30", "ID": "TR4032", "TICKET": "23.60 pounds", "FEE": "5 pounds",
    "CAR": "a white Toyota", "OPEN": "10am to 5pm", "INTERNET": "free wifi", "PARKING": "free parking",
    "DEPARTMENT": "the emergency department", "NONE": "that",
}
_SLOT = re.compile(r"#[A-Z]+-[A-Z]+-([A-Z]+)#")


def fill_slots(template: str) -> str:
    text = _SLOT.sub(lambda m: SLOT_VALUES.get(m.group(1), "that"), template)
    return re.sub(r"\s+([.,?!;:])", r"\1", " ".join(text.split()))


def turns() -> list[tuple[str, str, str]]:
    """(set, turn id, text) for every clerk turn."""
    out = []
    tm4 = pd.read_parquet(DATA / "tm4_turns.parquet")
    for row in tm4[tm4.speaker == "assistant"].itertuples():
        out.append(("tm4", f"tm4:{row.conversation_id}:{row.index}", row.text))
    mw = pd.read_parquet(DATA / "multiwoz_system_templates.parquet")
    for index, row in enumerate(mw.itertuples()):
        out.append(("multiwoz", f"multiwoz:{index}", fill_slots(row.text)))
    sgd = pd.read_parquet(DATA / "sgd_turns.parquet")
    for row in sgd[sgd.speaker == "SYSTEM"].itertuples():
        out.append(("sgd", f"sgd:{row.split}:{row.dialogue_id}:{row.turn}", row.text))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    nlp = load_pipeline()
    all_turns = turns()
    by_set: dict[str, list] = {name: [] for name in SAMPLE}
    for name in SAMPLE:
        # sample turns first (sentence-splitting 150k SGD turns would take minutes), then sentences
        pool = [t for t in all_turns if t[0] == name]
        picked = rng.sample(pool, min(len(pool), SAMPLE[name] * 2))
        seen: set[str] = set()
        for (_, turn_id, _), doc in zip(picked, nlp.pipe(t[2] for t in picked)):
            for index, sentence in enumerate(s for s in doc.sents if len(s.text.split()) >= 2):
                text = " ".join(sentence.text.split())
                if text.lower() not in seen:
                    seen.add(text.lower())
                    by_set[name].append({"source": f"{turn_id}:{index}", "licence": LICENCE[name], "text": text})
        by_set[name] = rng.sample(by_set[name], min(SAMPLE[name], len(by_set[name])))
    rows = [r for name in SAMPLE for r in sorted(by_set[name], key=lambda r: r["source"])]
    pd.DataFrame(rows).to_csv(args.out, index=False)
    print(f"{len(rows)} sentences -> {args.out}")


if __name__ == "__main__":
    main()
