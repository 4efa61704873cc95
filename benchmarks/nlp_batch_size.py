"""The project's spaCy pipeline (with its span components) at several ``nlp.pipe`` batch sizes.

    python benchmarks/nlp_batch_size.py [--docs 300] [--sizes 16 64 256 1000] [--data ../shared/data]

On the company-side texts of the throughput benchmark's corpus (real emails and
chats, no repeated sentence; ``benchmarks/throughput.py``), each batch size tags
the same texts once after a warm-up; prints texts/s and words/s per size. The
engine's ``NLP_BATCH_SIZE`` (``analyzer/engine/batch.py``) is chosen from it.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from throughput import CONFIG, DATA, build_corpus, company_texts, write_drop

from analyzer.config import load_config
from analyzer.nlp.model import load_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 64, 256, 1000])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        documents, _ = build_corpus(args.docs, args.data)
        drop, config_path = Path(scratch) / "drop", Path(scratch) / "analyzer.toml"
        config_path.write_text(CONFIG, encoding="utf-8")
        write_drop(documents, drop)
        texts = company_texts(drop, load_config(config_path))
    words = sum(len(text.split()) for text in texts)
    nlp = load_pipeline()
    list(nlp.pipe(texts[:20]))
    print(f"{len(texts)} texts, {words} words; pipes: {', '.join(nlp.pipe_names)}")
    for size in args.sizes:
        started = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=size):
            pass
        wall = time.perf_counter() - started
        print(json.dumps({"batch_size": size, "wall_s": round(wall, 2), "texts_per_s": round(len(texts) / wall, 1),
                          "words_per_s": round(words / wall)}), flush=True)


if __name__ == "__main__":
    main()
