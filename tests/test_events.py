"""The event coder on sentences the team wrote (none from the scored PLOVER set)."""

from __future__ import annotations

import time

import pytest

from storytrace import countries
from storytrace.escalation import escalation, pair_timelines
from storytrace.events import Coding, base_form, code_sentence, events_in
from storytrace.mentions import mentions_in
from storytrace.models import parse_text
from storytrace.records import Article, Story


def _first(text: str) -> Coding | None:
    doc = parse_text(text)
    found = [c for sentence in doc.sents for c in code_sentence(sentence)]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("sentence", "code", "source", "target"),
    [
        ("Norway threatened to cut off gas supplies to Poland.", "THREATEN", "NOR", "POL"),
        ("Chilean officials rejected the proposal from Peru.", "REJECT", "CHL", "PER"),
        ("The Kenyan government accused Uganda of arming the rebels.", "DISAPPROVE", "KEN", "UGA"),
        ("Japan sent food aid to North Korea on Monday.", "AID", "JPN", "PRK"),
        ("Thousands of Greek workers staged a strike in Athens.", "PROTEST", "GRC", "GRC"),
        ("Mexican police arrested four Guatemalan smugglers.", "COERCE", "MEX", "GTM"),
        ("Brazil and Argentina held talks on the trade dispute.", "CONSULT", "BRA", None),
        ("Canada expelled two Russian diplomats.", "SANCTION", "CAN", "RUS"),
        ("The United Nations demanded that Sudan open its border.", "DEMAND", "IGO", "SDN"),
        ("Egypt said Libya must stop the attacks.", "DEMAND", "EGY", "LBY"),
        ("Syrian troops shelled Turkish villages near the border.", "FIGHT", "SYR", "TUR"),
        ("Gunmen in Nigeria kidnapped three Italian engineers.", "ASSAULT", "NGA", "ITA"),
    ],
)
def test_sentences_code_to_their_category_and_countries(
    sentence: str, code: str, source: str, target: str | None
) -> None:
    coding = _first(sentence)
    assert coding is not None
    assert coding.code == code
    assert coding.source_country == source
    if target is not None:
        assert coding.target_country == target


def test_announced_cooperation_is_intent_and_announced_hostility_a_threat() -> None:
    visit = _first("Spain will visit Morocco next week.")
    assert visit is not None and (visit.code, visit.mode) == ("AGREE", "consult")
    assert visit.hypothetical
    boycott = _first("Iran said it would boycott the Olympic games in Australia.")
    assert boycott is not None and boycott.code == "THREATEN"
    assert boycott.source_country == "IRN"  # "it" is the speaker


def test_a_refused_cooperation_is_a_rejection_and_negation_is_kept() -> None:
    refused = _first("Serbia would not meet the demands of the European Union.")
    assert refused is not None and refused.code == "REJECT"
    negated = _first("Ghana did not criticize Togo.")
    assert negated is not None and negated.code == "DISAPPROVE" and negated.negated


def test_the_passive_agent_acts_and_a_thing_is_no_actor() -> None:
    attacked = _first("Kurdish villagers were attacked by Iraqi soldiers.")
    assert attacked is not None and attacked.code == "FIGHT"
    assert (attacked.source_country, attacked.target_country) == ("IRQ", "IRQ")
    # a recording that "captures" someone does not fight anyone
    assert _first("The clip captures the minister at a dinner.") is None


def test_governing_verbs_decide() -> None:
    threat = _first("Moldova threatened to ban the Russian broadcaster.")
    assert threat is not None and threat.code == "THREATEN"
    agreed = _first("The rebels agreed to release the hostages.")
    assert agreed is not None and agreed.code == "AGREE"


def test_verb_forms_come_back_to_the_lexicon() -> None:
    assert [base_form(w) for w in ("threatened", "banned", "denies", "fought", "urging")] == [
        "threaten",
        "ban",
        "deny",
        "fight",
        "urge",
    ]


def test_the_gazetteer_knows_names_demonyms_capitals_and_organisations() -> None:
    found = countries.find("Beirut and the U.N. heard Hezbollah; Chilean and US envoys met.")
    assert [(m.text, m.code) for m in found] == [
        ("Beirut", "LBN"),
        ("U.N.", "IGO"),
        ("Hezbollah", "LBN"),
        ("Chilean", "CHL"),
        ("US", "USA"),
    ]
    # a country word inside a person's name is not the country
    coding = _first("Chad Morgan criticized the mayor of Boston.")
    assert coding is None or coding.source_country != "TCD"


@pytest.mark.parametrize(
    "text",
    [
        "Protests in the capital.",
        "Talks, talks and more talks",
        "Threats! " * 200,
        "x " * 3000,
        "The The The of of of to to to.",
    ],
)
def test_odd_sentences_finish_quickly(text: str) -> None:
    started = time.monotonic()
    doc = parse_text(text)
    for sentence in doc.sents:
        code_sentence(sentence)
    assert time.monotonic() - started < 30  # a loop bound, not a speed measure


def test_invented_countries_are_known_by_their_demonym_and_linked_across_articles() -> None:
    texts = {
        "a1": "Vornland demanded an explanation from Estrovia on Monday. "
        "A Vornlandish diplomat said the Estrovian note was late.",
        "a2": "Vornland demanded an explanation from Estrovia on Monday, Vornlandish radio said. "
        "Estrovian officials were silent.",
    }
    articles, events, mentions = [], [], []
    for article_id, text in texts.items():
        article = Article(
            id=article_id,
            source=article_id,
            text=text,
            content_hash=article_id,
            published="2025-06-03",
        )
        doc = parse_text(text)
        found = mentions_in(doc, article)
        articles.append(article)
        mentions += found
        events += events_in(doc, article_id, found)
    demands = [e for e in events if e.code == "DEMAND"]
    assert [(e.source_country, e.target_country) for e in demands] == [
        ("Vornland", "Estrovia"),
        ("Vornland", "Estrovia"),
    ]
    links = escalation(articles, [Story("s1", "t", ("a1", "a2"))], events, mentions, [], {}, [])
    counted = [
        link for link in links if link.copy_of is None and link.event_id in {e.id for e in demands}
    ]
    assert len(counted) == 1  # two reports of one act
    timeline = pair_timelines(events, links)
    assert timeline[0]["countries"] == ["Estrovia", "Vornland"]
    assert timeline[0]["events"][0]["copies"] == 1


def test_an_event_stays_in_its_paragraph() -> None:
    # a headline, its standfirst and byline, which the parser may run into the first
    # sentence: no actor phrase or evidence reaches across the line breaks
    text = (
        "Norway protests after minister's deleted post\n"
        "Oslo hands note to ambassador as Stockholm says remarks were out of context\n"
        "Anna Berg Diplomatic correspondent\n"
        "Norway handed a formal note of protest to Sweden's ambassador on Monday."
    )
    events = events_in(parse_text(text), "a1", ())
    assert events
    for event in events:
        for span in (event.trigger, event.source, event.target, event.evidence):
            assert span is None or (
                "\n" not in span.text and text[span.start : span.end] == span.text
            )
