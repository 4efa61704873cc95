import io

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from fpdf import FPDF

from analyzer.config import Limits
from analyzer.ingest.docx_guard import docx_text
from conftest import SAMPLES, read_error, read_one

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


def _python_docx_text(data: bytes) -> str:
    """The text python-docx gives (the reader's former implementation): the reference for docx_text."""
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                lines.append("  ".join(dict.fromkeys(cells)))
    return "\n".join(lines)


def _element(tag: str, *children, text: str | None = None):
    element = OxmlElement(tag)
    if text is not None:
        element.text = text
    element.extend(children)
    return element


def _edge_case_docx() -> bytes:
    """Breaks, tabs, a hyperlink, a tracked insertion, merged cells, a nested table, text after a table."""
    document = docx.Document()
    run = document.add_paragraph("Line one").add_run()
    run.add_break()
    run.add_text("after a line break\tand a tab")
    run.add_break(WD_BREAK.PAGE)
    run.add_text("after a page break")
    document.add_paragraph("  spaced  ")
    grid = document.add_table(rows=4, cols=3)
    for r in range(4):
        for c in range(3):
            grid.cell(r, c).text = f"r{r}c{c}"
    grid.cell(0, 0).merge(grid.cell(0, 1))
    grid.cell(1, 2).merge(grid.cell(3, 2))
    grid.cell(2, 0).text = ""
    grid.cell(3, 0).add_table(rows=1, cols=2).cell(0, 0).text = "nested"
    grid.cell(3, 1).add_paragraph("second paragraph in a cell")
    document.add_paragraph("after the table")
    paragraph = document.add_paragraph("Visit ")._p
    paragraph.append(_element("w:hyperlink", _element("w:r", _element("w:t", text="our site"))))
    paragraph.append(_element("w:r", _element("w:t", text="a"), _element("w:noBreakHyphen"), _element("w:t", text="b"),
                              _element("w:cr"), _element("w:ptab")))
    paragraph.append(_element("w:ins", _element("w:r", _element("w:t", text="tracked insertion"))))
    document.add_paragraph("")
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


@pytest.mark.parametrize("path", sorted(SAMPLES.rglob("*.docx")), ids=lambda path: path.name)
def test_docx_text_is_python_docx_text_for_every_sample(path):
    data = path.read_bytes()
    assert docx_text(data, Limits()) == _python_docx_text(data)


def test_docx_text_is_python_docx_text_for_breaks_links_and_merged_cells():
    data = _edge_case_docx()
    assert "tracked insertion" not in docx_text(data, Limits())  # python-docx reads no w:ins, nor do we
    assert docx_text(data, Limits()) == _python_docx_text(data)


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
