"""The pages to annotate: saved HTML files, folders of them, and WARC files (read with FastWARC).

Each page gets a stable id ([A-Za-z0-9._-], from its file name or its URL), its decoded HTML
(`gold.decode`), its URL where the page tells it (a WARC record's target; in a saved file, the
"saved from url" mark a browser leaves, else `<link rel=canonical>`, else `og:url`), and where it came
from. Anything that is not a page gets one line naming it: a file that is not HTML, a WARC that is
truncated or damaged. In a folder, the files ending in .html, .htm, .xhtml, .shtml, .warc or .warc.gz
are read (not its subfolders: a browser's "save page" puts scripts and frames in `NAME_files/`).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cleanbench.errors import AnnotationError, CleanbenchError
from cleanbench.gold.decode import decode_html
from cleanbench.gold.formats._source import read_bytes

HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm", ".xhtml", ".shtml")
WARC_SUFFIXES: tuple[str, ...] = (".warc", ".warc.gz")
HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")
_SNIFF = 65_536
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"RIFF", "a RIFF file (WebP, WAV, AVI)"),
    (b"\x7fELF", "a program"),
)
_TAG = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*[\s/>]|!|\?)")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_CANONICAL = re.compile(r"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.IGNORECASE)
_OG_URL = re.compile(r"<meta\b[^>]*\bproperty\s*=\s*[\"']?og:url\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"\b(?:href|content)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_ID = 100


@dataclass(frozen=True)
class SourcePage:
    """A page to annotate: id, decoded HTML, URL (or None), where it came from, how it was decoded."""

    id: str
    html: str
    url: str | None
    origin: str
    encoding: str
    decode_method: str

    @property
    def digest(self) -> str:
        """sha256 of the decoded HTML: the annotation log pins each page to it."""
        return hashlib.sha256(self.html.encode("utf-8", "surrogatepass")).hexdigest()


def read_sources(paths: Sequence[str | Path], *, max_page_bytes: int) -> list[SourcePage]:
    """Every page of the given files and folders, in the order given (a folder's files sorted by name).
    Raises `AnnotationError` naming the file when one is not a page or is damaged."""
    pages: list[SourcePage] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and _suffix(p) in HTML_SUFFIXES + WARC_SUFFIXES)
            if not found:
                raise AnnotationError(f"{path}: no saved pages here (files ending in {', '.join(HTML_SUFFIXES + WARC_SUFFIXES)})")
            for file in found:
                pages.extend(_read_file(file, max_page_bytes=max_page_bytes))
        elif path.exists() or path.is_symlink():
            pages.extend(_read_file(path, max_page_bytes=max_page_bytes))
        else:
            raise AnnotationError(f"{path}: no such file or folder")
    if not pages:
        raise AnnotationError(f"{', '.join(map(str, paths))}: no HTML pages to annotate")
    return _unique(pages)


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".warc.gz" if name.endswith(".warc.gz") else path.suffix.lower()


def _read_file(path: Path, *, max_page_bytes: int) -> list[SourcePage]:
    if _suffix(path) in WARC_SUFFIXES:
        return list(read_warc(path, max_page_bytes=max_page_bytes))
    try:
        data = read_bytes(path, where=str(path), max_bytes=max_page_bytes)
    except CleanbenchError as error:
        raise AnnotationError(str(error)) from None
    html, encoding, method = _html_of(data, where=str(path))
    return [SourcePage(page_id(path.stem), html, page_url(html), str(path), encoding, method)]


def _html_of(data: bytes, *, where: str) -> tuple[str, str, str]:
    """The decoded page, its encoding and how it was chosen; `AnnotationError` when it is not HTML."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise AnnotationError(f"{where}: not an HTML page ({kind})")
    decoded = decode_html(data)
    head = decoded.text[:_SNIFF]
    if "\x00" in head:
        raise AnnotationError(f"{where}: not an HTML page (binary data)")
    if not _TAG.search(head):
        raise AnnotationError(f"{where}: not an HTML page (no HTML tag in its first {_SNIFF // 1024} KB)")
    return decoded.text, decoded.encoding, decoded.method


def page_url(html: str) -> str | None:
    """The URL a saved page names for itself: a browser's "saved from url" mark, else its canonical
    link, else its `og:url`; None when it names none."""
    head = html[:_SNIFF]
    saved = _SAVED_FROM.search(head)
    if saved:
        return saved.group(1)
    for pattern in (_CANONICAL, _OG_URL):
        tag = pattern.search(head)
        if tag:
            value = _HREF.search(tag.group())
            url = next((group for group in value.groups() if group), None) if value else None
            if url and url.strip().lower().startswith(("http://", "https://")):
                return url.strip()
    return None


def page_id(name: str) -> str:
    """An id from a file name or URL: runs of other characters become "-", at most 100 characters."""
    cleaned = _UNSAFE_ID.sub("-", name).strip("-.") or "page"
    return cleaned[:_MAX_ID].rstrip("-.") or "page"


def _unique(pages: list[SourcePage]) -> list[SourcePage]:
    """Pages whose ids clash get -2, -3, ... in order (the same files give the same ids again)."""
    seen: dict[str, int] = {}
    unique: list[SourcePage] = []
    taken = {page.id for page in pages}
    for page in pages:
        count = seen.get(page.id, 0) + 1
        seen[page.id] = count
        if count == 1:
            unique.append(page)
            continue
        number = count
        while f"{page.id[: _MAX_ID - 8]}-{number}" in taken:
            number += 1
        new_id = f"{page.id[: _MAX_ID - 8]}-{number}"
        taken.add(new_id)
        unique.append(SourcePage(new_id, page.html, page.url, page.origin, page.encoding, page.decode_method))
    return unique


def read_warc(path: Path, *, max_page_bytes: int) -> Iterator[SourcePage]:
    """The HTML responses (status 200, text/html or XHTML) of a WARC file. A record cut short (a file
    truncated mid-copy) or a damaged header is an `AnnotationError` naming the file and record."""
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError:
        raise AnnotationError(f"{path}: reading a WARC file needs FastWARC, which comes with resiliparse: pip install 'cleanbench[all]'") from None
    try:
        stream = path.open("rb")
    except OSError as error:
        raise AnnotationError(f"{path}: cannot read: {error.strerror or error}") from None
    with stream:
        try:
            for number, record in enumerate(ArchiveIterator(stream, record_types=WarcRecordType.any_type, parse_http=False), start=1):
                declared = record.headers.get("Content-Length")
                block = record.reader.read()
                if declared is None or not declared.isdigit() or len(block) < int(declared):
                    raise AnnotationError(
                        f"{path}: truncated WARC: record {number} ends after {len(block)} of its "
                        f"{declared or 'unknown'} bytes (the file was cut short; copy it again)"
                    )
                if record.record_type != WarcRecordType.response:
                    continue
                page = _warc_page(block, url=record.headers.get("WARC-Target-URI"), where=f"{path}: record {number}", max_page_bytes=max_page_bytes)
                if page is not None:
                    html, encoding, method = page
                    url = record.headers.get("WARC-Target-URI")
                    yield SourcePage(_url_id(url, number), html, url, f"{path}#record-{number}", encoding, method)
        except AnnotationError:
            raise
        except Exception as error:  # noqa: BLE001  FastWARC raises OSError and others on a damaged file
            raise AnnotationError(f"{path}: not a readable WARC file: {type(error).__name__}: {error}") from None


def _warc_page(block: bytes, *, url: str | None, where: str, max_page_bytes: int) -> tuple[str, str, str] | None:
    """The decoded page of an HTTP response block, or None when it is not an HTML page answered 200."""
    head, separator, body = block.partition(b"\r\n\r\n")
    if not separator:
        return None
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split()
    if len(status) < 2 or status[1] != "200":
        return None
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    if headers.get("content-type", "").split(";")[0].strip().lower() not in HTML_TYPES:
        return None
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _unchunked(body)
    coding = headers.get("content-encoding", "").lower()
    if coding in ("gzip", "x-gzip", "deflate"):
        try:
            body = zlib.decompressobj(wbits=47).decompress(body, max_page_bytes + 1)
        except zlib.error:
            raise AnnotationError(f"{where}: its {coding} body does not decompress ({url})") from None
    elif coding not in ("", "identity"):
        return None
    if len(body) > max_page_bytes:
        raise AnnotationError(f"{where}: larger than the page size cap of {max_page_bytes / 2**20:g} MB (--max-page-mb)")
    return _html_of(body, where=f"{where} ({url})")


def _unchunked(body: bytes) -> bytes:
    parts: list[bytes] = []
    rest = body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
        except ValueError:
            return body
        if size == 0:
            break
        parts.append(rest[:size])
        rest = rest[size + 2 :]
    return b"".join(parts)


def _url_id(url: str | None, number: int) -> str:
    if not url:
        return f"record-{number}"
    bare = re.sub(r"^[a-z]+://(www\.)?", "", url, flags=re.IGNORECASE)
    return page_id(bare)
