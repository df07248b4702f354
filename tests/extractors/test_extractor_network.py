"""No adapter reaches the network: pages full of remote resources, with every socket connection refused."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest

from cleanbench.stages.base import Stage as Extractor
from cleanbench.stages.registry import EXTRACTORS as BUILTINS

Get = Callable[[str], Extractor]

# Everything that has made an extractor fetch: images (newspaper4k, goose3 size them), a meta refresh
# (newspaper4k can follow it), og:image, a canonical link, a "read more" link, frames and scripts.
PAGE = """<html><head>
<meta http-equiv="refresh" content="0; url=http://192.0.2.1/elsewhere">
<meta property="og:image" content="http://192.0.2.1/og.jpg">
<link rel="canonical" href="http://192.0.2.1/article">
<script src="http://192.0.2.1/app.js"></script>
<title>A council votes on the transit budget</title></head>
<body><article><h1>A council votes on the transit budget</h1>
<img src="http://192.0.2.1/large.jpg" width="800" height="600">
""" + "<p>The council voted late on Tuesday to adopt the budget, ending a five-hour meeting that drew many residents.</p>\n" * 8 + """
<iframe src="http://192.0.2.1/frame"></iframe><a href="http://192.0.2.1/more">Read more</a>
</article></body></html>"""


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Record, then refuse, every attempt to resolve a host name or open a connection."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access attempted during extraction")

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts


@pytest.mark.parametrize("name", [name for name in BUILTINS if name not in ("gold", "readability-js")])
def test_adapter_opens_no_connection(adapter: Get, connections: list[object], name: str) -> None:
    adapter(name).extract(PAGE, url="http://192.0.2.1/article")
    assert connections == []
