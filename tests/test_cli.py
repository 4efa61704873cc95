import json

import pytest
from click.testing import CliRunner

from analyzer import __version__
from analyzer.cli import cli
from conftest import SAMPLES


def _invoke(*args):
    return CliRunner().invoke(cli, list(args))


def test_version_prints_the_package_version():
    result = _invoke("--version")
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("args", [["-h"], ["--help"], ["run", "--help"]])
def test_help_is_available_with_short_and_long_flags(args):
    result = _invoke(*args)
    assert result.exit_code == 0 and "Usage:" in result.output


def test_every_command_has_help_with_an_example():
    for name, command in cli.commands.items():
        assert command.help and "Example:" in command.help, name


def test_missing_input_path_is_one_line_and_exit_2(tmp_path):
    result = _invoke("run", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"Error: input path not found: {tmp_path / 'nope'}"]
    assert not (tmp_path / "out").exists()


def test_unknown_option_exits_2():
    assert _invoke("run", str(SAMPLES), "--bogus").exit_code == 2


def test_invalid_config_is_one_line_and_exit_2(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[limits]\nmax_file_mb = 'big'\n")
    result = _invoke("run", str(SAMPLES), "--out", str(tmp_path / "out"), "--config", str(config))
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "max_file_mb" in result.output
    assert "Traceback" not in result.output


def test_bad_run_date_exits_2(tmp_path):
    result = _invoke("run", str(SAMPLES), "--out", str(tmp_path / "out"), "--run-date", "23/03/2026")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_out_pointing_at_a_file_exits_2(tmp_path):
    (tmp_path / "file").write_text("x")
    assert _invoke("run", str(SAMPLES), "--out", str(tmp_path / "file")).exit_code == 2


def test_unwritable_output_location_exits_3(tmp_path):
    (tmp_path / "file").write_text("x")
    result = _invoke("run", str(SAMPLES / "support"), "--out", str(tmp_path / "file" / "out"))
    assert result.exit_code == 3 and result.output.startswith("Error: cannot write to output folder")


def test_run_with_bad_inputs_exits_1_and_lists_the_errors(tmp_path):
    drop = tmp_path / "drop" / "billing"
    drop.mkdir(parents=True)
    (drop / "ok.txt").write_text("Dear Ann,\n\nThanks for your payment.\n")
    (drop / "empty.eml").write_bytes(b"")
    result = _invoke("run", str(tmp_path / "drop"), "--out", str(tmp_path / "out"), "--verbose")
    assert result.exit_code == 1
    assert "errors: 1 (empty 1)" in result.output and "billing/empty.eml" in result.output


def test_json_summary_is_one_json_object(tmp_path):
    result = _invoke("run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"), "--json")
    summary = json.loads(result.output)
    assert summary["exit_code"] == 0 and summary["interactions"] > 0


def test_quiet_run_prints_nothing_on_success(tmp_path):
    result = _invoke("run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 0 and result.output == ""


def test_json_log_format_writes_one_json_object_per_line(tmp_path):
    from click.testing import CliRunner

    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()
    result = runner.invoke(cli, ["run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"), "--quiet",
                                 "--log-format", "json"])
    events = [json.loads(line)["event"] for line in result.stderr.splitlines()]
    assert result.exit_code == 0 and events[0] == "planned" and events[-1] == "finished"


def test_a_second_run_over_the_same_input_says_there_is_nothing_to_score(tmp_path):
    _invoke("run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"), "--verbose")
    result = _invoke("run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"), "--verbose")
    assert result.exit_code == 0 and result.output.startswith("nothing to score")


def test_full_refresh_scores_again(tmp_path):
    _invoke("run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"))
    result = _invoke("run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"), "--full-refresh", "--json")
    assert json.loads(result.output)["files_scored"] > 0


def test_run_on_a_locked_output_exits_4_with_one_line(tmp_path):
    from analyzer.io.store import OutputStore

    with OutputStore(tmp_path / "out").lock():
        result = _invoke("run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 4 and result.output.startswith("Error: another run")
    assert len(result.output.strip().splitlines()) == 1


def test_invalid_flag_rule_in_config_exits_2_before_any_work(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[flags.threat]\nseverity = "urgent"\n')
    result = _invoke("run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"), "--config", str(config))
    assert result.exit_code == 2 and "severity must be one of" in result.output
    assert not (tmp_path / "out").exists()


def test_summary_shows_the_department_comparison(tmp_path):
    result = _invoke("run", str(SAMPLES), "--out", str(tmp_path / "out"), "--verbose",
                     "--config", str(SAMPLES / "analyzer.toml"))
    assert "verdict" in result.output and "(company)" in result.output and "flagged for review" in result.output


def test_a_failed_run_logs_one_json_error_line_in_json_log_format(tmp_path):
    from analyzer.io.store import OutputStore

    with OutputStore(tmp_path / "out").lock():
        result = _invoke("run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"), "--log-format", "json")
    record = json.loads(result.output.strip().splitlines()[-1])
    assert result.exit_code == 4 and record["event"] == "failed" and record["level"] == "error"


def test_an_empty_input_folder_says_no_files_were_found(tmp_path):
    (tmp_path / "drop").mkdir()
    result = _invoke("run", str(tmp_path / "drop"), "--out", str(tmp_path / "out"), "--verbose")
    assert result.exit_code == 0 and result.output.startswith("no input files found")


def test_without_a_terminal_a_successful_run_prints_nothing(tmp_path):
    result = _invoke("run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0 and result.output == ""


def test_quiet_and_verbose_together_are_a_usage_error(tmp_path):
    result = _invoke("run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"), "--quiet", "--verbose")
    assert result.exit_code == 2 and "exclude each other" in result.output


@pytest.mark.parametrize("model", ["missing-folder", "empty-folder"])
def test_a_run_with_an_unusable_model_exits_2_and_writes_nothing(tmp_path, model):
    (tmp_path / "empty-folder").mkdir()
    config = tmp_path / "model.toml"
    config.write_text(f"[model]\npath = '{tmp_path / model}'\n")
    result = _invoke("run", str(SAMPLES), "--out", str(tmp_path / "out"), "--config", str(config))
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()  # no folder, no lock file left behind


def test_info_names_the_default_model_and_its_scores():
    result = _invoke("info")
    assert result.exit_code == 0
    assert "default tone model (tone-v2)" in result.output and "written:test" in result.output


def test_info_json_has_the_keys_scripts_rely_on():
    facts = json.loads(_invoke("info", "--json").output)
    assert {"analyzer", "python", "libraries", "spacy_model", "default_model", "sentence_encoders"} <= set(facts)
    assert facts["default_model"]["version"].startswith("tone-")
    assert facts["libraries"]["onnxruntime"] != "not installed"


def _model_with_moved_probes(folder):
    """A copy of the shipped model whose stored probe outputs no longer match what it gives."""
    import shutil

    from analyzer.model.shipped import default_model_dir

    shutil.copytree(default_model_dir(), folder)
    meta = json.loads((folder / "meta.json").read_text())
    for probe in meta["probes"]:
        probe["tone"] = {label: 0.25 for label in probe["tone"]}
    (folder / "meta.json").write_text(json.dumps(meta))
    return folder


def test_a_model_drift_is_one_warning_line_in_the_json_log(tmp_path):
    from click.testing import CliRunner

    model = _model_with_moved_probes(tmp_path / "model")
    config = tmp_path / "model.toml"
    config.write_text(f"[model]\npath = '{model}'\n")
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()
    result = runner.invoke(cli, ["run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"), "--quiet",
                                 "--config", str(config), "--log-format", "json"])
    records = [json.loads(line) for line in result.stderr.splitlines()]  # every line is JSON
    drifts = [r for r in records if r["event"] == "model_drift"]
    assert result.exit_code == 0 and len(drifts) == 1
    assert drifts[0]["level"] == "warning" and "different outputs" in drifts[0]["message"]


def test_a_model_drift_found_by_worker_processes_is_reported_once(tmp_path):
    from analyzer import run
    from analyzer.engine.progress import Reporter

    class Recorder(Reporter):
        def __init__(self):
            self.drifts = []

        def event(self, name, **fields):
            if name == "model_drift":
                self.drifts.append(fields)

    model = _model_with_moved_probes(tmp_path / "model")
    config = tmp_path / "model.toml"
    config.write_text(f"[model]\npath = '{model}'\n")
    recorder = Recorder()
    run([SAMPLES], tmp_path / "out", config, workers=2, reporter=recorder)
    assert len(recorder.drifts) == 1 and "different outputs" in recorder.drifts[0]["message"]


def test_tag_warns_once_on_stderr_when_the_model_drifted(tmp_path):
    from click.testing import CliRunner

    model = _model_with_moved_probes(tmp_path / "model")
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()
    result = runner.invoke(cli, ["tag", "Your refund is on its way.", "--model", str(model)])
    assert result.exit_code == 0
    assert result.stderr.count("Warning:") == 1 and "different outputs" in result.stderr
