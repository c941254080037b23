"""One HTML page → main text, metadata and the furniture that was left out.

The page is parsed once. Before trafilatura prunes the tree for the main text, we read
from it what a reader saw (leaf blocks, for the `removed` audit list and for header date
lines) and the metadata:

- title, site name, author, canonical URL from meta tags, OpenGraph and JSON-LD
  (trafilatura's own readers), with trafilatura's title heuristics when tags are missing;
- the publication date from markup and the URL by htmldate (its quick search), else from
  a short dated line above the article body ("Published 5 March 2025, 10:17");
- the outlet from the site name, else from the URL's domain (courlan).

trafilatura's full metadata pass (`with_metadata=True`) searches far more widely and cost
2.5 times the text extraction itself on real pages; the quick path keeps extraction within the
speed budget (bench/extraction_speed.py) and the example corpus's answer key still holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import trafilatura
from courlan import extract_domain
from htmldate import find_date
from lxml.etree import ParserError
from lxml.html import HtmlElement, HTMLParser, document_fromstring
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url
from trafilatura.utils import load_html

from storytrace.dates import date_ago, date_in_line
from storytrace.errors import InputRejected
from storytrace.textclean import furniture_line

_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg")
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
        "time",
    }
)
# As trafilatura's own parser, plus huge_tree (see `parse_html`).
_PARSER = HTMLParser(
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True, huge_tree=True
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # lxml refuses them in text nodes
_HEADER_LINE_WORDS = 12  # a dated header line is short: "Published 5 March 2025, 10:17"


@dataclass(frozen=True, slots=True)
class HtmlPage:
    text: str
    title: str | None
    url: str | None
    outlet: str | None
    author: str | None
    published: str | None
    removed: tuple[str, ...]


def normalise_text(text: str) -> str:
    """Spaces collapsed within lines, at most one blank line between blocks."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def read_html_page(content: str, fetched_at: str | None = None) -> HtmlPage:
    """`fetched_at` (ISO-8601) dates a header line such as "Updated 3 days ago"."""
    content = _CONTROL.sub("", content)  # one stray control character must not lose a page
    tree = parse_html(content)
    if tree is None:
        raise InputRejected("not HTML: the page cannot be parsed")
    blocks = visible_blocks(tree)
    meta = examine_meta(tree)
    if "application/ld+json" in content:
        meta = extract_meta_json(tree, meta)
    title = _clean(meta.title) or _clean(extract_title(tree))
    url = _clean(meta.url) or _clean(extract_url(tree))
    published = find_date(tree, extensive_search=False, url=url)
    extracted = trafilatura.bare_extraction(tree, include_comments=False)
    raw_text = getattr(extracted, "text", None) if extracted is not None else None
    if not raw_text:
        raise InputRejected("no article text: the page has no main content trafilatura can find")
    # trafilatura keeps teasers and prompts that sit inside the article's own paragraphs
    # ("READ MORE: ...", "Sign up for our newsletter"); drop those lines too.
    lines = normalise_text(raw_text).split("\n")
    text = "\n".join(line for line in lines if not furniture_line(line))
    kept = " ".join(f"{title or ''}\n{text}".split())
    return HtmlPage(
        text=text,
        title=title,
        url=url,
        outlet=_clean(meta.sitename) or (extract_domain(url) if url else None),
        author=_clean(meta.author),
        published=published or _header_date(blocks, text, fetched_at),
        removed=_removed(blocks, kept),
    )


def parse_html(content: str) -> HtmlElement | None:
    """The page's tree. Our parser lifts libxml2's depth limit of 255, past which it drops
    content silently; trafilatura's loader is the fallback for what ours refuses."""
    try:
        return document_fromstring(_XML_DECLARATION.sub("", content, count=1), parser=_PARSER)
    except (ValueError, ParserError):
        tree: HtmlElement | None = load_html(content)
        return tree


def html_to_text(content: str) -> str:
    """All visible text of an HTML page or fragment, one block per line: what a scraper's
    text dump holds. No extraction: menus and footers stay."""
    tree = parse_html(_CONTROL.sub("", content)) if content.strip() else None
    if tree is None:
        return ""
    for element in tree.xpath("//script|//style|//noscript|//template|//head|//svg|//*[@hidden]"):
        element.drop_tree()
    for element in tree.iter():
        if element.tag in _BLOCK_TAGS or element.tag in ("br", "hr", "body"):
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    return normalise_text(tree.text_content())


def visible_blocks(tree: HtmlElement) -> list[str]:
    """Text of the leaf blocks a reader sees, in page order: containers do not repeat their
    children, and scripts, styles and the head are skipped. Linear in the page's size even
    for deeply nested pages: one walk with an explicit stack, and marking a block's
    ancestors stops at the first one already marked."""
    blocks: list[HtmlElement] = []
    stack = [tree]
    while stack:
        element = stack.pop()
        if element.tag in _INVISIBLE:
            continue
        if element.tag in _BLOCK_TAGS:
            blocks.append(element)
        stack.extend(reversed(element))
    containers: set[Any] = set()
    for element in blocks:
        parent = element.getparent()
        while parent is not None and parent not in containers:
            containers.add(parent)
            parent = parent.getparent()
    texts = []
    for element in blocks:
        if element not in containers:
            block = " ".join(element.text_content().split())
            if len(block) >= 2:
                texts.append(block)
    return texts


def _header_date(blocks: list[str], text: str, fetched_at: str | None) -> str | None:
    """A date stated in a short line above the article's first line, never one from the
    body or a sidebar (those date other things). "3 days ago" counts from the fetch."""
    first_line = text.split("\n", 1)[0][:80]
    for block in blocks:
        if first_line and first_line in block:
            return None
        if len(block.split()) <= _HEADER_LINE_WORDS:
            found = date_in_line(block) or (fetched_at and date_ago(block, fetched_at))
            if found:
                return found
    return None


def _removed(blocks: list[str], kept: str) -> tuple[str, ...]:
    removed: list[str] = []
    seen: set[str] = set()
    for block in blocks:
        if block not in seen and block not in kept:
            seen.add(block)
            removed.append(block)
    return tuple(removed)


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
