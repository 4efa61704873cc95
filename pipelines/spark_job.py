"""The spark-submit entry point: score a drop on the cluster's executors, publish it under --out.

    spark-submit [--master URL] pipelines/spark_job.py INPUT... --out OUT [--config FILE]
                 [--run-date YYYY-MM-DD] [--full-refresh] [--wait SECONDS] [--json] [--log-format json]

It calls the same API as `analyzer run --engine spark` (``analyzer.run(..., engine="spark")``)
in the session spark-submit configured (--master, --conf, --archives). The driver lists
the inputs and writes --out, so both must be paths the driver sees; executors read the
input files by the same paths (docs/spark.md). Exit codes are analyzer run's: 0 ok,
1 some inputs unreadable, 2 usage or config error, 3 run failed, 4 output busy.
"""

from __future__ import annotations

import argparse
import json
import sys


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="spark_job.py", description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="input files and folders (driver paths)")
    parser.add_argument("--out", required=True, help="output folder for the Parquet datasets (a driver path)")
    parser.add_argument("--config", help="TOML config")
    parser.add_argument("--run-date", help="partition date YYYY-MM-DD (default: today, UTC)")
    parser.add_argument("--full-refresh", action="store_true", help="score every input again")
    parser.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another run's lock")
    parser.add_argument("--json", action="store_true", help="print the run summary as one JSON object")
    parser.add_argument("--log-format", choices=["text", "json"], default="text",
                        help="json: one JSON log line per event on stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from pyspark.sql import SparkSession

    from analyzer import run
    from analyzer.engine.progress import JsonReporter, Reporter
    from analyzer.engine.summary import render
    from analyzer.errors import AnalyzerError

    active = SparkSession.getActiveSession()  # a caller's session (a test, a notebook) is left running
    session = active or SparkSession.builder.appName("interaction-analyzer").getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    reporter = JsonReporter() if args.log_format == "json" else Reporter()
    try:
        result = run(args.inputs, args.out, args.config, run_date=args.run_date, full_refresh=args.full_refresh,
                     wait_seconds=args.wait, reporter=reporter, engine="spark")
    except AnalyzerError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    finally:
        if active is None:
            session.stop()
    print(json.dumps(result.summary.to_dict(), sort_keys=True, default=str) if args.json else render(result.summary))
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
