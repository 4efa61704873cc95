import io

import docx
import pytest
from fpdf import FPDF

from conftest import read_error, read_one

LETTER = """Northwind Apparel Ltd - Credit Control

23 March 2026

Re: Account NW-C-10482 - SECOND REMINDER

Dear Mr Price,

No payment has been received. Please pay within 7 days.

Yours sincerely,

Credit Control
"""


def _docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf(lines: list[str], *, image_only: bool = False) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    if image_only:  # what a scanner produces: drawings, no text layer
        pdf.set_fill_color(30, 30, 30)
        for y in range(20, 200, 12):
            pdf.rect(20, y, 150, 4, style="F")
    else:
        pdf.set_font("Helvetica", size=11)
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_text_letter_is_one_company_turn_from_the_salutation(write, config):
    item = read_one(write("collections/reminder.txt", LETTER), config)
    assert item.channel == "letter" and item.direction == "outbound"
    assert item.turns[0].role == "company"
    assert item.turns[0].text == "Dear Mr Price,\n\nNo payment has been received. Please pay within 7 days."


def test_letter_header_date_and_subject_are_read(write, config):
    item = read_one(write("collections/reminder.txt", LETTER), config)
    assert item.sent_at.date().isoformat() == "2026-03-23"
    assert item.subject == "Account NW-C-10482 - SECOND REMINDER"
    assert item.header_text.startswith("Northwind Apparel Ltd")


def test_letter_sign_off_is_the_signature(write, config):
    assert read_one(write("collections/reminder.txt", LETTER), config).signature == "Yours sincerely,\n\nCredit Control"


def test_windows_line_endings_and_latin1_are_read(write, config):
    raw = LETTER.replace("\n", "\r\n").replace("7 days", "7 days (£10 fee)").encode("latin-1")
    item = read_one(write("collections/reminder.txt", raw), config)
    assert "(£10 fee)" in item.turns[0].text and "\r" not in item.turns[0].text


def test_docx_paragraphs_and_tables_are_read(write, config):
    data = _docx(["Dear Ms Novak,", "Your balance is below."], table=[["Invoice", "Amount"], ["INV-1", "$64.00"]])
    item = read_one(write("billing/letter.docx", data), config)
    assert item.source_format == "docx"
    assert item.turns[0].text == "Dear Ms Novak,\nYour balance is below.\nInvoice  Amount\nINV-1  $64.00"


def test_pdf_text_layer_is_read(write, config):
    item = read_one(write("billing/letter.pdf", _pdf(["Dear Ms Novak,", "A late fee of $5.00 was added."])), config)
    assert item.source_format == "pdf"
    assert "A late fee of $5.00 was added." in item.turns[0].text


def test_scanned_pdf_without_text_layer_is_a_no_text_error(write, config):
    error = read_error(write("billing/scan.pdf", _pdf([], image_only=True)), config)
    assert error.kind == "no_text" and "OCR" in error.message


def test_truncated_pdf_is_an_error(write, config):
    data = _pdf(["Dear Ms Novak,"] * 40)
    error = read_error(write("billing/letter.pdf", data[: len(data) // 3]), config)
    assert error.kind == "truncated"


def test_truncated_docx_is_a_truncated_error(write, config):
    data = _docx(["Dear Ms Novak,"])
    assert read_error(write("billing/letter.docx", data[: len(data) // 2]), config).kind == "truncated"


@pytest.mark.parametrize("name", ["letter.docx", "letter"])
def test_zip_that_is_not_a_word_document_is_unsupported(write, config, name):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert read_error(write(f"billing/{name}", buffer.getvalue()), config).kind == "unsupported"


def test_encrypted_pdf_is_unsupported(write, config):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf(["Secret letter."]))))
    writer.encrypt(user_password="s3cret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    error = read_error(write("billing/locked.pdf", buffer.getvalue()), config)
    assert error.kind == "unsupported" and "password" in error.message
