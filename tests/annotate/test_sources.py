"""annotate/sources.py: saved pages, folders and WARC files to annotate, and what is not a page."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest
from helpers.warc import warc_file, warc_record

from cleanbench.annotate.sources import page_url, read_sources
from cleanbench.errors import AnnotationError

CAP = 1 << 20
PAGE = b"<html><body><p>Sunday trains run every hour.</p></body></html>"


def test_files_and_folders_become_pages_with_ids_from_their_names(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "b page.html").write_bytes(PAGE)
    (tmp_path / "site" / "a.htm").write_bytes(PAGE.replace(b"Sunday", b"Monday"))
    (tmp_path / "site" / "notes.txt").write_text("not a page", encoding="utf-8")  # not read: not a page's name
    (tmp_path / "site" / "a_files").mkdir()  # a browser's "save page" folder: not read
    (tmp_path / "site" / "a_files" / "frame.html").write_bytes(PAGE)
    (tmp_path / "single.html").write_bytes(PAGE)
    pages = read_sources([tmp_path / "site", tmp_path / "single.html"], max_page_bytes=CAP)
    assert [page.id for page in pages] == ["a", "b-page", "single"]
    assert pages[0].html.startswith("<html><body><p>Monday")
    assert pages[0].origin == str(tmp_path / "site" / "a.htm")


def test_clashing_ids_get_numbers(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "index.html").write_bytes(PAGE)
    assert [page.id for page in read_sources([tmp_path / "one", tmp_path / "two"], max_page_bytes=CAP)] == ["index", "index-2"]


def test_a_legacy_encoding_is_decoded(tmp_path: Path) -> None:
    (tmp_path / "old.html").write_bytes('<meta charset="windows-1252"><p>Caf\xe9 cr\xe8me</p>'.encode("cp1252"))
    page = read_sources([tmp_path / "old.html"], max_page_bytes=CAP)[0]
    assert "Café crème" in page.html and page.encoding == "cp1252"


@pytest.mark.parametrize(
    ("html", "url"),
    [
        ("<!-- saved from url=(0030)https://news.example/a/story -->\n<p>x</p>", "https://news.example/a/story"),
        ('<head><link rel="canonical" href="https://news.example/b"></head>', "https://news.example/b"),
        ("<head><meta property='og:url' content='https://news.example/c'></head>", "https://news.example/c"),
        ('<head><link rel="canonical" href="/relative"></head>', None),
        ("<p>nothing</p>", None),
    ],
)
def test_a_saved_page_names_its_url(html: str, url: str | None) -> None:
    assert page_url(html) == url


@pytest.mark.extras  # FastWARC comes with resiliparse: the `all` extra
@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
def test_the_html_responses_of_a_warc(tmp_path: Path, compress: bool) -> None:
    records = [
        warc_record("https://www.news.example/2025/05/trains", PAGE),
        warc_record("https://www.news.example/logo.png", b"\x89PNG....", content_type="image/png"),
        warc_record("https://www.news.example/gone", b"<p>gone</p>", status="404 Not Found"),
        warc_record("https://www.news.example/2025/05/buses", PAGE.replace(b"trains", b"buses")),
    ]
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    path.write_bytes(warc_file(records, compress=compress))
    pages = read_sources([path], max_page_bytes=CAP)
    assert [(page.id, page.url) for page in pages] == [
        ("news.example-2025-05-trains", "https://www.news.example/2025/05/trains"),
        ("news.example-2025-05-buses", "https://www.news.example/2025/05/buses"),
    ]
    assert pages[1].origin == f"{path}#record-4"


def truncated(path: Path) -> None:
    data = warc_file([warc_record("https://a.example/1", PAGE), warc_record("https://a.example/2", PAGE * 20)])
    path.write_bytes(data[:-200])


WARC = pytest.mark.extras  # FastWARC comes with resiliparse: the `all` extra
BAD = [
    ("picture.html", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64), "picture.html: not an HTML page (a PNG image)"),
    ("report.html", lambda p: p.write_bytes(b"%PDF-1.7 ..."), "report.html: not an HTML page (a PDF document)"),
    ("notes.html", lambda p: p.write_text("just some words, no markup at all", encoding="utf-8"), "notes.html: not an HTML page (no HTML tag in its first 64 KB)"),
    ("blob.html", lambda p: p.write_bytes(b"<p>x</p>" + bytes(range(256)) * 4), "blob.html: not an HTML page (binary data)"),
    pytest.param("cut.warc", truncated, "cut.warc: truncated WARC: record 2 ends after", marks=WARC),
    pytest.param("cut.warc.gz", lambda p: p.write_bytes(gzip.compress(warc_file([warc_record("https://a.example/1", PAGE * 50)]))[:-60]), "cut.warc.gz: truncated WARC: record 1", marks=WARC),
    pytest.param("noise.warc", lambda p: p.write_bytes(b"this is not a warc\n" * 5), "noise.warc: not a readable WARC file", marks=WARC),
    ("missing.html", lambda p: None, "missing.html: no such file or folder"),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD, ids=[case.values[0] if hasattr(case, "values") else case[0] for case in BAD])
def test_what_is_not_a_page_is_one_clear_error(tmp_path: Path, name: str, make, message: str) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(AnnotationError) as raised:
        read_sources([path], max_page_bytes=CAP)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_warc_without_fastwarc_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Found by CI's lowest-versions job, which installs no optional extractor: a ModuleNotFoundError traceback.
    monkeypatch.setitem(sys.modules, "fastwarc", None)
    monkeypatch.setitem(sys.modules, "fastwarc.warc", None)
    path = tmp_path / "crawl.warc"
    path.write_bytes(warc_file([warc_record("https://a.example/1", PAGE)]))
    with pytest.raises(AnnotationError, match=r"crawl\.warc: reading a WARC file needs FastWARC.*pip install 'cleanbench\[all\]'"):
        read_sources([path], max_page_bytes=CAP)


def test_an_empty_folder_says_what_it_looks_for(tmp_path: Path) -> None:
    with pytest.raises(AnnotationError, match="no saved pages here"):
        read_sources([tmp_path], max_page_bytes=CAP)
