"""pos_rules: spaCy's attribute rules for the coarse part of speech, applied with numpy.

`en_core_web_sm`'s tagger predicts fine tags (`VBZ`, `NNP`); its attribute ruler then
turns them into coarse ones (`VERB`, `PROPN`) with 179 token patterns (a tag map and
exceptions: "that" as a relative pronoun, auxiliaries by dependency label, ...), and sets
morphology and a few lemmas on the way. That ruler took 15 % of the pipeline's time on
news articles: its matcher tries every pattern on every token in Python-level loops and
it writes morphology strings that nothing here reads. This component reads the same
patterns from the loaded model and applies those that set a part of speech, a tag or a
dependency label as array operations over the whole document, in the ruler's order (a
later pattern wins, as in spaCy); morphology and lemmas are left unset (the lemmatizer is
not loaded either). A model whose patterns use anything else keeps spaCy's ruler.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

NAME = "storytrace_pos_rules"
READ = ("TAG", "LOWER", "DEP", "IS_SPACE")  # what patterns may test, as columns of to_array
SET = ("POS", "TAG", "DEP")  # what a kept pattern may set

Test = Callable[[np.ndarray], np.ndarray]  # column of one attribute -> which tokens pass


@dataclass(frozen=True, slots=True)
class Rule:
    tokens: tuple[tuple[tuple[int, Test], ...], ...]  # per pattern token: (column, test)
    index: int  # which token of a match takes the attributes
    attrs: tuple[tuple[str, str], ...]


class PosRules:
    """A spaCy pipeline component: the part-of-speech rules of an attribute ruler."""

    def __init__(self, rules: Sequence[Rule], vocab: Any) -> None:
        self.rules = tuple(rules)
        self.strings = vocab.strings

    def __call__(self, doc: Any) -> Any:
        if not len(doc):
            return doc
        columns = doc.to_array(list(READ)).astype(np.uint64)
        pos = doc.to_array("POS").astype(np.uint64)
        others: list[tuple[int, str, str]] = []  # (token, attribute, value) for TAG and DEP
        for rule in self.rules:
            starts = _matches(rule, columns)
            if not len(starts):
                continue
            at = starts + (rule.index if rule.index >= 0 else len(rule.tokens) + rule.index)
            for name, value in rule.attrs:
                if name == "POS":
                    pos[at] = self.strings[value]
                else:
                    others += [(int(i), name, value) for i in at]
        doc.from_array(["POS"], pos.reshape(-1, 1))
        for i, name, value in others:
            setattr(doc[i], name.lower() + "_", value)
        return doc


def _matches(rule: Rule, columns: np.ndarray) -> np.ndarray:
    """Start positions of the tokens where `rule`'s pattern matches."""
    length = len(rule.tokens)
    count = len(columns) - length + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    passed = np.ones(count, dtype=bool)
    for offset, tests in enumerate(rule.tokens):
        window = columns[offset : offset + count]
        for column, test in tests:
            passed &= test(window[:, column])
    return np.flatnonzero(passed)


def rules_of(patterns: Sequence[dict[str, Any]], strings: Any) -> list[Rule] | None:
    """The ruler's `patterns` that set a part of speech, tag or dependency label as `Rule`s,
    in order; None if one of them tests or sets something this module does not do."""
    rules = []
    for entry in patterns:
        attrs = tuple((k, v) for k, v in entry["attrs"].items() if k in SET)
        if not attrs:
            continue  # morphology and lemmas only: nothing here reads them
        if any(k not in (*SET, "MORPH", "LEMMA") for k in entry["attrs"]):
            return None
        for pattern in entry["patterns"]:
            tokens = []
            for spec in pattern:
                tests = []
                for key, wanted in spec.items():
                    test = _test(key, wanted, strings)
                    if test is None:
                        return None
                    tests.append(test)
                tokens.append(tuple(tests))
            rules.append(Rule(tuple(tokens), int(entry.get("index", 0)), attrs))
    return rules


def _test(key: str, wanted: Any, strings: Any) -> tuple[int, Test] | None:
    if key not in READ:
        return None
    column = READ.index(key)
    if key == "IS_SPACE":
        if not isinstance(wanted, bool):
            return None
        return column, lambda values: values == int(wanted)
    if isinstance(wanted, str):
        value = np.uint64(strings.add(wanted))
        return column, lambda values: values == value
    if isinstance(wanted, dict) and len(wanted) == 1:
        ((operator, listed),) = wanted.items()
        # the empty string stands for "unset", whose value in an array is 0
        values = np.array([strings.add(v) if v else 0 for v in listed], dtype=np.uint64)
        if operator == "IN":
            return column, lambda column_values: np.isin(column_values, values)
        if operator == "NOT_IN":
            return column, lambda column_values: ~np.isin(column_values, values)
    return None


def use_pos_rules(nlp: Any) -> None:
    """Put `PosRules` in place of `nlp`'s attribute ruler, where its patterns allow."""
    from spacy.language import Language

    if "attribute_ruler" not in nlp.pipe_names:
        return
    if rules_of(nlp.get_pipe("attribute_ruler").patterns, nlp.vocab.strings) is None:
        return
    if not Language.has_factory(NAME):
        Language.factory(NAME, func=_from_the_ruler)
    nlp.add_pipe(NAME, after="attribute_ruler")
    nlp.remove_pipe("attribute_ruler")


def _from_the_ruler(nlp: Any, name: str) -> PosRules:
    """spaCy's factory: the rules of the attribute ruler `nlp` holds when it is called."""
    rules = rules_of(nlp.get_pipe("attribute_ruler").patterns, nlp.vocab.strings)
    assert rules is not None  # checked by `use_pos_rules`
    return PosRules(rules, nlp.vocab)
