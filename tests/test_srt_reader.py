from conftest import read_error, read_one

SRT = """1
00:00:00,500 --> 00:00:04,200
AGENT: Billing department.

2
00:00:04,600 --> 00:00:08,300
CUSTOMER: Hi, I'm calling about a charge.

3
00:00:08,800 --> 00:00:12,100
AGENT: The charge stands.
It's policy.
"""


def test_speaker_prefixes_give_roles_and_times(write, config):
    item = read_one(write("billing/call.srt", SRT), config)
    assert item.source_format == "srt" and item.channel == "call"
    assert [(t.role, t.speaker) for t in item.turns] == [("company", "AGENT"), ("customer", "CUSTOMER"),
                                                          ("company", "AGENT")]
    assert item.turns[1].start_s == 4.6


def test_wrapped_line_continues_the_speaker(write, config):
    item = read_one(write("billing/call.srt", SRT), config)
    assert item.turns[2].text == "The charge stands. It's policy."


def test_two_speakers_in_one_cue_with_dashes(write, config):
    text = "1\n00:00:01,000 --> 00:00:03,000\n- AGENT: Anything else?\n- CUSTOMER: No.\n"
    item = read_one(write("billing/call.srt", text), config)
    assert [(t.role, t.text) for t in item.turns] == [("company", "Anything else?"), ("customer", "No.")]


def test_bracketed_configured_speaker_names(write):
    from analyzer.config import config_from_dict

    config = config_from_dict({"transcripts": {"agent_names": ["Dana (Sales)"], "customer_names": ["Mr Okafor"]}})
    text = ("1\n00:00:01,000 --> 00:00:03,000\n[Dana (Sales)]: Hello.\n\n"
            "2\n00:00:03,000 --> 00:00:04,000\n[Mr Okafor]: Hi.\n")
    item = read_one(write("sales/call.srt", text), config)
    assert [(t.role, t.speaker) for t in item.turns] == [("company", "Dana (Sales)"), ("customer", "Mr Okafor")]


def test_block_without_timing_is_malformed(write, config):
    error = read_error(write("billing/call.srt", "1\n00:00:01,000 --> 00:00:03,000\nHi\n\n2\nno timing here\n"), config)
    assert error.kind == "malformed" and "block 2" in error.message


def test_bad_timing_error_names_the_line_and_never_quotes_the_content(write, config):
    text = "1\n00:00:01,000 --> 00:00:03,000\nHi\n\n2\n4111 1111 1111 1111 --> soon\nHello\n"
    error = read_error(write("billing/call.srt", text), config)
    assert "line 6" in error.message and "4111" not in error.message
