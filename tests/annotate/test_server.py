"""annotate/server.py: the tool answers 127.0.0.1 only, its own Host and Origin, and writes only with the
session's token."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator

import pytest

from cleanbench.annotate.guess import panel_guess
from cleanbench.annotate.log import log_path
from cleanbench.annotate.panel import Panel
from cleanbench.annotate.server import (
    APP_CSP,
    HOST,
    TOKEN_HEADER,
    AnnotationServer,
    refusal,
)
from cleanbench.annotate.session import Session
from cleanbench.annotate.sources import read_sources
from cleanbench.errors import AnnotationError

HOSTS = ("127.0.0.1:8765", "localhost:8765")
ORIGINS = ("http://127.0.0.1:8765", "http://localhost:8765")
TOKEN = "s3cret-token"
OK_HEADERS = {"Host": "127.0.0.1:8765", TOKEN_HEADER: TOKEN}

REFUSALS = [
    ("another machine", "10.0.0.7", "/api/session", OK_HEADERS, False, "requests come from 127.0.0.1 only"),
    ("foreign Host (DNS rebinding)", HOST, "/api/session", {**OK_HEADERS, "Host": "evil.example:8765"}, False, "foreign Host header"),
    ("no Host", HOST, "/", {}, False, "foreign Host header"),
    ("Host on another port", HOST, "/", {"Host": "127.0.0.1:9999"}, False, "foreign Host header"),
    ("foreign Origin", HOST, "/api/page/0/change", {**OK_HEADERS, "Origin": "https://evil.example"}, True, "foreign Origin header"),
    ("Origin null (a sandboxed frame)", HOST, "/api/page/0/change", {**OK_HEADERS, "Origin": "null"}, True, "foreign Origin header"),
    ("cross-site fetch", HOST, "/", {"Host": HOSTS[0], "Sec-Fetch-Site": "cross-site"}, False, "cross-site request"),
    ("write without token", HOST, "/api/page/0/change", {"Host": HOSTS[0], "Origin": ORIGINS[0]}, True, "missing or wrong session token"),
    ("write with a wrong token", HOST, "/api/page/0/change", {**OK_HEADERS, TOKEN_HEADER: "guess"}, True, "missing or wrong session token"),
    ("read without token", HOST, "/api/page/0", {"Host": HOSTS[0]}, False, "missing or wrong session token"),
    ("rendering without token", HOST, "/render/0", {"Host": HOSTS[0]}, False, "missing or wrong session token"),
    ("the tool itself", HOST, "/", {"Host": HOSTS[1], "Sec-Fetch-Site": "none"}, False, None),
    ("a write with its token", HOST, "/api/page/0/change", {**OK_HEADERS, "Origin": ORIGINS[0], "Sec-Fetch-Site": "same-origin"}, True, None),
    ("the rendering with its token", HOST, f"/render/0?t={TOKEN}", {"Host": HOSTS[0]}, False, None),
]


@pytest.mark.parametrize(("name", "client", "path", "headers", "write", "why"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_which_requests_are_refused(name: str, client: str, path: str, headers: dict[str, str], write: bool, why: str | None) -> None:
    assert refusal(client, path, headers, write=write, hosts=HOSTS, origins=ORIGINS, token=TOKEN) == why


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnnotationServer]:
    folder = tmp_path_factory.mktemp("saved")
    (folder / "p.html").write_text("<p>The council met on Tuesday evening to vote.</p><p>Share</p>", encoding="utf-8")
    with Panel(workers=1, names=("resiliparse",)) as panel:
        session = Session(read_sources([folder], max_page_bytes=1 << 20), out=folder / "out" / "gold.jsonl", guess=panel_guess(panel))
        server = AnnotationServer(session, port=0)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server
        server.shutdown()
        server.server_close()


def request(server: AnnotationServer, method: str, path: str, headers: dict[str, str], body: object = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(HOST, server.port, timeout=60)
    data = json.dumps(body).encode() if body is not None else None
    connection.putrequest(method, path, skip_host=True)
    for name, value in {**headers, **({"Content-Length": str(len(data)), "Content-Type": "application/json"} if data else {})}.items():
        connection.putheader(name, value)
    connection.endheaders(data)
    response = connection.getresponse()
    answer = (response.status, dict(response.getheaders()), response.read())
    connection.close()
    return answer


def test_the_server_refuses_to_listen_beyond_127_0_0_1(served: AnnotationServer) -> None:
    for host in ("0.0.0.0", "::", "192.168.1.10", "localhost"):
        with pytest.raises(AnnotationError, match="serves on 127.0.0.1 only"):
            AnnotationServer(served.session, port=0, host=host)
    assert served.server_address[0] == HOST
    with pytest.raises(ConnectionRefusedError):  # bound to 127.0.0.1 alone: another loopback address finds nobody
        socket.create_connection(("127.0.0.2", served.port), timeout=10)


def test_over_http_only_the_tool_with_its_token_writes(served: AnnotationServer) -> None:
    own = {"Host": f"{HOST}:{served.port}"}
    status, headers, body = request(served, "GET", "/", own)
    assert status == 200 and headers["Content-Security-Policy"] == APP_CSP
    assert served.token in body.decode()  # the tool's page carries the token, for its own calls
    log = log_path(served.session.out)
    change = {"change": {"op": "field", "name": "page_type", "value": "article"}}
    for headers_sent, why in [
        (own, "missing or wrong session token"),
        ({**own, TOKEN_HEADER: served.token, "Host": f"evil.example:{served.port}"}, "foreign Host header"),
        ({**own, TOKEN_HEADER: served.token, "Origin": "https://evil.example"}, "foreign Origin header"),
    ]:
        before = log.read_bytes()
        status, _, body = request(served, "POST", "/api/page/0/change", headers_sent, change)
        assert (status, json.loads(body)) == (403, {"error": why})
        assert log.read_bytes() == before
    status, _, body = request(served, "POST", "/api/page/0/change", {**own, TOKEN_HEADER: served.token, "Origin": f"http://{HOST}:{served.port}"}, change)
    assert status == 200 and json.loads(body)["state"]["page_type"] == "article"
    assert json.loads(log.read_text().splitlines()[-1])["change"]["value"] == "article"
    status, headers, body = request(served, "GET", f"/render/0?t={served.token}", own)
    assert status == 200 and headers["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert b'id="cb-0"' in body


def test_a_bad_change_is_an_error_and_changes_nothing(served: AnnotationServer) -> None:
    own = {"Host": f"{HOST}:{served.port}", TOKEN_HEADER: served.token}
    before = log_path(served.session.out).read_bytes()
    status, _, body = request(served, "POST", "/api/page/0/change", own, {"change": {"op": "label", "blocks": [99], "label": "ad"}})
    assert (status, json.loads(body)) == (409, {"error": "no block 99 on this page (it has 2)"})
    status, _, body = request(served, "GET", "/api/page/7", own)
    assert status == 400 and json.loads(body) == {"error": "no page 7 (there are 1)"}
    assert log_path(served.session.out).read_bytes() == before
