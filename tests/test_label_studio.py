"""Label Studio round trip: flagged messages out as tasks, a researcher's annotations back into the verdict store."""

import copy
import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from review_drop import output_copy, scored_drop

from analyzer.cli import cli
from analyzer.engine.label_studio import (
    import_label_studio,
    label_studio_tasks,
    write_label_studio,
)
from analyzer.engine.review import record_verdicts
from analyzer.errors import UsageError
from analyzer.io.verdict_store import VerdictStore


@pytest.fixture
def out(tmp_path_factory, tmp_path):
    scored_drop(tmp_path_factory)
    return output_copy(tmp_path)

def _hostile_task(tasks):
    return next(t for t in tasks if t["data"]["relative_path"] == "collections/email-hostile.eml")


def _annotated(tasks, verdict="confirmed", completed_by=None, relabel=None):
    """What Label Studio exports after a researcher accepted the predictions, chose ``verdict`` on every
    flag and, with ``relabel`` = {(control, sentence_index): label}, changed some sentence labels of the
    hostile email."""
    tasks = copy.deepcopy(tasks)
    for number, task in enumerate(tasks, start=1):
        task["id"] = number
        result = [r for r in task["predictions"][0]["result"] if r["from_name"] != "verdict"]
        for flag in task["data"]["flags"]:
            region = next(r for r in result if r["id"] == flag["regions"][0])
            result.append({**copy.deepcopy(region), "from_name": "verdict", "type": "choices",
                           "value": {**{k: region["value"][k] for k in ("start", "end", "startOffset", "endOffset")},
                                     "choices": [verdict]}})
        for region in result:
            head, _, index = region["id"].partition("-")
            hostile = task["data"]["relative_path"] == "collections/email-hostile.eml"
            if relabel and hostile and head in ("tone", "blame") and (head, int(index)) in relabel:
                region["value"]["paragraphlabels"] = [relabel[(head, int(index))]]
        task["annotations"] = [{"id": 100 + number, "result": result, "was_cancelled": False,
                                "completed_by": completed_by if completed_by is not None else
                                {"id": 1, "email": "researcher@example.org"}}]
    return tasks


def _write(tmp_path, tasks, name="export.json"):
    path = tmp_path / name
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def test_every_flagged_message_is_one_task_with_one_paragraph_per_turn(out):
    tasks = label_studio_tasks(out)
    assert len(tasks) == 3  # the agency call and two collections emails carry the flags
    for task in tasks:
        assert all(set(p) >= {"author", "text"} for p in task["data"]["dialogue"])
        assert task["data"]["flag_ids"] == [f["flag_id"] for f in task["data"]["flags"]]
    call = next(t for t in tasks if t["data"]["channel"] == "call")
    assert call["data"]["dialogue"][0]["author"] == "Agent (company)"


def test_evidence_regions_point_at_the_exact_words_of_their_turn(out):
    for task in label_studio_tasks(out):
        dialogue = task["data"]["dialogue"]
        for region in task["predictions"][0]["result"]:
            value = region["value"]
            assert value["start"] == value["end"]
            assert dialogue[value["start"]]["text"][value["startOffset"]:value["endOffset"]] == value["text"]


def test_flag_regions_carry_the_rule_and_sentence_regions_the_model_labels(out):
    task = _hostile_task(label_studio_tasks(out))
    result = task["predictions"][0]["result"]
    assert {r["value"]["paragraphlabels"][0] for r in result if r["from_name"] == "flag"} == {
        f["rule"] for f in task["data"]["flags"]}
    tone = {r["value"]["text"]: r["value"]["paragraphlabels"][0] for r in result if r["from_name"] == "tone"}
    assert tone["and you are lying to us."] == "hostile"


def test_only_a_verdict_already_on_record_is_prefilled(out):
    flag = _hostile_task(label_studio_tasks(out))["data"]["flags"][0]["flag_id"]
    record_verdicts(out, [flag], "dismissed", "A. Jones")
    choices = [r for t in label_studio_tasks(out) for r in t["predictions"][0]["result"] if r["from_name"] == "verdict"]
    assert [(c["id"].rsplit("-", 1)[0], c["value"]["choices"]) for c in choices] == [(flag, ["dismissed"])]


def test_the_labelling_config_has_every_control_and_label_the_tasks_use(out, tmp_path):
    write_label_studio(out, tmp_path / "tasks.json")
    root = ET.fromstring((tmp_path / "tasks.json.xml").read_text(encoding="utf-8"))
    controls = {e.get("name"): {c.get("value") for c in e} for e in root if e.get("toName") == "dialogue"}
    assert root.find("Paragraphs").get("value") == "$dialogue"
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    for task in _annotated(tasks):
        for region in task["annotations"][0]["result"]:
            labels = region["value"].get("paragraphlabels") or region["value"].get("choices")
            assert set(labels) <= controls[region["from_name"]]


def test_script_and_formula_text_survive_exactly_in_the_tasks_json(out, tmp_path):
    write_label_studio(out, tmp_path / "tasks.json")
    task = _hostile_task(json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8")))
    text = task["data"]["dialogue"][0]["text"]
    assert "<script>alert(1)</script>" in text and "=cmd|' /C calc'!A0 is not a payment \U0001F621." in text


def test_annotations_come_back_as_verdicts_and_changed_labels_as_corrections(out, tmp_path):
    tasks = label_studio_tasks(out)
    path = _write(tmp_path, _annotated(tasks, relabel={("tone", 0): "hostile"}))
    result = import_label_studio(out, path)
    store = VerdictStore(out)
    verdicts = store.flag_verdicts()
    assert result.verdicts.new == sum(len(t["data"]["flags"]) for t in tasks) == len(verdicts)
    assert set(verdicts["verdict"]) == {"confirmed"} and set(verdicts["reviewer"]) == {"researcher@example.org"}
    labels = store.label_corrections()
    assert result.labels.new == 1 and len(labels) == 1  # unchanged sentences are not corrections
    row = labels.iloc[0]
    assert (row["sentence_index"], row["tone"], row["model_tone"]) == (0, "hostile", "curt")
    assert row["blame"] == row["model_blame"] == "customer"
    assert row["text"] == "You failed to pay again <script>alert(1)</script>"


def test_importing_the_same_export_twice_stores_each_decision_once(out, tmp_path):
    tasks = label_studio_tasks(out)
    path = _write(tmp_path, _annotated(tasks, "dismissed", relabel={("blame", 0): "none"}))
    import_label_studio(out, path)
    again = import_label_studio(out, path)
    assert again.verdicts.new == 0 and again.labels.new == 0 and again.labels.unchanged == 1
    assert len(VerdictStore(out).flag_verdicts()) == again.verdicts.unchanged


def test_an_annotator_given_only_as_a_user_id_takes_the_reviewer_option(out, tmp_path):
    path = _write(tmp_path, _annotated(label_studio_tasks(out), completed_by=7))
    with pytest.raises(UsageError, match="names no annotator.*pass --reviewer"):
        import_label_studio(out, path)
    import_label_studio(out, path, reviewer="B. Smith")
    assert set(VerdictStore(out).flag_verdicts()["reviewer"]) == {"B. Smith"}


def test_a_verdict_on_a_region_drawn_anew_finds_its_flag_by_rule(out, tmp_path):
    tasks = _annotated(label_studio_tasks(out))
    task = tasks[0]
    flag = task["data"]["flags"][0]
    for region in task["annotations"][0]["result"]:
        if region["id"] == flag["regions"][0]:
            region["id"] = "Xy12AbC9zq"  # Label Studio's own id for a region the researcher drew
    task["annotations"][0]["result"] = [r for r in task["annotations"][0]["result"]
                                        if r["from_name"] != "verdict" or r["id"] == "Xy12AbC9zq"]
    import_label_studio(out, _write(tmp_path, [task]))
    assert list(VerdictStore(out).flag_verdicts()["flag_id"]) == [flag["flag_id"]]


def test_a_region_given_in_utf16_offsets_after_an_emoji_finds_its_sentence(out, tmp_path):
    task = _annotated([_hostile_task(label_studio_tasks(out))])[0]
    region = next(r for r in task["annotations"][0]["result"] if r["id"] == "tone-3")
    # moved onto the full stop after the emoji: code points 113-114, UTF-16 units 114-115 (where the space after it is)
    region["value"].update(startOffset=114, endOffset=115, text=".", paragraphlabels=["neutral"])
    import_label_studio(out, _write(tmp_path, [task]))
    assert list(VerdictStore(out).label_corrections()["sentence_index"]) == [2]


def test_tasks_without_annotations_are_skipped_and_counted(out, tmp_path):
    tasks = _annotated(label_studio_tasks(out))
    tasks[0]["annotations"] = []
    result = import_label_studio(out, _write(tmp_path, tasks))
    assert result.skipped == 1 and result.verdicts.new == sum(len(t["data"]["flags"]) for t in tasks[1:])


def test_a_bad_label_anywhere_in_the_file_stores_no_verdict_either(out, tmp_path):
    tasks = _annotated(label_studio_tasks(out), relabel={("tone", 0): "furious"})
    with pytest.raises(UsageError, match="tone must be one of empathetic"):
        import_label_studio(out, _write(tmp_path, tasks))
    assert not (out / "reviews.sqlite").exists() or VerdictStore(out).flag_verdicts().empty


def _broken(tasks, how):
    tasks = _annotated(tasks)
    if how == "verdict":
        next(r for r in tasks[0]["annotations"][0]["result"] if r["from_name"] == "verdict")["value"]["choices"] = ["maybe"]
    elif how == "interaction":
        tasks[0]["data"]["interaction_id"] = "not-published"
    elif how == "paragraph":
        next(r for r in tasks[0]["annotations"][0]["result"] if r["from_name"] == "tone")["value"]["start"] = "x"
    elif how == "result":
        tasks[0]["annotations"][0]["result"] = {"a": 1}
    return json.dumps(tasks)


@pytest.mark.parametrize("content, message", [
    ("[{\"data\": {}, \"annotations\": [", "is not valid JSON"),
    ("{\"tasks\": []}", "is not a Label Studio JSON export"),
    ("[{\"data\": {}}]", "holds no annotations"),
    ("verdict", "verdict must be one of confirmed, dismissed"),
    ("interaction", "is not published under this output folder"),
    ("paragraph", "value.start must be a paragraph index"),
    ("result", "result is not a list of regions"),
    ("[" * 100000, "nests JSON too deeply"),
])
def test_a_malformed_label_studio_export_is_one_error_line_and_exit_2(out, tmp_path, content, message):
    if content in ("verdict", "interaction", "paragraph", "result"):
        content = _broken(label_studio_tasks(out), content)
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", "import", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1 and message in result.output
    assert not (out / "reviews.sqlite").exists() or VerdictStore(out).flag_verdicts().empty


def test_review_import_command_reads_a_label_studio_export_by_its_content(out, tmp_path):
    path = _write(tmp_path, _annotated(label_studio_tasks(out)), name="project-1.txt")
    result = CliRunner().invoke(cli, ["review", "import", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "verdict(s) recorded" in result.output and "0 label(s) recorded" in result.output


def test_review_export_command_writes_tasks_and_the_labelling_config(out, tmp_path):
    path = tmp_path / "tasks.json"
    result = CliRunner().invoke(cli, ["review", "export", "--format", "label-studio", "--out", str(out), str(path)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(path.read_text(encoding="utf-8"))) == 3 and (tmp_path / "tasks.json.xml").exists()
