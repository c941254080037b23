"""extract: a `Document` becomes an `Article` with clean text and metadata.

HTML goes through trafilatura (main text, title, author, site name, canonical URL, date via
htmldate), then loses the furniture lines trafilatura kept. Scraped text dumps go through
`textclean` (body, furniture, and the outlet, headline and date of their header lines).
JSONL records are taken as written, with the metadata they state.
Cannot: resolve relative dates, detect language.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

import trafilatura
from lxml import html as lxml_html

from storytrace.errors import InputRejected
from storytrace.records import Article, Document
from storytrace.settings import Settings
from storytrace.textclean import clean_text_dump, furniture_line

_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_BLOCK_TAGS = frozenset(
    {
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figcaption",
        "blockquote",
        "td",
        "th",
        "dt",
        "dd",
        "div",
        "section",
        "aside",
        "header",
        "footer",
        "nav",
        "form",
        "button",
        "label",
        "pre",
        "address",
        "article",
        "main",
        "figure",
        "ul",
        "ol",
        "table",
        "tr",
    }
)
# huge_tree lifts libxml2's default depth limit of 255, past which it silently drops content.
_PARSER = lxml_html.HTMLParser(huge_tree=True)
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
    return Article(
        id=f"a{digest[:15]}", source=document.source, text=text, content_hash=digest, **fields
    )


def content_hash(text: str) -> str:
    """Hash of the text with case, Unicode form and whitespace normalised away."""
    normalised = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def normalise_text(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _from_html(document: Document) -> dict[str, Any]:
    result = trafilatura.bare_extraction(
        document.content, with_metadata=True, include_comments=False
    )
    extracted: dict[str, Any] = (
        {} if result is None else dict(result if isinstance(result, dict) else result.as_dict())
    )
    if not extracted.get("text"):
        raise InputRejected("no article text: the page has no main content trafilatura can find")
    # trafilatura keeps teasers and prompts that sit inside the article's own paragraphs
    # ("READ MORE: ...", "Sign up for our newsletter"); drop those lines too.
    lines = normalise_text(extracted["text"]).split("\n")
    text = "\n".join(line for line in lines if not furniture_line(line))
    title = _clean(extracted.get("title"))
    return {
        "text": text,
        "title": title,
        "url": _clean(extracted.get("url")),
        "outlet": _clean(extracted.get("sitename")) or _clean(extracted.get("hostname")),
        "author": _clean(extracted.get("author")),
        "published": _iso_date(extracted.get("date")),
        # The headline is metadata, not furniture, even when the text does not repeat it.
        "removed": removed_blocks(document.content, f"{title or ''}\n{text}"),
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


def removed_blocks(page: str, kept_text: str) -> tuple[str, ...]:
    """Visible text blocks of `page` that extraction left out, in page order, once each.

    A block counts as kept when its text appears in the extracted text, so what remains is
    what a reader of the page saw and the article text does not hold: the audit trail.
    """
    try:
        root = lxml_html.fromstring(page, parser=_PARSER)
    except (ValueError, lxml_html.etree.ParserError):
        return ()
    for element in root.xpath("//script|//style|//noscript|//template|//head"):
        element.drop_tree()
    blocks = [element for element in root.iter() if element.tag in _BLOCK_TAGS]
    # Only leaf blocks count, so a container does not repeat its children's text. Marking
    # ancestors stops at the first one already marked: linear even for deeply nested pages.
    containers: set[Any] = set()
    for element in blocks:
        parent = element.getparent()
        while parent is not None and parent not in containers:
            containers.add(parent)
            parent = parent.getparent()
    kept = " ".join(kept_text.split())
    removed: list[str] = []
    seen: set[str] = set()
    for element in blocks:
        if element in containers:
            continue
        block = " ".join(element.text_content().split())
        if len(block) < 2 or block in seen or block in kept:
            continue
        seen.add(block)
        removed.append(block)
    return tuple(removed)


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _iso_date(value: str | None) -> str | None:
    """The ISO date prefix (day, month or year precision) of `value`, else None."""
    if not value:
        return None
    match = _ISO_DATE.match(value.strip())
    return match.group(0) if match else None
