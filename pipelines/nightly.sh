#!/usr/bin/env bash
# Nightly batch: score what arrived in the drop folder and publish today's partition.
#
#   pipelines/nightly.sh DROP_DIR OUT_DIR [CONFIG]
#
# Quiet when all is well (cron mails only what is printed); JSON log lines go to
# $LOG_FILE (default OUT_DIR/_logs/YYYY-MM-DD.jsonl) for the log collector. The exit
# code is analyzer's: 0 ok, 1 some inputs unreadable (see OUT_DIR/errors), 2 usage
# or config error, 3 run failed (previous results untouched), 4 another run holds
# the output folder. Waits up to $WAIT_SECONDS (default 1800) for an overlapping run.
set -uo pipefail

drop=${1:?usage: nightly.sh DROP_DIR OUT_DIR [CONFIG]}
out=${2:?usage: nightly.sh DROP_DIR OUT_DIR [CONFIG]}
config=${3:-}
wait_seconds=${WAIT_SECONDS:-1800}
log_file=${LOG_FILE:-$out/_logs/$(date -u +%F).jsonl}
mkdir -p "$(dirname "$log_file")"

args=(run "$drop" --out "$out" --quiet --log-format json --wait "$wait_seconds")
[[ -n "$config" ]] && args+=(--config "$config")

analyzer "${args[@]}" 2>>"$log_file"
status=$?
case $status in
  0) ;;
  1) echo "interaction-analyzer: some inputs could not be read; see $out/errors and $log_file" >&2 ;;
  *) echo "interaction-analyzer: nightly run failed with exit code $status; see $log_file" >&2 ;;
esac
exit $status
