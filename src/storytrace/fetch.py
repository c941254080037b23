"""Fetch article pages and feeds over HTTP, politely and within bounds.

A `Fetcher` wraps an `httpx.Client`; tests hand it a client on a real local server (or an
`httpx.MockTransport`), so nothing is patched. What it guarantees, per request:

- a clear user agent, connect/read timeouts, at most `max_redirects` redirects;
- robots.txt respected (fetched once per host and cached; unreachable robots.txt allows);
- per-host politeness: at least `politeness_seconds` between requests to one host;
- retries with exponential backoff on connection errors and 5xx/429 answers, never on 4xx;
- a size cap while streaming (the body is never read past `max_bytes`) and a content-type
  check (HTML, XML feeds, plain text), so a PDF or an image is refused before it is read;
- an on-disk cache keyed by URL, so a re-run or a resumed run fetches nothing again;
- with `public_only` (the web UI's fetches, where a stranger may type the URL), no request
  to a private, loopback, link-local or reserved address, redirects included (SSRF); the
  address connected to is checked again before the body is read (DNS rebinding), and the
  cache is consulted only for URLs that pass.

Failures raise `InputRejected` with the reason; the runner records it in the ledger.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from storytrace import __version__
from storytrace.errors import InputRejected
from storytrace.settings import Settings

USER_AGENT = f"storytrace/{__version__} (+https://github.com/storytrace/storytrace; research)"
_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}
)
ACCEPTED_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "text/plain",
)


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # as asked
    final_url: str  # after redirects
    content_type: str
    body: bytes
    fetched_at: str  # ISO-8601 UTC, for "Updated 3 days ago"


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    timeout_seconds: float = 20.0
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    retries: int = 2
    backoff_seconds: float = 0.5
    politeness_seconds: float = 1.0
    respect_robots: bool = True
    public_only: bool = False  # refuse private, loopback and link-local addresses


class Fetcher:
    """Fetches URLs for the readers; thread-safe, one instance per run."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        policy: FetchPolicy | None = None,
        cache_dir: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._client = client or httpx.Client(
            timeout=self.policy.timeout_seconds,
            follow_redirects=True,
            max_redirects=self.policy.max_redirects,
            headers={"User-Agent": USER_AGENT},
        )
        if self.policy.public_only:
            # httpx calls request hooks before every request it sends, each redirect too
            self._client.event_hooks["request"].append(refuse_private_address)
        self._cache_dir = cache_dir
        self._sleep, self._clock = sleep, clock
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._last_request: dict[str, float] = {}
        self._host_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, *, public_only: bool = False) -> Fetcher:
        """The fetcher a run's settings describe (timeouts, caps, politeness, cache)."""
        policy = FetchPolicy(
            timeout_seconds=settings.fetch_timeout_seconds,
            max_bytes=settings.max_input_bytes,
            politeness_seconds=settings.fetch_politeness_seconds,
            respect_robots=settings.respect_robots,
            public_only=public_only,
        )
        cache = Path(settings.fetch_cache_dir) if settings.fetch_cache_dir else None
        return cls(policy=policy, cache_dir=cache)

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str) -> FetchedPage:
        if self.policy.public_only:  # before the cache: it may hold what a CLI run fetched
            refuse_private_address(httpx.Request("GET", url))
        cached = self._from_cache(url)
        if cached is not None:
            return cached
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputRejected(f"not an http(s) URL: {url}")
        if self.policy.respect_robots and not self._allowed(url):
            raise InputRejected("robots.txt disallows fetching this URL")
        page = self._with_retries(url)
        self._to_cache(url, page)
        return page

    # -- one request, with politeness and retries ---------------------------------------

    def _with_retries(self, url: str) -> FetchedPage:
        attempt = 0
        while True:
            try:
                return self._get(url)
            except _Retryable as error:
                if attempt >= self.policy.retries:
                    raise InputRejected(
                        f"fetch failed after {attempt + 1} tries: {error}"
                    ) from error
                self._sleep(self.policy.backoff_seconds * 2**attempt)
                attempt += 1

    def _get(self, url: str) -> FetchedPage:
        self._wait_for_host(urlsplit(url).netloc)
        try:
            with self._client.stream("GET", url) as response:
                if self.policy.public_only:
                    _refuse_private_peer(response)  # the name may resolve anew (rebinding)
                if response.status_code == 429 or response.status_code >= 500:
                    raise _Retryable(f"HTTP {response.status_code}")
                if response.status_code >= 400:
                    raise InputRejected(f"HTTP {response.status_code} for {url}")
                content_type = response.headers.get("content-type", "").split(";")[0].strip()
                if content_type and not content_type.lower().startswith(ACCEPTED_TYPES):
                    raise InputRejected(f"not an article page: content type {content_type}")
                declared = int(response.headers.get("content-length") or 0)
                if declared > self.policy.max_bytes:
                    raise InputRejected(f"too large: {declared:,} bytes declared")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.policy.max_bytes:
                        raise InputRejected(
                            f"too large: over {self.policy.max_bytes:,} bytes (fetch cap)"
                        )
                return FetchedPage(
                    url,
                    str(response.url),
                    content_type,
                    bytes(body),
                    datetime.now(UTC).isoformat(timespec="seconds"),
                )
        except httpx.TooManyRedirects as error:
            raise InputRejected(f"too many redirects (over {self.policy.max_redirects})") from error
        except (httpx.TransportError, httpx.DecodingError) as error:
            raise _Retryable(f"{type(error).__name__}: {error}") from error

    def _wait_for_host(self, host: str) -> None:
        with self._lock:
            lock = self._host_locks.setdefault(host, threading.Lock())
        with lock:  # one request at a time per host, spaced by the politeness interval
            last = self._last_request.get(host)
            if last is not None:
                wait = self.policy.politeness_seconds - (self._clock() - last)
                if wait > 0:
                    self._sleep(wait)
            self._last_request[host] = self._clock()

    # -- robots.txt -----------------------------------------------------------------------

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            known = origin in self._robots
        if not known:
            parser: urllib.robotparser.RobotFileParser | None = None
            try:
                response = self._client.get(f"{origin}/robots.txt")
                if response.status_code < 400:
                    parser = urllib.robotparser.RobotFileParser()
                    parser.parse(response.text.splitlines())
            except httpx.HTTPError:
                parser = None  # no robots.txt reachable: nothing is disallowed
            with self._lock:
                self._robots[origin] = parser
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(USER_AGENT, url)

    # -- cache --------------------------------------------------------------------------

    def _cache_paths(self, url: str) -> tuple[Path, Path] | None:
        if self._cache_dir is None:
            return None
        key = hashlib.sha256(url.encode()).hexdigest()
        return self._cache_dir / f"{key}.body", self._cache_dir / f"{key}.json"

    def _from_cache(self, url: str) -> FetchedPage | None:
        paths = self._cache_paths(url)
        if paths is None or not paths[1].exists():
            return None
        try:
            meta = json.loads(paths[1].read_text(encoding="utf-8"))
            body = paths[0].read_bytes()
            return FetchedPage(
                url, meta["final_url"], meta["content_type"], body, meta["fetched_at"]
            )
        except (OSError, ValueError, KeyError):
            return None  # a damaged entry is a miss: fetch again

    def _to_cache(self, url: str, page: FetchedPage) -> None:
        paths = self._cache_paths(url)
        if paths is None or page.content_type in _FEED_TYPES:
            return  # feeds change: a cached feed would hide its new entries forever
        paths[0].parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "final_url": page.final_url,
            "content_type": page.content_type,
            "fetched_at": page.fetched_at,
        }
        # Each file is written aside and renamed into place, the metadata last: an entry
        # is either whole or absent, even if the run is killed while writing.
        for path, data in ((paths[0], page.body), (paths[1], json.dumps(meta).encode())):
            partial = path.with_suffix(path.suffix + ".part")
            partial.write_bytes(data)
            os.replace(partial, path)


def refuse_private_address(request: httpx.Request) -> None:
    """Raise `InputRejected` unless every address the request's host resolves to is public."""
    host = request.url.host
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError) as error:
        raise InputRejected(f"cannot resolve {host!r}: {error}") from error
    for address in found:
        _refuse_private(host, str(address))


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _refuse_private(host: str, address: str) -> None:
    ip = ipaddress.ip_address(address.split("%")[0])
    embedded: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms carrying an IPv4 address: mapped, 6to4, NAT64
        if ip.ipv4_mapped:
            embedded.append(ip.ipv4_mapped)
        if ip.sixtofour:
            embedded.append(ip.sixtofour)
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    for candidate in embedded:
        if not candidate.is_global or candidate.is_multicast:
            raise InputRejected(
                f"refused: {host} is a private, loopback or reserved address ({ip}); "
                "the web UI fetches public addresses only unless started with "
                "--allow-private-urls"
            )


def _refuse_private_peer(response: httpx.Response) -> None:
    """The address actually connected to must be public too: a name checked once may
    resolve to another address when the connection is made (DNS rebinding). The body of
    such a response is never read; the request itself has gone out."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer:
        _refuse_private(response.url.host, str(peer[0]))


class _Retryable(Exception):
    """A failure worth another try: the network or the server, not the request."""
