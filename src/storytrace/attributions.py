"""attributions: who said what in one article — direct quotes, reported speech, "according to".

An attribution has a source (who), a cue (the words that attribute: "said", "according to",
"told reporters") and a content (what). They are read off spaCy's dependency parse:

- a cue is a verb that attributes, as scored by a small logistic model over the parse
  (`attribution_model.py`, trained on PolNeAR's training split), or the phrase "according to";
- the source is the cue's subject with its modifiers ("Morton Blackwell, the Republican
  National Committeeman from Virginia"), the subject of the clause a participle hangs
  from ("..., saying that"), or the object of "according to";
- the content is the quotation the cue's sentence frames (`“…,” he said`, `he said: “…”`,
  a quote continued after the frame, `“…,” he said. “…”`), else the cue's clausal
  complement ("that …") or, for a cue inside the reported clause ("The plan, he said,
  …"), the clause around it.

Quote marks are paired per paragraph: straight marks toggle, curly and guillemet marks
open and close, and a quote still open at the end of its paragraph ends there (a long
quote reopened at every paragraph, or a mark that never closes, loses nothing else).
A paragraph that is only a quotation, with no cue of its own, takes the source of the
attribution just before it.

The source is resolved to the article's mentions: the name that heads the source span (its
last name before any apposition or relative clause: "Dravnia's foreign ministry
spokeswoman Irina Tolmach", not Dravnia; "Ines Carrow, a former attaché who advises the
Aldmere Institute", not the institute), else a name opening its apposition ("its
spokesman, Col Kasimir Jorvath"), else for a pronoun the nearest compatible name before
it, else for "the ministry" the nearest organisation mention whose name holds that noun;
"we" and "I" outside quotation marks are the article's own voice and name no one. Its
`speaker` is that mention's full local name (the entities stage maps local names to
canonical entities). With the span tagger, a cue takes a content and a source from its
own sentence only (a quotation may stand in the sentence before its frame's).

Cannot: attribute speech the parser mis-parses (a cue verb tagged as a noun), find
attributions in non-English articles, or tell that two pronouns in one sentence refer to
different people.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from storytrace.attribution_model import (
    CANDIDATE_TAGS,
    cue_model,
    inside_quote,
    quotes_between,
)
from storytrace.attribution_tagger import TaggedRoles, attribution_tagger
from storytrace.models import doc_text, sentence_of
from storytrace.records import Attribution, AttributionKind, Mention, Span

_OPENERS = {"“": "”", "„": "“", "«": "»", "»": "«", '"': '"'}
_CLOSERS = frozenset({"”", '"', "»", "«", "“"})
_CURLY_CLOSERS = frozenset({"”", "»"})
_MARK = re.compile("[" + "".join(sorted(set(_OPENERS) | _CLOSERS)) + "]")
MAX_CARRIED_PARAGRAPHS = 5
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_COMPLEMENTS = ("ccomp", "xcomp", "dobj", "attr", "oprd")
# A longer "sentence" is a table, a list or hostile input the parser could not split; its
# verbs are not read as cues (news sentences rarely pass 80 tokens), which keeps the work
# per article linear.
MAX_SENTENCE_TOKENS = 250
_ADVERBIAL = frozenset({"advcl", "npadvmod", "punct", "cc", "conj"})
_LEFT_OF_CUE = frozenset({"aux", "auxpass", "neg", "advmod"})
_PRONOUNS = {
    "he": "PERSON",
    "she": "PERSON",
    "him": "PERSON",
    "her": "PERSON",
    "it": "ORG",
    "they": None,
    "we": None,
    "i": "PERSON",
}
FIRST_PERSON = frozenset({"we", "i"})  # outside quotation marks: the article's own voice
_ORG_NOUNS = re.compile(
    r"^(?:the\s+)?(ministry|department|agency|office|government|committee|service|party|"
    r"embassy|council|army|campaign|company|spokesman|spokeswoman|spokesperson)$",
    re.IGNORECASE,
)
# up to a comma, a parenthesis, a relative pronoun or a second speaker ("X and Y said")
_SOURCE_HEAD = re.compile(
    r"\s*(.*?)\s*(?=,|\(|\s(?:who|whom|whose|which|that|and)\s|$)", re.IGNORECASE | re.DOTALL
)
# capitalised words before a name ("Col", "Dr."), or none
_TITLES = re.compile(r"(?:[A-Z][\w.]*\s+)*")
# two to four capitalised words: a person's name, as in "Ines Carrow"
_PROPER_NAME = re.compile(
    r"(?!(?:The|A|An|This|These|Those|Its|His|Her|Their|Our|Some|Many)\b)"
    r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’.-]+){1,3}"
)
_PARAGRAPH = re.compile(r"[^\n]+")
_WORDS = re.compile(r"[^\W\d_]+")
_WORD = re.compile(r"\w+")
# how sure the cue model must be of a cue the tagger missed for the rules' attribution of it
# to be kept: chosen on the last 84 training articles, with the models trained without them
# (0.4-0.9 tried: docs/evaluation.md)
SURE_CUE = 0.6
MAX_LINK_GAP = 200  # characters between a tagged cue and the content or source it takes


def quote_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation, marks included, paired within paragraphs.

    Two apostrophes (`''`, the style of some archives) count as one straight mark and a
    double backtick as an opening one. A quotation left open at the end of its paragraph
    runs on (one region per paragraph) through paragraphs without marks up to a paragraph
    whose first mark is a curly closing one: a long quote whose paragraphs were not
    reopened."""
    marks = text.replace("''", '"\x00').replace("``", "“\x00")
    regions = []
    carried: list[tuple[int, int]] = []  # paragraphs after an unclosed quotation
    for paragraph in _PARAGRAPH.finditer(marks):
        opened_at, closer = -1, ""
        found = _MARK.search(paragraph.group())
        first_mark = found.group() if found else ""
        if carried and first_mark in _CURLY_CLOSERS:
            opened_at, closer = paragraph.start(), first_mark
            regions += carried
        if first_mark or len(carried) > MAX_CARRIED_PARAGRAPHS:
            carried = []
        elif carried:
            carried.append(paragraph.span())
        for mark in _MARK.finditer(paragraph.group()):  # only marks open or close
            char, position = mark.group(), paragraph.start() + mark.start()
            if opened_at < 0:
                if char in _OPENERS:
                    opened_at, closer = position, _OPENERS[char]
                continue
            if position == opened_at + 1 and marks[position + 1 : position + 2].isalnum():
                continue  # a doubled opening mark (`""We ...`): one quotation, not an empty one
            # a straight mark may close a curly quote: typed by hand, common
            if char == closer or char == '"' or (char in _CLOSERS and char != "“"):
                end = position + 2 if marks[position + 1 : position + 2] == "\x00" else position + 1
                regions.append((opened_at, end))
                opened_at = -1
        if opened_at >= 0 and paragraph.end() - opened_at > 1:
            regions.append((opened_at, paragraph.end()))
            carried = [(-1, -1)]  # a marker: the next paragraphs may continue it
    return sorted(region for region in regions if region[0] >= 0)


@dataclass(frozen=True, slots=True)
class _Found:
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    content: tuple[int, int]


def find_attributions(
    doc: Any,
    article_id: str,
    mentions: Sequence[Mention] = (),
    method: str = "tagger",
    tagged: TaggedRoles | None = None,
) -> tuple[Attribution, ...]:
    """Attributions of a parsed article (`doc` is the spaCy Doc of the article's text).

    `method` chooses how they are found: `tagger` (the rules with the trained cue model,
    then the span tagger's attributions where it fits the Doc: `attribution_tagger`),
    `model` (the rules with the trained cue model alone) or `lexicon` (the rules with the
    verb forms that head a cue often enough in training). `tagged`: the tagger's spans of
    this Doc when already made (`tag_documents`, many Docs at once), else the Doc is
    tagged here."""
    text = doc_text(doc)
    regions = quote_regions(text)
    cues = "model" if method == "tagger" else method
    found = _one_cue_per_quote(list(_framed(doc, regions, cues)), regions)
    ruled = list(found)
    labelled = _speaker_labels(text, found)
    found += labelled
    found += _standalone_quotes(text, regions, found)
    if tagged is None and method == "tagger":
        (tagged,) = tag_documents([doc], method)
    if tagged is not None:
        # where sentences begin: a tagged cue takes a content and a source of its own
        # sentence (`_nearest`)
        sentences = doc.sents if doc.has_annotation("SENT_START") else ()
        starts = [sentence.start_char for sentence in sentences][1:]
        found = _tagged_first(text, tagged, found, regions, labelled, starts)
        found += _surely_said(doc, regions, ruled, found)
    found.sort(key=lambda f: (f.content[0], f.cue or (0, 0)))
    results: list[Attribution] = []
    seen: set[tuple[object, ...]] = set()
    previous: str | None = None
    for item in found:
        key = (item.source, item.cue, item.content)
        if key in seen:
            continue
        seen.add(key)
        record = _record(text, article_id, len(results), item, regions, mentions, previous)
        previous = record.speaker or previous
        results.append(record)
    return tuple(results)


def tag_documents(docs: Sequence[Any], method: str = "tagger") -> list[TaggedRoles | None]:
    """The span tagger's spans of each Doc, the Docs tagged as one batch, for
    `find_attributions(..., tagged=...)`: None for a Doc it does not fit (or every Doc,
    when `method` is not `tagger` or the tagger is not installed)."""
    tagger = attribution_tagger() if method == "tagger" else None
    fits = [tagger is not None and tagger.fits(doc) for doc in docs]
    fitting = [doc for doc, fit in zip(docs, fits, strict=True) if fit]
    if tagger is None or not fitting:
        return [None] * len(docs)
    tagged = iter(tagger.tag_many(fitting, [quote_regions(doc_text(doc)) for doc in fitting]))
    return [next(tagged) if fit else None for fit in fits]


def _tagged_first(
    text: str,
    tagged: TaggedRoles,
    found: list[_Found],
    regions: list[tuple[int, int]],
    labelled: Sequence[_Found] = (),
    starts: Sequence[int] = (),
) -> list[_Found]:
    """The tagger's attributions, with the rules' quotations where they agree, then the
    rules' quotations and transcript lines the tagger did not reach.

    The tagger draws the edges of reported speech the way PolNeAR does more often than
    the parse's subtrees; the rules read a quotation's extent and frame exactly (`“…,” the
    colonel said on Tuesday`: the tagger may run on into the frame, or its cue into `on`),
    and a quotation reopened at each paragraph or standing in its own paragraph. Each
    tagged cue takes the nearest tagged content and source beside it in its sentence
    (`starts`, where sentences begin; a quotation may stand in the sentence before); a
    tagged content that shares most of its words with a quotation the rules attributed
    becomes that quotation, with the rules' cue and source where the tagger's overlap them.
    Tagged spans stop at paragraph breaks; a cue without a tagged source takes the rules'
    speaker of that cue; a content run on into its frame is cut to its quotation
    (`_unframed`); one run into its own cue, opening with its own frame, or whose edges the
    tagger is unsure of (`TaggedRoles.unsure`) gives way to the rules' reading of that cue;
    and one source saying one content is one attribution."""
    opens, closes = {r[0] for r in regions}, {r[1] for r in regions}
    # quotations: one, or one reopened at each paragraph, or without a cue (own paragraph);
    # and a transcript's lines after their speaker labels (`labelled`, `TAPPER: …`)
    quoted = [f for f in found if (f.content[0] in opens and f.content[1] in closes) or not f.cue]
    quoted += [f for f in labelled if f not in quoted]
    contents, sources = _paragraphed(text, tagged.content), _paragraphed(text, tagged.source)
    # each attribution with its cue's rank for its content: a cue outside the content before
    # one inside it (part of what was said), then the nearer
    linked: list[tuple[tuple[bool, int, tuple[int, int]], _Found]] = []
    for cue in tagged.cue:
        content = _nearest(text, cue, contents, starts, opens)
        if content is None:
            continue
        item = _linked(text, tagged, cue, content, sources, found, quoted, regions, starts)
        if item is not None:
            linked.append(((_within(cue, content), _gap(cue, content), cue), item))
    # one source saying one content is one attribution, whatever other cues the tagger saw
    # around it (`Tolmach said reports … were "baseless" and accused Kalvo of …`); a cue
    # without a source adds nothing to one with a source for the same content
    said: list[_Found] = []
    for _, item in sorted(linked, key=lambda ranked: ranked[0]):
        if not any(k.content == item.content and item.source in (None, k.source) for k in said):
            said.append(item)
    return said + [f for f in quoted if not any(_shared(text, f.content, k.content) for k in said)]


def _surely_said(
    doc: Any, regions: list[tuple[int, int]], ruled: Sequence[_Found], joined: Sequence[_Found]
) -> list[_Found]:
    """The rules' attributions the join left out whose cue the cue model is sure of
    (`SURE_CUE`), where neither their cue nor their content overlaps one it kept: a verb of
    saying or believing the tagger did not tag (its cue recall is its weak side, 0.63)."""
    model = cue_model()
    rest = []
    for item in ruled:
        if item.cue is None or any(
            (k.cue is not None and _overlaps(item.cue, k.cue)) or _overlaps(item.content, k.content)
            for k in joined
        ):
            continue
        span = doc.char_span(*item.cue, alignment_mode="expand")
        verbs = [token for token in span or () if token.pos_ in CANDIDATE_TAGS]
        sure = max((model.cue_probability(doc, verb, regions) for verb in verbs), default=1.0)
        if sure >= SURE_CUE:
            rest.append(item)
    return rest


def _linked(
    text: str,
    tagged: TaggedRoles,
    cue: tuple[int, int],
    content: tuple[int, int],
    sources: Sequence[tuple[int, int]],
    found: Sequence[_Found],
    quoted: Sequence[_Found],
    regions: list[tuple[int, int]],
    starts: Sequence[int] = (),
) -> _Found | None:
    """The attribution of one tagged cue and the tagged content nearest it (`_tagged_first`):
    its source the nearest tagged one (else the rules' speaker of the cue); the rules'
    reading of the cue instead (None when they have none) where the tagger misread the
    content or is unsure of it; a content run on into its frame cut to its quotation, and
    a quotation the rules read taken with their frame."""
    # a source inside the content is what was said, unless the cue is inside too:
    # PolNeAR's content of `“…,” said X. “…”` is one extent around its frame
    framed = _within(cue, content)
    source = _nearest(
        text, cue, [s for s in sources if framed or not _overlaps(s, content)], starts
    )
    ruled = next((f for f in found if f.cue is not None and _overlaps(f.cue, cue)), None)
    speaker = ruled.source if ruled is not None else None
    if source is None and speaker is not None and (framed or not _overlaps(speaker, content)):
        source = speaker  # the parse's speaker of the same cue, where the tagger has none
    # a content run into its own cue (`is purported to say in the clip that …`), or one
    # that opens with its own frame (`X, the minister, is expected to …`), is a misread
    # the rules' reading of that cue does not make (a frame inside, `…, he said, …`, is
    # PolNeAR's way)
    frame = [source] if source else []
    opens_with_frame = framed and _only_words_of(text, (content[0], cue[0]), frame)
    misread = _overlaps(content, cue) and (not framed or opens_with_frame)
    if misread or tagged.unsure(content):
        return ruled
    if framed:
        content = _unframed(text, content, cue, source, regions)
        framed = _within(cue, content)
    quotation = next((f for f in quoted if _shared(text, content, f.content)), None)
    if quotation is not None and not framed:
        # the rules' frame of a quotation they read, where the tagger's agrees with it
        content = quotation.content
        if quotation.cue is not None and _overlaps(quotation.cue, cue):
            cue = quotation.cue
        if quotation.source is not None and (source is None or _overlaps(source, quotation.source)):
            source = quotation.source
    return _Found(source, cue, content)


def _only_words_of(text: str, extent: tuple[int, int], within: Sequence[tuple[int, int]]) -> bool:
    """Whether every word of `extent` lies inside one of `within` (true when it has none)."""
    return all(
        any(_within(word.span(), outer) for outer in within)
        for word in _WORD.finditer(text, extent[0], extent[1])
    )


def _paragraphed(text: str, extents: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Tagged extents cut at paragraph breaks (a headline run on into its dateline and
    first paragraph is three things), each piece without its edge white space."""
    pieces = []
    for start, end in extents:
        for line in _PARAGRAPH.finditer(text, start, end):
            piece = line.group()
            left = len(piece) - len(piece.lstrip())
            right = len(piece.rstrip())
            if right > left:
                pieces.append((line.start() + left, line.start() + right))
    return pieces


def _unframed(
    text: str,
    content: tuple[int, int],
    cue: tuple[int, int],
    source: tuple[int, int] | None,
    regions: list[tuple[int, int]],
) -> tuple[int, int]:
    """The one quotation of a content that runs on into its own frame (`“…,” she said.`):
    the frame is not what was said. A content holding two quotations around the frame
    (`“…,” she said. “…”`) stays whole, as PolNeAR draws it."""
    inner = [r for r in regions if content[0] <= r[0] and r[1] <= content[1]]
    if len(inner) != 1:
        return content
    frame = [cue, *([source] if source else [])]
    outside = [(content[0], inner[0][0]), (inner[0][1], content[1])]
    return inner[0] if all(_only_words_of(text, part, frame) for part in outside) else content


def _nearest(
    text: str,
    anchor: tuple[int, int],
    extents: Sequence[tuple[int, int]],
    starts: Sequence[int] = (),
    quotations: Collection[int] = (),
) -> tuple[int, int] | None:
    """The extent nearest to `anchor` in its paragraph, at most `MAX_LINK_GAP` away; with
    `starts` (the offsets where sentences begin), in its sentence, unless the extent is a
    quotation (it begins at one of `quotations`' offsets): `“…” The minister said this on
    Monday.` is one attribution, `… called the reports “baseless”. Neither has addressed …`
    is not."""
    best: tuple[int, tuple[int, int]] | None = None
    for extent in extents:
        gap = _gap(anchor, extent)
        if gap > MAX_LINK_GAP:
            continue  # (before slicing the text between: most extents are far)
        low, high = min(extent[1], anchor[1]), max(extent[0], anchor[0])
        if gap and "\n" in text[low:high]:
            continue
        if gap and extent[0] not in quotations and _sentences_apart(starts, low, high):
            continue
        if best is None or (gap, extent) < best:
            best = (gap, extent)
    return best[1] if best else None


def _sentences_apart(starts: Sequence[int], low: int, high: int) -> bool:
    """Whether a sentence begins (at one of the sorted `starts`) strictly between two
    offsets."""
    return bisect_left(starts, high) > bisect_right(starts, low)


def _shared(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two extents share at least half the words of the longer one."""
    if not _overlaps(a, b):
        return False  # no word in common, and no words to count
    words_a = {m.start() for m in _WORD.finditer(text, a[0], a[1])}
    words_b = {m.start() for m in _WORD.finditer(text, b[0], b[1])}
    longer = max(len(words_a), len(words_b))
    return longer > 0 and 2 * len(words_a & words_b) >= longer


def _one_cue_per_quote(found: list[_Found], regions: list[tuple[int, int]]) -> list[_Found]:
    """A quotation is framed by one cue: of several verbs in its sentence that could claim
    it ("posted", "called", "denied"), keep the one nearest to the quotation."""
    starts = {start for start, _ in regions}
    best: dict[tuple[int, int], _Found] = {}
    kept = []
    for item in found:
        starts_quote = item.content[0] in starts
        if not starts_quote or item.cue is None:
            kept.append(item)
            continue
        rival = best.get(item.content)
        if rival is None or _distance(item) < _distance(rival):
            best[item.content] = item
    return kept + list(best.values())


def _distance(item: _Found) -> int:
    return _gap(item.cue or item.content, item.content)


def _framed(doc: Any, regions: list[tuple[int, int]], method: str) -> Iterator[_Found]:
    model = cue_model()
    for token in doc:
        according = token.lower_ == "according" and token.i + 1 < len(doc)
        if not according and token.pos_ not in CANDIDATE_TAGS:
            continue  # no cue (`is_cue`): skipped before the dearer tests below
        if _inside(token, regions) or len(sentence_of(token)) > MAX_SENTENCE_TOKENS:
            continue
        if according and doc[token.i + 1].lower_ == "to":
            found = _according_to(doc, token)
        elif model.is_cue(doc, token, regions, method):
            found = _verb_cue(doc, token, regions, method)
        else:
            continue
        if found is not None:
            yield found


def _according_to(doc: Any, token: Any) -> _Found | None:
    to = doc[token.i + 1]
    objects = [child for child in to.children if child.dep_ == "pobj"]
    if not objects:
        return None
    source = _extent(objects[0].subtree)
    if token.head == token:
        return None  # a fragment ("According to the channel."): nothing it qualifies
    # the content is the rest of the sentence: the clause the phrase modifies
    skip = set(range(token.i, objects[0].right_edge.i + 1))
    rest = [t for t in sentence_of(token) if t.i not in skip]
    if not rest:
        return None
    content = _trim(rest)
    if content is None:
        return None
    return _Found(source, (token.idx, to.idx + len(to)), content)


def _verb_cue(doc: Any, verb: Any, regions: list[tuple[int, int]], method: str) -> _Found | None:
    candidates = content_candidates(doc, verb, regions)
    if not candidates:
        return None
    model = cue_model()
    quote = candidates.get("quote")
    verb_end = verb.idx + len(verb)
    if quote is not None and verb_end <= quote[0] <= verb_end + 3:
        content = quote  # `saying “…”`, `said: “…”`: the verb opens the quotation
    elif method == "model":
        content = model.best_span("content", doc, verb, candidates)
    elif "rule" in candidates:
        content = candidates["rule"]
    else:
        return None
    cues = cue_candidates(doc, verb, content)
    cue = model.best_span("cue", doc, verb, cues) if method == "model" else cues["rule"]
    sources = source_candidates(doc, verb)
    source = None
    if sources:
        source = (
            model.best_span("source", doc, verb, sources) if method == "model" else sources["rule"]
        )
    if source is not None and source[0] <= content[0] and content[1] <= source[1]:
        source = None  # a relative clause's antecedent is what was said, not who said it
    return _Found(source, cue, content)


def source_candidates(doc: Any, verb: Any) -> dict[str, tuple[int, int]]:
    """The spans that could name who speaks, by shape; `rule` is the subject's subtree."""
    subject = _subject(verb)
    if subject is None:
        return {}
    text = doc_text(doc)
    found = {"rule": _source_extent(text, subject, subject.subtree)}
    trimmed = [t for t in subject.subtree]
    while len(trimmed) > 1 and trimmed[-1].is_punct:
        trimmed.pop()
    found["no_trailing_punct"] = _source_extent(text, subject, trimmed)
    for label in ("relcl", "acl", "appos", "prep"):
        cut = [c for c in subject.children if c.dep_ == label and c.i > subject.i]
        if cut:
            kept = [t for t in subject.subtree if t.i < cut[0].left_edge.i]
            while len(kept) > 1 and kept[-1].is_punct:
                kept.pop()
            found[f"before_{label}"] = _source_extent(text, subject, kept)
    head_only = [t for t in subject.subtree if t.i <= subject.i]
    found["up_to_head"] = _source_extent(text, subject, head_only)
    return found


def cue_candidates(doc: Any, verb: Any, content: tuple[int, int]) -> dict[str, tuple[int, int]]:
    """The spans that could be the cue, by shape; `rule` is `_cue_span`'s choice."""
    found = {"rule": _cue_span(doc, verb, content), "verb": (verb.idx, verb.idx + len(verb))}
    first = verb.i
    while first > 0 and doc[first - 1].head == verb and doc[first - 1].dep_ in _LEFT_OF_CUE:
        first -= 1
    if first < verb.i:
        found["with_left"] = (doc[first].idx, verb.idx + len(verb))
    following = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
    if following is not None and following.head == verb and following.idx < content[0]:
        found[f"with_{following.dep_}"] = (doc[first].idx, following.idx + len(following))
    return found


def content_candidates(
    doc: Any, verb: Any, regions: list[tuple[int, int]]
) -> dict[str, tuple[int, int]]:
    """The spans that could be what `verb` attributes, by the shape that yields them.

    `rule` is the hand-written choice (the lexicon path uses it); the trained model picks
    among all of them (`attribution_model.py`)."""
    text = doc_text(doc)
    shapes: dict[str, tuple[int, int]] = {}
    quoted = _quoted_content(doc, verb, regions)
    clausal = _clausal_content(verb)
    if quoted is not None:
        shapes["quote"] = quoted
    rule = quoted if quoted is not None else clausal
    if rule is not None:
        shapes["rule"] = rule
    right = [c for c in verb.children if c.i > verb.i and c.dep_ not in ("punct", "cc", "conj")]
    for child in right:
        shapes[f"child:{child.dep_}"] = _extent(child.subtree)
        objects = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
        if child.dep_ == "prep" and objects:
            shapes["pobj"] = _extent(objects[0].subtree)
    if right:
        shapes["all_right"] = _extent([t for c in right for t in c.subtree])
        objects = [c for c in right if c.dep_ in ("dobj", "ccomp", "xcomp", "oprd", "attr")]
        if objects:
            rest = [c for c in right if c.i >= objects[0].i and c.dep_ not in _ADVERBIAL]
            shapes["from_object"] = _extent([t for c in rest for t in c.subtree])
            shapes["objects"] = _extent([t for c in objects for t in c.subtree])
    for child in verb.children:
        if child.dep_ == "xcomp":
            marker = [t for t in child.subtree if t.dep_ == "aux" and t.head == child]
            shapes["xcomp_bare"] = _extent([t for t in child.subtree if t not in marker])
    by_label = {c.dep_: c for c in right}
    if "dobj" in by_label:
        # `attacked her opponent as a fraud`, `called him a liar`
        tail = [c for c in right if c.i > by_label["dobj"].i and c.dep_ in ("prep", "oprd")]
        if tail:
            shapes["object_as"] = _extent([*by_label["dobj"].subtree, *tail[0].subtree])
    if "prep" in by_label and "xcomp" in by_label:
        # `called on Trump to stop`: the preposition's object and the clause
        objects = [g for g in by_label["prep"].children if g.dep_ == "pobj"]
        if objects:
            shapes["pobj_clause"] = _extent([*objects[0].subtree, *by_label["xcomp"].subtree])
    if any(c.dep_ == "auxpass" for c in verb.children):
        # `Trump is supported by few papers`: the passive subject is what is attributed
        subjects = [c for c in verb.children if c.dep_ == "nsubjpass"]
        if subjects:
            shapes["passive_subject"] = _extent(subjects[0].subtree)
    sentence = sentence_of(verb)
    after_verb = [t for t in sentence if t.i > verb.i]
    if after_verb:
        shapes["sentence_rest"] = _extent(after_verb)
    if verb.dep_ in ("parataxis", "ccomp") and verb.head.i != verb.i:
        frame = {t.i for t in verb.subtree}
        rest = [t for t in verb.head.subtree if t.i not in frame]
        if rest:
            shapes["around_frame"] = _extent(rest)
    inverted = [c for c in verb.children if c.dep_ in ("ccomp", "parataxis") and c.i < verb.i]
    if inverted:
        shapes["inverted"] = _extent(inverted[0].subtree)
    found = {}
    for shape, extent in shapes.items():
        if shape not in ("quote", "rule") or quoted is None:
            clipped = _within_paragraph(text, extent, verb.idx)
            if clipped is None:
                continue
            extent = clipped
        trimmed = _trim_chars(text, extent, regions)
        if trimmed[1] > trimmed[0] and not trimmed[0] <= verb.idx < trimmed[1]:
            found[shape] = trimmed
        elif trimmed[1] > trimmed[0] and shape in ("quote", "rule", "around_frame"):
            found[shape] = trimmed  # the frame inside the quotation: `“A,” he said, “B”`
    return found


def _subject(verb: Any) -> Any | None:
    """The verb's subject; a participle or a conjoined verb borrows its head's."""
    current = verb
    for _ in range(3):
        for child in current.children:
            if child.dep_ == "nsubjpass" and child.lower_ == "it":
                return None  # `it is reported that …`: an unnamed source
            if child.dep_ in _SUBJECTS:
                return child
            if child.dep_ == "agent":
                objects = [g for g in child.children if g.dep_ == "pobj"]
                if objects:
                    return objects[0]
        if current.dep_ in ("conj", "advcl", "xcomp", "relcl") and current.head != current:
            if current.dep_ == "relcl" and current.head.pos_ in ("NOUN", "PROPN", "PRON"):
                return current.head
            current = current.head
        else:
            break
    return None


_DATELINE = re.compile(r".*(?:\n|\)\s*[—–-]\s+)", re.DOTALL)


def _source_extent(text: str, subject: Any, tokens: Iterable[Any]) -> tuple[int, int]:
    """The subject's `tokens`, without a dateline or a line before the subject."""
    start, end = _extent(tokens)
    if subject.idx > start:
        lead = _DATELINE.match(text, start, subject.idx)
        if lead:
            start = lead.end()
    line_end = text.find("\n", subject.idx, end)
    return start, end if line_end < 0 else line_end


def _cue_span(doc: Any, verb: Any, content: tuple[int, int]) -> tuple[int, int]:
    """The verb with its auxiliaries, negation and adverbs before it, its particle ("pointed
    out"), the preposition that introduces the content ("called for") and a colon."""
    first = verb.i
    while first > 0:
        before = doc[first - 1]
        if before.head != verb or before.dep_ not in _LEFT_OF_CUE or before.tag_ == "WRB":
            break
        first -= 1
    last = verb.i
    while last + 1 < len(doc):
        after = doc[last + 1]
        if after.idx >= content[0] and after.text != ":":
            break
        attached = after.head == verb or after.head.i == last
        introduces = (
            after.dep_ == "prep" and after.i + 1 < len(doc) and (doc[after.i + 1].idx >= content[0])
        )
        if not (attached and (after.dep_ == "prt" or introduces or after.text == ":")):
            break
        last += 1
    return doc[first].idx, doc[last].idx + len(doc[last])


def _quoted_content(doc: Any, verb: Any, regions: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The quotation the cue's sentence frames, continued by quotes right after it."""
    text = doc_text(doc)
    sentence = sentence_of(verb)
    # the cue's sentence, within its paragraph (a parse can run a sentence across lines)
    paragraph_end = text.find("\n", verb.idx)
    start = max(sentence.start_char, text.rfind("\n", 0, verb.idx) + 1)
    end = min(sentence.end_char, len(text) if paragraph_end < 0 else paragraph_end)
    own = [r for r in quotes_between(regions, start, end) if not _contains(r, verb.idx)]
    if not own:
        # `He said:` ends its sentence; the quote follows
        colon = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
        if colon is not None and colon.text == ":":
            own = [
                r for r in quotes_between(regions, colon.idx, colon.idx + 4) if r[0] > colon.idx
            ][:1]
    if not own:
        return None
    complement = _complement_extent(verb)
    if complement is not None:
        inside = [r for r in own if complement[0] <= r[0] < complement[1]]
        if inside and complement[0] > verb.idx:
            # reported speech that quotes (all or part of) what was said
            return _trim_chars(text, (complement[0], max(complement[1], inside[-1][1])), regions)
    # a quotation before the verb belongs to it only if the frame follows it directly
    # (`“A,” he said`), not a title earlier in the sentence (`On ABC's “GMA”, he said, “B”`)
    frame_start = min(verb.left_edge.idx, verb.idx)
    before = [r for r in own if r[1] <= verb.idx]
    following = [r for r in own if r[0] > verb.idx]
    if before and following and frame_start - before[-1][1] > 3:
        own = following
    first, last = min(r[0] for r in own), max(r[1] for r in own)
    # a quote continued after the frame: `“A,” he said. “B.”`, also in the next paragraph
    for region in regions[bisect_left(regions, last, key=lambda r: r[0]) :]:
        between = text[last : region[0]]
        reopened = between == "\n" and text[last - 1] not in _CLOSERS
        if reopened:  # a long quote reopened at each paragraph, closed only at the end
            last = region[1]
            continue
        framed = last <= verb.idx < region[0] and between.count("\n") <= 1
        if not framed and ("\n" in between or between.strip()):
            break
        other_words = _WORDS.findall(text, last, verb.idx) + _WORDS.findall(
            text, verb.idx + len(verb), region[0]
        )
        if any(word.lower() in cue_model().speech_forms for word in other_words):
            break  # `“A,” Trump said, adding later, “B”`: B has its own cue
        if region[0] > end + 3 and between.strip():
            break
        after = text[region[1] : region[1] + 3].lstrip(" ")
        if after[:1].islower() or after[:1] == ",":
            break  # `“B,” she said`: a quote with its own frame
        last = region[1]
    return first, last


def _complement_extent(verb: Any) -> tuple[int, int] | None:
    """What the verb says: its clausal complement, else its object (with a predicate)."""
    children = [c for c in verb.children if c.i > verb.i]
    clausal = [c for c in children if c.dep_ == "ccomp"]
    chosen = clausal[:1] or [c for c in children if c.dep_ in ("dobj", "xcomp", "oprd", "attr")]
    if not chosen:
        return None
    tokens = [t for c in chosen for t in c.subtree]
    return _extent(tokens)


def _within_paragraph(text: str, content: tuple[int, int], anchor: int) -> tuple[int, int] | None:
    """Reported speech stays in the paragraph of its cue (a parse can run across a
    headline and the line after it)."""
    start = text.rfind("\n", 0, anchor) + 1
    end = text.find("\n", anchor)
    end = len(text) if end < 0 else end
    clipped = (max(content[0], start), min(content[1], end))
    return clipped if clipped[0] < clipped[1] else None


def _trim_chars(
    text: str, extent: tuple[int, int], regions: list[tuple[int, int]]
) -> tuple[int, int]:
    """Drop white space and end punctuation, but keep a quotation's closing mark."""
    start, end = extent
    for region in quotes_between(regions, end - 1, end + 1):
        if region[0] < end < region[1]:
            end = region[1]
    if any(region[1] == end for region in quotes_between(regions, end - 1, end)):
        return start, end
    while end > start and text[end - 1] in " \n.,;:—–-":
        end -= 1
    return start, end


def _clausal_content(verb: Any) -> tuple[int, int] | None:
    complement = _complement_extent(verb)
    if complement is not None:
        return complement
    prepositional = [c for c in verb.children if c.dep_ == "prep" and c.i > verb.i]
    if verb.dep_ in ("parataxis", "ccomp") and verb.head.i != verb.i and verb.i > verb.head.i:
        # `The plan, he said, is dead.` / `The plan is dead, he said.`
        frame = set(t.i for t in verb.subtree)
        rest = [t for t in verb.head.subtree if t.i not in frame]
        return _trim(rest)
    if verb.dep_ == "ROOT":
        inverted = [c for c in verb.children if c.dep_ in ("ccomp", "parataxis") and c.i < verb.i]
        if inverted:
            return _trim(list(inverted[0].subtree))
    if prepositional:
        objects = [c for c in prepositional[0].children if c.dep_ == "pobj"]
        if objects:
            return _trim(list(objects[0].subtree))
    return None


def _trim(tokens: Sequence[Any]) -> tuple[int, int] | None:
    """Character extent of `tokens` without punctuation at its ends (a closing quote stays)."""
    ordered = sorted(tokens, key=lambda t: t.i)
    while ordered and ordered[0].is_punct and ordered[0].text not in _OPENERS:
        ordered.pop(0)
    while ordered and (ordered[-1].is_punct or ordered[-1].is_space):
        if ordered[-1].text in _CLOSERS and len(ordered) > 1:
            break
        ordered.pop()
    if not ordered:
        return None
    return ordered[0].idx, ordered[-1].idx + len(ordered[-1])


def _extent(tokens: Iterable[Any]) -> tuple[int, int]:
    ordered = sorted(tokens, key=lambda t: t.i)
    return ordered[0].idx, ordered[-1].idx + len(ordered[-1])


_LABEL = re.compile(
    r"^[ \t]*(?P<source>(?:[A-Z][\w.’'-]*\.?[ \t]){0,3}[A-Z][\w’'-]*)[ \t]*(?P<cue>:)[ \t]+"
    r"(?P<content>\S[^\n]*)$",
    re.MULTILINE,
)


def _speaker_labels(text: str, found: list[_Found]) -> list[_Found]:
    """`TAPPER: Do you think …` in a transcript, `Sanders: Clinton email story has moved`."""
    extra = []
    for line in _LABEL.finditer(text):
        content = line.span("content")
        end = content[1]
        while end > content[0] and text[end - 1] in " .":
            end -= 1
        if end <= content[0] or any(_overlaps(f.content, content) for f in found):
            continue
        extra.append(_Found(line.span("source"), line.span("cue"), (content[0], end)))
    return extra


def _standalone_quotes(
    text: str, regions: list[tuple[int, int]], found: list[_Found]
) -> list[_Found]:
    """Paragraphs that are only a quotation take the source of the attribution before them."""
    extra = []
    ordered = sorted(found, key=lambda f: f.content[0])
    for paragraph in _PARAGRAPH.finditer(text):
        body = paragraph.group().strip()
        if not body or body[0] not in _OPENERS:
            continue
        lead = paragraph.start() + paragraph.group().index(body[0])
        region = next((r for r in regions if r[0] == lead), None)
        if region is None or text[region[1] : paragraph.end()].strip(" .") != "":
            continue
        if any(_overlaps(f.content, region) for f in found):
            continue
        before = [f for f in ordered if f.content[1] <= region[0] and f.source is not None]
        if before:
            extra.append(_Found(before[-1].source, None, region))
    return extra


def _record(
    text: str,
    article_id: str,
    number: int,
    item: _Found,
    regions: list[tuple[int, int]],
    mentions: Sequence[Mention],
    previous: str | None,
) -> Attribution:
    content = _span(text, item.content)
    source = _span(text, item.source) if item.source else None
    cue = _span(text, item.cue) if item.cue else None
    return Attribution(
        id=f"{article_id}-q{number}",
        article_id=article_id,
        source=source,
        cue=cue,
        content=content,
        kind=_kind(item.content, regions),
        speaker=(
            _speaker(text, source, mentions, previous, inside_quote(regions, source.start))
            if source
            else None
        ),
    )


def _kind(content: tuple[int, int], regions: list[tuple[int, int]]) -> AttributionKind:
    inside = [r for r in regions if content[0] <= r[0] and r[1] <= content[1]]
    if not inside:
        return "indirect"
    if inside[0][0] == content[0] and inside[-1][1] == content[1]:
        return "direct"
    return "mixed"


def _speaker(
    text: str,
    source: Span,
    mentions: Sequence[Mention],
    previous: str | None,
    quoted: bool = False,
) -> str | None:
    """The full local name of the person or body the source span refers to: the head of
    its noun phrase or the apposition naming it, not a name in a modifier of it
    (`_source_parts`). `quoted`: the source is inside a quotation, where "we" and "I" are
    the quoted speaker's."""
    (head_start, head_end), apposition = _source_parts(source.text)
    head = source.text[head_start:head_end]

    def within(extent: tuple[int, int]) -> list[Mention]:
        start, end = source.start + extent[0], source.start + extent[1]
        return [m for m in mentions if start <= m.span.start and m.span.end <= end]

    in_head = within((head_start, head_end))
    people = [m for m in in_head if m.label == "PERSON"]
    if people:
        # the last of the head's names is its head noun ("Dravnia's foreign ministry
        # spokeswoman Irina Tolmach"): the modifiers of an English noun come first
        return people[-1].local_name
    # "the head of the service, Gennady Lurin, said": a name opening the apposition (after
    # titles at most) names the speaker: a person's, or any when the head is a description
    # ("Lessaria's foreign minister, Helena Stravik": the recogniser may take a name it
    # does not know for an organisation); not "The clip, first posted by a Telegram channel"
    named: list[Mention] = []
    if apposition is not None:
        opening = source.start + apposition[0]
        named = [
            m
            for m in within(apposition)
            if m.label in ("PERSON", "ORG") and _TITLES.fullmatch(text, opening, m.span.start)
        ]
    described = not any(m.span.end == source.start + head_end for m in in_head)
    named = [m for m in named if m.label == "PERSON"] or (named if described else [])
    if named:
        return named[0].local_name
    if not in_head and _PROPER_NAME.fullmatch(head):
        return head  # a name the entity recogniser missed ("Ines Carrow, a former …")
    bodies = [m for m in in_head if m.label in ("ORG", "FAC")]
    # "Kalvo says" names its speaker; "a senior Dravnian lawmaker" does not
    whole = [m for m in in_head if 2 * (m.span.end - m.span.start) >= len(head)]
    if bodies or whole:
        return (bodies or whole)[-1].local_name  # the head noun's, as for people
    word = head.lower()
    if word in FIRST_PERSON and not quoted:
        return None  # the article's own voice ("We found no evidence"): its outlet, no one named
    earlier = [m for m in mentions if m.span.end <= source.start]
    if word in _PRONOUNS:
        wanted = _PRONOUNS[word]
        if wanted == "PERSON" and previous is not None:
            # news style: "X said …" then "…," he added.
            labels = {m.local_name: m.label for m in earlier}
            if labels.get(previous) == "PERSON":
                return previous
        compatible = [
            m
            for m in earlier
            if (wanted is None and m.label in ("PERSON", "ORG")) or m.label == wanted
        ]
        return compatible[-1].local_name if compatible else None
    noun = _ORG_NOUNS.match(head)
    if noun:
        word = noun.group(1).lower()
        organisations = [
            m for m in earlier if m.label in ("ORG", "NORP", "GPE") and word in m.local_name.lower()
        ]
        return organisations[-1].local_name if organisations else None
    return None


def _source_parts(source: str) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """The extents, in `source`, of the part that names who speaks (before an apposition,
    a relative clause or a second speaker: "Ines Carrow, a former attaché who now advises
    the Aldmere Institute" is Ines Carrow, not the institute) and of the apposition after
    it (None without one), each without its edge white space."""
    head = _SOURCE_HEAD.match(source)
    assert head is not None  # the pattern matches any text, if only as the empty string
    if not source.startswith(",", head.end()):
        return head.span(1), None
    apposition = _SOURCE_HEAD.match(source, head.end() + 1)
    assert apposition is not None
    return head.span(1), apposition.span(1)


def _span(text: str, extent: tuple[int, int]) -> Span:
    return Span(text[extent[0] : extent[1]], extent[0], extent[1])


def _inside(token: Any, regions: list[tuple[int, int]]) -> bool:
    return inside_quote(regions, token.idx)


def _contains(region: tuple[int, int], offset: int) -> bool:
    return region[0] <= offset < region[1]


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters between two extents (0 when they touch or overlap)."""
    return max(b[0] - a[1], a[0] - b[1], 0)


def _within(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
