"""Attributions: quotes, reported speech and their speakers, on sentences we wrote."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.attribution_model import cue_model
from storytrace.attributions import find_attributions, quote_regions
from storytrace.errors import UsageError
from storytrace.evaluation.attribution import GoldAttribution, _parse_brat, _tally
from storytrace.models import doc_text, parse_text, spacy_pipeline
from storytrace.records import Attribution, Mention, Span
from storytrace.settings import Settings


def attributions(text: str, mentions: tuple[Mention, ...] = ()) -> tuple[Attribution, ...]:
    return find_attributions(spacy_pipeline()(text), "a1", mentions)


def one(text: str, content: str) -> Attribution:
    found = [a for a in attributions(text) if a.content.text == content]
    assert found, [a.content.text for a in attributions(text)]
    return found[0]


def test_quote_before_its_frame() -> None:
    found = one(
        "“We will answer any provocation,” the colonel said on Tuesday.",
        "“We will answer any provocation,”",
    )
    assert found.kind == "direct"
    assert found.source is not None and found.source.text == "the colonel"
    assert found.cue is not None and found.cue.text == "said"


def test_quote_introduced_by_a_colon() -> None:
    text = "Volkhonskyi purportedly stated: “Lessaria will be next.”"
    found = one(text, "“Lessaria will be next.”")
    assert found.cue is not None and "stated" in found.cue.text
    assert found.source is not None and found.source.text == "Volkhonskyi"


def test_quote_continued_after_the_frame() -> None:
    text = "“It is a fake,” he said. “Nobody should believe it.”"
    (found,) = [a for a in attributions(text) if a.kind == "direct"]
    assert found.content.text == text  # the outer extent, frame included (PolNeAR's way)
    assert found.source is not None and found.source.text == "he"


def test_reported_speech_and_a_partial_quote() -> None:
    text = 'The spokeswoman said reports of an attack were "entirely baseless".'
    found = one(text, 'reports of an attack were "entirely baseless"')
    assert found.kind == "mixed"
    assert found.source is not None and found.source.text == "The spokeswoman"


def test_indirect_speech_with_that() -> None:
    text = "The minister denied that the army had been mobilised."
    found = one(text, "that the army had been mobilised")
    assert found.kind == "indirect"
    assert found.cue is not None and found.cue.text == "denied"


def test_according_to() -> None:
    text = "According to the channel, the clip was recorded on 27 February."
    found = one(text, "the clip was recorded on 27 February")
    assert found.source is not None and found.source.text == "the channel"
    assert found.cue is not None and found.cue.text == "According to"


def test_purported_speech_and_unnamed_sources() -> None:
    purported = one(
        "Volkhonskyi is purported to say in the clip that Lessaria will be next.",
        "that Lessaria will be next",
    )
    assert purported.source is not None and purported.source.text == "Volkhonskyi"
    reported = one(
        "It is reported that the deputy was at a private dinner.",
        "that the deputy was at a private dinner",
    )
    assert reported.source is None  # "it" names no one
    sources = one("Sources said the army had been put on alert.", "the army had been put on alert")
    assert sources.source is not None and sources.source.text == "Sources"


def test_a_nested_quote_stays_inside_its_quotation() -> None:
    found = one(
        "“He told me ‘never again’ and left,” she said.", "“He told me ‘never again’ and left,”"
    )
    assert found.kind == "direct"


def test_a_quote_reopened_at_every_paragraph_is_one_content() -> None:
    text = (
        "The translation reads:\n“First paragraph of the quote.\n"
        "“Second paragraph of the quote.\n“Last paragraph.”\nThe story goes on."
    )
    (found,) = [a for a in attributions(text) if a.kind == "direct"]
    assert found.content.text.startswith("“First") and found.content.text.endswith("graph.”")


def test_a_quote_alone_in_its_paragraph_takes_the_speaker_before_it() -> None:
    text = (
        "In the recording, the deputy states that the decision was taken long ago.\n"
        "“Nobody is waiting for permission.”\n"
    )
    found = one(text, "“Nobody is waiting for permission.”")
    assert found.source is not None and found.source.text == "the deputy"
    assert found.cue is None


def test_pronoun_speaker_resolves_to_the_person_quoted_before() -> None:
    text = (
        "Renata Solberg, a researcher, said the clip should be treated with caution.\n"
        "“He is close to people who decide,” she said."
    )
    people = (
        Mention("a1", Span("Renata Solberg", 0, 14), "PERSON", "Renata Solberg"),
        Mention("a1", Span("He", text.index("He is"), text.index("He is") + 2), "PERSON", "Ivo"),
    )
    found = [a for a in attributions(text, people) if a.kind == "direct"]
    assert [a.speaker for a in found] == ["Renata Solberg"]


def test_the_ministry_resolves_to_the_named_ministry() -> None:
    text = (
        "Dravnia's Foreign Ministry issued a statement on Tuesday.\n"
        "The ministry said the reports were false."
    )
    start = text.index("Foreign Ministry")
    ministry = Mention(
        "a1", Span("Foreign Ministry", start, start + 16), "ORG", "Dravnia's Foreign Ministry"
    )
    found = one(text, "the reports were false")
    assert found.speaker is None
    (resolved,) = [
        a for a in attributions(text, (ministry,)) if a.content.text == "the reports were false"
    ]
    assert resolved.speaker == "Dravnia's Foreign Ministry"


def mention(text: str, name: str, label: str = "PERSON") -> Mention:
    start = text.index(name)
    return Mention("a1", Span(name, start, start + len(name)), label, name)


def speaker_of(text: str, cue: str, mentions: tuple[Mention, ...] = ()) -> str | None:
    (found,) = [a for a in attributions(text, mentions) if a.cue is not None and a.cue.text == cue]
    return found.speaker


def test_the_speaker_is_the_head_of_the_source_not_a_name_in_its_modifiers() -> None:
    # a relative clause or an apposition describes the speaker; its names are not the speaker
    text = (
        "Ines Carrow, a former defence attaché who now advises the Aldmere Institute, "
        "said the pattern was clear."
    )
    institute = mention(text, "Aldmere Institute", "ORG")
    assert speaker_of(text, "said", (institute,)) == "Ines Carrow"  # a name the NER missed
    # the last name of the head: the modifiers of an English noun come first
    text = "Dravnia's foreign ministry spokeswoman Irina Tolmach said the reports were false."
    names = (mention(text, "Dravnia", "ORG"), mention(text, "Irina Tolmach", "ORG"))
    assert speaker_of(text, "said", names) == "Irina Tolmach"
    # an apposition that opens with a name names a described speaker, titles and all
    text = "Its spokesman, Col Kasimir Jorvath, said the army was on alert."
    assert speaker_of(text, "said", (mention(text, "Kasimir Jorvath"),)) == "Kasimir Jorvath"
    text = "Lessaria's foreign minister, Helena Stravik, said the matter would be raised."
    names = (mention(text, "Lessaria", "ORG"), mention(text, "Helena Stravik", "ORG"))
    assert speaker_of(text, "said", names) == "Helena Stravik"
    # ... but not a name inside a description of something else
    text = "The clip, first posted by a channel on Telegram, shows a man at a table."
    found = [a for a in attributions(text, (mention(text, "Telegram", "ORG"),))]
    assert all(a.speaker != "Telegram" for a in found)


def test_we_in_the_articles_own_voice_is_no_one_named_before() -> None:
    text = "Black Kite says the file dates from February. We found no evidence for that date."
    kite = mention(text, "Black Kite", "ORG")
    (found,) = [a for a in attributions(text, (kite,)) if a.source and a.source.text == "We"]
    assert found.speaker is None
    # inside a quotation, "we" is the quoted speaker's
    text = "The ministry issued a statement. “We found no trace of the file,” it said."
    ministry = mention(text, "ministry", "ORG")
    quoted = [a for a in attributions(text, (ministry,)) if a.source and a.source.text == "We"]
    assert all(a.speaker == "ministry" for a in quoted)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "The ferry left at six and arrived at nine. Nobody was hurt.",
        "“Quote one.” “Quote two.” “Quote three.”",
        '“Curly and "straight" marks, mixed,” he said, "and one that never closes',
        "He said: “this quote never closes\nand the next paragraph goes on.",
    ],
)
def test_odd_quoting_gives_sensible_output(text: str) -> None:
    for found in attributions(text):
        for span in (found.source, found.cue, found.content):
            if span is not None:
                assert text[span.start : span.end] == span.text


def test_one_unbalanced_mark_loses_no_other_quote() -> None:
    text = "“Opening only, he said.\n“A closed one,” she said.\n“Another,” they said."
    regions = quote_regions(text)
    assert (text.index("“A closed"), text.index(" she")) in regions
    assert len(regions) == 3


def test_ten_thousand_quote_marks_take_bounded_time() -> None:
    text = ('He said "' * 10_000)[:200_000]
    started = time.process_time()
    regions = quote_regions(text)
    attributions(text[:5_000])
    assert len(regions) > 1000
    assert time.process_time() - started < 60  # a guard against quadratic blow-ups


def test_the_scorer_counts_exact_and_overlapping_spans() -> None:
    text = "The minister said the army had been mobilised."
    gold = _parse_brat(
        "T1\tSource 0 12\tThe minister\nT2\tCue 13 17\tsaid\n"
        "T3\tContent 18 46\tthe army had been mobilised.\n"
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
    )
    from storytrace.evaluation.attribution import GoldArticle

    article = GoldArticle("x", text, gold)
    said = [GoldAttribution((4, 12), (13, 17), (18, 45))]
    metrics = {m.name: m.value for m in _tally([article], [said])}
    assert metrics["cue_exact_f1"] == 1.0
    assert metrics["source_exact_f1"] == 0.0 and metrics["source_overlap_f1"] == 1.0
    assert metrics["content_exact_f1"] == 0.0 and metrics["content_overlap_f1"] == 1.0


def test_the_trained_model_and_its_fallback_ship_with_the_package() -> None:
    model = cue_model()
    assert {"said", "told", "says"} <= model.forms
    assert "the" not in model.forms
    assert model.weights and set(model.span_weights) == {"source", "cue", "content"}
    assert Path(__file__).parent.parent.joinpath("scripts", "train_attribution_model.py").exists()


@pytest.mark.parametrize("method", ["model", "lexicon"])
def test_both_cue_methods_find_a_plain_quote(method: str) -> None:
    text = "“The border is not up for discussion,” the minister told reporters."
    doc = spacy_pipeline()(text)
    (found,) = find_attributions(doc, "a1", method=method)
    assert found.cue is not None and found.cue.text == "told"
    assert found.content.text == "“The border is not up for discussion,”"


def test_an_unknown_cue_method_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="attribution_cues"):
        Settings.from_mapping({"attribution_cues": "guess"})


_PIECES = [*"“”\"'‘’«»„:,. \nabcdefghij", "said", "told", " He ", "according to "]
_QUOTEY = st.lists(st.sampled_from(_PIECES), max_size=200).map("".join)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(text=_QUOTEY)
def test_quote_regions_are_ordered_and_inside_their_paragraph(text: str) -> None:
    regions = quote_regions(text)
    limits = [start for start, _ in regions[1:]] + [len(text)]
    for (start, end), limit in zip(regions, limits[: len(regions)], strict=True):
        assert 0 <= start < end <= limit <= len(text)
        assert "\n" not in text[start:end]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(text=_QUOTEY)
def test_any_text_gives_attributions_whose_spans_are_the_text(text: str) -> None:
    for found in attributions(text):
        for span in (found.source, found.cue, found.content):
            if span is not None:
                assert 0 <= span.start < span.end <= len(text)
                assert text[span.start : span.end] == span.text


def test_a_long_run_without_spaces_is_parsed_in_bounded_time_with_offsets_kept() -> None:
    # spaCy's tokenizer is quadratic in a run without white space (90,000 quote marks took
    # eight minutes); the parse blanks such runs and keeps the text and every offset.
    text = "“" * 90_000 + "\nThe minister said “it is over.”"
    started = time.process_time()
    doc = parse_text(text)
    found = find_attributions(doc, "a1")
    assert time.process_time() - started < 30
    assert doc_text(doc) == text and len(doc.text) == len(text)
    assert [a.content.text for a in found] == ["“it is over.”"]


def test_a_doubled_opening_mark_opens_one_quotation() -> None:
    text = 'Here is the report:\n""We have learned something," he said. "And you exemplify it."'
    quoted = [text[start:end] for start, end in quote_regions(text)]
    assert quoted == ['""We have learned something,"', '"And you exemplify it."']


def test_a_long_quote_not_reopened_runs_on_to_its_closing_mark() -> None:
    text = (
        "He wrote a letter:\n"
        "“It has been prosecuted by both. Your statement “puts you at odds with the party.\n"
        "And not on a trivial matter.\n"
        "There are those who think we should pull out.”\n"
        "Steele did not answer."
    )
    quoted = [text[start:end] for start, end in quote_regions(text)]
    assert quoted == [
        "“It has been prosecuted by both. Your statement “puts you at odds with the party.",
        "And not on a trivial matter.",
        "There are those who think we should pull out.”",
    ]
    # a paragraph that opens a quotation of its own ends the run
    opened = text.replace("There are those", "“There are those")
    assert "And not on a trivial matter." not in [opened[a:b] for a, b in quote_regions(opened)]


def test_an_empty_pair_of_marks_does_not_shift_the_quotes_after_it() -> None:
    text = 'left "" blank, he said "we will rebuild the pier soon" today.'
    assert '"we will rebuild the pier soon"' in [text[a:b] for a, b in quote_regions(text)]
