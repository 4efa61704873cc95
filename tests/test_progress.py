import io
import json

from analyzer.engine.progress import JsonReporter, TextReporter


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def _drive(reporter):
    reporter.event("planned", to_score=3, unchanged=0)
    for name in ("a", "b", "c"):
        reporter.event("file_scored", path=name)
    reporter.event("finished", published=True)
    reporter.close()


def test_text_reporter_draws_a_progress_bar_on_a_terminal():
    stream = FakeTerminal()
    _drive(TextReporter(stream))
    assert "scoring" in stream.getvalue() and "/3 " in stream.getvalue()


def test_text_reporter_prints_nothing_without_a_terminal():
    stream = io.StringIO()
    _drive(TextReporter(stream))
    assert stream.getvalue() == ""


def test_json_reporter_writes_one_object_per_event_without_per_file_noise():
    stream = io.StringIO()
    _drive(JsonReporter(stream))
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [e["event"] for e in events] == ["planned", "finished"] and all("time" in e for e in events)


def test_json_reporter_logs_a_failed_file_as_a_warning():
    stream = io.StringIO()
    JsonReporter(stream).event("file_failed", path="billing/x.eml", kind="empty", message="file is empty")
    assert json.loads(stream.getvalue())["level"] == "warning"


def test_a_python_warning_during_a_run_is_one_json_log_line():
    import warnings

    from analyzer.engine.progress import warnings_to

    stream = io.StringIO()
    with warnings_to(JsonReporter(stream)), warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("a library changed its mind", UserWarning)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert (record["event"], record["level"], record["message"]) == ("warning", "warning",
                                                                      "a library changed its mind")


def test_a_quiet_text_reporter_prints_warnings_only():
    stream = FakeTerminal()
    reporter = TextReporter(stream, quiet=True)
    _drive(reporter)
    reporter.event("model_drift", level="warning", message="outputs moved")
    assert stream.getvalue() == "Warning: outputs moved\n"
