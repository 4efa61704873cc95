from analyzer.config import config_from_dict
from conftest import read_one

CALL = """Call ID: COL-7712
Date: 2026-03-20 15:05
Department: Collections

Agent: Hello, am I speaking with Ms Lindqvist?
Customer: Yes, speaking.
Agent: I'm calling about the balance, it's, uh, one hundred
  and forty dollars.
"""


def test_agent_and_customer_lines_become_turns(write, config):
    item = read_one(write("drop/call.txt", CALL), config)
    assert item.source_format == "transcript_txt" and item.channel == "call"
    assert [t.role for t in item.turns] == ["company", "customer", "company"]


def test_wrapped_lines_continue_the_speaker(write, config):
    item = read_one(write("drop/call.txt", CALL), config)
    assert item.turns[2].text == "I'm calling about the balance, it's, uh, one hundred and forty dollars."


def test_header_lines_are_metadata_not_speakers(write, config):
    item = read_one(write("drop/call.txt", CALL), config)
    assert item.department == "collections" and item.external_id == "COL-7712"
    assert item.sent_at.isoformat() == "2026-03-20T15:05:00+00:00"


def test_configured_role_names_are_recognized(write):
    config = config_from_dict({"transcripts": {"agent_names": ["Rosa"], "customer_names": ["Mr Lee"]}})
    item = read_one(write("drop/call.txt", "Rosa: Good morning.\nMr Lee: Morning.\nRosa: How can I help?\n"), config)
    assert [t.role for t in item.turns] == ["company", "customer", "company"]


def test_unknown_speakers_are_kept_with_unknown_roles(write, config):
    text = "Speaker 1: Hi, it's Jordan.\nSpeaker 2: Hi Jordan.\nSpeaker 1: About the quote.\n"
    item = read_one(write("drop/call.txt", text), config)
    assert [(t.role, t.speaker) for t in item.turns] == [
        ("unknown", "Speaker 1"), ("unknown", "Speaker 2"), ("unknown", "Speaker 1")]
    assert item.direction == "unknown"


def test_timestamps_before_labels_are_read(write, config):
    item = read_one(write("drop/call.txt", "[00:01:05] Agent: Hello.\n[00:01:09] Customer: Hi.\n"), config)
    assert item.turns[0].start_s == 65.0 and item.turns[1].text == "Hi."
