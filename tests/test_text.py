import pytest

from archive.core.text import (
    direction_for_language,
    direction_for_text,
    isolated,
    normalize_text,
    normalize_text_counted,
    sha256_hex,
)


def test_normalize_text_composes_to_nfc():
    decomposed = "Cafe\u0301"
    assert normalize_text(decomposed) == "Caf\u00e9"


def test_normalize_text_unifies_newlines():
    assert normalize_text("a\r\nb\rc\u2028d") == "a\nb\nc\nd"


def test_sha256_hex_hashes_text_as_utf8():
    assert sha256_hex("درعا") == sha256_hex("درعا".encode())
    assert len(sha256_hex(b"")) == 64


@pytest.mark.parametrize(
    ("language", "direction"),
    [("ar", "rtl"), ("fa-IR", "rtl"), ("he", "rtl"), ("en", "ltr"), ("az-Arab", "rtl"), ("az-Latn", "ltr")],
)
def test_direction_for_language(language, direction):
    assert direction_for_language(language) == direction


def test_direction_for_text_follows_the_script():
    assert direction_for_text("قال مدير المحطة (Director)") == "rtl"
    assert direction_for_text("The director said قال") == "ltr"


def test_normalize_text_counted_says_what_it_changed():
    text, changed = normalize_text_counted("Cafe\u0301\r\n\u212b \u1100\u1161\u2028ok")
    assert (
        text == normalize_text("Cafe\u0301\r\n\u212b \u1100\u1161\u2028ok") == "Caf\u00e9\n\u00c5 \uac00\nok"
    )
    assert (changed.nfc_changed, changed.newlines) == (3, 2)
    assert changed.describe() == "normalized: 3 characters to Unicode NFC, 2 line breaks to \\n"


def test_normalize_text_counted_says_nothing_for_normal_text():
    assert normalize_text_counted("Already\nnormal.")[1].describe() == ""


def test_isolated_sets_text_between_first_strong_isolate_and_pop_directional_isolate():
    assert isolated("محطة المياه") == "\u2068محطة المياه\u2069"
    assert isolated(12) == "\u206812\u2069"
