"""Bytes of a web page to text: BOM, then a declared charset, then a detector.

Charset labels are read as the WHATWG Encoding Standard reads them (iso-8859-1, latin1 and ascii mean
windows-1252; gb2312 and gbk mean gb18030; shift_jis is Shift_JIS with the Windows extensions), so a
page decodes as a browser shows it. A declaration that lies does not produce mojibake:

- declared UTF-8 (or nothing declared), bytes UTF-8 but for a few stray bytes: UTF-8, each stray byte
  read as windows-1252 (`utf-8-mixed`); with more stray bytes than UTF-8 sequences the detector decides;
- declared another charset, bytes valid UTF-8 with non-ASCII characters: UTF-8 (`utf-8-over-meta`);
- declared a multi-byte charset (Shift_JIS, GBK, ...) the bytes do not decode in: the detector.

A declared single-byte charset is trusted otherwise (as in a browser, it cannot fail). Detector ties
go to windows-1252, the web's most common legacy charset. Nothing raises on bad bytes: the last resort
is UTF-8 with U+FFFD replacements (`replacement`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

METHODS: tuple[str, ...] = ("bom", "meta", "utf-8", "utf-8-over-meta", "utf-8-mixed", "detector", "replacement")
"""Values of `DecodedHtml.method`: how the encoding was chosen (see the module docstring)."""

HEAD_BYTES = 65_536
"""How far a `<meta>` charset declaration is looked for (and never past `<body`)."""

# WHATWG encodings (Encoding Standard, "Encodings" table) by the Python codec that decodes them, with
# their labels. utf-16 labels map to utf-8 and x-user-defined to windows-1252, as the HTML meta prescan
# does; the "replacement" labels (iso-2022-kr, hz-gb-2312, ...) are left out: such a declaration is ignored.
_LABELS: dict[str, tuple[str, ...]] = {
    "utf-8": (
        "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8",
        "csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "unicodefffe",
        "utf-16", "utf-16be", "utf-16le",
    ),
    "cp866": ("866", "cp866", "csibm866", "ibm866"),
    "iso8859-2": ("csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592", "iso_8859-2", "iso_8859-2:1987", "l2", "latin2"),
    "iso8859-3": ("csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593", "iso_8859-3", "iso_8859-3:1988", "l3", "latin3"),
    "iso8859-4": ("csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594", "iso_8859-4", "iso_8859-4:1988", "l4", "latin4"),
    "iso8859-5": ("csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5", "iso88595", "iso_8859-5", "iso_8859-5:1988"),
    "iso8859-6": (
        "arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic", "ecma-114", "iso-8859-6",
        "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127", "iso8859-6", "iso88596", "iso_8859-6", "iso_8859-6:1987",
    ),
    "iso8859-7": (
        "csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7", "iso-ir-126", "iso8859-7",
        "iso88597", "iso_8859-7", "iso_8859-7:1987", "sun_eu_greek",
    ),
    "iso8859-8": (
        "csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8", "iso-8859-8-e", "iso-ir-138", "iso8859-8",
        "iso88598", "iso_8859-8", "iso_8859-8:1988", "visual", "csiso88598i", "iso-8859-8-i", "logical",
    ),
    "iso8859-10": ("csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10", "iso885910", "l6", "latin6"),
    "iso8859-13": ("iso-8859-13", "iso8859-13", "iso885913"),
    "iso8859-14": ("iso-8859-14", "iso8859-14", "iso885914"),
    "iso8859-15": ("csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9"),
    "iso8859-16": ("iso-8859-16",),
    "koi8-r": ("cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"),
    "koi8-u": ("koi8-ru", "koi8-u"),
    "mac-roman": ("csmacintosh", "mac", "macintosh", "x-mac-roman"),
    "cp874": ("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"),
    "cp1250": ("cp1250", "windows-1250", "x-cp1250"),
    "cp1251": ("cp1251", "windows-1251", "x-cp1251"),
    "cp1252": (
        "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100",
        "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252",
        "x-cp1252", "x-user-defined",
    ),
    "cp1253": ("cp1253", "windows-1253", "x-cp1253"),
    "cp1254": (
        "cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9",
        "iso_8859-9:1989", "l5", "latin5", "windows-1254", "x-cp1254",
    ),
    "cp1255": ("cp1255", "windows-1255", "x-cp1255"),
    "cp1256": ("cp1256", "windows-1256", "x-cp1256"),
    "cp1257": ("cp1257", "windows-1257", "x-cp1257"),
    "cp1258": ("cp1258", "windows-1258", "x-cp1258"),
    "mac-cyrillic": ("x-mac-cyrillic", "x-mac-ukrainian"),
    "gb18030": ("chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk", "iso-ir-58", "x-gbk", "gb18030"),
    "big5hkscs": ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"),
    "euc_jp": ("cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"),
    "iso2022_jp": ("csiso2022jp", "iso-2022-jp"),
    "shift_jis": ("csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"),
    "cp949": (
        "cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987", "ks_c_5601-1989",
        "ksc5601", "ksc_5601", "windows-949",
    ),
}
_CODEC_BY_LABEL: dict[str, str] = {label: codec for codec, labels in _LABELS.items() for label in labels}
# Multi-byte codecs, with the codecs tried in turn: WHATWG's Shift_JIS is JIS X 0208 (shift_jis) plus
# the Windows extensions (cp932). A declared multi-byte charset the bytes do not decode in is a lie.
_MULTI_BYTE: dict[str, tuple[str, ...]] = {
    "gb18030": ("gb18030",),
    "big5hkscs": ("big5hkscs",),
    "euc_jp": ("euc_jp",),
    "iso2022_jp": ("iso2022_jp",),
    "shift_jis": ("shift_jis", "cp932"),
    "cp949": ("cp949",),
}
# charset-normalizer's answers that WHATWG reads as a superset.
_DETECTED_ALIASES: dict[str, str] = {
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}
_BOMS: tuple[tuple[bytes, str], ...] = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le"))
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_BODY = re.compile(rb"<body[\s>]", re.I)
_META = re.compile(rb"<meta[\s/][^>]*>", re.I)
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_CONTENT_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([^\s;"']+)""", re.I)
_ESCAPED = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


@dataclass(frozen=True)
class DecodedHtml:
    """A decoded page: its text, the Python codec used, and how it was chosen (one of `METHODS`)."""

    text: str
    encoding: str
    method: str


def decode_html(data: bytes) -> DecodedHtml:
    """Decode a page's bytes: BOM, then `<meta>` charset, then charset-normalizer. Never raises."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            if codec == "utf-8":
                return _utf8_or_detected(body, method="bom")
            try:
                return DecodedHtml(body.decode(codec), codec, "bom")
            except UnicodeDecodeError:
                return DecodedHtml(body.decode(codec, errors="replace"), codec, "replacement")
    declared = declared_codec(data)
    if declared is None or declared == "utf-8":
        return _utf8_or_detected(data, method="meta" if declared else "utf-8")
    escaped = data.decode("utf-8", errors="surrogateescape")
    stray = len(_ESCAPED.findall(escaped))
    if not stray and _NON_ASCII.search(escaped):
        return DecodedHtml(escaped, "utf-8", "utf-8-over-meta")
    if declared not in _MULTI_BYTE:
        return DecodedHtml(_single_byte(data, declared), declared, "meta")
    for codec in _MULTI_BYTE[declared]:
        try:
            return DecodedHtml(data.decode(codec), codec, "meta")
        except UnicodeDecodeError:
            continue
    return _detected(data)


def declared_codec(data: bytes) -> str | None:
    """The Python codec of the first known charset a `<meta>` in the page's head declares, else None."""
    head = data[:HEAD_BYTES]
    body = _BODY.search(head)
    if body:
        head = head[: body.start()]
    for tag in _META.finditer(_COMMENT.sub(b"", head)):
        attributes = {name.lower(): value.strip(b"\"'") for name, value in _ATTRIBUTE.findall(tag.group()[5:])}
        label = attributes.get(b"charset")
        if label is None and attributes.get(b"http-equiv", b"").lower() == b"content-type":
            found = _CONTENT_CHARSET.search(attributes.get(b"content", b""))
            label = found.group(1) if found else None
        if label:
            codec = _CODEC_BY_LABEL.get(label.strip().lower().decode("ascii", errors="replace"))
            if codec:
                return codec
    return None


def _utf8_or_detected(data: bytes, *, method: str) -> DecodedHtml:
    """UTF-8 if the bytes are UTF-8, or UTF-8 but for fewer stray bytes than UTF-8 sequences; else detect."""
    escaped = data.decode("utf-8", errors="surrogateescape")
    stray = len(_ESCAPED.findall(escaped))
    if not stray:
        return DecodedHtml(escaped, "utf-8", method)
    if len(_NON_ASCII.findall(escaped)) >= stray:
        return DecodedHtml(_ESCAPED.sub(lambda m: _cp1252_byte(ord(m.group()) - 0xDC00), escaped), "utf-8", "utf-8-mixed")
    return _detected(data)


def _detected(data: bytes) -> DecodedHtml:
    """charset-normalizer's pick (ties to windows-1252); UTF-8 with replacements when it has none."""
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return DecodedHtml(data.decode("utf-8", errors="replace"), "utf-8", "replacement")
    best = matches[0]
    codec = _DETECTED_ALIASES.get(best.encoding, best.encoding)
    tied = [m for m in matches if m.chaos == best.chaos and m.coherence == best.coherence]
    if any("cp1252" in m.could_be_from_charset for m in tied):
        codec = "cp1252"
    codec = codecs.lookup(codec).name
    if codec == "cp1252":
        return DecodedHtml(_single_byte(data, codec), codec, "detector")
    try:
        return DecodedHtml(data.decode(codec), codec, "detector")
    except UnicodeDecodeError:
        return DecodedHtml(data.decode(codec, errors="replace"), codec, "replacement")


def _single_byte(data: bytes, codec: str) -> str:
    """Decode with a single-byte codec as WHATWG does: windows-1252 defines all 256 bytes, others give U+FFFD."""
    if codec == "cp1252":
        return _ESCAPED.sub(lambda m: _cp1252_byte(ord(m.group()) - 0xDC00), data.decode("cp1252", errors="surrogateescape"))
    return data.decode(codec, errors="replace")


def _cp1252_byte(byte: int) -> str:
    """One byte as WHATWG's windows-1252 reads it (its five undefined bytes are the C1 controls)."""
    try:
        return bytes((byte,)).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)
