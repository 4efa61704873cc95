from analyzer.nlp.pieces import text_pieces


def test_a_short_text_is_one_piece():
    assert text_pieces("Hello there.", max_chars=100) == [(0, "Hello there.")]


def test_pieces_put_back_together_give_the_text_and_respect_the_limit():
    text = "\n\n".join(f"Paragraph {i}. It says something about invoice {i}." for i in range(200))
    pieces = text_pieces(text, max_chars=500)
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= 500 for _, piece in pieces)
    assert all(text[offset:offset + len(piece)] == piece for offset, piece in pieces)


def test_pieces_are_cut_at_paragraph_breaks_when_there_are_some():
    text = "\n\n".join("word " * 40 for _ in range(20))
    assert all(piece.endswith("\n\n") for _, piece in text_pieces(text, max_chars=500)[:-1])


def test_an_unbroken_run_of_characters_is_still_cut():
    assert [len(piece) for _, piece in text_pieces("x" * 1200, max_chars=500)] == [500, 500, 200]


def test_a_turn_longer_than_one_piece_keeps_offsets_into_the_whole_turn():
    from analyzer.config import load_config
    from analyzer.engine.batch import Scorer, score_batch
    from analyzer.ingest.records import Interaction, Turn

    paragraph = "We are sorry about the delay with your refund. It is on its way today."
    text = "\n\n".join([paragraph] * 400)  # about 29,000 characters: three pieces
    item = Interaction(source_path="/a.txt", relative_path="billing/a.txt", source_offset=0, source_format="txt",
                       channel="letter", direction="outbound", department="billing", department_source="folder",
                       turns=[Turn(role="company", text=text)])
    item.assign_id()
    rows = score_batch([item], Scorer.from_config(load_config(None)), "r")
    assert len(rows.sentences) == 800
    assert all(text[s["start"]:s["end"]] == s["text"] for s in rows.sentences)
    assert all(text[span["start"]:span["end"]] == span["text"] for s in rows.sentences for span in s["spans"])
