"""Wall time and peak memory of the CLI when a nightly run finds nothing to score.

    python benchmarks/noop_rerun.py [--copies N] [--repeats R] [--json]

Copies the sample drop ``--copies`` times into a temporary folder, scores it once
with ``analyzer run`` (not measured), then runs the same command ``--repeats``
times over the unchanged drop, each in a fresh process as cron would, and reports
the wall time (median, min, max) and the peak RSS of each process, measured with
``os.wait4``. Also reports which heavy libraries the no-op process imported (none
is the goal: the manifest decides before spaCy or the tone model load).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "samples"
HEAVY = ("spacy", "sklearn", "onnxruntime", "pandas", "torch")
PROBE = ("import sys, runpy\nsys.argv = ['analyzer'] + sys.argv[1:]\n"
         "try:\n    runpy.run_module('analyzer', run_name='__main__')\nexcept SystemExit as exit:\n    code = exit.code\n"
         f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})), file=sys.stderr)\n"
         "sys.exit(code)")


def build_drop(folder: Path, copies: int) -> Path:
    drop = folder / "drop"
    for index in range(copies):
        shutil.copytree(SAMPLES, drop / f"copy{index:03d}", ignore=shutil.ignore_patterns("*.toml"), dirs_exist_ok=True)
    return drop


def timed(command: list[str]) -> tuple[float, int, int, str]:
    """Wall seconds, peak RSS in MiB, exit code and stderr of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stderr = process.stderr.read()
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss // 1024, process.returncode, stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=1, help="copies of the sample drop (42 files each)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        drop = build_drop(Path(scratch), args.copies)
        run = ["run", str(drop), "--out", str(Path(scratch) / "out"), "--config", str(SAMPLES / "analyzer.toml"),
               "--run-date", "2026-03-31"]
        first = timed([sys.executable, "-m", "analyzer", *run])
        if first[2] != 0:
            sys.exit(f"the first run failed (exit {first[2]}): {first[3]}")
        walls, peaks, imported = [], [], ""
        for _ in range(args.repeats):
            wall, peak, code, stderr = timed([sys.executable, "-c", PROBE, *run])
            if code != 0:
                sys.exit(f"the re-run failed (exit {code}): {stderr}")
            walls.append(wall)
            peaks.append(peak)
            imported = stderr.strip().splitlines()[-1]
        files = sum(1 for p in drop.rglob("*") if p.is_file())
    result = {"files": files, "repeats": args.repeats, "first_run_s": round(first[0], 2),
              "first_run_peak_rss_mib": first[1], "noop_wall_s_median": round(statistics.median(walls), 3),
              "noop_wall_s_min": round(min(walls), 3), "noop_wall_s_max": round(max(walls), 3),
              "noop_peak_rss_mib_max": max(peaks), "heavy_libraries_imported": imported}
    if args.json:
        print(json.dumps(result))
        return
    print(f"{files} files; first run {result['first_run_s']} s, peak {result['first_run_peak_rss_mib']} MiB")
    print(f"unchanged re-run from the CLI ({args.repeats} processes): median {result['noop_wall_s_median']} s "
          f"(min {result['noop_wall_s_min']}, max {result['noop_wall_s_max']}), peak RSS "
          f"{result['noop_peak_rss_mib_max']} MiB; heavy libraries imported: {imported}")


if __name__ == "__main__":
    main()
