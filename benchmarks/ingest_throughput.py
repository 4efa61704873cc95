"""Ingestion throughput: copies data/samples/ N times into a temporary drop and times `analyzer.run`.

    python benchmarks/ingest_throughput.py --copies 50

Prints files, interactions, seconds, files/s and peak RSS (MiB) as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

from analyzer import run

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50, help="how many copies of the sample drop to read")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        drop = Path(tmp) / "drop"
        for copy in range(args.copies):
            for path in SAMPLES.rglob("*"):
                if path.is_file() and path.suffix != ".toml":
                    relative = path.relative_to(SAMPLES)
                    # keep the department folder first, vary the rest so every copy is a new file
                    target = drop / relative.parts[0] / f"copy{copy:04d}" / Path(*relative.parts[1:]) \
                        if len(relative.parts) > 1 else drop / f"copy{copy:04d}-{relative.name}"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)
        started = time.perf_counter()
        result = run([drop], Path(tmp) / "out", SAMPLES / "analyzer.toml", run_date="2026-03-31")
        seconds = time.perf_counter() - started
    summary = result.summary
    print(json.dumps({
        "files": summary.files_seen, "interactions": summary.interactions, "errors": summary.errors,
        "seconds": round(seconds, 2), "files_per_s": round(summary.files_seen / seconds, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
