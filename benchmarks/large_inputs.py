"""Peak memory of one run over one large export, at two sizes: does it grow with the file?

    python benchmarks/large_inputs.py [--rows 100000 1000000] [--format csv|mbox] [--model DIR] [--json]

Generates a chat export (CSV, one message per row, 20 rows per conversation) or
an mbox of short emails with the requested number of rows or messages, runs
``analyzer run`` on it in a fresh process, and reports the wall time and the peak
RSS of that process (its VmHWM as it exits). By default every message is the customer's
(``--sides customer``), so the run reads, resolves and writes every row without
tagging any: this measures what the readers and writers hold, which is what must
not grow with the file (tagging 500,000 agent sentences would take over an hour
on 2 cores; ``--sides both`` includes it). The hardening issue's goal: the peak at
1,000,000 rows within 1.5x of the peak at 100,000.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AGENT = ["Thanks for waiting, {name}; the refund of £{amount} is on its way.",
         "Your account shows a balance of £{amount}; please pay it by Friday.",
         "I'm sorry about the delay with order {order}, {name}."]
CUSTOMER = ["Where is my refund of £{amount}?", "I was charged twice for order {order}.", "Thanks, {name} here."]
NAMES = ["Ann", "Bo", "Chidi", "Dana", "Emeka", "Fern"]
LIMITS = "[limits]\nmax_file_mb = 2000\n"


def write_csv(path: Path, rows: int, both_sides: bool) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["conversation_id", "role", "text", "department", "sent_at"])
        for index in range(rows):
            agent = both_sides and index % 2
            text = (AGENT if agent else CUSTOMER)[index % 3].format(
                name=NAMES[index % 6], amount=f"{index % 997}.{index % 89:02d}", order=100000 + index)
            writer.writerow([f"c{index // 20}", "agent" if agent else "customer", text, "support",
                             f"2026-03-{1 + index % 28:02d}T10:{index % 60:02d}:00Z"])


def write_mbox(path: Path, messages: int, both_sides: bool) -> None:
    sender = "billing@northwind.example" if both_sides else "someone@example.com"
    with open(path, "w", encoding="utf-8") as handle:
        for index in range(messages):
            body = AGENT[index % 3].format(name=NAMES[index % 6], amount=index % 997, order=100000 + index)
            handle.write(f"From {sender} Mon Mar 30 09:00:00 2026\n"
                         f"From: {sender}\nTo: c{index}@northwind.example\nSubject: Account {index}\n"
                         f"Message-ID: <{index}@example.com>\n\nHello,\n\n{body}\n\nThanks\n\n")


# Runs the CLI and, as it exits, writes its own VmHWM (the peak RSS of the program itself) to the file named
# by $ANALYZER_PEAK_RSS_FILE. The child's ru_maxrss is not that: Linux keeps the largest RSS of the process
# across exec, and a forked child starts with its parent's, so a benchmark holding models would report its own.
_PEAK_RSS_WRAPPER = """
import atexit, os, runpy, sys
def _write_peak():
    status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]
    open(os.environ['ANALYZER_PEAK_RSS_FILE'], 'w').write(status)
atexit.register(_write_peak)
sys.argv = ['analyzer', *sys.argv[1:]]
runpy.run_module('analyzer', run_name='__main__')
"""


def measure(drop: Path, out: Path, model: str | None, config: Path | None = None, extra: tuple[str, ...] = (),
            cores: set[int] | None = None) -> dict:
    """One ``analyzer run`` in a fresh process: its wall time, CPU time (``os.wait4``) and peak RSS (its
    VmHWM, see _PEAK_RSS_WRAPPER). ``config``: a config file to use as is (default: one written beside
    ``drop``); ``extra``: more CLI options; ``cores``: the CPUs the process may run on (its affinity;
    default: this process's)."""
    command = [sys.executable, "-c", _PEAK_RSS_WRAPPER, "run", str(drop), "--out", str(out),
               "--run-date", "2026-03-31", "--quiet", *extra]
    if config is None and model:
        config = drop.parent / "bench.toml"
        config.write_text(f'[model]\npath = "{Path(model).resolve()}"\n{LIMITS}')
    elif config is None:
        config = drop.parent / "bench.toml"
        config.write_text(f'[company]\nemail_domains = ["northwind.example"]\n{LIMITS}')
    command += ["--config", str(config)]
    peak_file = out.parent / f".{out.name}.peak-rss-kib"
    started = time.perf_counter()
    pin = (lambda: os.sched_setaffinity(0, cores)) if cores else None
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=pin,
                               env={**os.environ, "ANALYZER_PEAK_RSS_FILE": str(peak_file)})
    _, status, usage = os.wait4(process.pid, 0)
    stderr = process.stderr.read()
    process.stderr.close()
    peak_kib = int(peak_file.read_text()) if peak_file.is_file() else usage.ru_maxrss
    return {"seconds": round(time.perf_counter() - started, 1), "peak_rss_mib": peak_kib // 1024,
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "exit_code": os.waitstatus_to_exitcode(status), "stderr_tail": stderr[-300:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--format", choices=("csv", "mbox"), default="csv")
    parser.add_argument("--model", help="tone model folder (default: the shipped default)")
    parser.add_argument("--sides", choices=("customer", "both"), default="customer",
                        help="customer: no message is tagged (reading and writing only); both: agents too")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as scratch:
            drop = Path(scratch) / "drop" / "support"
            drop.mkdir(parents=True)
            path = drop / f"export.{args.format}"
            (write_csv if args.format == "csv" else write_mbox)(path, rows, args.sides == "both")
            result = {"rows": rows, "format": args.format, "file_mb": round(path.stat().st_size / 1e6, 1),
                      **measure(drop.parent, Path(scratch) / "out", args.model)}
            results.append(result)
            if not args.json:
                print(f"{rows:>9} {args.format} rows ({result['file_mb']} MB): {result['seconds']} s, peak RSS "
                      f"{result['peak_rss_mib']} MiB, exit {result['exit_code']}", flush=True)
    if len(results) > 1 and not args.json:
        print(f"peak RSS ratio {results[-1]['rows']:,} / {results[0]['rows']:,} rows: "
              f"{results[-1]['peak_rss_mib'] / results[0]['peak_rss_mib']:.2f}")
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
