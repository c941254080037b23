"""Provenance on articles written here: copies, rewrites, citations, their direction, the
named origin of a story, and recirculation."""

from __future__ import annotations

from storytrace.provenance import (
    named_origin,
    outlet_names,
    provenance,
    recirculations,
    story_edges,
)
from storytrace.records import Article, DateMention, NearCopy, Span, Story
from storytrace.reuse import Text, alignment, containment, idf_weights, relation
from storytrace.settings import Settings

REPORT = (
    "The harbour authority of Porto Vell closed the northern pier on Friday after a crane "
    "collapsed onto a cargo ship. Two dock workers were injured and taken to the city "
    "hospital, the authority said. Inspectors from the transport ministry arrived in the "
    "afternoon to examine the crane, which was installed in 2009. The pier will stay closed "
    "until the inspection ends, a spokeswoman for the port, Ines Marlow, told reporters."
)
REWRITE = (
    "A crane came down on a cargo vessel at Porto Vell's northern pier on Friday, and the "
    "harbour authority shut the pier. Two dock workers suffered injuries and went to the "
    "city hospital. Transport ministry inspectors examined the 2009 crane in the afternoon. "
    "Port spokeswoman Ines Marlow said the pier stays shut until inspectors finish."
)
OTHER = (
    "Farmers in the Velna valley expect a record apple harvest this autumn after a mild "
    "spring. Cooperatives have hired extra pickers from neighbouring towns, and prices at "
    "the regional market have already fallen. The agriculture office warned that storage "
    "space could run short by October."
)


def article(
    key: str,
    text: str,
    published: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
) -> Article:
    return Article(
        id=f"a{key}",
        source=f"{key}.html",
        text=text,
        content_hash=key,
        outlet=outlet or f"Outlet {key}",
        published=published,
        url=url,
    )


def idf_of(*articles: Article) -> dict[str, float]:
    return idf_weights(a.text for a in articles)


def test_the_measures_tell_a_copy_a_rewrite_and_another_text_apart() -> None:
    report, rewrite, other = Text.of(REPORT), Text.of(REWRITE), Text.of(OTHER)
    idf = idf_weights([REPORT, REWRITE, OTHER])
    assert containment(report, report) == 1.0
    assert relation(containment(report, report), alignment(report, report, idf)) == "copies"
    aligned = alignment(rewrite, report, idf)
    assert containment(rewrite, report) < 0.6 and aligned.score >= 0.5
    assert relation(containment(rewrite, report), aligned) == "rewrites"
    # the evidence pairs sentences in order, each span inside its own text
    assert [pair[0].start for pair in aligned.pairs] == sorted(p[0].start for p in aligned.pairs)
    unrelated = alignment(other, report, idf)
    assert relation(containment(other, report), unrelated) is None


def test_order_matters_to_a_rewrite() -> None:
    sentences = [s.strip() + "." for s in REWRITE.split(". ") if s.strip()]
    shuffled = " ".join(reversed(sentences))
    idf = idf_weights([REPORT, shuffled])
    in_order = alignment(Text.of(REWRITE), Text.of(REPORT), idf).score
    reversed_order = alignment(Text.of(shuffled), Text.of(REPORT), idf).score
    assert reversed_order < in_order


def test_edges_point_from_the_later_article_with_their_evidence() -> None:
    first = article("1", REPORT, "2025-05-02")
    second = article("2", REWRITE, "2025-05-03")
    third = article("3", OTHER, "2025-05-03")
    edges = story_edges("s", [second, third, first], {}, idf_of(first, second, third))
    assert [(e.from_article_id, e.to_article_id, e.relation, e.direction) for e in edges] == [
        ("a2", "a1", "rewrites", "dated")
    ]
    for passage in edges[0].evidence:
        assert passage.earlier is not None
        assert second.text[passage.later.start : passage.later.end] == passage.later.text
        assert first.text[passage.earlier.start : passage.earlier.end] == passage.earlier.text


def test_without_dates_the_direction_is_unknown() -> None:
    first, second = article("1", REPORT), article("2", REWRITE, "2025-05-03")
    idf = idf_of(first, second, article("3", OTHER))  # the stage's idf: over every article
    (edge,) = story_edges("s", [first, second], {}, idf)
    assert edge.relation == "rewrites" and edge.direction == "unknown"


def test_on_the_same_day_a_citation_orders_the_pair() -> None:
    wire = article("1", REPORT, "2025-05-02", outlet="Coastal Press Agency")
    reprint_text = "PORTO VELL, May 2 (CPA) - " + REPORT.replace("Friday", "Friday morning")
    reprint = article("2", reprint_text, "2025-05-02", outlet="Harbour Gazette")
    assert "CPA" in outlet_names(wire)
    # the near-copy group may list them the other way round: the citation turns it
    copies = {wire.id: NearCopy(wire.id, reprint.id, 0.9)}
    (edge,) = story_edges("s", [wire, reprint], copies, idf_of(wire, reprint))
    assert (edge.from_article_id, edge.to_article_id) == ("a2", "a1")
    assert (edge.relation, edge.direction) == ("copies", "cited")


def test_a_named_outlet_is_a_citation_and_an_own_name_is_not() -> None:
    first = article(
        "1", OTHER, "2025-05-01", outlet="Valley Courier", url="https://courier.example/a"
    )
    citing = article(
        "2",
        "The Valley Courier reported the harvest first. Valley Courier staff were told so. "
        "Our own reporters at the Town Ledger confirmed it.",
        "2025-05-04",
        outlet="Town Ledger",
    )
    edges = story_edges("s", [first, citing], {}, idf_of(first, citing))
    assert [(e.from_article_id, e.to_article_id, e.relation) for e in edges] == [
        ("a2", "a1", "cites")
    ]
    assert edges[0].evidence[0].later.text == "Valley Courier"


def test_ten_thousand_copies_are_compared_through_their_original() -> None:
    original = article("0", REPORT, "2025-05-01")
    copies = [article(str(n), REPORT + f" Update {n}.", "2025-05-02") for n in range(1, 2001)]
    near = {c.id: NearCopy(c.id, original.id, 0.95) for c in copies}
    edges = story_edges("s", [original, *copies], near, idf_of(original))
    assert len(edges) == len(copies)
    assert {e.to_article_id for e in edges} == {original.id}
    assert {e.relation for e in edges} == {"copies"}


def test_the_named_origin_is_the_source_most_articles_name() -> None:
    members = [
        article("1", "The video was first posted by the Telegram channel Grey Heron on Monday."),
        article("2", "It was shared by Grey Heron, an anonymous account, and by Valley users."),
        article("3", "The clip was published by the agency Nordpress, officials said."),
        article("4", "Screenshots were widely shared by Lessarian users before it vanished."),
    ]
    origin = named_origin("s", members)
    assert origin is not None
    assert (origin.name, origin.article_id, origin.articles) == ("Grey Heron", "a1", 2)
    assert members[0].text[origin.span.start : origin.span.end] == "Grey Heron"


def test_a_late_repost_presented_as_new_is_recirculated() -> None:
    first = article("1", REPORT, "2025-05-02")
    late = article(
        "2",
        "BREAKING: " + REWRITE + " Share this right now.",
        "2025-09-20",
    )
    found = recirculations("s", [first, late], {}, threshold_days=30)
    assert [(r.article_id, r.lag_days) for r in found] == [("a2", 141)]
    assert "BREAKING" in found[0].cues and "right now" in found[0].cues
    # within the threshold it is ordinary follow-up coverage
    assert recirculations("s", [first, late], {}, threshold_days=200) == []


def test_a_late_article_that_dates_the_story_or_adds_facts_is_not_recirculated() -> None:
    first = article("1", REPORT, "2025-05-02")
    framed = article("2", "Earlier this year, " + REWRITE, "2025-09-20")
    assert recirculations("s", [first, framed], {}, 30) == []
    dated = article("3", REWRITE, "2025-09-20")
    mention = DateMention("a3", Span("in May", 0, 6), "2025-05", "month")
    assert recirculations("s", [first, dated], {"a3": [mention]}, 30) == []
    assert [r.article_id for r in recirculations("s", [first, dated], {"a3": []}, 30)] == ["a3"]
    news = article(
        "4",
        REWRITE + " On Tuesday Governor Alma Rhee ordered Santos Cranes to pay 40,000 euros "
        "to Bruno Kessel and Dana Ortiz.",
        "2025-09-20",
    )
    assert recirculations("s", [first, news], {}, 30) == []


def test_the_stage_runs_over_every_story() -> None:
    first = article("1", REPORT, "2025-05-02", outlet="Harbour Gazette")
    second = article("2", REWRITE, "2025-05-03", outlet="Port Times")
    lone = article("3", OTHER, "2025-05-03")
    stories = [Story("s1", "crane", ("a1", "a2")), Story("s2", "apples", ("a3",))]
    index = provenance([first, second, lone], stories, [], [], Settings())
    assert [(e.story_id, e.relation) for e in index.edges] == [("s1", "rewrites")]
    assert index.origins == () and index.recirculations == ()


def test_a_wire_story_carried_by_many_outlets_is_traced_to_it() -> None:
    wire = article("0", REPORT, "2025-05-01")
    carriers = [
        article(str(n), f"Local desk {n} adds its own opening line here. " + REPORT, "2025-05-02")
        for n in range(1, 25)
    ]
    edges = story_edges("s", [wire, *carriers], {}, idf_of(wire, *carriers, article("x", OTHER)))
    assert {e.from_article_id for e in edges} == {c.id for c in carriers}
    assert {(e.to_article_id, e.relation) for e in edges} == {("a0", "copies")}
