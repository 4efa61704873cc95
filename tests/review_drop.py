"""A small scored drop for the review export and Label Studio tests, scored once per session.

Besides three sample files it holds one email whose text a browser or a
spreadsheet would run (``<script>``, ``=cmd|``) and an emoji (two UTF-16 units).
"""

import shutil
from pathlib import Path

from conftest import SAMPLES

from analyzer import run

FILES = ("agency/call-agency-0412.json", "collections/email-you-failed-to-pay.eml",
         "support/email-refund-double-charge.eml")
HOSTILE_BODY = ("You failed to pay again <script>alert(1)</script> and you are lying to us.\n\n"
                "=cmd|' /C calc'!A0 is not a payment \U0001F621. You should have read the terms.\n\n"
                "Pay today or we take legal action against you.\n")
HOSTILE_EMAIL = ("From: Northwind Collections <collections@northwind.example>\n"
                 "To: Ann Lee <ann.lee@mail.example>\nSubject: Overdue\n"
                 "Date: Thu, 19 Mar 2026 10:00:00 +0000\nMessage-ID: <hostile-1@northwind.example>\n"
                 "Content-Type: text/plain; charset=\"utf-8\"\n\n" + HOSTILE_BODY)

# the cheapest model 'analyzer train' builds: one logistic head per label over word unigrams and cues
LIGHT_TRAINING = """[training]
base = "logistic"
calibration = "sigmoid"
calibration_folds = 2
use_chars = false
use_lexicon = false
use_politeness = false
min_df = 1
word_ngram_range = [1, 1]
"""

_SCORED: list = []  # the scored drop, shared by every test module of the session


def scored_drop(tmp_path_factory) -> Path:
    """The scored output folder of the drop, scored on first use."""
    if not _SCORED:
        root = tmp_path_factory.mktemp("review-drop")
        for relative in FILES:
            (root / "drop" / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SAMPLES / relative, root / "drop" / relative)
        (root / "drop" / "collections" / "email-hostile.eml").write_text(HOSTILE_EMAIL, encoding="utf-8")
        run([root / "drop"], root / "base", SAMPLES / "analyzer.toml", run_date="2026-04-01")
        _SCORED.append(root / "base")
    return _SCORED[0]


def output_copy(tmp_path: Path) -> Path:
    """A copy of the scored output a test may write verdicts into."""
    shutil.copytree(_SCORED[0], tmp_path / "out")
    return tmp_path / "out"
