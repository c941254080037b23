"""extract: a `Document` becomes an `Article` with clean text and metadata.

HTML goes through `htmlpage`: trafilatura's main text without the furniture lines it
kept, metadata from tags and htmldate, the rest of the page listed in `removed`. Scraped
text dumps go through `textclean`: body, furniture, and the outlet, headline and date of
their header lines.
JSONL records are taken as written, with the metadata they state.
Every article gets its language (py3langid) unless its record states one.
Cannot: resolve relative dates (the `dates` stage does).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from courlan import extract_domain

from storytrace.errors import InputRejected
from storytrace.htmlpage import normalise_text, read_html_page
from storytrace.language import detect_language
from storytrace.records import Article, Document
from storytrace.settings import Settings
from storytrace.textclean import clean_text_dump

_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


def extract_article(document: Document, settings: Settings) -> Article:
    """Clean text and metadata of `document`; raises InputRejected if it holds no article."""
    fields = _from_html(document) if document.kind == "html" else _from_text(document)
    text = fields.pop("text")
    if len(text) < settings.min_text_chars:
        raise InputRejected(
            f"no article text: {len(text)} characters after extraction "
            f"(minimum {settings.min_text_chars}, setting min_text_chars)"
        )
    digest = content_hash(text)
    fields.setdefault("language", detect_language(text))
    return Article(
        id=f"a{digest[:15]}", source=document.source, text=text, content_hash=digest, **fields
    )


def content_hash(text: str) -> str:
    """Hash of the text with case, Unicode form and whitespace normalised away."""
    normalised = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _from_html(document: Document) -> dict[str, Any]:
    """The page's own metadata first; what its container stated (the URL it was fetched
    from, a feed entry's title and date) fills the gaps."""
    page = read_html_page(document.content, document.field("fetched_at"))
    return {
        "text": page.text,
        "title": page.title or document.field("title"),
        "url": page.url or document.field("url"),
        "outlet": page.outlet or document.field("outlet") or _domain(document.field("url")),
        "author": page.author or document.field("author"),
        "published": _iso_date(page.published or document.field("published")),
        "removed": page.removed,
    }


def _from_text(document: Document) -> dict[str, Any]:
    """A text dump is cleaned of its furniture; a JSONL record is taken as written."""
    if document.kind == "text":
        cleaned = clean_text_dump(normalise_text(document.content))
        return {
            "text": cleaned.body,
            "title": cleaned.title,
            "outlet": cleaned.outlet,
            "published": cleaned.published,
            "removed": cleaned.removed,
        }
    return {
        "text": normalise_text(document.content),
        "title": document.field("title"),
        "url": document.field("url"),
        "outlet": document.field("outlet"),
        "author": document.field("author"),
        "published": _iso_date(document.field("published")),
    }


def _domain(url: str | None) -> str | None:
    return extract_domain(url) if url else None


def _iso_date(value: str | None) -> str | None:
    """The ISO date prefix (day, month or year precision) of `value`, else None."""
    if not value:
        return None
    match = _ISO_DATE.match(value.strip())
    return match.group(0) if match else None
