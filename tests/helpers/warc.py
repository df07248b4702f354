"""WARC files for tests, written by hand (WARC/1.0, one response record per page; gzip per record)."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Sequence


def warc_record(url: str, body: bytes, *, content_type: str = "text/html; charset=utf-8", status: str = "200 OK") -> bytes:
    """One `response` record holding an HTTP response with `body`."""
    http = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode("latin-1") + body
    record_id = hashlib.sha1(url.encode()).hexdigest()
    head = (
        "WARC/1.0\r\n"
        "WARC-Type: response\r\n"
        f"WARC-Target-URI: {url}\r\n"
        "WARC-Date: 2025-01-01T00:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{record_id[:8]}-{record_id[8:12]}-{record_id[12:16]}-{record_id[16:20]}-{record_id[20:32]}>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n"
        "\r\n"
    ).encode("latin-1")
    return head + http + b"\r\n\r\n"


def warc_file(records: Sequence[bytes], *, compress: bool = False) -> bytes:
    """Records joined into one file; with `compress`, each record its own gzip member (as crawlers write)."""
    return b"".join(gzip.compress(record) for record in records) if compress else b"".join(records)
