"""A real HTTP server on 127.0.0.1 for tests of fetching: fixture pages, feeds and traps."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from tests.conftest import DATA


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}
    hits: ClassVar[dict[str, int]] = {}

    def do_GET(self) -> None:
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path == "/flaky" and self.hits[self.path] == 1:
            self._send(503, {"Content-Type": "text/plain"}, b"try again")
            return
        if self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(5000):
                    self.wfile.write(b"<p>" + b"x" * 1000 + b"</p>")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client hung up at its size cap, as it should
            return
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self._send(status, headers, body)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass  # quiet tests


@contextmanager
def serving() -> Iterator[tuple[str, dict[str, int]]]:
    """(base URL, hit counts per path) of a server with the fixture routes."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    page = (DATA / "html" / "harbour-gazette-ferry.html").read_bytes()
    feed = (DATA / "feeds" / "harbour-gazette.rss").read_bytes()
    feed = feed.replace(b"ARTICLE_URL", f"{base}/news/ferry.html".encode())
    html = {"Content-Type": "text/html; charset=utf-8"}
    _Handler.hits = {}
    _Handler.routes = {
        "/robots.txt": (
            200,
            {"Content-Type": "text/plain"},
            b"User-agent: *\nDisallow: /private/\n",
        ),
        "/news/ferry.html": (200, html, page),
        "/flaky": (200, html, page),
        "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, feed),
        "/private/page.html": (200, html, page),
        "/slides.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 ..."),
        "/photo.jpg": (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8\xff"),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/moved": (301, {"Location": "/news/ferry.html"}, b""),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, _Handler.hits
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serving_app(app: Any) -> Iterator[str]:
    """The base URL of `app` (an ASGI app) served by uvicorn on a free port of 127.0.0.1."""
    import uvicorn  # only the web UI's tests need it

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.05)
    try:
        yield base
    finally:
        running.should_exit = True
        thread.join(timeout=10)
