"""No card number or IBAN survives anywhere a run writes: every column, the metadata, the manifest, the log.

An adversarial drop puts the spellings of ``tests/masking_corpus.py`` everywhere a
person or a system puts them: email bodies, subjects, sender names, recipients,
attachment names, quoted replies, signatures, chat speakers and ids, file and
folder names, and a broken transcript whose parse error could quote its content.
The run's outputs are then scanned with ``unmasked_numbers`` (any Luhn-valid 13-19
digit run, any valid IBAN, in any spelling).
"""

import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from analyzer.ingest.masking import unmasked_numbers
from masking_corpus import CARDS, IBANS

pytestmark = pytest.mark.timeout(300)
SPELLINGS = [spelling.text for spelling in CARDS if spelling.masked is not None] + list(IBANS.values())


def _email(index: int, number: str) -> str:
    return (f"From: \"Card {number}\" <billing@northwind.example>\r\nTo: {number}@example.com\r\n"
            f"Subject: Your card {number}\r\nMessage-ID: <{number}@northwind.example>\r\n"
            "Date: Mon, 30 Mar 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"Dear customer,\r\n\r\nWe charged the card {number} twice; sorry, the refund is on its way.\r\n\r\n"
            f"Kind regards,\r\nBilling {number}\r\n\r\nOn Monday you wrote:\r\n> my card is {number}\r\n"
            f"--b\r\nContent-Type: application/pdf; name=\"{number}.pdf\"\r\n"
            f"Content-Disposition: attachment; filename=\"{number}.pdf\"\r\n\r\nJVBERi0=\r\n--b--\r\n")


@pytest.fixture(scope="module")
def adversarial_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("scan")
    drop = root / "drop"
    for index, number in enumerate(SPELLINGS):
        safe = "".join(c if c.isalnum() else "_" for c in number.replace("\n", " "))[:60]
        folder = drop / f"billing-{safe}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"mail-{index}-{safe}.eml").write_text(_email(index, number), encoding="utf-8")
    chat = drop / "support" / "chat.jsonl"
    chat.parent.mkdir(parents=True)
    chat.write_text("".join(json.dumps({"conversation_id": number, "id": number, "role": "agent",
                                        "speaker": f"Agent {number}", "text": f"I have noted your card {number}."})
                            + "\n" for number in SPELLINGS), encoding="utf-8")
    (drop / "support" / "broken.srt").write_text("1\n00:00:01,000 --> nonsense 4111 1111 1111 1111\n"
                                                  "AGENT: card 4111 1111 1111 1111\n", encoding="utf-8")
    (drop / "support" / "4111111111111111.txt").write_bytes(b"")
    config = root / "analyzer.toml"
    config.write_text('[company]\nemail_domains = ["northwind.example"]\n')
    out = root / "out"
    completed = subprocess.run([sys.executable, "-m", "analyzer", "run", str(drop), "--out", str(out), "--config",
                                str(config), "--log-format", "json", "--quiet"],
                               capture_output=True, text=True, timeout=280)
    return out, completed


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield str(key)
            yield from _strings(inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from _strings(inner)


def test_the_adversarial_drop_is_read_and_published(adversarial_run):
    out, completed = adversarial_run
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    assert (out / "_current" / "interactions").is_dir()


def test_no_output_column_holds_a_card_number_or_iban(adversarial_run):
    out, _ = adversarial_run
    found = {}
    for path in sorted((out / "_current").rglob("*.parquet")):
        for row in pq.read_table(path).to_pylist():
            for text in _strings(row):
                if unmasked_numbers(text):
                    found.setdefault(str(path.relative_to(out)), []).append(text[:120])
    assert not found, found


def test_no_parquet_metadata_holds_a_card_number_or_iban(adversarial_run):
    out, _ = adversarial_run
    for path in sorted(out.rglob("*.parquet")):
        metadata = pq.read_schema(path).metadata or {}
        for key, value in metadata.items():
            assert not unmasked_numbers(value.decode("utf-8", "replace")), (path, key)


def test_no_json_log_line_holds_a_card_number_or_iban(adversarial_run):
    _, completed = adversarial_run
    lines = completed.stderr.splitlines()
    assert lines and all(json.loads(line) for line in lines)
    assert [line for line in lines if unmasked_numbers(line)] == []


def test_no_kept_rows_or_folder_names_hold_a_card_number_or_iban(adversarial_run):
    out, _ = adversarial_run
    for path in sorted((out / "_state").rglob("*.parquet")):
        for row in pq.read_table(path).to_pylist():
            assert not [t for t in _strings(row) if unmasked_numbers(t)], path
    assert not [p for p in out.rglob("*") if unmasked_numbers(p.name)]
