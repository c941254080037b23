"""Fetching against a real HTTP server on 127.0.0.1 (and one MockTransport unit test)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from storytrace.errors import InputRejected
from storytrace.fetch import USER_AGENT, Fetcher, FetchPolicy, refuse_private_address
from tests.httpserver import serving

FAST = FetchPolicy(timeout_seconds=5, politeness_seconds=0, backoff_seconds=0.01, max_bytes=200_000)


def test_page_is_fetched_and_cached(tmp_path: Path) -> None:
    with serving() as (base, hits):
        fetcher = Fetcher(policy=FAST, cache_dir=tmp_path / "cache")
        page = fetcher.fetch(f"{base}/moved")
        assert page.final_url == f"{base}/news/ferry.html"
        assert b"Tarn Island" in page.body and page.content_type == "text/html"
        again = Fetcher(policy=FAST, cache_dir=tmp_path / "cache").fetch(f"{base}/moved")
        assert again.body == page.body
        assert hits["/news/ferry.html"] == 1  # the second fetch came from the cache


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/private/page.html", "robots.txt disallows"),
        ("/slides.pdf", "content type application/pdf"),
        ("/photo.jpg", "content type image/jpeg"),
        ("/loop", "too many redirects"),
        ("/missing", "HTTP 404"),
        ("/endless", "too large"),
    ],
)
def test_refusals_carry_their_reason(path: str, reason: str) -> None:
    with serving() as (base, _), pytest.raises(InputRejected, match=reason):
        Fetcher(policy=FAST).fetch(base + path)


def test_server_errors_are_retried_with_backoff() -> None:
    pauses: list[float] = []
    with serving() as (base, hits):
        page = Fetcher(policy=FAST, sleep=pauses.append).fetch(f"{base}/flaky")
    assert b"Tarn Island" in page.body
    assert hits["/flaky"] == 2 and pauses == [FAST.backoff_seconds]


def test_unreachable_host_fails_after_retries() -> None:
    pauses: list[float] = []
    fetcher = Fetcher(policy=FAST, sleep=pauses.append)
    with pytest.raises(InputRejected, match="fetch failed after 3 tries"):
        fetcher.fetch("http://127.0.0.1:9/nothing-listens-here")
    assert pauses == [0.01, 0.02]


def test_requests_to_one_host_are_spaced() -> None:
    now = [100.0]
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds

    policy = FetchPolicy(politeness_seconds=2.0, respect_robots=False)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["user-agent"])
        return httpx.Response(200, headers={"content-type": "text/html"}, text="<p>x</p>")

    client = httpx.Client(transport=httpx.MockTransport(handler))
    fetcher = Fetcher(client=client, policy=policy, sleep=sleep, clock=lambda: now[0])
    fetcher.fetch("https://news.example/a")
    fetcher.fetch("https://news.example/b")
    fetcher.fetch("https://other.example/c")
    assert pauses == [2.0]  # only the second request to the same host waited
    assert len(seen) == 3


def test_default_client_announces_itself() -> None:
    assert "storytrace" in USER_AGENT
    with serving() as (base, _):
        fetcher = Fetcher(policy=FAST)
        assert fetcher._client.headers["user-agent"] == USER_AGENT
        fetcher.fetch(f"{base}/news/ferry.html")


def test_non_http_urls_are_refused() -> None:
    with pytest.raises(InputRejected, match="not an http"):
        Fetcher(policy=FAST).fetch("file:///etc/passwd")


def test_a_damaged_cache_entry_is_fetched_again_and_feeds_are_not_cached(
    tmp_path: Path,
) -> None:
    with serving() as (base, hits):
        cache = tmp_path / "cache"
        Fetcher(policy=FAST, cache_dir=cache).fetch(f"{base}/news/ferry.html")
        for meta in cache.glob("*.json"):
            meta.write_text("{trunc")
        page = Fetcher(policy=FAST, cache_dir=cache).fetch(f"{base}/news/ferry.html")
        assert b"Tarn Island" in page.body and hits["/news/ferry.html"] == 2
        for _ in range(2):
            Fetcher(policy=FAST, cache_dir=cache).fetch(f"{base}/feed.xml")
        assert hits["/feed.xml"] == 2


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://localhost/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://0.0.0.0/",
    ],
)
def test_public_only_refuses_private_loopback_and_link_local_addresses(url: str) -> None:
    with pytest.raises(InputRejected, match="private, loopback or reserved"):
        refuse_private_address(httpx.Request("GET", url))


@pytest.mark.parametrize(
    "address", ["::ffff:127.0.0.1", "2002:7f00:1::", "64:ff9b::a00:1", "fe80::1"]
)
def test_ipv6_forms_carrying_a_private_ipv4_address_are_refused(address: str) -> None:
    with pytest.raises(InputRejected, match="private, loopback or reserved"):
        refuse_private_address(httpx.Request("GET", f"http://[{address}]/"))


def test_the_address_connected_to_is_checked_again(tmp_path: Path) -> None:
    """DNS rebinding: the name passed the check, then resolves to loopback. Simulated by
    dropping the pre-check; the connection's own peer address still refuses the body."""
    policy = FetchPolicy(politeness_seconds=0, respect_robots=False, public_only=True)
    fetcher = Fetcher(policy=policy, cache_dir=tmp_path / "cache")
    fetcher._client.event_hooks["request"].clear()
    with serving() as (base, _), pytest.raises(InputRejected, match="private, loopback"):
        fetcher._get(f"{base}/news/ferry.html")
    fetcher.close()
    # and a page cached by an earlier, unguarded run is not served to a guarded one
    open_fetcher = Fetcher(
        policy=FetchPolicy(politeness_seconds=0, respect_robots=False),
        cache_dir=tmp_path / "cache",
    )
    with serving() as (base, _):
        open_fetcher.fetch(f"{base}/news/ferry.html")
        guarded = Fetcher(policy=policy, cache_dir=tmp_path / "cache")
        with pytest.raises(InputRejected, match="private, loopback"):
            guarded.fetch(f"{base}/news/ferry.html")
    open_fetcher.close()
    guarded.close()
