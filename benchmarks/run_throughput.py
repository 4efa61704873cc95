"""Throughput of the nightly run: copies data/samples/ N times into a temporary drop and times
`analyzer.run` three ways: a first run (read, tag, score, publish everything), a re-run over the
unchanged drop (the manifest says nothing changed), and a re-run after one file changed.

    python benchmarks/run_throughput.py --copies 20 [--workers N] [--model DIR] [--no-embedding-cache]

The copies repeat the same sentences, which the sentence-embedding cache would
encode only once: ``--no-embedding-cache`` switches it off to time a drop whose
sentences are all new (the worst case). ``--model`` times another tone model
(default: the shipped default for this install).

Model loading is timed separately (once per process). Prints one JSON line: files,
interactions, sentences, seconds and files/s per phase, and peak RSS (MiB).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from analyzer import run
from analyzer.config import load_config
from analyzer.engine.batch import Scorer
from analyzer.model import embeddings

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
CONFIG = SAMPLES / "analyzer.toml"


def make_drop(drop: Path, copies: int) -> None:
    for copy in range(copies):
        for path in SAMPLES.rglob("*"):
            if path.is_file() and path.suffix != ".toml":
                relative = path.relative_to(SAMPLES)
                # keep the department folder first, vary the rest so every copy is a new file
                target = drop / relative.parts[0] / f"copy{copy:04d}" / Path(*relative.parts[1:]) \
                    if len(relative.parts) > 1 else drop / f"copy{copy:04d}-{relative.name}"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


def timed(drop: Path, out: Path, config: Path, workers: int = 1) -> tuple[float, object]:
    started = time.perf_counter()
    result = run([drop], out, config, run_date="2026-03-31", workers=workers)
    return time.perf_counter() - started, result.summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="how many copies of the sample drop to read")
    parser.add_argument("--workers", type=int, default=1, help="worker processes for the first run")
    parser.add_argument("--model", help="tone model folder (default: the shipped default for this install)")
    parser.add_argument("--no-embedding-cache", action="store_true",
                        help="encode every sentence even when seen before (one process only)")
    args = parser.parse_args()
    if args.no_embedding_cache:
        embeddings.CACHE_SIZE = 0
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "analyzer.toml"
        config.write_text(CONFIG.read_text() + (f'\n[model]\npath = "{Path(args.model).resolve()}"\n' if args.model else ""))
        started = time.perf_counter()
        scorer = Scorer.from_config(load_config(config))
        load_seconds = time.perf_counter() - started
        drop, out = Path(tmp) / "drop", Path(tmp) / "out"
        make_drop(drop, args.copies)
        first_seconds, first = timed(drop, out, config, args.workers)
        unchanged_seconds, unchanged = timed(drop, out, config)
        changed = next(drop.rglob("*.eml"))
        changed.write_bytes(changed.read_bytes() + b"\nThanks again for your patience.\n")
        one_seconds, one = timed(drop, out, config)
        import pandas as pd

        sentences = len(pd.read_parquet(out / "sentences"))
    print(json.dumps({
        "copies": args.copies, "workers": args.workers, "model": scorer.model_version,
        "embedding_cache": not args.no_embedding_cache, "files": first.files_seen, "interactions": first.interactions, "sentences": sentences,
        "cpu_count": os.cpu_count(), "model_load_s": round(load_seconds, 2),
        "first_run_s": round(first_seconds, 2), "first_run_files_per_s": round(first.files_seen / first_seconds, 1),
        "first_run_interactions_per_s": round(first.interactions / first_seconds, 1),
        "unchanged_rerun_s": round(unchanged_seconds, 2), "unchanged_rerun_files_scored": unchanged.files_scored,
        "one_changed_rerun_s": round(one_seconds, 2), "one_changed_rerun_files_scored": one.files_scored,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
