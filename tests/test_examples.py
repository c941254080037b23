"""The example corpus against its answer key (`examples/README.md`), for every stage built.

Each later stage extends this file with the planted features it must find.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from storytrace.cli import cli
from storytrace.evaluation.families import pairwise_scores
from storytrace.export import contract_schema
from storytrace.records import Quotation, Span
from tests.conftest import REPO

EXAMPLES = REPO / "examples"


def answer_key_articles() -> list[dict[str, str]]:
    """Rows of the `## Articles` table of the answer key."""
    lines = (EXAMPLES / "README.md").read_text(encoding="utf-8").splitlines()
    after_heading = lines[lines.index("## Articles") + 1 :]
    first = next(i for i, line in enumerate(after_heading) if line.startswith("|"))
    table = list(itertools.takewhile(lambda line: line.startswith("|"), after_heading[first:]))
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    rows = []
    for line in table[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("examples")
    db, report = folder / "ex.duckdb", folder / "story.json"
    result = CliRunner().invoke(
        cli, ["run", str(EXAMPLES), "--db", str(db), "--report", str(report), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(report.read_text(encoding="utf-8"))
    return document


def _by_file(document: dict[str, object]) -> dict[str, dict[str, object]]:
    prefix = f"{EXAMPLES}/"
    articles = document["articles"]
    assert isinstance(articles, list)
    return {a["source"].removeprefix(prefix): a for a in articles}


def test_export_validates_and_every_input_is_in_the_ledger(exported: dict[str, object]) -> None:
    jsonschema.validate(exported, contract_schema())
    key = answer_key_articles()
    ledger = exported["ledger"]
    assert isinstance(ledger, list)
    assert len(ledger) == len(key)
    statuses = {e["source"].removeprefix(f"{EXAMPLES}/"): e["status"] for e in ledger}
    for row in key:
        expected = "duplicate" if row["story"].startswith("duplicate-of:") else "accepted"
        assert statuses[row["file"]] == expected, row["file"]


ROWS = [row for row in answer_key_articles() if not row["story"].startswith("duplicate-of:")]


@pytest.mark.parametrize("row", ROWS, ids=[row["file"] for row in ROWS])
def test_titles_outlets_and_dates_match_the_answer_key(
    exported: dict[str, object], row: dict[str, str]
) -> None:
    article = _by_file(exported)[row["file"]]
    assert (article["title"], article["outlet"], article["published"]) == (
        row["title"],
        row["outlet"],
        row["published"],
    )


HTML_BODIES = {
    # file: (first body paragraph starts, last body paragraph starts, in-article furniture)
    "corpus/meridian-herald-leak.html": (
        "A leaked video reportedly shows Andrei Volkhonsky, one of the most outspoken",
        "The episode is the second in four months to rattle Kalvo.",
        ("Also read:",),
    ),
    "corpus/northgate-daily-volkhonsky-recording.html": (
        "KALVO, March 4 (CPA) – Lessaria demanded answers from Dravnia on Tuesday",
        "Relations between the two neighbours have been tense since November,",
        ("Advertisement", "READ MORE:", "(Reporting by Lina Brandt"),
    ),
}


@pytest.mark.parametrize("file", sorted(HTML_BODIES))
def test_html_body_is_whole_and_its_furniture_is_out(
    exported: dict[str, object], file: str
) -> None:
    first, last, furniture = HTML_BODIES[file]
    article = _by_file(exported)[file]
    text = str(article["text"])
    assert first in text and last in text
    assert text.index(first) < text.index(last)
    for line in furniture:
        assert line not in text, line
        assert any(line in block for block in article["removed"]), line  # type: ignore[attr-defined]


def text_dump_key() -> dict[str, dict[str, object]]:
    """Per text dump of the answer key: its furniture lines and first and last body sentence."""
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    key: dict[str, dict[str, object]] = {}
    for section in readme.split("#### ")[1:]:
        file = section.split("\n", 1)[0].strip()
        blocks = section.split("```")
        furniture = blocks[3].strip().splitlines() if len(blocks) > 3 else []
        first = section.split("First body sentence: `", 1)[1].split("`", 1)[0]
        last = section.split("Last body sentence: `", 1)[1].split("`", 1)[0]
        key[file] = {"furniture": furniture, "first": first, "last": last}
    return key


@pytest.mark.parametrize("file", sorted(text_dump_key()))
def test_text_dumps_come_out_clean(exported: dict[str, object], file: str) -> None:
    expected = text_dump_key()[file]
    article = _by_file(exported)[file]
    text, removed = str(article["text"]), list(article["removed"])  # type: ignore[call-overload]
    assert text.startswith(str(expected["first"]))
    assert text.endswith(str(expected["last"]))
    for line in expected["furniture"]:  # type: ignore[attr-defined]
        assert line not in text.splitlines(), line
        assert line in removed, line


@pytest.mark.parametrize(
    "file, expression, resolved",
    [
        ("corpus/cpa-volkhonsky-recording.html", "on Monday", "2025-03-03"),
        ("corpus/civic-lantern-volkhonskyi.txt", "16 November last year", "2024-11-16"),
        ("corpus/kalvo-times-sarkisova-deleted-post.html", "on Saturday", "2024-11-16"),
    ],
)
def test_relative_dates_resolve_for_the_timeline(
    exported: dict[str, object], file: str, expression: str, resolved: str
) -> None:
    article_id = _by_file(exported)[file]["id"]
    dates = exported["dates"]
    assert isinstance(dates, list)
    found = {(d["text"], d["resolved"]) for d in dates if d["article_id"] == article_id}
    assert (expression, resolved) in found


def test_the_three_spellings_come_out_as_one_entity(exported: dict[str, object]) -> None:
    entities = exported["entities"]
    assert isinstance(entities, list)
    spellings = {"Andrei Volkhonsky", "Andrey Volkhonskiy", "Andriy Volkhonskyi"}
    holders = [e for e in entities if spellings & ({e["name"], *e["aliases"]})]
    assert len(holders) == 1
    (person,) = holders
    assert person["type"] == "person"
    assert spellings <= {person["name"], *person["aliases"]}
    assert len(person["article_ids"]) >= 12


def test_demonyms_join_their_country(exported: dict[str, object]) -> None:
    entities = exported["entities"]
    assert isinstance(entities, list)
    places = {e["name"]: set(e["aliases"]) for e in entities if e["type"] == "place"}
    assert "Dravnian" in places["Dravnia"] and "Lessarian" in places["Lessaria"]


def test_the_old_name_of_the_capital_joins_the_new(exported: dict[str, object]) -> None:
    entities = exported["entities"]
    assert isinstance(entities, list)
    (kalvo,) = [e for e in entities if e["name"] == "Kalvo"]
    assert "Kalvograd" in kalvo["aliases"]


def test_stories_come_out_as_the_answer_key_groups_them(exported: dict[str, object]) -> None:
    by_file = _by_file(exported)
    stories = exported["stories"]
    assert isinstance(stories, list)
    expected: dict[str, set[str]] = {}
    for row in ROWS:
        expected.setdefault(row["story"], set()).add(str(by_file[row["file"]]["id"]))
    found = {frozenset(s["article_ids"]) for s in stories}
    assert found == {frozenset(ids) for ids in expected.values()}
    for row in ROWS:
        assert by_file[row["file"]]["story_id"] is not None


def test_the_syndicated_copy_points_to_the_wire_story(exported: dict[str, object]) -> None:
    by_file = _by_file(exported)
    northgate = by_file["corpus/northgate-daily-volkhonsky-recording.html"]
    assert northgate["duplicate_of"] == by_file["corpus/cpa-volkhonsky-recording.html"]["id"]
    assert sum(1 for a in by_file.values() if a["duplicate_of"]) == 1


def test_first_report_is_the_earliest_article(exported: dict[str, object]) -> None:
    by_file = _by_file(exported)
    first = by_file["corpus/kalvo-times-black-kite-recording.html"]
    stories = exported["stories"]
    assert isinstance(stories, list)
    (leak,) = [s for s in stories if first["id"] in s["article_ids"]]
    reported = leak["first_reported"]
    assert (reported["article_id"], reported["date"], reported["same_day"]) == (
        first["id"],
        "2025-03-03",
        [],
    )
    # the channel every article but one names as where the recording appeared first
    named = reported["named_source"]
    assert named["name"] == "Black Kite"
    assert named["article_id"] == first["id"]
    assert first["text"][named["evidence"]["start"] : named["evidence"]["end"]] == "Black Kite"
    assert named["articles"] >= 8


def _edges(document: dict[str, object]) -> dict[tuple[str, str], dict[str, object]]:
    """Provenance edges by (from file, to file)."""
    file_of = {a["id"]: f for f, a in _by_file(document).items()}
    edges = document["provenance"]
    assert isinstance(edges, list)
    return {(file_of[e["from_article_id"]], file_of[e["to_article_id"]]): e for e in edges}


def test_the_wire_reprint_copies_the_wire_story_which_it_names(
    exported: dict[str, object],
) -> None:
    edges = _edges(exported)
    copy = edges[
        ("corpus/northgate-daily-volkhonsky-recording.html", "corpus/cpa-volkhonsky-recording.html")
    ]
    # both are dated 4 March: Northgate's "(CPA)" dateline orders them, not a guess
    assert (copy["relation"], copy["direction"]) == ("copies", "cited")
    assert copy["score"] >= 0.8
    assert copy["evidence"] and all(p["from"]["text"] and p["to"]["text"] for p in copy["evidence"])


def test_the_blog_rewrites_the_meridian_herald_and_recirculates_the_story(
    exported: dict[str, object],
) -> None:
    by_file = _by_file(exported)
    edges = _edges(exported)
    blog, source = "corpus/truth-signal-blog-breaking.html", "corpus/meridian-herald-leak.html"
    rewrite = edges[(blog, source)]
    assert (rewrite["relation"], rewrite["direction"]) == ("rewrites", "dated")
    # the evidence is what the key lists: the private dinner, the crude fake...
    shared = " ".join(p["from"]["text"] + " " + p["to"]["text"] for p in rewrite["evidence"])
    assert "Black Kite" in shared or "private dinner" in shared
    # its only edge: the blog draws on the Meridian Herald alone
    assert [pair for pair in edges if pair[0] == blog] == [(blog, source)]
    stories = exported["stories"]
    assert isinstance(stories, list)
    recirculated = [r for s in stories for r in s["recirculated"]]
    assert [r["article_id"] for r in recirculated] == [by_file[blog]["id"]]
    (repost,) = recirculated
    assert repost["lag_days"] == 164  # 3 March to 14 August 2025
    assert "BREAKING" in repost["cues"]
    assert repost["new_facts"] <= 0.2


def test_show_lists_what_each_article_draws_on(tmp_path: Path) -> None:
    db = tmp_path / "show.duckdb"
    corpus = [
        str(EXAMPLES / "corpus" / name)
        for name in (
            "meridian-herald-leak.html",
            "truth-signal-blog-breaking.html",
            "kalvo-times-black-kite-recording.html",
        )
    ]
    assert CliRunner().invoke(cli, ["run", *corpus, "--db", str(db), "--quiet"]).exit_code == 0
    listed = CliRunner().invoke(cli, ["stories", "--db", str(db), "--json"])
    (story,) = [s for s in json.loads(listed.output) if len(s["article_ids"]) == 3]
    shown = CliRunner().invoke(cli, ["show", story["id"], "--db", str(db), "--json"])
    articles = {a["outlet"]: a for a in json.loads(shown.output)["articles"]}
    blog = articles["Truth Signal"]
    assert [d["relation"] for d in blog["draws_on"]] == ["rewrites"]
    assert blog["draws_on"][0]["article_id"] == articles["Meridian Herald"]["id"]
    assert blog["recirculated_after_days"] == 164
    table = CliRunner().invoke(cli, ["show", story["id"], "--db", str(db)])
    assert "recirculated" in table.output and "164" in table.output  # cells wrap in the table
    assert "origin named by the articles: Black Kite" in table.output


def test_quote_families_match_the_answer_key(exported: dict[str, object]) -> None:
    """Pairwise over quotations against tests/data/families/example-corpus-gold.json."""
    by_file = _by_file(exported)
    gold = json.loads((REPO / "tests/data/families/example-corpus-gold.json").read_text("utf-8"))

    def locate(quote: dict[str, str]) -> tuple[str, int, int]:
        article = by_file[quote["file"]]
        start = str(article["text"]).index(quote["excerpt"])
        return (str(article["id"]), start, start + len(quote["excerpt"]))

    groups = [[locate(q) for q in family["quotes"]] for family in gold["families"]]
    excluded = [locate(q) for q in gold["excluded"]]
    families = exported["quote_families"]
    assert isinstance(families, list)
    predicted = [
        [
            Quotation(q["article_id"], Span(q["text"], q["start"], q["end"]))
            for variant in family["variants"]
            for q in variant["quotations"]
        ]
        for family in families
    ]
    scores = {m.name: m.value for m in pairwise_scores(predicted, groups, excluded)}
    assert scores["family_precision"] >= 0.85 and scores["family_recall"] >= 0.85, scores


def test_the_reworded_quote_is_one_family_with_its_mutations(exported: dict[str, object]) -> None:
    by_file = _by_file(exported)
    first = by_file["corpus/kalvo-times-black-kite-recording.html"]
    families = exported["quote_families"]
    assert isinstance(families, list)
    (family,) = [f for f in families if f["canonical"].startswith("There is already a decision")]
    assert family["first_seen"] == {"article_id": first["id"], "date": "2025-03-03"}
    assert family["speaker"] in {"Andrei Volkhonsky", "Andrey Volkhonskiy", "Andriy Volkhonskyi"}
    changes = {v["text"]: {c["kind"] for c in v["changes"]} for v in family["variants"]}
    assert (
        "hedge_added"
        in changes["There is already a decision on Lessaria. It will probably be next."]
    )
    assert "reworded" in changes["There is already a solution regarding Lessaria. It will be next."]
    assert changes["it will be next"] == {"truncated"}
    assert changes["There is a decision on Lessaria. It will be next."] == {"words_dropped"}
    carriers = {a for v in family["variants"] for a in v["article_ids"]}
    assert len(carriers) >= 12  # every article of the leak that quotes the recording
    # the attributions of the quote point to their family
    cpa = by_file["corpus/cpa-volkhonsky-recording.html"]["id"]
    attributions = exported["attributions"]
    assert isinstance(attributions, list)
    assert any(a["family_id"] == family["id"] for a in attributions if a["article_id"] == cpa)


def test_the_planted_disagreements_are_flagged(exported: dict[str, object]) -> None:
    """The key's discrepancies: audio or video, intercepted or shared in a committee, 14 or
    40 seconds, recorded 27 February or 1 March, each value with the articles that give it
    and their sentence."""
    file_of = {a["id"]: f for f, a in _by_file(exported).items()}
    found = exported["discrepancies"]
    assert isinstance(found, list)
    sides = {
        (d["aspect"], d["key"]): {
            v["value"]: {file_of[a] for a in v["article_ids"]} for v in d["values"]
        }
        for d in found
    }
    medium = sides[("medium", "material")]
    assert {
        "corpus/kalvo-times-black-kite-recording.html",
        "corpus/riverside-post-lessaria-next.txt",
    } <= medium["audio"]
    assert {"corpus/meridian-herald-leak.html", "corpus/truth-signal-blog-breaking.html"} <= medium[
        "video"
    ]
    length = sides[("number", "second material")]
    assert {
        "corpus/kalvo-times-black-kite-recording.html",
        "corpus/cpa-volkhonsky-recording.html",
    } <= length["14"]
    assert {
        "corpus/meridian-herald-leak.html",
        "corpus/frontier-ledger-transcript.html",
        "corpus/truth-signal-blog-breaking.html",
    } <= length["40"]
    recorded = sides[("date", "recorded")]
    assert "corpus/kalvo-times-black-kite-recording.html" in recorded["2025-02-27"]
    assert "corpus/eastwatch-review-analysis.html" in recorded["2025-03-01"]
    how = sides[("acquisition", "material")]
    assert {
        "corpus/kalvo-times-black-kite-recording.html",
        "corpus/lbs-defence-ministry-warning.html",
    } <= how["intercepted"]
    assert how["shared in a committee or group chat"] == {"corpus/eastwatch-review-analysis.html"}
    assert len(found) == 4  # and nothing else in the corpus disagrees
    for discrepancy in found:
        for value in discrepancy["values"]:
            for evidence in value["evidence"]:
                text = _by_file(exported)[file_of[evidence["article_id"]]]["text"]
                assert text[evidence["start"] : evidence["end"]] == evidence["text"]


def test_denials_name_their_denier(exported: dict[str, object]) -> None:
    by_file = _by_file(exported)
    entities = {e["id"]: e for e in exported["entities"]}  # type: ignore[attr-defined]
    denials = exported["denials"]
    assert isinstance(denials, list)

    def of(file: str) -> list[dict[str, object]]:
        return [d for d in denials if d["article_id"] == by_file[file]["id"]]

    deepfake = [d for d in of("corpus/dravnia-today-denial.html") if "deepfake" in str(d["target"])]
    assert deepfake and all(
        "Volkhonsk" in entities[str(d["denier_entity_id"])]["name"] for d in deepfake
    )
    baseless = [
        d for d in of("corpus/cpa-volkhonsky-recording.html") if "baseless" in str(d["target"])
    ]
    assert [d["denier"] for d in baseless] == ["Irina Tolmach"]
    context = of("corpus/kalvo-times-sarkisova-deleted-post.html")
    assert any("taken out of context" in str(d["target"]) for d in context)


def test_claims_carry_stances_and_count_independent_origins(exported: dict[str, object]) -> None:
    by_file = _by_file(exported)
    claims = exported["claims"]
    assert isinstance(claims, list)
    meridian = by_file["corpus/meridian-herald-leak.html"]["id"]
    blog = by_file["corpus/truth-signal-blog-breaking.html"]["id"]
    cpa = by_file["corpus/cpa-volkhonsky-recording.html"]["id"]
    northgate = by_file["corpus/northgate-daily-volkhonsky-recording.html"]["id"]
    # the recording's claim: the claim most articles carry
    recording = max(claims, key=lambda c: len(c["stances"]))
    stances = {s["article_id"]: s for s in recording["stances"]}
    assert stances[meridian]["stance"] == "hedged" and "reportedly" in stances[meridian]["cues"]
    assert stances[blog]["stance"] == "asserted"  # presented as established fact
    # copies and rewrites collapse: fewer origins than carrying articles
    assert recording["independent_sources"] < len(recording["stances"])
    origin_of = {a: n for n, o in enumerate(recording["origins"]) for a in o["article_ids"]}
    assert origin_of[cpa] == origin_of[northgate] and origin_of[blog] == origin_of[meridian]
    for stance in recording["stances"]:
        text = next(a["text"] for a in by_file.values() if a["id"] == stance["article_id"])
        assert (
            text[stance["evidence"]["start"] : stance["evidence"]["end"]]
            == stance["evidence"]["text"]
        )


def test_the_fact_check_cites_the_first_report(exported: dict[str, object]) -> None:
    cite = _edges(exported)[
        ("corpus/verity-desk-factcheck.html", "corpus/kalvo-times-black-kite-recording.html")
    ]
    assert (cite["relation"], cite["direction"]) == ("cites", "dated")
    assert cite["evidence"][0]["from"]["text"] == "Kalvo Times"


def test_provenance_never_points_forward_in_time(exported: dict[str, object]) -> None:
    published = {a["id"]: a["published"] for a in _by_file(exported).values()}
    edges = exported["provenance"]
    assert isinstance(edges, list) and edges
    for edge in edges:
        later, earlier = published[edge["from_article_id"]], published[edge["to_article_id"]]
        if edge["direction"] == "dated":
            assert later > earlier
        else:
            assert later == earlier


def test_the_timeline_counts_articles_per_day_and_outlet(exported: dict[str, object]) -> None:
    by_file = _by_file(exported)
    first = by_file["corpus/kalvo-times-black-kite-recording.html"]
    stories = exported["stories"]
    assert isinstance(stories, list)
    (leak,) = [s for s in stories if first["id"] in s["article_ids"]]
    timeline = leak["timeline"]
    assert timeline[0] == {
        "date": "2025-03-03",
        "outlet": "Kalvo Times",
        "article_ids": [first["id"]],
    }
    assert [row["date"] for row in timeline] == sorted(row["date"] for row in timeline)
    assert sum(len(row["article_ids"]) for row in timeline) == len(leak["article_ids"])
    assert {"date": "2025-08-14", "outlet": "Truth Signal"} in [
        {"date": row["date"], "outlet": row["outlet"]} for row in timeline
    ]
    # denials on the day they were made: Dravnia Today's "on Tuesday" is 4 March
    denial_of = {d["id"]: d for d in exported["denials"]}  # type: ignore[attr-defined]
    today = by_file["corpus/dravnia-today-denial.html"]["id"]
    placed = [m for m in leak["markers"] if m["kind"] == "denial" and m["article_id"] == today]
    assert placed and all(m["date"] == "2025-03-04" for m in placed)
    assert all(m["id"] in denial_of for m in leak["markers"])


def _attributions_of(document: dict[str, object], file: str) -> list[dict[str, object]]:
    article = _by_file(document)[file]
    found = document["attributions"]
    assert isinstance(found, list)
    return [a for a in found if a["article_id"] == article["id"]]


def _entity_names(document: dict[str, object], entity_id: object) -> set[str]:
    entities = document["entities"]
    assert isinstance(entities, list)
    entity = next(e for e in entities if e["id"] == entity_id)
    return {entity["name"], *entity["aliases"]}


def _quoting(
    document: dict[str, object], file: str, words: str, cue: str = ""
) -> dict[str, object]:
    """The attribution in `file` whose content holds `words` (and whose cue holds `cue`)."""
    found = [
        a
        for a in _attributions_of(document, file)
        if words in a["content"]["text"] and cue in (a["cue"] or {"text": ""})["text"]
    ]
    assert found, f"no attribution in {file} quotes {words!r}"
    return found[0]


@pytest.mark.parametrize(
    ("file", "words", "cue", "kind"),
    [
        ("corpus/eastwatch-review-analysis.html", "“Lessaria will be next.”", "stated", "direct"),
        ("corpus/meridian-herald-leak.html", "everything is already in place", "", "direct"),
        # reported speech inside an "according to" attribution: both are found
        (
            "corpus/dravnia-today-denial.html",
            "decision on Lessaria had already",
            "said",
            "indirect",
        ),
        ("corpus/verity-desk-factcheck.html", "a provocation and a deepfake", "called", "mixed"),
    ],
)
def test_the_recording_and_the_denial_are_attributed_to_the_deputy(
    exported: dict[str, object], file: str, words: str, cue: str, kind: str
) -> None:
    found = _quoting(exported, file, words, cue)
    assert found["kind"] == kind
    assert "Andrei Volkhonsky" in _entity_names(exported, found["speaker_entity_id"])


@pytest.mark.parametrize(
    ("file", "words", "speaker"),
    [
        # `"We regard these words …," he said.`: the pronoun resolves to the colonel
        ("corpus/cpa-volkhonsky-recording.html", "We regard these words", "Kasimir Jorvath"),
        ("corpus/cpa-volkhonsky-recording.html", '"entirely baseless"', "Irina Tolmach"),
        # `“Volkhonsky is not a decision-maker …,” she said.`: not the deputy it names
        ("corpus/meridian-herald-leak.html", "is not a decision-maker", "Solberg"),
        ("corpus/lbs-defence-ministry-warning.html", "Words like these", "Kasimir Jorvath"),
    ],
)
def test_other_speakers_come_out_right(
    exported: dict[str, object], file: str, words: str, speaker: str
) -> None:
    found = _quoting(exported, file, words)
    assert any(speaker in name for name in _entity_names(exported, found["speaker_entity_id"]))


def test_the_quote_reopened_at_each_paragraph_is_one_quotation(
    exported: dict[str, object],
) -> None:
    found = _quoting(exported, "corpus/frontier-ledger-transcript.html", "Look, I’ll tell you")
    content = found["content"]["text"]
    assert content.startswith("“Look") and content.endswith("talk about borders.”")
    assert found["kind"] == "direct"


def test_a_second_run_adds_articles_to_the_stories_of_the_first(
    tmp_path: Path, exported: dict[str, object]
) -> None:
    """Half the corpus, then all of it into the same store: the stories come out as one
    run over everything gives them (the second run links incrementally)."""
    db, report = tmp_path / "grown.duckdb", tmp_path / "grown.json"
    files = sorted(p for p in (EXAMPLES / "corpus").iterdir() if p.is_file())
    first = [str(p) for p in files[: len(files) // 2]]
    assert CliRunner().invoke(cli, ["run", *first, "--db", str(db), "--quiet"]).exit_code == 0
    result = CliRunner().invoke(
        cli, ["run", str(EXAMPLES), "--db", str(db), "--report", str(report), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    grown = json.loads(report.read_text(encoding="utf-8"))

    def groups(document: dict[str, object]) -> set[frozenset[str]]:
        by_id = {a["id"]: a["source"] for a in document["articles"]}  # type: ignore[attr-defined]
        stories = document["stories"]
        assert isinstance(stories, list)
        return {frozenset(by_id[a] for a in s["article_ids"]) for s in stories}

    assert groups(grown) == groups(exported)


def _events(document: dict[str, object]) -> list[dict[str, Any]]:
    by_id = {a["id"]: a["source"].rsplit("/", 1)[-1] for a in document["articles"]}
    return [{**e, "file": by_id[e["article_id"]]} for e in document["events"]]


def test_the_demand_threat_and_denial_are_events_between_lessaria_and_dravnia(
    exported: dict[str, object],
) -> None:
    """Answer key, Events: Lessaria demands answers of Dravnia (4 March), its defence
    ministry warns "any provocation will be answered decisively", Volkhonsky denies."""
    events = _events(exported)

    def find(code: str, source: str, target: str, file: str) -> dict[str, Any]:
        found = [
            e
            for e in events
            if (e["code"], e["source_country"], e["target_country"], e["file"])
            == (code, source, target, file)
        ]
        assert found, (code, source, target, file)
        return found[0]

    demand = find("DEMAND", "Lessaria", "Dravnia", "cpa-volkhonsky-recording.html")
    assert demand["date"] == "2025-03-04" and demand["copy_of"] is None
    assert "demanded" in demand["trigger"]["text"]
    # the wire reprint reports the same act: counted once, pointing to the wire story
    reprint = find("DEMAND", "Lessaria", "Dravnia", "northgate-daily-volkhonsky-recording.html")
    assert reprint["copy_of"] == demand["id"]
    threat = find("THREATEN", "Lessaria", "Dravnia", "global-dispatch-24-volkhonskiy.txt")
    assert "warned" in threat["trigger"]["text"] and "Jorvath" in threat["source_actor"]
    denial = find("REJECT", "Dravnia", "Lessaria", "cpa-volkhonsky-recording.html")
    assert denial["source_actor"] == "Volkhonsky"
    pair = exported["escalation"][0]
    assert pair["countries"] == ["Dravnia", "Lessaria"]
    counted = {r["event_id"] for r in pair["events"]}
    assert demand["id"] in counted and reprint["id"] not in counted
    assert threat["id"] in counted and denial["id"] in counted
    assert pair["mean_intensity"] < 0  # a crisis: demands, threats and denials
