"""Property-based fuzzing (hypothesis) of what reads untrusted text: the feed and WARC
readers, extraction, the date helpers and the event coder. CI runs a fixed-seed sample; a
longer run scales it: `STORYTRACE_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/test_fuzz.py`
(figures in docs/reliability.md). The readers of HTML, text and JSONL, the date mentions and
the attribution extractor have their own fuzz tests beside their unit tests."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace import countries
from storytrace.dates import date_ago, date_in_line, day_number
from storytrace.errors import InputRejected
from storytrace.event_lexicon import NOUNS, VERBS
from storytrace.events import code_sentence
from storytrace.extract import extract_article
from storytrace.models import parse_text
from storytrace.readers import read_input
from storytrace.records import Document, LedgerEntry
from storytrace.settings import Settings
from storytrace.sources import InputFile

EXAMPLES = int(os.environ.get("STORYTRACE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 40)

FEED_PARTS = [
    '<?xml version="1.0"?>',
    "<rss>",
    "</rss>",
    "<channel>",
    "<item>",
    "</item>",
    "<title>",
    "</title>",
    "<description>",
    "<![CDATA[",
    "]]>",
    "<link>http://example.org/a</link>",
    "&amp;",
    "&bogus;",
    '<!DOCTYPE x [<!ENTITY e "ee">]>',
    "&e;",
    "<feed xmlns='http://www.w3.org/2005/Atom'>",
    "<entry>",
    "<content type='html'>",
    "Harbour reopens after the storm, the port authority said on Monday.",
    "\x00",
    "\udcff",
]


def _read(tmp_path_factory: object, name: str, data: bytes) -> list[Document | LedgerEntry]:
    folder = tmp_path_factory.mktemp("fuzz")  # type: ignore[attr-defined]
    path = folder / name
    path.write_bytes(data)
    return list(read_input(InputFile(name, Path(path)), 1_000_000))


@FUZZ
@given(
    parts=st.lists(st.sampled_from(FEED_PARTS), max_size=60),
    name=st.sampled_from(["feed.xml", "feed.rss", "feed.atom", "feed.xml.gz"]),
)
def test_feeds_of_any_shape_give_documents_or_reasons(
    tmp_path_factory: object, parts: list[str], name: str
) -> None:
    data = "".join(parts).encode("utf-8", "surrogateescape")
    if name.endswith(".gz"):
        data = gzip.compress(data)
    for result in _read(tmp_path_factory, name, data):
        assert isinstance(result, Document | LedgerEntry)
        if isinstance(result, LedgerEntry):
            assert result.status == "rejected" and result.reason


WARC_HEAD = (
    b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.org/a\r\n"
    b"WARC-Date: 2025-03-04T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
    b"Content-Type: application/http; msgtype=response\r\n"
)


@FUZZ
@given(
    length=st.integers(min_value=-5, max_value=400),
    body=st.binary(max_size=400),
    compressed=st.booleans(),
)
def test_warc_records_of_any_shape_give_documents_or_reasons(
    tmp_path_factory: object, length: int, body: bytes, compressed: bool
) -> None:
    data = WARC_HEAD + f"Content-Length: {length}\r\n\r\n".encode() + body + b"\r\n\r\n"
    name = "crawl.warc.gz" if compressed else "crawl.warc"
    for result in _read(tmp_path_factory, name, gzip.compress(data) if compressed else data):
        assert isinstance(result, Document | LedgerEntry)


HTML_PARTS = [
    "<html>",
    "<body>",
    "<article>",
    "</article>",
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<script>alert(1)</script>",
    "<style>p{}</style>",
    "<table><tr><td>",
    "<!--",
    "-->",
    "<meta property='article:published_time' content='2025-13-45'>",
    "<title>",
    "</title>",
    "The harbour of Kestrel Bay reopened on Monday after the storm. ",
    "Published 3 days ago. ",
    "Cookies help us. Accept all. ",
    "\u202e\u200b",
    "&#0;&#xD800;&nbsp;",
]


@FUZZ
@given(
    parts=st.lists(st.sampled_from(HTML_PARTS), max_size=80), kind=st.sampled_from(["html", "text"])
)
def test_extraction_of_any_page_gives_an_article_or_a_reason(parts: list[str], kind: str) -> None:
    document = Document("fuzz", kind, "".join(parts), "f")  # type: ignore[arg-type]
    try:
        article = extract_article(document, Settings())
    except InputRejected as rejected:
        assert str(rejected)
        return
    assert article.text.strip()
    assert (
        article.published is None
        or day_number(article.published) is not None
        or len(article.published) in (4, 7)
    )


@FUZZ
@given(line=st.text(max_size=200), reference=st.sampled_from(["2025-03-04", "1999-12-31"]))
def test_date_helpers_never_raise_and_give_iso_dates(line: str, reference: str) -> None:
    for found in (date_in_line(line), date_ago(line, reference)):
        assert found is None or day_number(found) is not None or len(found) in (4, 7)


VOCABULARY = [
    *sorted(VERBS)[:120],
    *sorted(NOUNS)[:40],
    "threatened",
    "rejected",
    "must",
    "will",
    "not",
    "said",
    "that",
    "to",
    "by",
    "the",
    "with",
    "against",
    "it",
    "they",
    "was",
    "were",
    "France",
    "Russian",
    "U.N.",
    "Hamas",
    "ministry",
    "rebels",
    ",",
    ".",
    '"',
    "(",
]


@FUZZ
@given(words=st.lists(st.sampled_from(VOCABULARY), max_size=50))
def test_the_event_coder_codes_any_word_salad_without_error(words: list[str]) -> None:
    doc = parse_text(" ".join(words))
    for sentence in doc.sents:
        for coding in code_sentence(sentence):
            assert coding.code in {category for category, _ in VERBS.values()} | {
                category for category, _ in NOUNS.values()
            } | {"AGREE", "REJECT", "THREATEN", "DEMAND"}
            for country in (coding.source_country, coding.target_country):
                assert country is None or country in {m.code for m in countries.find(doc.text)}
