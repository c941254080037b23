"""The attribution span tagger: its decoding, its inputs, and the shipped weights at work."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from spacy.tokens import DocBin

from storytrace.attribution_model import cue_model, inside_quote
from storytrace.attribution_tagger import (
    CHUNK,
    TaggedRoles,
    attribution_tagger,
    categorical_features,
    chunk_starts,
    decode,
    path_extents,
    role_labels,
    viterbi,
    word_extents,
)
from storytrace.attributions import (
    SURE_CUE,
    _Found,
    _surely_said,
    _tagged_first,
    find_attributions,
    quote_regions,
    tag_documents,
)
from storytrace.models import spacy_pipeline


def _allowed(path: tuple[int, ...]) -> bool:
    return all(not (a == 0 and b == 2) for a, b in itertools.pairwise(path)) and (
        not path or path[0] != 2
    )


def test_viterbi_is_the_best_path_that_never_puts_inside_after_outside() -> None:
    rng = np.random.default_rng(7)
    for length in range(1, 7):
        for _ in range(20):
            log_probs = np.log(rng.dirichlet([1.0, 1.0, 1.0], size=length)).tolist()
            best = max(
                (p for p in itertools.product(range(3), repeat=length) if _allowed(p)),
                key=lambda p: sum(log_probs[i][label] for i, label in enumerate(p)),
            )
            path = viterbi(log_probs)
            assert _allowed(tuple(path))
            score = sum(log_probs[i][label] for i, label in enumerate(path))
            wanted = sum(log_probs[i][label] for i, label in enumerate(best))
            assert math.isclose(score, wanted, abs_tol=1e-9)
    assert viterbi([]) == []


def test_decode_gives_the_viterbi_path_with_its_loop_where_needed() -> None:
    rng = np.random.default_rng(11)
    looped = 0
    for trial in range(400):
        # long enough for a path to split into several stretches decoded apart
        log_probs = np.log(rng.dirichlet([0.3, 0.3, 0.3], size=int(rng.integers(1, 60))))
        if trial % 2:
            log_probs[:, 0] += 4.0  # mostly O, as most words are: the greedy path is allowed
        greedy = log_probs.argmax(-1).tolist()
        looped += not _allowed(tuple(greedy))
        assert decode(log_probs) == viterbi(log_probs.tolist())
    assert min(looped, 400 - looped) > 20  # both ways were taken, many times


def test_labels_become_extents_of_whole_words() -> None:
    doc = spacy_pipeline()("Officials said the plan was dead.")
    # Officials / said / the / plan / was / dead / .
    words = word_extents(doc)
    assert words == [(t.idx, t.idx + len(t)) for t in doc]
    extents = path_extents(words, [0, 1, 0, 1, 2, 2, 0])
    assert [doc.text[s:e] for s, e in extents] == ["said", "plan was dead"]
    assert path_extents(words, [1, 2, 2, 2, 2, 2, 2]) == [(0, len(doc.text))]


def test_gold_spans_become_labels_and_the_longer_of_nested_spans_wins() -> None:
    text = 'She said "they told us the deal was off" on Monday.'
    doc = spacy_pipeline()(text)
    outer = (text.index('"they'), text.index(" on Monday"))
    inner = (text.index("the deal"), text.index('" on'))
    said = (text.index("said"), text.index("said") + 4)
    labels = role_labels(doc, [[(0, 3)], [said], [inner, outer]])
    words = [t.text for t in doc]
    assert [w for w, label in zip(words, labels[0], strict=True) if label] == ["She"]
    assert [w for w, label in zip(words, labels[1], strict=True) if label] == ["said"]
    content = [(w, int(label)) for w, label in zip(words, labels[2], strict=True) if label]
    assert content[0] == ('"', 1) and all(label == 2 for _, label in content[1:])
    assert [w for w, _ in content][-1] == '"' and "deal" in [w for w, _ in content]
    assert path_extents(word_extents(doc), labels[2].tolist()) == [outer]


def test_chunks_cover_the_document_without_padding() -> None:
    for length in (0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17):
        starts = chunk_starts(length)
        width = min(CHUNK, length)
        covered = set()
        for start in starts:
            assert start >= 0 and start + width <= length
            covered.update(range(start, start + width))
        assert covered == set(range(length))
        if length > CHUNK:
            assert starts[-1] + CHUNK == length


def test_features_mark_quoted_words_and_number_unseen_categories_zero() -> None:
    text = 'The minister said: "We are ready, and we will act." Nobody replied.'
    doc = spacy_pipeline()(text)
    regions = quote_regions(text)
    grown: list[dict[str, int]] = [{} for _ in range(6)]
    rows = categorical_features(doc, regions, grown, grow=True)
    assert all(grown), "training adds every category it meets"
    for token, row in zip(doc, rows, strict=True):
        marked = inside_quote(regions, token.idx) or token.text == '"'
        assert row[8] == int(marked), token.text
        assert row[10] == max(-6, min(6, token.head.i - token.i)) + 6
    empty: list[dict[str, int]] = [{} for _ in range(6)]
    unseen = categorical_features(doc, regions, empty, grow=False)
    assert not unseen[:, :6].any() and not any(empty)
    assert (unseen[:, 6:] == rows[:, 6:]).all()


def test_the_shipped_tagger_finds_a_plain_attribution() -> None:
    tagger = attribution_tagger()
    assert tagger is not None, "attribution_tagger.pt ships with the package"
    text = "The defence minister said that the army would withdraw from the border."
    doc = spacy_pipeline()(text)
    assert tagger.fits(doc)
    tagged = tagger.tag(doc, quote_regions(text))
    assert [text[s:e] for s, e in tagged.cue] == ["said"]
    assert [text[s:e] for s, e in tagged.source] == ["The defence minister"]
    assert [text[s:e] for s, e in tagged.content] == [
        "that the army would withdraw from the border"
    ]


def test_a_doc_without_its_vectors_falls_back_to_the_rules() -> None:
    nlp = spacy_pipeline()
    text = "“We will answer any provocation,” the colonel said on Tuesday."
    parsed = nlp(text)
    stored = DocBin(attrs=["ORTH", "TAG", "POS", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE"])
    stored.add(parsed)
    reread = next(iter(DocBin().from_bytes(stored.to_bytes()).get_docs(nlp.vocab)))
    tagger = attribution_tagger()
    assert tagger is not None and not tagger.fits(reread)
    found = find_attributions(reread, "a1", method="tagger")
    assert [a.cue.text for a in found if a.cue] == ["said"]


def test_docs_tagged_as_one_batch_are_tagged_as_each_alone() -> None:
    # sequences of different lengths share a batch (padded), and a long Doc's sequences
    # overlap: neither may change what any Doc's own pass finds
    nlp = spacy_pipeline()
    said = (
        "The defence minister said that the army would withdraw. “We will answer any "
        "provocation,” the colonel said on Tuesday. According to the ministry, the talks "
        "failed. "
    )
    texts = [said, "", "Nothing was said.", said * 30, said * 3, "No one spoke."]
    docs = list(nlp.pipe(texts))
    assert len(docs[3]) > 2 * CHUNK
    tagger = attribution_tagger()
    assert tagger is not None
    regions = [quote_regions(text) for text in texts]
    together = tagger.tag_many(docs, regions)
    for doc, quoted, roles in zip(docs, regions, together, strict=True):
        alone = tagger.tag(doc, quoted)
        assert (roles.source, roles.cue, roles.content) == (alone.source, alone.cue, alone.content)
        assert np.allclose(roles.content_confidence, alone.content_confidence, atol=1e-4)
    assert len(together[3].cue) >= 60 and together[1] == TaggedRoles((), (), ())
    # the parse stage's way in: a Doc the tagger does not fit gets None, the others their
    # roles; the rules alone tag nothing
    stored = DocBin(attrs=["ORTH", "TAG", "POS", "HEAD", "DEP"])
    stored.add(docs[0])
    reread = next(iter(DocBin().from_bytes(stored.to_bytes()).get_docs(nlp.vocab)))
    first, none, last = tag_documents([docs[0], reread, docs[4]])
    assert none is None and first is not None and last is not None
    assert first.cue == together[0].cue and last.content == together[4].content
    assert tag_documents(docs[:2], "model") == [None, None]
    assert find_attributions(docs[0], "a1", tagged=first) == find_attributions(docs[0], "a1")


def test_the_default_takes_the_tagged_edges_and_the_rules_alone_do_not_tag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "The defence minister said that the army would withdraw from the border."
    doc = spacy_pipeline()(text)
    (tagged,) = find_attributions(doc, "a1")
    assert tagged.content.text == "that the army would withdraw from the border"
    assert tagged.source is not None and tagged.source.text == "The defence minister"

    def refuse() -> None:
        raise AssertionError("the rules alone must not load the tagger")

    monkeypatch.setattr("storytrace.attributions.attribution_tagger", refuse)
    for method in ("model", "lexicon"):
        (plain,) = find_attributions(doc, "a1", method=method)
        assert plain.cue is not None and plain.cue.text == "said"


def test_a_content_is_one_cues_and_a_frame_is_not_what_was_said() -> None:
    nlp = spacy_pipeline()
    text = (
        "In Vedrin, foreign ministry spokeswoman Irina Tolmach said reports that Dravnia was "
        'preparing any action against Lessaria were "entirely baseless" and accused Kalvo of '
        '"whipping up hysteria over an anonymous audio file".'
    )
    found = find_attributions(nlp(text), "a1", method="tagger")
    baseless = [a for a in found if "baseless" in a.content.text]
    assert len(baseless) == 1  # not once more for `accused`, a cue inside or after it
    text = "“He told me ‘never again’ and left,” she said."
    (quote,) = find_attributions(nlp(text), "a1", method="tagger")
    assert quote.content.text == "“He told me ‘never again’ and left,”"
    assert quote.source is not None and quote.source.text == "she"


@pytest.mark.parametrize("text", ["", "   ", "\n\n", '"' * 500, "said " * 900])
def test_degenerate_texts_tag_without_error(text: str) -> None:
    tagger = attribution_tagger()
    assert tagger is not None
    doc = spacy_pipeline()(text)
    tagged = tagger.tag(doc, quote_regions(text))
    for extents in (tagged.source, tagged.cue, tagged.content):
        assert all(0 <= s < e <= len(text) for s, e in extents)


def test_the_tagger_method_keeps_the_rules_frame_of_the_quotations_they_read() -> None:
    nlp = spacy_pipeline()
    text = "“We will answer any provocation,” the colonel said on Tuesday."
    (found,) = find_attributions(nlp(text), "a1", method="tagger")
    assert found.content.text == "“We will answer any provocation,”"
    assert found.cue is not None and found.cue.text == "said"
    assert found.source is not None and found.source.text == "the colonel"
    text = (
        "The translation reads:\n“First paragraph of the quote.\n"
        "“Second paragraph of the quote.\n“Last paragraph.”\nThe story goes on."
    )
    (quote,) = find_attributions(nlp(text), "a1", method="tagger")
    assert quote.kind == "direct"
    assert quote.content.text.startswith("“First") and quote.content.text.endswith("graph.”")


def _extent(text: str, part: str) -> tuple[int, int]:
    return (text.index(part), text.index(part) + len(part))


def test_the_join_takes_the_rules_speaker_where_the_tagger_tagged_none() -> None:
    text = "Volkhonskiy on Tuesday dismissed the recording as a fake."
    source, cue = _extent(text, "Volkhonskiy"), _extent(text, "dismissed")
    content = _extent(text, "the recording as a fake")
    ruled = [_Found(source, cue, content)]
    (found,) = _tagged_first(text, TaggedRoles((), (cue,), (content,)), ruled, [])
    assert found == _Found(source, cue, content)
    # a speaker inside what was said is not taken
    text = "The minister is expected to resign."
    whole = (0, len(text) - 1)
    inner = _Found(_extent(text, "The minister"), _extent(text, "is expected"), whole)
    tagged = TaggedRoles((), (_extent(text, "is expected"),), (whole,))
    assert _tagged_first(text, tagged, [inner], []) == [inner]  # the rules' reading instead


def test_a_tagged_cue_takes_no_content_or_source_from_another_sentence() -> None:
    text = "The ministry called the reports “baseless”. Neither has addressed the demand."
    starts = [text.index("Neither")]
    cue, content = _extent(text, "has addressed"), _extent(text, "the reports “baseless”")
    tagged = TaggedRoles((_extent(text, "Neither"),), (cue,), (content,))
    assert _tagged_first(text, tagged, [], [], (), starts) == []
    assert _tagged_first(text, tagged, [], []) != []  # without sentences, as before
    # a quotation may stand in the sentence before its frame's
    text = "“It will be next.” The deputy said this in a closed meeting."
    starts = [text.index("The deputy")]
    source, cue, quote = (_extent(text, p) for p in ("The deputy", "said", "“It will be next.”"))
    tagged = TaggedRoles((source,), (cue,), (quote,))
    regions = [quote]
    assert _tagged_first(text, tagged, [], regions, (), starts) == [_Found(source, cue, quote)]
    # and a source of another sentence is not taken either
    text = "Officials met on Monday. The clip, aired later, claimed the talks had failed."
    starts = [text.index("The clip")]
    cue, content = _extent(text, "claimed"), _extent(text, "the talks had failed")
    tagged = TaggedRoles((_extent(text, "Officials"),), (cue,), (content,))
    (found,) = _tagged_first(text, tagged, [], [], (), starts)
    assert found.source is None


def test_the_rules_keep_a_cue_the_tagger_missed_when_the_cue_model_is_sure_of_it() -> None:
    text = "The minister said the talks had failed. The river flooded the town."
    doc = spacy_pipeline()(text)
    said = _Found(
        _extent(text, "The minister"), _extent(text, "said"), _extent(text, "the talks had failed")
    )
    flooded = _Found(
        _extent(text, "The river"), _extent(text, "flooded"), _extent(text, "the town")
    )
    assert cue_model().cue_probability(doc, doc[2], []) >= SURE_CUE  # "said"
    assert _surely_said(doc, [], [said, flooded], []) == [said]  # "flooded": far from sure
    # nothing the join kept is read twice: not its cue, not its content
    kept = _Found(None, None, _extent(text, "talks had failed"))
    assert _surely_said(doc, [], [said], [kept]) == []
    assert _surely_said(doc, [], [said], [_Found(None, _extent(text, "said"), (0, 3))]) == []


def test_tagged_spans_stop_at_paragraphs_and_a_content_opening_with_its_frame_is_not_taken() -> (
    None
):
    nlp = spacy_pipeline()
    text = (
        "Lessaria keeps army on alert, demands Dravnia disavow Volkhonskyi remarks\n"
        "Published 5 March 2025, 10:17\n"
        "Lessaria’s armed forces will remain on heightened readiness until Dravnia gives a clear "
        "answer about remarks attributed to State Assembly deputy Andriy Volkhonskyi, the "
        "defence ministry said on Wednesday."
    )
    found = find_attributions(nlp(text), "a1", method="tagger")
    assert found and all("\n" not in a.content.text for a in found)
    text = (
        "Lessaria's foreign minister, Helena Stravik, is expected to raise the issue at the "
        "Continental Security Council later this month."
    )
    for said in find_attributions(nlp(text), "a1", method="tagger"):
        assert said.source is None or not (
            said.content.start <= said.source.start and said.source.end <= said.content.end
        )


def test_a_content_the_tagger_is_unsure_of_is_left_to_the_rules() -> None:
    text = "The minister said on Tuesday that the talks had failed."
    cue = _extent(text, "said")
    ruled = _Found(_extent(text, "The minister"), cue, _extent(text, "that the talks had failed"))
    tagged = _extent(text, "on Tuesday that the talks had failed")
    for confidence, wanted in (
        ((0.3, 1.0), ruled.content),
        ((0.9, 0.5), ruled.content),
        ((0.9, 0.9), tagged),
    ):
        roles = TaggedRoles((), (cue,), (tagged,), (confidence,))
        (found,) = _tagged_first(text, roles, [ruled], [])
        assert found.content == wanted and found.source == ruled.source
    doc = spacy_pipeline()(text)
    tagger = attribution_tagger()
    assert tagger is not None
    roles = tagger.tag(doc, [])
    assert len(roles.content_confidence) == len(roles.content)
    assert all(0.0 <= c <= 1.0 for pair in roles.content_confidence for c in pair)


def test_a_transcripts_lines_keep_their_speaker_labels() -> None:
    text = (
        "Transcript of the interview.\nTAPPER: Do you think the recording is real?\n"
        "VOLKHONSKY: It is a fake, made by people who want a war.\nTAPPER: Will you sue?\n"
        "VOLKHONSKY: We will see."
    )
    found = find_attributions(spacy_pipeline()(text), "a1")
    assert [(a.source.text if a.source else None, a.content.text) for a in found] == [
        ("TAPPER", "Do you think the recording is real?"),
        ("VOLKHONSKY", "It is a fake, made by people who want a war"),
        ("TAPPER", "Will you sue?"),
        ("VOLKHONSKY", "We will see"),
    ]
