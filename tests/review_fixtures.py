"""A small scored drop for the review app's tests: three sample files and a letter full of markup."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SAMPLES

from analyzer import run

FILES = ("agency/demand-letter-2.txt", "collections/email-you-failed-to-pay.eml",
         "support/email-refund-double-charge.eml")
SCRIPT_LETTER = ("Dear Ms Marin,\n\nYou have kept the clothes without paying for them "
                 '<script>alert("x")</script> and that is theft. <b>Pay today</b> or we will take further action.\n\n'
                 "Collections Team\n")


def scored_drop(root: Path, run_date: str = "2026-04-01") -> Path:
    """Score the drop under ``root/drop`` into ``root/base`` and return the output folder."""
    for relative in FILES:
        (root / "drop" / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / relative, root / "drop" / relative)
    (root / "drop" / "collections" / "letter-script.txt").write_text(SCRIPT_LETTER)
    run([root / "drop"], root / "base", SAMPLES / "analyzer.toml", run_date=run_date)
    return root / "base"
