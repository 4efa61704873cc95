"""Generator of a drop full of deliberately broken files, with good files beside them.

``make_broken_drop(root)`` writes the files and returns two maps: broken
relative path -> the error kind it must produce, and the good relative paths.
Use a config with ``[limits] max_file_mb = 0.05`` so the oversized file trips it.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from email.message import EmailMessage
from pathlib import Path

import docx
import pyarrow as pa
import pyarrow.parquet as pq
from fpdf import FPDF

MAX_FILE_MB = 0.05


def _pdf(text: str | None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    if text is None:
        pdf.rect(20, 20, 150, 200, style="F")  # a scanned page: pixels, no text layer
    else:
        pdf.set_font("Helvetica", size=11)
        for _ in range(30):
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _multipart_email() -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "billing@northwind.example", "a@mail.example", "Invoice"
    msg.set_content("Your invoice is attached.")
    msg.add_alternative("<p>Your invoice is attached.</p>", subtype="html")
    return msg.as_bytes()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf("Secret."))))
    writer.encrypt(user_password="pw", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _parquet(rows: int) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"text": [f"Message {i}" for i in range(rows)], "department": ["sales"] * rows}), buffer)
    return buffer.getvalue()


def _attachment_only_email() -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "support@northwind.example", "a@mail.example", "Scan"
    msg.add_attachment(b"\x89PNG\r\n\x1a\n" + bytes(200), maintype="image", subtype="png", filename="scan.png")
    return msg.as_bytes()


def broken_files() -> dict[str, tuple[bytes, str]]:
    rng = random.Random(20260323)
    transcribe = json.dumps({"JobName": "j", "Transcript": [
        {"ParticipantRole": "AGENT", "Content": "Hello, thanks for calling."}] * 20})
    multipart = _multipart_email()
    letter_pdf = _pdf("Your balance is overdue.")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("readme.txt", "not a letter")
    return {
        "support/empty.eml": (b"", "empty"),
        "support/whitespace.txt": (b"  \n\n\t \n", "empty"),
        "support/oversized.txt": (b"Dear customer, " * 4000, "too_large"),
        "support/random.eml": (bytes(rng.randrange(256) for _ in range(4096)), "binary"),
        "support/image-named-letter.txt": (b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2048)), "binary"),
        "support/high-bytes.txt": (bytes(rng.randint(0x80, 0xFF) for _ in range(3000)), "undecodable"),
        "support/attachment-only.eml": (_attachment_only_email(), "no_text"),
        "billing/truncated-multipart.eml": (multipart[: multipart.rfind(b"--")], "truncated"),
        "billing/truncated.pdf": (letter_pdf[: len(letter_pdf) // 2], "truncated"),
        "billing/truncated.docx": (_docx("Dear Ms Novak,")[:3000], "truncated"),
        "billing/truncated.parquet": (_parquet(200)[:400], "truncated"),
        "billing/scanned.pdf": (_pdf(None), "no_text"),
        "billing/encrypted.pdf": (_encrypted_pdf(), "unsupported"),
        "billing/legacy.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "unsupported"),
        "billing/archive.zip": (zipped.getvalue(), "unsupported"),
        "billing/not-really.pdf": (b"Dear customer, this is plain text in a .pdf file.", "malformed"),
        "collections/truncated-call.json": (transcribe[: len(transcribe) // 2].encode(), "truncated"),
        "collections/unknown.json": (b'{"hello": "world"}', "malformed"),
        "collections/deep.json": (b"[" * 20000 + b"]" * 20000, "malformed"),
        "collections/bad-timing.vtt": (b"WEBVTT\n\n1\n00:01 --> later\nHello\n", "malformed"),
        "collections/bad-block.srt": (b"1\n00:00:01,000 --> 00:00:02,000\nAGENT: Hi\n\nnot a cue\n", "malformed"),
        "collections/prose.mbox": (b"This mailbox export went wrong.\nNothing here.\n", "malformed"),
        "sales/no-text-column.csv": (b"id,department\n1,sales\n2,sales\n", "malformed"),
        "sales/all-bad-lines.jsonl": (b"{not json\n{also not\n", "malformed"),
    }


def good_files() -> dict[str, bytes]:
    return {
        "support/ok.eml": b"From: support@northwind.example\nTo: a@mail.example\nSubject: Hi\n\nSorry for the delay!\n",
        "billing/ok-letter.txt": b"Dear Ms Novak,\n\nYour balance is now clear. Thank you.\n",
        "billing/ok.pdf": _pdf("Dear Ms Novak, your balance is clear."),
        "billing/ok.docx": _docx("Dear Ms Novak, your balance is clear."),
        "collections/ok.vtt": b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v Agent>Hello.\n",
        "collections/ok.srt": b"1\n00:00:01,000 --> 00:00:02,000\nAGENT: Hello.\n",
        "collections/ok-call.txt": b"Agent: Hello.\nCustomer: Hi.\nAgent: How can I help?\n",
        "sales/ok.csv": b"text,department\nThanks for your order,sales\n",
        "sales/ok.jsonl": b'{"text": "Thanks for your order"}\n',
        "sales/ok.parquet": _parquet(3),
    }


def make_broken_drop(root: Path) -> tuple[dict[str, str], list[str]]:
    expected = {}
    for relative, (data, kind) in broken_files().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[relative] = kind
    for relative, data in good_files().items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data)
    return expected, sorted(good_files())
