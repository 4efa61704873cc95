"""The spellings of card numbers and IBANs that masking must catch, and look-alikes it must leave.

Each entry is ``Spelling(name, text, masked)``: ``masked`` is the exact text after
``analyzer.ingest.masking.mask_text``, or None where the text must stay as it is.
Card numbers are the networks' published test numbers; the IBANs are the registry's
examples, with their mod-97 check digits verified by tests/test_masking.py.
"""

from __future__ import annotations

from typing import NamedTuple


class Spelling(NamedTuple):
    name: str
    text: str
    masked: str | None  # None: nothing to mask


CARD_NUMBERS = {
    "visa": "4111111111111111",
    "visa_13": "4222222222222",
    "visa_19": "4111111111111111110",
    "mastercard": "5555555555554444",
    "mastercard_2_series": "2223000048410010",
    "amex": "378282246310005",
    "discover": "6011111111111117",
    "discover_19": "6011000000000000001",
    "jcb": "3530111333300000",
}

IBANS = {
    "GB": "GB82WEST12345698765432",
    "DE": "DE89370400440532013000",
    "FR": "FR1420041010050500013M02606",
    "NL": "NL91ABNA0417164300",
}


def _sep(separator: str) -> tuple[str, str]:
    """4111 1111 1111 1111 joined by ``separator``, and its masked form."""
    return separator.join(["4111"] + ["1111"] * 3), separator.join(["****"] * 3 + ["1111"])


CARDS = [
    Spelling("plain", "4111111111111111", "************1111"),
    Spelling("single spaces in a sentence", "Card 4111 1111 1111 1111 was declined.",
             "Card **** **** **** 1111 was declined."),
    Spelling("double spaces", *_sep("  ")),
    Spelling("hyphens", "5555-5555-5555-4444", "****-****-****-4444"),
    Spelling("spaced hyphens", *_sep(" - ")),
    Spelling("dots", *_sep(".")),
    Spelling("slashes", *_sep("/")),
    Spelling("underscores", *_sep("_")),
    Spelling("tabs", *_sep("\t")),
    Spelling("no-break spaces", *_sep("\u00a0")),
    Spelling("thin spaces", *_sep("\u2009")),
    Spelling("narrow no-break spaces", *_sep("\u202f")),
    Spelling("figure spaces", *_sep("\u2007")),
    Spelling("en dashes", *_sep("\u2013")),
    Spelling("em dashes", *_sep("\u2014")),
    Spelling("minus signs", *_sep("\u2212")),
    Spelling("non-breaking hyphens", *_sep("\u2011")),
    Spelling("zero-width spaces", *_sep("\u200b")),
    Spelling("soft hyphens", *_sep("\u00ad")),
    Spelling("line break between groups", "My card:\n4111 1111\n1111 1111\nThanks",
             "My card:\n**** ****\n**** 1111\nThanks"),
    Spelling("CRLF between groups", "4111 1111\r\n1111 1111", "**** ****\r\n**** 1111"),
    Spelling("line break inside a group", "4111 1111 1111 11\n11", "**** **** **** 11\n11"),
    Spelling("hyphen before a line break", "4111-1111-\n1111-1111", "****-****-\n****-1111"),
    Spelling("wrapped in a quoted reply", "> My card is 4111 1111\n> 1111 1111, please refund.",
             "> My card is **** ****\n> **** 1111, please refund."),
    Spelling("wrapped in a twice-quoted reply", ">> 5555 5555 5555\n>> 4444", ">> **** **** ****\n>> 4444"),
    Spelling("full-width digits", "\uff14\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 "
             "\uff11\uff11\uff11\uff11", "**** **** **** \uff11\uff11\uff11\uff11"),
    Spelling("full-width digits and ideographic spaces", "\uff14\uff11\uff11\uff11\u3000\uff11\uff11\uff11\uff11"
             "\u3000\uff11\uff11\uff11\uff11\u3000\uff11\uff11\uff11\uff11",
             "****\u3000****\u3000****\u3000\uff11\uff11\uff11\uff11"),
    Spelling("Arabic-Indic digits", "\u0664" + "\u0661" * 15, "*" * 12 + "\u0661" * 4),
    Spelling("Extended Arabic-Indic digits", "\u06f4" + "\u06f1" * 15, "*" * 12 + "\u06f1" * 4),
    Spelling("Devanagari digits", "\u096a" + "\u0967" * 15, "*" * 12 + "\u0967" * 4),
    Spelling("glued to a word before", "card4111111111111111", "card************1111"),
    Spelling("glued to a word after", "4111111111111111exp 12/28", "************1111exp 12/28"),
    Spelling("glued to a label and a slash", "PAN:4111111111111111/EXP", "PAN:************1111/EXP"),
    Spelling("followed by the expiry date", "4111 1111 1111 1111 12/28", "**** **** **** 1111 12/28"),
    Spelling("followed by the CVV", "4111111111111111 123", "************1111 123"),
    Spelling("read out digit by digit", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", "* * * * * * * * * * * * 1 1 1 1"),
    Spelling("two cards in a list", "4111 1111 1111 1111 / 5555 5555 5555 4444",
             "**** **** **** 1111 / **** **** **** 4444"),
    Spelling("in a file name", "billing/4111111111111111.eml", "billing/************1111.eml"),
    Spelling("Amex 4-6-5", "3782 822463 10005", "**** ****** *0005"),
    Spelling("Amex plain", "378282246310005", "***********0005"),
    Spelling("Discover", "6011 1111 1111 1117", "**** **** **** 1117"),
    Spelling("JCB", "3530111333300000", "************0000"),
    Spelling("Mastercard 2-series", "2223 0000 4841 0010", "**** **** **** 0010"),
    Spelling("13 digits", "4222222222222", "*********2222"),
    Spelling("19 digits", "4111 1111 1111 1111 110", "**** **** **** ***1 110"),
    Spelling("19 digits plain", "6011000000000000001", "***************0001"),
]

IBAN_SPELLINGS = [
    Spelling("GB IBAN in groups", "IBAN: GB82 WEST 1234 5698 7654 32.", "IBAN: GB** **** **** **** **54 32."),
    Spelling("GB IBAN unspaced", "GB82WEST12345698765432", "GB****************5432"),
    Spelling("DE IBAN in groups", "DE89 3704 0044 0532 0130 00", "DE** **** **** **** **30 00"),
    Spelling("DE IBAN lowercase", "iban de89370400440532013000 please", "iban de****************3000 please"),
    Spelling("DE IBAN with no-break spaces", "DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000",
             "DE**\u00a0****\u00a0****\u00a0****\u00a0**30\u00a000"),
    Spelling("FR IBAN in groups", "FR14 2004 1010 0505 0001 3M02 606, merci",
             "FR** **** **** **** **** ***2 606, merci"),
    Spelling("NL IBAN after a colon", "IBAN:NL91ABNA0417164300", "IBAN:NL************4300"),
    Spelling("NL IBAN in groups", "NL91 ABNA 0417 1643 00", "NL** **** **** **43 00"),
]

NEGATIVES = [
    Spelling("ISO date", "due 2026-11-23", None),
    Spelling("date range", "period 2026-03-01 - 2026-03-31", None),
    Spelling("date range with slashes", "01/03/2026 / 31/03/2026", None),
    Spelling("timestamp", "2026-03-31 10:15:00", None),
    Spelling("compact timestamp (Luhn-valid, starts with 20)", "20260331101507", None),
    Spelling("UK phone number", "+44 20 7946 0958", None),
    Spelling("two US phone numbers", "555-123-4567 / 555-987-6543", None),
    Spelling("amount", "1,234.56", None),
    Spelling("amount table", "12.50 13.75 19.99 20.00 45.10 33.20", None),
    Spelling("order number of 22 digits", "Order 2345678901234567890123", None),
    Spelling("card glued to more digits", "41111111111111111228", None),
    Spelling("Luhn-invalid 16 digits", "4111 1111 1111 1112", None),
    Spelling("Luhn-valid, not starting like a card", "1234567890123452", None),
    Spelling("12 digits", "4111 1111 1111", None),
    Spelling("card groups across a blank line", "4111 1111\n\n1111 1111", None),
    Spelling("sha256 hex digest", "6c1b2accdea6edba2d584c7d39c7c03c3f7222f9412ced56eda7ec4487298472", None),
    Spelling("UUID", "123e4567-e89b-12d3-a456-426614174000", None),
    Spelling("masked card", "**** **** **** 1111", None),
    Spelling("masked IBAN", "GB** **** **** **** **54 32", None),
    Spelling("IBAN with a wrong check digit", "DE88 3704 0044 0532 0130 00", None),
    Spelling("IBAN glued to a word", "XDE89370400440532013000", None),
    Spelling("IBAN of the wrong length for its country", "GB82WEST1234569876543", None),
]

POSITIVES = CARDS + IBAN_SPELLINGS
CORPUS = POSITIVES + NEGATIVES
