import json

from conftest import read_error, read_one

ANALYTICS = {
    "JobName": "call-42",
    "Transcript": [
        {"ParticipantRole": "AGENT", "Content": "Thanks for calling.", "BeginOffsetMillis": 500, "EndOffsetMillis": 2000},
        {"ParticipantRole": "CUSTOMER", "Content": "My order is late.", "BeginOffsetMillis": 2500, "EndOffsetMillis": 4000},
        {"ParticipantRole": "AGENT", "Content": "Sorry about that.", "BeginOffsetMillis": 4500, "EndOffsetMillis": 6000},
    ],
}


def test_call_analytics_roles_become_sides_with_times(write, config):
    item = read_one(write("support/call.json", json.dumps(ANALYTICS)), config)
    assert item.source_format == "transcribe_json" and item.channel == "call"
    assert [t.role for t in item.turns] == ["company", "customer", "company"]
    assert (item.turns[1].start_s, item.turns[1].end_s) == (2.5, 4.0)
    assert item.external_id == "call-42"


def test_standard_job_with_speaker_labels_uses_audio_segments(write):
    from analyzer.config import config_from_dict

    config = config_from_dict({"transcripts": {"agent_names": ["spk_0"]}})
    document = {"jobName": "j", "results": {"transcripts": [{"transcript": "Hello. Hi."}], "audio_segments": [
        {"speaker_label": "spk_0", "transcript": "Hello.", "start_time": "0.5", "end_time": "1.0"},
        {"speaker_label": "spk_1", "transcript": "Hi.", "start_time": "1.2", "end_time": "1.5"}]}}
    item = read_one(write("support/call.json", json.dumps(document)), config)
    assert [(t.role, t.speaker) for t in item.turns] == [("company", "spk_0"), ("customer", "spk_1")]


def test_segment_without_content_is_malformed(write, config):
    document = {"Transcript": [{"ParticipantRole": "AGENT"}]}
    assert read_error(write("support/call.json", json.dumps(document)), config).kind == "malformed"


def test_truncated_json_is_a_truncated_error(write, config):
    text = json.dumps(ANALYTICS)
    assert read_error(write("support/call.json", text[: len(text) // 2]), config).kind == "truncated"


def test_unrecognized_json_document_is_malformed(write, config):
    error = read_error(write("support/call.json", '{"hello": "world"}'), config)
    assert error.kind == "malformed" and "Transcribe" in error.message
