"""Hostile letters fail fast, in bounded memory, with one error row: never a silent cut.

Every file is generated here. Small ``[limits]`` keep them small; one realistic
zip bomb checks the default limits.
"""

import io
import struct
import time
import tracemalloc
import zipfile

import docx
import pytest
from fpdf import FPDF
from fpdf.enums import EncryptionMethod

from analyzer.config import Limits, config_from_dict
from analyzer.errors import InputFileError
from analyzer.ingest import docx_guard
from analyzer.ingest.docx_guard import MAIN_PART, CappedStream, docx_text, main_part_text
from analyzer.ingest.source import SourceFile
from conftest import read_error, read_one

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W}><w:body>'.encode()
TAIL = b"</w:body></w:document>"
LETTER = "Dear Ms Novak,\n\nYour balance of $64.00 is overdue. Please pay within 7 days.\n\nYours sincerely,\nBilling\n"


def _config(**limits):
    return config_from_dict({"company": {"email_domains": ["northwind.example"]}, "limits": limits})


def _paragraph(text: str) -> bytes:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'.encode()


def _word_zip(target, document_xml) -> None:
    """A .docx with python-docx's own parts, its document.xml streamed from an iterable of bytes."""
    template = io.BytesIO()
    docx.Document().save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != MAIN_PART:
                archive.writestr(info.filename, source.read(info))
        with archive.open(MAIN_PART, "w") as part:
            for chunk in document_xml:
                part.write(chunk)


def _docx(*body: bytes) -> bytes:
    buffer = io.BytesIO()
    _word_zip(buffer, [HEAD, *body, TAIL])
    return buffer.getvalue()


def _pdf(pages: int = 1, text: str = "Dear Ms Novak, your balance is overdue.", **encryption) -> bytes:
    pdf = FPDF()
    if encryption:
        pdf.set_encryption(owner_password="owner-secret", **encryption)
    pdf.set_font("Helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


# .docx: the zip directory


def test_docx_declaring_more_than_the_uncompressed_limit_is_refused_before_decompressing(write, monkeypatch):
    monkeypatch.setattr(docx_guard, "main_part_text", lambda *args: pytest.fail("the part was decompressed"))
    data = _docx(b"<w:p/>" * 50_000)  # 300 KB of XML, 1 KB compressed
    error = read_error(write("billing/bomb.docx", data), _config(docx_uncompressed_mb=0.1))
    assert error.kind == "too_large" and "docx_uncompressed_mb" in error.message


def test_realistic_docx_zip_bomb_fails_fast_in_bounded_memory_under_default_limits(tmp_path, config):
    path = tmp_path / "collections" / "bomb.docx"
    path.parent.mkdir()
    block = b"<w:p/>" * (1 << 17)  # 768 KiB
    _word_zip(path, [HEAD, *(block for _ in range(267)), TAIL])  # 200 MiB of XML
    data = path.read_bytes()
    assert len(data) < 1_000_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(InputFileError) as caught:
        docx_text(data, config.limits)
    elapsed, peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 3 and peak < 20_000_000
    assert caught.value.kind == "too_large" and "docx_uncompressed_mb" in caught.value.message
    assert read_error(SourceFile(path=path, relative_path="collections/bomb.docx"), config).kind == "too_large"


def test_docx_part_bigger_than_its_zip_header_says_is_an_error_not_a_long_read(write, config):
    data = bytearray(_docx(b"<w:p/>" * 100_000))  # 600 KB of XML
    entry = data.rindex(MAIN_PART.encode()) - 46  # its central directory entry: what zipfile trusts
    assert data[entry: entry + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, entry + 24, 1024)  # declared uncompressed size: 1 KB
    error = read_error(write("billing/lying.docx", bytes(data)), config)
    assert error.kind == "malformed" and "CRC" in error.message


def test_capped_stream_refuses_bytes_beyond_its_cap():
    stream = CappedStream(io.BytesIO(b"x" * 101), cap=100)
    assert stream.read(60) == b"x" * 60
    with pytest.raises(InputFileError) as caught:
        stream.read(60)
    assert caught.value.kind == "too_large"


def test_capped_stream_gives_a_part_of_exactly_the_cap():
    assert CappedStream(io.BytesIO(b"x" * 100), cap=100).read() == b"x" * 100


def test_docx_part_decompressing_past_the_cap_is_too_large_while_streaming():
    xml = io.BytesIO(HEAD + _paragraph("Dear Ms Novak,") * 2000 + TAIL)
    with pytest.raises(InputFileError) as caught:
        main_part_text(CappedStream(xml, cap=10_000), Limits())
    assert caught.value.kind == "too_large" and "docx_uncompressed_mb" in caught.value.message


# .docx: the XML


def test_docx_with_more_paragraphs_than_the_element_limit_is_too_large(write):
    error = read_error(write("billing/many.docx", _docx(b"<w:p/>" * 5_000)), _config(docx_elements=1_000))
    assert error.kind == "too_large" and "docx_elements" in error.message


def test_docx_padded_with_other_elements_is_too_large(write):
    padding = b"<w:p>" + b"<w:bookmarkEnd/>" * 5_000 + b"</w:p>"  # one paragraph, thousands of elements
    error = read_error(write("billing/padded.docx", _docx(padding)), _config(docx_elements=100))
    assert error.kind == "too_large" and "XML elements" in error.message


def test_docx_with_more_text_than_extracted_chars_is_too_large(write):
    data = _docx(_paragraph("Dear Ms Novak,"), _paragraph("x" * 2_000))
    error = read_error(write("billing/long.docx", data), _config(extracted_chars=1_000))
    assert error.kind == "too_large" and "extracted_chars" in error.message


def test_docx_declaring_entities_is_refused_as_malformed_not_read_in_part(write, config):
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    body = f'<w:document {W}><w:body>'.encode() + _paragraph("Dear Ms Novak, &xxe; your balance is due.") + TAIL
    buffer = io.BytesIO()
    _word_zip(buffer, [doctype, body])
    error = read_error(write("billing/xxe.docx", buffer.getvalue()), config)
    assert error.kind == "malformed" and "DOCTYPE" in error.message


def test_docx_with_an_undeclared_entity_is_malformed(write, config):
    error = read_error(write("billing/entity.docx", _docx(_paragraph("Dear Ms Novak, &xxe; due."))), config)
    assert error.kind == "malformed" and "xxe" in error.message


def test_docx_at_the_limits_is_read(write):
    data = _docx(_paragraph("Dear Ms Novak,"), _paragraph("Your balance is due."))  # 2 paragraphs, 2 runs
    item = read_one(write("billing/ok.docx", data), _config(docx_elements=4, extracted_chars=34))
    assert item.turns[0].text == "Dear Ms Novak,\nYour balance is due."


# PDF


def test_pdf_with_more_pages_than_the_limit_is_too_large(write):
    error = read_error(write("billing/long.pdf", _pdf(pages=30)), _config(pdf_pages=10))
    assert error.kind == "too_large" and "30 pages" in error.message and "pdf_pages" in error.message


def test_pdf_page_limit_holds_when_its_page_tree_understates_the_count(write):
    data = _pdf(pages=30)
    assert data.count(b"/Count 30\n") == 1
    error = read_error(write("billing/lying.pdf", data.replace(b"/Count 30\n", b"/Count 1 \n")), _config(pdf_pages=10))
    assert error.kind == "too_large" and "30 pages" in error.message


def test_pdf_with_more_text_than_extracted_chars_is_too_large_not_cut(write):
    error = read_error(write("billing/long.pdf", _pdf(pages=5)), _config(extracted_chars=100))
    assert error.kind == "too_large" and "extracted_chars" in error.message


def test_pdf_encrypted_without_a_user_password_is_read(write, config):
    data = _pdf(user_password="", encryption_method=EncryptionMethod.AES_128)
    item = read_one(write("billing/protected.pdf", data), config)
    assert "your balance is overdue" in item.turns[0].text


def test_pdf_with_a_user_password_is_unsupported_and_says_so(write, config):
    data = _pdf(user_password="s3cret", encryption_method=EncryptionMethod.AES_128)
    error = read_error(write("billing/locked.pdf", data), config)
    assert error.kind == "unsupported" and "password" in error.message


def test_pdf_needing_a_missing_package_is_unsupported_and_names_it(write, config, monkeypatch):
    from pypdf import PageObject
    from pypdf.errors import DependencyError

    def missing_cryptography(self, *args, **kwargs):  # what pypdf raises for AES without `cryptography`
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(PageObject, "extract_text", missing_cryptography)
    error = read_error(write("billing/aes.pdf", _pdf()), config)
    assert error.kind == "unsupported" and "cryptography" in error.message


# .txt


def test_text_letter_with_more_characters_than_extracted_chars_is_too_large(write):
    error = read_error(write("billing/long.txt", LETTER + "x" * 1_000), _config(extracted_chars=1_000))
    assert error.kind == "too_large" and "extracted_chars" in error.message


def test_text_letter_at_the_character_limit_is_read(write):
    assert read_one(write("billing/ok.txt", LETTER), _config(extracted_chars=len(LETTER))).channel == "letter"
