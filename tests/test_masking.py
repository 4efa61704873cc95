from analyzer.ingest.masking import luhn_valid, mask_card_numbers, mask_interaction
from analyzer.ingest.records import Interaction, Turn


def test_a_card_number_is_masked_keeping_its_last_four_digits_and_length():
    text = "Your card 4111 1111 1111 1111 was declined."
    masked, count = mask_card_numbers(text)
    assert masked == "Your card **** **** **** 1111 was declined." and count == 1 and len(masked) == len(text)


def test_a_number_failing_the_luhn_check_is_kept():
    assert mask_card_numbers("Reference 4111 1111 1111 1112.") == ("Reference 4111 1111 1111 1112.", 0)


def test_a_luhn_valid_number_that_does_not_start_like_a_card_is_kept():
    assert luhn_valid("1234567890123452")
    assert mask_card_numbers("Order 1234567890123452") == ("Order 1234567890123452", 0)


def test_hyphenated_and_unseparated_card_numbers_are_masked():
    masked, count = mask_card_numbers("5500-0055-5555-5559 and 5500005555555559")
    assert masked == "****-****-****-5559 and ************5559" and count == 2


def test_every_stored_text_field_of_an_interaction_is_masked():
    item = Interaction(source_path="/a.eml", source_offset=0, source_format="eml", channel="email",
                       turns=[Turn(role="customer", text="my card is 4111111111111111")],
                       subject="card 4111111111111111", quoted_text="> 4111111111111111",
                       signature="4111111111111111")
    assert mask_interaction(item) == 4 and item.masked_card_numbers == 4
    assert "4111111111111111" not in f"{item.turns[0].text}{item.subject}{item.quoted_text}{item.signature}"
