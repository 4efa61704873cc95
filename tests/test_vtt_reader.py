from conftest import read_error, read_one

VOICED = """WEBVTT

NOTE queue: support

1
00:00:01.000 --> 00:00:04.000
<v Agent Sarah>Hello, thanks for calling.

2
00:00:04.500 --> 00:00:07.000
<v Customer>Hi, my parcel is late.

3
00:00:07.500 --> 00:00:09.000 align:start
<v Agent Sarah>I'm sorry to hear that.

4
00:00:09.100 --> 00:00:11.000
<v Agent Sarah><i>Let me</i> check.
"""


def test_voice_tags_give_speakers_roles_and_times(write, config):
    item = read_one(write("support/call.vtt", VOICED), config)
    assert item.channel == "call" and item.source_format == "vtt"
    assert [(t.role, t.speaker) for t in item.turns] == [
        ("company", "Agent Sarah"), ("customer", "Customer"), ("company", "Agent Sarah")]
    assert item.turns[0].start_s == 1.0 and item.turns[0].end_s == 4.0


def test_consecutive_cues_by_one_speaker_merge_and_tags_are_stripped(write, config):
    item = read_one(write("support/call.vtt", VOICED), config)
    assert item.turns[2].text == "I'm sorry to hear that. Let me check."
    assert (item.turns[2].start_s, item.turns[2].end_s) == (7.5, 11.0)


def test_vtt_with_no_voice_tags_reads_name_prefixes(write, config):
    text = "WEBVTT\n\n00:01.000 --> 00:03.000\nAgent: Hello.\n\n00:03.500 --> 00:05.000\nCaller: Hi.\n"
    item = read_one(write("support/call.vtt", text), config)
    assert [(t.role, t.text) for t in item.turns] == [("company", "Hello."), ("customer", "Hi.")]


def test_vtt_with_no_voice_tags_and_no_prefixes_has_unknown_speakers(write, config):
    text = "WEBVTT\n\n00:01.000 --> 00:03.000\nHello there.\n\n00:03.500 --> 00:05.000\nHi, I need help.\n"
    item = read_one(write("support/call.vtt", text), config)
    assert {t.role for t in item.turns} == {"unknown"}
    assert item.direction == "unknown"
    assert item.turns[0].text == "Hello there. Hi, I need help."


def test_several_voices_in_one_cue_become_separate_turns(write, config):
    text = "WEBVTT\n\n00:01.000 --> 00:03.000\n<v Agent>Is that all?</v><v Customer>Yes.</v>\n"
    item = read_one(write("support/call.vtt", text), config)
    assert [(t.role, t.text) for t in item.turns] == [("company", "Is that all?"), ("customer", "Yes.")]


def test_unknown_second_speaker_is_the_customer_when_the_agent_is_known(write, config):
    text = "WEBVTT\n\n00:01.000 --> 00:03.000\n<v Agent Sam>Hello.\n\n00:04.000 --> 00:05.000\n<v Mr Price>Hi.\n"
    item = read_one(write("support/call.vtt", text), config)
    assert [t.role for t in item.turns] == ["company", "customer"]


def test_bad_timing_line_is_a_malformed_error(write, config):
    error = read_error(write("support/call.vtt", "WEBVTT\n\n1\n00:01 --> soon\nHello\n"), config)
    assert error.kind == "malformed" and "timing" in error.message


def test_vtt_without_cues_is_a_malformed_error(write, config):
    assert read_error(write("support/call.vtt", "WEBVTT\n\nNOTE nothing here\n"), config).kind == "malformed"


def test_bad_timing_error_names_the_line_and_never_quotes_the_content(write, config):
    error = read_error(write("support/call.vtt", "WEBVTT\n\n1\n4111 1111 1111 1111 --> soon\nHello\n"), config)
    assert "line 4" in error.message and "4111" not in error.message
