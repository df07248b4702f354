"""gold/decode.py: BOM, declared charset (read as WHATWG reads labels), lying declarations, detector."""

from __future__ import annotations

import codecs

import pytest

from cleanbench.gold.decode import METHODS, declared_codec, decode_html

# Sentences written for these tests; each holds characters its legacy charset encodes differently
# from its neighbours (cp1252 punctuation, German and French accents, kana, hanzi).
GERMAN = (
    "Über den Wolken muss die Freiheit wohl grenzenlos sein. Alle Ängste, alle Sorgen, sagt man, blieben "
    "darunter verborgen. Die Straße nach Süden führt an großen Seen vorbei – „schön“, sagte sie, und zahlte 5 € für den Kaffee."
)
FRENCH = (
    "Il était une fois une île où l'été durait toute l'année. Les élèves français y mangeaient des crêpes "
    "à la crème, près du château, en écoutant la mélodie d'un garçon."
)
POLISH = "Zażółć gęślą jaźń. Pchnąć w tę łódź jeża lub ośm skrzyń fig. Wśród nocnej ciszy głos się rozchodzi: wstańcie pasterze."
JAPANESE = "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。"
CHINESE = "北京是中华人民共和国的首都，也是全国的政治和文化中心。每年都有很多游客来这里参观长城和故宫，品尝北京烤鸭。"
RUSSIAN = "Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация южных губерний даст мощный толчок подъёму хозяйства."


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>Test</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("head", "body", "codec", "encoding"),
    [
        ('<meta charset="windows-1252">', GERMAN, "cp1252", "cp1252"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', FRENCH, "latin-1", "cp1252"),
        # Declared latin-1, written with cp1252's € and quotes: WHATWG reads iso-8859-1 as windows-1252.
        ('<meta charset="iso-8859-1">', GERMAN, "cp1252", "cp1252"),
        ('<meta content="text/html; charset=windows-1250" http-equiv="content-type">', POLISH, "cp1250", "cp1250"),
        ("<META CHARSET=Shift_JIS>", JAPANESE + "波〜線", "shift_jis", "shift_jis"),
        # ① exists only in the Windows extension of Shift_JIS: decoded as cp932.
        ('<meta charset="shift_jis">', JAPANESE + "①", "cp932", "cp932"),
        ('<meta charset="gb2312">', CHINESE, "gb2312", "gb18030"),
        ('<meta charset="koi8-r">', RUSSIAN, "koi8-r", "koi8-r"),
    ],
)
def test_declared_charset(head: str, body: str, codec: str, encoding: str) -> None:
    html = page(body, head)
    decoded = decode_html(html.encode(codec))
    assert (decoded.text, decoded.encoding, decoded.method) == (html, encoding, "meta")


@pytest.mark.parametrize(
    ("body", "codec", "encoding"),
    [
        (GERMAN, "cp1252", "cp1252"),
        (FRENCH, "latin-1", "cp1252"),  # cp1250 fits these bytes as well as cp1252 does: a tie goes to cp1252
        (POLISH, "cp1250", "cp1250"),
        (RUSSIAN, "cp1251", "cp1251"),
        (JAPANESE, "shift_jis", "cp932"),
        (CHINESE, "gb2312", "gb18030"),
    ],
)
def test_undeclared_legacy_charset_is_detected(body: str, codec: str, encoding: str) -> None:
    html = page(body)
    decoded = decode_html(html.encode(codec))
    assert (decoded.text, decoded.encoding, decoded.method) == (html, encoding, "detector")


def test_undeclared_utf8() -> None:
    html = page(JAPANESE + GERMAN)
    decoded = decode_html(html.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.method) == (html, "utf-8", "utf-8")


@pytest.mark.parametrize(
    ("head", "body", "codec", "encoding", "method"),
    [
        # Declared UTF-8, written in a legacy charset: the detector reads it.
        ('<meta charset="utf-8">', GERMAN, "cp1252", "cp1252", "detector"),
        ('<meta charset="utf-8">', RUSSIAN, "cp1251", "cp1251", "detector"),
        # Declared a single-byte charset, written in UTF-8: UTF-8 wins.
        ('<meta charset="iso-8859-1">', FRENCH, "utf-8", "utf-8", "utf-8-over-meta"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', RUSSIAN, "utf-8", "utf-8", "utf-8-over-meta"),
        # Declared a multi-byte charset the bytes are not in: the detector reads them.
        ('<meta charset="shift_jis">', CHINESE, "gb18030", "gb18030", "detector"),
    ],
)
def test_lying_declaration_gives_no_mojibake(head: str, body: str, codec: str, encoding: str, method: str) -> None:
    html = page(body, head)
    decoded = decode_html(html.encode(codec))
    assert (decoded.text, decoded.encoding, decoded.method) == (html, encoding, method)


def test_utf8_page_with_stray_legacy_bytes() -> None:
    # As on der-erfolg-gibt-recht.de in trafilatura's corpus: a UTF-8 page with one latin-1 alt text.
    data = page(GERMAN, '<meta charset="utf-8">').encode("utf-8").replace(b"<title>", b'<img alt="K\xfcchenblog"><title>')
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.method) == ("utf-8", "utf-8-mixed")
    assert 'alt="Küchenblog"' in decoded.text
    assert GERMAN in decoded.text


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_bom_wins_over_a_declaration(bom: bytes, codec: str) -> None:
    html = page(FRENCH + JAPANESE, '<meta charset="iso-8859-1">')
    decoded = decode_html(bom + html.encode(codec))
    assert (decoded.text, decoded.encoding, decoded.method) == (html, codec, "bom")


def test_cp1252_undefined_bytes_are_c1_controls() -> None:
    # WHATWG's windows-1252 maps the five bytes Python's cp1252 leaves undefined to U+0081 etc.
    decoded = decode_html(b'<meta charset="windows-1252"><p>a\x81b\x9dc\x80</p>')
    assert (decoded.text, decoded.method) == ('<meta charset="windows-1252"><p>a\x81b\x9dc\u20ac</p>', "meta")


@pytest.mark.parametrize("data", [bytes(range(256)) * 4, b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc" * 40, b"", b"\xff\xfe\x00\xd8"])
def test_bad_bytes_never_raise(data: bytes) -> None:
    decoded = decode_html(data)
    assert isinstance(decoded.text, str)
    assert decoded.method in METHODS
    codecs.lookup(decoded.encoding)


def test_last_resort_says_so() -> None:
    decoded = decode_html(bytes(range(256)) * 4)
    assert (decoded.encoding, decoded.method) == ("utf-8", "replacement")
    assert "\ufffd" in decoded.text


@pytest.mark.parametrize(
    ("head", "codec"),
    [
        ('<meta charset="latin1">', "cp1252"),
        ('<meta charset="US-ASCII">', "cp1252"),
        ("<meta charset=gbk>", "gb18030"),
        ('<meta charset="x-sjis">', "shift_jis"),
        ('<meta charset="euc-kr">', "cp949"),
        ('<meta charset="big5">', "big5hkscs"),
        ('<meta charset="utf-16">', "utf-8"),  # the meta prescan reads a UTF-16 label as UTF-8
        ('<meta charset="x-user-defined">', "cp1252"),
        ('<meta charset="iso-2022-kr">', None),  # WHATWG's "replacement" labels: ignored
        ('<meta charset="no-such-charset"><meta charset="koi8-u">', "koi8-u"),  # an unknown label is skipped
        ('<meta name="viewport" content="width=device-width"><meta http-equiv="content-type" content="text/html;charset= \'ISO-8859-2\'">', "iso8859-2"),
        ('<meta content="text/html; charset=iso-8859-5">', None),  # content= counts only with http-equiv
        ('<!-- <meta charset="koi8-r"> --><meta charset="cp1251">', "cp1251"),
        ("", None),
    ],
)
def test_declared_codec(head: str, codec: str | None) -> None:
    assert declared_codec(page("x", head).encode("ascii")) == codec


def test_declaration_in_the_body_is_not_read() -> None:
    assert declared_codec(b'<html><head></head><body><pre>&lt;<meta charset="koi8-r"></pre></body></html>') is None
