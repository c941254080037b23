"""Stances, hedges, claims, denials and independent origins on text written here."""

from __future__ import annotations

import numpy as np

from storytrace.claims import claims
from storytrace.hedging import hedge_cues, is_hedged, uncertainty
from storytrace.provenance import ProvenanceIndex
from storytrace.records import (
    Article,
    Attribution,
    Entity,
    ProvenanceEdge,
    Span,
    Story,
)
from storytrace.stance import denial_cues, stance


def test_stances_of_sentences() -> None:
    assert stance("The pier was closed on Friday after the crash.").stance == "asserted"
    hedged = stance("The mayor reportedly ordered the pier closed.")
    assert (hedged.stance, hedged.cues) == ("hedged", ("reportedly",))
    assert stance("According to a Telegram channel, the pier was closed.").stance == "attributed"
    denied = stance("The mayor dismissed the reports as entirely baseless.")
    assert denied.stance == "denied" and "baseless" in denied.cues
    assert stance("There is no evidence the pier was closed.").stance == "disputed"
    # a claim that itself says "not" does not make its repetition a denial
    claim = "The mayor did not close the pier"
    assert stance("Mayor did not close the pier, officials confirm", claim).stance != "disputed"
    assert stance("BREAKING: the pier is closed").stance == "asserted"


def test_headline_stances() -> None:
    claim = "The mayor closed the pier"
    # who says it, named before the colon or after a dash
    said = stance("Officials: mayor closes the pier", claim)
    assert (said.stance, said.cues) == ("attributed", ("Officials",))
    assert stance("Mayor closes pier \u2013 source", claim).stance == "attributed"
    assert stance("Pictured: the mayor closes the pier", claim).stance == "asserted"
    assert stance("Mayor closes the pier, angering an ex-official", claim).stance == "asserted"
    # a question anywhere, not only at the end, leaves the claim open
    assert stance("Pier closed? Mayor acts after the crash", claim).stance == "hedged"
    # a verb that denies only when its object is a report
    slammed = stance("Mayor slams rumours he closed the pier", claim)
    assert slammed.stance == "denied" and "slams rumours" in slammed.cues
    assert stance("Mayor slams council over pier closure", claim).stance == "asserted"
    # a negation under "may", or in an idiom, denies nothing; a plain one does
    assert stance("Pier may never reopen after mayor closes it", claim).stance == "hedged"
    assert stance("Mayor has no idea who closed the pier", claim).stance == "asserted"
    assert stance("Mayor did not close the pier", claim).stance == "disputed"
    assert stance("There is no doubt the mayor closed the pier", claim).stance == "asserted"
    kept_open = "The mayor keeps the pier open"
    assert stance("Mayor no longer keeps the pier open", kept_open).stance == "disputed"
    # "dispute" is too often a noun to deny by itself
    assert stance("Mayor closes pier amid a border dispute", claim).stance == "asserted"
    assert stance("Council disputes reports the mayor closed the pier", claim).stance == "denied"
    # a claim that is itself a statement is asserted by a text reporting that statement;
    # a further source attributes it
    statement = "The mayor said the pier is closed"
    assert stance("Mayor says pier is closed", statement).stance == "asserted"
    assert stance("Mayor says pier is closed", claim).stance == "attributed"
    assert stance("Mayor says pier is closed, officials say", statement).stance == "attributed"


def test_body_sentences_keep_their_stance() -> None:
    """Phrases the headline cues are part of in an article's sentences."""
    assert stance("The delegation was made up of senior military officers.").stance == "asserted"
    assert stance("The story was made up, the ministry said.").stance == "denied"
    assert stance("Two blasts followed reports of drone activity.").stance == "attributed"
    assert stance("The border dispute claims dozens of lives every year.").stance != "denied"
    assert stance("The court found beyond reasonable doubt that he ordered it.").stance == (
        "asserted"
    )
    assert stance("The ministry urged a ceasefire as soon as possible.").stance == "asserted"
    assert stance("The message from Kyiv was clear: trust the experts.").stance == "asserted"
    assert stance("The minister replied 'Why not?' and left the room.").stance != "hedged"


def test_hedges_are_found_and_weighed() -> None:
    sentence = "The clip was allegedly recorded at a dinner, and it may be fake."
    assert [cue.text for cue in hedge_cues(sentence)] == ["allegedly", "may"]
    assert is_hedged("Some critics believe the decision was probably wrong.")
    assert not is_hedged("The council approved the budget on Tuesday by nine votes to two.")
    assert 0.0 <= uncertainty("The pier was closed.") < 0.5


def article(key: str, text: str, published: str = "2025-05-02") -> Article:
    return Article(
        id=f"a{key}", source=key, text=text, content_hash=key, published=published, outlet=key
    )


def encoder(texts: list[str]) -> np.ndarray:
    """Sentences about the pier closing point one way, the rest another."""
    rows = [[1.0, 0.0] if "pier" in t and "closed" in t else [0.0, 1.0] for t in texts]
    return np.asarray(rows, dtype=np.float32)


def test_a_claim_gathers_its_articles_and_counts_its_origins() -> None:
    texts = {
        "1": "Port Vell's northern pier was closed on Friday by the harbour authority.",
        "2": "Port Vell's northern pier was reportedly closed on Friday by the harbour authority.",
        "3": "According to Harbour Radio, Port Vell's northern pier was closed on Friday.",
        "4": "Harbour Radio said Port Vell's northern pier was closed on Friday afternoon.",
    }
    members = [article(k, t) for k, t in texts.items()]
    story = Story("s", "pier", tuple(a.id for a in members))
    # article 2 rewrites article 1; articles 3 and 4 both give Harbour Radio's word
    edges = (ProvenanceEdge("s", "a2", "a1", "rewrites", 0.5, "unknown", ()),)
    said = [
        Attribution(
            "t3",
            "a3",
            Span("Harbour Radio", 13, 26),
            None,
            Span(texts["3"][28:], 28, len(texts["3"])),
            "indirect",
            "Harbour Radio",
        ),
        Attribution(
            "t4",
            "a4",
            Span("Harbour Radio", 0, 13),
            Span("said", 14, 18),
            Span(texts["4"][19:], 19, len(texts["4"])),
            "indirect",
            "Harbour Radio",
        ),
    ]
    index = claims(members, [story], said, ProvenanceIndex(edges, (), ()), [], {}, encoder)
    (claim,) = index.claims
    assert {s.article_id: s.stance for s in claim.stances} == {
        "a1": "asserted",
        "a2": "hedged",
        "a3": "attributed",
        "a4": "attributed",
    }
    assert claim.independent_sources == 2
    assert sorted(sorted(o.article_ids) for o in claim.origins) == [["a1", "a2"], ["a3", "a4"]]


def test_a_denial_names_its_denier_and_what_is_denied() -> None:
    text = "Ada Pell dismissed the reports as entirely baseless on Monday."
    denying = Attribution(
        "t1",
        "a1",
        Span("Ada Pell", 0, 8),
        Span("dismissed", 9, 18),
        Span("the reports as entirely baseless", 19, 51),
        "indirect",
        "Ada Pell",
    )
    index = claims(
        [article("1", text)],
        [],
        [denying],
        ProvenanceIndex((), (), ()),
        [Entity("e1", "Ada Pell", "person", (), ("a1",))],
        {("a1", "Ada Pell"): "e1"},
        encoder,
    )
    (denial,) = index.denials
    assert (denial.denier, denial.denier_entity_id) == ("Ada Pell", "e1")
    assert denial.target == "the reports as entirely baseless"
    assert text[denial.evidence.start : denial.evidence.end] == denial.evidence.text


def test_a_negated_or_possible_denial_denies_nothing() -> None:
    assert denial_cues("The service has neither confirmed nor denied the report.") == []
    assert denial_cues("The clip should be treated with caution but not dismissed.") == []
    assert denial_cues("The ministry refused to deny that talks took place.") == []
    assert stance("Individually, each of these could be dismissed.").stance == "hedged"
    # not confirming is a hedge, not a denial, with or without the claim
    unconfirmed = "The service has neither confirmed nor denied that it intercepted the message."
    assert stance(unconfirmed).stance == "hedged"
    claim = "Police arrested the mayor"
    assert stance("Police have not confirmed the arrest of the mayor", claim).stance == "hedged"
    assert stance("Police did not arrest the mayor", claim).stance == "disputed"
    assert stance("Reuters could not independently verify the footage.").stance == "hedged"
    # only the words just before the denial word govern it
    assert denial_cues("Nobody in the ministry believes the fake story.") == ["fake"]
    # what the speaker was told is someone else's denial
    assert denial_cues("We were told it was a mistake. Now we are told it is a fake.") == []
    assert denial_cues("We were told so. It is a fake.") == ["fake"]
    assert stance("It is not true, the ministry said.").stance == "denied"
    # a cue read with the words before it in the article
    text = "The service has neither confirmed nor denied that it intercepted the message."
    cue = text.index("denied")
    not_denying = Attribution(
        "t1",
        "a1",
        Span("The service", 0, 11),
        Span("denied", cue, cue + 6),
        Span("that it intercepted the message", cue + 7, len(text) - 1),
        "indirect",
        "The service",
    )
    index = claims(
        [article("1", text)], [], [not_denying], ProvenanceIndex((), (), ()), [], {}, encoder
    )
    assert index.denials == ()


def test_a_denial_in_the_articles_own_voice_is_its_outlets() -> None:
    text = 'We found no evidence that the pier closed. "We deny it," the mayor said.'
    ours = Attribution(
        "t1", "adesk", Span("We", 0, 2), Span("found", 3, 8), Span(text[9:41], 9, 41), "indirect"
    )
    quoted = text.index('"We')
    theirs = Attribution(
        "t2",
        "adesk",
        Span("We", quoted + 1, quoted + 3),
        Span("deny", quoted + 4, quoted + 8),
        Span("it", quoted + 9, quoted + 11),
        "indirect",
    )
    index = claims(
        [article("desk", text)], [], [ours, theirs], ProvenanceIndex((), (), ()), [], {}, encoder
    )
    assert sorted(d.denier or "" for d in index.denials) == ["We", "desk"]


def test_only_sentences_with_a_partner_in_another_article_are_encoded() -> None:
    """The word test comes before the vectors: the pairs are those an all-pairs comparison
    of the vectors gives, and a sentence sharing no two content words with a sentence of
    another article is never encoded."""
    from storytrace.claims import _close_pairs, _similar_pairs
    from storytrace.models import encode_together
    from storytrace.reuse import content_words

    sentences = [
        ("1", "Port Vell's northern pier was closed on Friday by the harbour authority."),
        ("1", "The harbour authority of Port Vell said 40 boats were moved."),
        ("2", "Port Vell's northern pier was closed on Friday, Harbour Radio said."),
        ("2", "Forty boats were moved by the Port Vell harbour authority."),
        ("3", "Rain fell across Aldmere for 3 days without a break."),
        ("3", "The northern pier was closed on Friday at Port Vell."),
    ]
    units = [(article(key, text), Span(text, 0, len(text))) for key, text in sentences]
    words = [set(content_words(span.text)) for _, span in units]
    encoded: list[str] = []

    def counting(texts: list[str]) -> np.ndarray:
        encoded.extend(texts)
        return encoder(texts)

    (pairs,) = encode_together([_similar_pairs(units, words)], counting)
    every = [
        (i, j)
        for i, j in _close_pairs(encoder([span.text for _, span in units]))
        if units[i][0].id != units[j][0].id and len(words[i] & words[j]) >= 2
    ]
    assert pairs == every == [(0, 2), (0, 5), (1, 3), (2, 5)]
    assert sentences[4][1] not in encoded  # the rain shares no words with the others
    assert len(encoded) == 5
