from analyzer.ingest.email_text import split_reply, split_signature


def test_reply_chain_three_levels_deep_keeps_only_the_new_text():
    body = (
        "Thanks, I've refunded the fee.\n\n"
        "On Tue, 3 Mar 2026 at 09:12, Sam Lee <sam@mail.example> wrote:\n"
        "> Still waiting.\n"
        ">\n"
        "> On Mon, 2 Mar 2026, Support <support@northwind.example> wrote:\n"
        ">> We are looking into it.\n"
        ">>\n"
        ">> On Sun, 1 Mar 2026, Sam Lee <sam@mail.example> wrote:\n"
        ">>> Where is my refund?\n"
    )
    split = split_reply(body)
    assert split.new_text == "Thanks, I've refunded the fee."
    assert "Where is my refund?" in split.quoted_text
    assert split.quoted_text.startswith("On Tue, 3 Mar 2026")


def test_attribution_wrapped_over_two_lines_starts_the_quote():
    body = "New words.\n\nOn Tue, 3 Mar 2026 at 09:12, Sam Lee <sam@mail.example>\nwrote:\n> old"
    assert split_reply(body).new_text == "New words."


def test_outlook_header_block_starts_the_quote():
    body = ("Please see below.\n\nFrom: Sam Lee <sam@mail.example>\nSent: Monday, 2 March 2026 10:00\n"
            "To: Support\nSubject: Refund\n\nWhere is my refund?")
    split = split_reply(body)
    assert split.new_text == "Please see below."
    assert "Where is my refund?" in split.quoted_text


def test_forwarded_block_is_not_the_senders_words():
    body = "FYI, see below.\n\n---------- Forwarded message ---------\nFrom: a@b.example\n\nPay now."
    split = split_reply(body)
    assert split.new_text == "FYI, see below."
    assert "Pay now." in split.quoted_text


def test_original_message_divider_starts_the_quote():
    body = "Done.\n-----Original Message-----\nFrom: x\nplease fix"
    assert split_reply(body).new_text == "Done."


def test_interleaved_quote_lines_are_removed_from_the_new_text():
    split = split_reply("> did you pay?\nYes, on Monday.\n> and the fee?\nRemoved it.")
    assert split.new_text == "Yes, on Monday.\nRemoved it."
    assert split.quoted_text == "> did you pay?\n> and the fee?"


def test_standard_signature_delimiter_splits_the_signature():
    body, signature = split_signature("Your refund is on its way.\n-- \nJo Bloggs\nSupport")
    assert body == "Your refund is on its way."
    assert signature == "-- \nJo Bloggs\nSupport"


def test_sign_off_block_becomes_the_signature():
    body, signature = split_signature("We have fixed it.\n\nKind regards,\nPriya Shah\nBilling Team\n+44 20 7946 0000")
    assert body == "We have fixed it."
    assert signature.startswith("Kind regards,")


def test_sign_off_followed_by_a_sentence_is_not_a_signature():
    text = "Thanks,\nwe have received your payment and closed the case."
    assert split_signature(text) == (text, "")


def test_thank_you_sentence_is_not_a_sign_off():
    text = "We fixed the charge.\nThank you for your patience while we looked into this."
    assert split_signature(text) == (text, "")


def test_sent_from_my_phone_is_signature():
    assert split_signature("On it now.\n\nSent from my iPhone") == ("On it now.", "Sent from my iPhone")
