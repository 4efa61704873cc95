import pytest

from analyzer.errors import InputFileError
from analyzer.ingest.textdecode import decode_text


def test_utf8_with_bom_is_decoded_without_the_bom():
    assert decode_text("\ufeffHéllo".encode("utf-8")) == "Héllo"


def test_utf16_with_bom_is_decoded():
    assert decode_text("Grüße aus Köln".encode("utf-16")) == "Grüße aus Köln"


def test_declared_charset_is_used_first():
    assert decode_text("Ça coûte 5 €".encode("cp1252"), "cp1252") == "Ça coûte 5 €"


def test_windows_1252_without_declaration_is_recognized():
    assert decode_text("We’re sorry – it’s fixed.".encode("cp1252")) == "We’re sorry – it’s fixed."


def test_binary_data_is_a_binary_error():
    with pytest.raises(InputFileError) as caught:
        decode_text(bytes(range(256)) * 20)
    assert caught.value.kind == "binary"


def test_declared_utf16_over_ascii_bytes_falls_back_to_utf8():
    text = "Hello there, your refund is on the way.\n"
    assert decode_text(text.encode("ascii"), "utf-16") == text


def test_declared_utf16_without_bom_is_used_for_real_utf16_text():
    assert decode_text("Grüße aus Köln".encode("utf-16-le"), "utf-16") == "Grüße aus Köln"


def test_declared_utf16_without_bom_keeps_chinese_text():
    text = "您好，退款已经处理。"
    assert decode_text(text.encode("utf-16-le"), "utf-16") == text
