"""The annotation tool's web server: the standard library's `http.server`, on 127.0.0.1 only.

Every request is checked before it is routed: it must come from 127.0.0.1, name this server in `Host`
(`127.0.0.1:PORT` or `localhost:PORT`: a DNS-rebinding page names its own host), carry no foreign
`Origin` and no cross-site `Sec-Fetch-Site`; every `/api/` and `/render/` request must carry the
session's token (a header for the tool's calls, a query parameter for the rendering's frame), so a
web page elsewhere can neither read the pages nor write a label. The tool's own page is served with a
strict Content-Security-Policy, the annotated pages with `render.RENDER_CSP`.

Routes: `GET /` (the tool), `GET /static/<file>`, `GET /api/session`, `GET /api/page/N`,
`GET /render/N?t=TOKEN`, `POST /api/page/N/change`, `POST /api/page/N/visit`.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cleanbench.annotate.render import RENDER_CSP, render_page
from cleanbench.annotate.session import Session
from cleanbench.annotate.state import LABELS
from cleanbench.errors import AnnotationError, CleanbenchError, OutputError
from cleanbench.gold.schema import PAGE_TYPES

HOST = "127.0.0.1"
"""The only address the tool serves on."""
TOKEN_HEADER = "X-Cleanbench-Token"
APP_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
_MAX_BODY = 1 << 20
_PAGE = re.compile(r"/api/page/(\d+)(?:/(change|visit))?")
_RENDER = re.compile(r"/render/(\d+)")


def _static(name: str) -> Any:
    return resources.files("cleanbench.annotate").joinpath("static").joinpath(name)


class AnnotationServer(ThreadingHTTPServer):
    """The server of one session; `url` opens the tool."""

    daemon_threads = True

    def __init__(self, session: Session, *, port: int = 0, host: str = HOST) -> None:
        if host != HOST:
            raise AnnotationError(f"annotate serves on {HOST} only (asked for {host!r}): the tool must not be reachable from another machine")
        self.session = session
        self.token = secrets.token_urlsafe(32)
        try:
            super().__init__((host, port), _Handler)
        except OSError as error:
            raise AnnotationError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None
        self.port = self.server_address[1]
        self.allowed_hosts = (f"{HOST}:{self.port}", f"localhost:{self.port}")
        self.allowed_origins = tuple(f"http://{host}" for host in self.allowed_hosts)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"


def refusal(
    client: str, path: str, headers: Mapping[str, str], *, write: bool, hosts: Sequence[str], origins: Sequence[str], token: str
) -> str | None:
    """Why a request is refused (None: it is not): its client, `Host`, `Origin`, `Sec-Fetch-Site`, token."""
    if client != HOST:
        return f"requests come from {HOST} only"
    if headers.get("Host", "") not in hosts:
        return "foreign Host header"
    origin = headers.get("Origin")
    if origin is not None and origin not in origins:
        return "foreign Origin header"
    if headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return "cross-site request"
    parts = urlsplit(path)
    if write or parts.path.startswith(("/api/", "/render/")):
        given = headers.get(TOKEN_HEADER) or parse_qs(parts.query).get("t", [""])[0]
        if not hmac.compare_digest(given.encode(), token.encode()):
            return "missing or wrong session token"
    return None


class _Handler(BaseHTTPRequestHandler):
    server: AnnotationServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows the tool's own lines, not one per request

    # -- checks -------------------------------------------------------------------------------------

    def _refusal(self, *, write: bool) -> str | None:
        server = self.server
        return refusal(
            self.client_address[0],
            self.path,
            self.headers,
            write=write,
            hosts=server.allowed_hosts,
            origins=server.allowed_origins,
            token=server.token,
        )

    # -- routing ------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        refusal = self._refusal(write=False)
        if refusal:
            return self._error(HTTPStatus.FORBIDDEN, refusal)
        path = urlsplit(self.path).path
        try:
            if path == "/":
                return self._send(HTTPStatus.OK, self._app(), "text/html; charset=utf-8", csp=APP_CSP)
            if path.startswith("/static/") and path[8:] in _STATIC:
                body = _static(path[8:]).read_bytes()
                return self._send(HTTPStatus.OK, body, _STATIC[path[8:]])
            if path == "/api/session":
                return self._json(self._session_json())
            page = _PAGE.fullmatch(path)
            if page and page.group(2) is None:
                return self._json(self._page_json(int(page.group(1))))
            render = _RENDER.fullmatch(path)
            if render:
                session = self.server.session
                index = int(render.group(1))
                html = session.pages[index].html if 0 <= index < len(session.pages) else None
                if html is None:
                    return self._error(HTTPStatus.NOT_FOUND, f"no page {index}")
                return self._send(HTTPStatus.OK, render_page(html), "text/html; charset=utf-8", csp=RENDER_CSP)
        except CleanbenchError as error:
            return self._error(HTTPStatus.BAD_REQUEST, str(error))
        return self._error(HTTPStatus.NOT_FOUND, "no such path")

    def do_POST(self) -> None:
        refusal = self._refusal(write=True)
        if refusal:
            return self._error(HTTPStatus.FORBIDDEN, refusal)
        page = _PAGE.fullmatch(urlsplit(self.path).path)
        if not page or page.group(2) is None:
            return self._error(HTTPStatus.NOT_FOUND, "no such path")
        try:
            body = self._body()
            index = int(page.group(1))
            session = self.server.session
            if page.group(2) == "visit":
                session.visit(index)
                return self._json({"ok": True})
            _, undo, notes = session.change(index, body.get("change"))
            return self._json({**self._page_json(index), "undo": undo, "notes": notes})
        except OutputError as error:
            return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"not saved: {error}")
        except CleanbenchError as error:
            return self._error(HTTPStatus.CONFLICT, str(error))

    def do_PUT(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "GET and POST only")

    do_DELETE = do_PATCH = do_PUT

    # -- payloads -----------------------------------------------------------------------------------

    def _app(self) -> bytes:
        template = _static("index.html").read_text(encoding="utf-8")
        return template.replace("{{token}}", self.server.token).encode("utf-8")

    def _session_json(self) -> dict[str, Any]:
        session = self.server.session
        return {
            "pages": session.summary(),
            "position": session.position,
            "labels": list(LABELS),
            "page_types": list(PAGE_TYPES),
            "out": str(session.out),
            "log": str(session.log.path),
            "resumed": session.resumed,
        }

    def _page_json(self, index: int) -> dict[str, Any]:
        session = self.server.session
        state = session.state(index)
        started = session.started(index)
        page = session.pages[index]
        record = session.record(index)
        return {
            "index": index,
            "id": page.id,
            "url": page.url,
            "origin": page.origin,
            "state": state.to_json(),
            "findings": session.findings(index),
            "panel": list(started.panel) if started else [],
            "failures": started.failures if started else {},
            "counts": {"gold_words": len((record["gold_text"] or "").split()), "noise": len(record["noise"]), "optional": len(record["optional"])},
            "summary": session.summary()[index],
        }

    def _body(self) -> dict[str, Any]:
        length = self.headers.get("Content-Length", "")
        if not length.isdigit() or int(length) > _MAX_BODY:
            raise AnnotationError(f"a request body of at most {_MAX_BODY} bytes, with its Content-Length")
        try:
            body = json.loads(self.rfile.read(int(length)) or b"{}")
        except (ValueError, RecursionError):
            raise AnnotationError("the request body is not JSON") from None
        if not isinstance(body, dict):
            raise AnnotationError("the request body must be a JSON object")
        return body

    def _json(self, value: Any) -> None:
        self._send(HTTPStatus.OK, json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _error(self, status: HTTPStatus, message: str) -> None:
        if self.command == "POST":
            self.close_connection = True  # the body may be unread
        self._send(status, json.dumps({"error": message}).encode("utf-8"), "application/json; charset=utf-8")

    def _send(self, status: HTTPStatus, body: bytes | str, content_type: str, *, csp: str | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Content-Security-Policy", csp or "default-src 'none'; frame-ancestors 'none'")
        self.end_headers()
        self.wfile.write(data)
