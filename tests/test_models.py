"""The sentence model's wrapper: unit vectors, each distinct text encoded once, exact in
float32 and close to it in bfloat16."""

from __future__ import annotations

import numpy as np
import pytest

from storytrace import models
from storytrace.models import encode_texts


def test_vectors_are_unit_length_and_repeated_texts_share_theirs() -> None:
    texts = ["The ministry denied the report.", "A ferry sank off Carrow.", ""]
    vectors = encode_texts([*texts, texts[0]])
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[3])
    assert encode_texts([]).shape == (0, 384)


def test_bfloat16_stays_a_cosine_away_from_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    sentences = [
        "The defence minister said the neighbouring country would be next.",
        "Officials called the recording a deepfake and a provocation.",
        "Three outlets reported the leak on Monday, citing a Telegram channel.",
    ]
    vectors = {}
    for flag in ("0", "1"):
        monkeypatch.setenv("STORYTRACE_BF16", flag)
        models.bf16_native.cache_clear()
        assert models.bf16_native() is (flag == "1")
        vectors[flag] = encode_texts(sentences)
    models.bf16_native.cache_clear()
    assert float((vectors["0"] * vectors["1"]).sum(axis=1).min()) > 0.999
