from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

from storytrace.export import SECTIONS, contract_document, contract_schema, render
from storytrace.runner import run
from storytrace.settings import Settings
from storytrace.store import Store


@pytest.fixture
def filled(corpus: Path, store: Store, settings: Settings) -> Store:
    run([str(corpus)], store, settings)
    return store


def test_json_export_validates_against_the_schema(filled: Store) -> None:
    document = json.loads(render(filled, "json"))
    jsonschema.validate(document, contract_schema())
    assert document["schema"] == "storytrace/1"
    assert len(document["articles"]) == 3
    assert len(document["ledger"]) == 6


def test_the_schema_rejects_a_renamed_field(filled: Store) -> None:
    document = contract_document(filled)
    document["articles"][0]["headline"] = document["articles"][0].pop("title")
    with pytest.raises(jsonschema.ValidationError, match="'title' is a required property"):
        jsonschema.validate(document, contract_schema())


def test_stages_that_have_not_run_leave_their_arrays_empty(filled: Store) -> None:
    document = contract_document(filled)
    for section in (
        "quote_families",
        "claims",
        "denials",
        "discrepancies",
        "provenance",
    ):
        assert document[section] == [], section  # one article per story: nothing to link
    assert all(story["recirculated"] == [] for story in document["stories"])


def test_offsets_and_text_are_the_article_text(filled: Store) -> None:
    article = next(a for a in contract_document(filled)["articles"] if a["title"])
    stored = next(a for a in filled.articles() if a.id == article["id"])
    assert article["text"] == stored.text
    assert article["removed"] == list(stored.removed)


def test_attribution_spans_index_the_article_text(filled: Store) -> None:
    document = contract_document(filled)
    texts = {a["id"]: a["text"] for a in document["articles"]}
    assert document["attributions"], "the fixture corpus quotes people"
    for attribution in document["attributions"]:
        text = texts[attribution["article_id"]]
        for role in ("source", "cue", "content"):
            span = attribution[role]
            if span is not None:
                assert text[span["start"] : span["end"]] == span["text"], role


def test_jsonl_has_one_tagged_record_per_line(filled: Store) -> None:
    lines = [json.loads(line) for line in render(filled, "jsonl").splitlines()]
    document = contract_document(filled)
    assert len(lines) == sum(len(document[section]) for section in SECTIONS)
    assert {"articles", "ledger", "entities", "dates"} <= {line["section"] for line in lines}
    assert set(SECTIONS) >= {line["section"] for line in lines}


def test_csv_has_the_contract_columns(filled: Store) -> None:
    rows = list(csv.DictReader(io.StringIO(render(filled, "csv", "ledger"))))
    assert [r["status"] for r in rows].count("rejected") == 2
    header = render(filled, "csv", "stories").splitlines()[0]
    assert header == "id,title,article_ids,first_reported,recirculated"
    articles = list(csv.DictReader(io.StringIO(render(filled, "csv", "articles"))))
    assert (
        json.loads(articles[0]["removed"])
        == json.loads(render(filled, "json"))["articles"][0]["removed"]
    )
