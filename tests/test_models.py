"""The sentence model's wrapper: unit vectors, each distinct text encoded once, exact in
float32 and close to it in bfloat16, the same whatever threads or process encode it, and
whatever batch (in float32: within 2e-7)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from storytrace import models
from storytrace.models import encode_texts
from storytrace.runner import worker_pool


def test_vectors_are_unit_length_and_repeated_texts_share_theirs() -> None:
    texts = ["The ministry denied the report.", "A ferry sank off Carrow.", ""]
    vectors = encode_texts([*texts, texts[0]])
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[3])
    assert encode_texts([]).shape == (0, 384)


def test_a_vector_does_not_depend_on_what_it_is_encoded_with() -> None:
    """Runs that group texts differently (a pool, Dask, an incremental run) must give each
    text the same vector, bit for bit, or a pair near a threshold could come out either
    way."""
    texts = [
        "The defence minister said the neighbouring country would be next.",
        "Officials called the recording a deepfake.",
        "Three outlets reported the leak on Monday, citing a Telegram channel that first "
        "posted the clip and later deleted it, according to an archive of the channel.",
        "Rain.",
        "The ministry called the reports entirely baseless and a provocation.",
    ]
    # article leads, cut at the model's limit: bfloat16 where the CPU has it (AMX rounds
    # by how many rows a call holds; this test found it)
    texts += [LEAD.format(n=n) for n in range(7)]
    alone = np.vstack([encode_texts([text]) for text in texts])
    # float32 products may round by the rows of a call on some CPUs (MKL: up to 2e-7);
    # bfloat16 ones (where the CPU has it) must not differ at all
    exact = models.bf16_native()
    count = len(texts)
    for order in (range(count), range(count - 1, -1, -1), [2, 0, 1], [count - 2, count - 1]):
        rows = list(order)
        together = encode_texts([texts[i] for i in rows])
        np.testing.assert_allclose(together, alone[rows], rtol=0, atol=1e-6)
        assert np.array_equal(together, alone[rows]) or not exact


LEAD = (
    "Report {n}. "
    + "The defence minister said in a leaked recording that the neighbouring country would "
    "be next, and the ministry called the reports entirely baseless. " * 12
)


def test_a_vector_does_not_depend_on_how_many_threads_encode_it() -> None:
    """Each call runs on one thread; more threads run more calls at once."""
    torch = pytest.importorskip("torch")
    texts = [f"Report {n}: the ministry said {n} ferries were held at Carrow." for n in range(40)]
    texts += [LEAD.format(n=n) for n in range(20)]
    texts += [f"{'Officials said that ' * n}the ferry sank." for n in range(12)]
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = encode_texts(texts)
        torch.set_num_threads(2)
        two = encode_texts(texts)
    finally:
        torch.set_num_threads(threads)
    assert np.array_equal(one, two)


def test_texts_shared_among_worker_processes_get_the_vectors_encoded_here() -> None:
    places = ["Carrow", "Belgrade", "the capital", "the border", "a Telegram channel"]
    texts = [
        f"{'Officials said that ' * (n % 4)}report {n} from {places[n % 5]} was denied."
        for n in range(2 * models.SHARED_MIN_TEXTS)
    ]
    texts += texts[:10]  # repeated texts, as syndicated copies repeat sentences
    sent: list[int] = []
    with worker_pool(2) as pool:

        def submit(function: Any, texts: list[str]) -> Any:
            sent.append(len(texts))
            return pool.submit(function, texts)

        shared = models.shared_encoder(submit, 2)
        there, here = shared(texts), encode_texts(texts)
        # float32 products may round by the rows of a call (MKL's, on some CPUs: up to 2e-7
        # here), never by more than this; bfloat16 ones not at all
        np.testing.assert_allclose(there, here, rtol=0, atol=1e-6)
        assert np.array_equal(there, here) or not models.bf16_native()
        assert len(sent) == 4 and sum(sent) == 2 * models.SHARED_MIN_TEXTS  # distinct texts
        few = texts[:3]  # encoded here, not shipped
        assert np.array_equal(shared(few), encode_texts(few))
        assert len(sent) == 4


def test_bfloat16_stays_a_cosine_away_from_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    sentences = [
        "The defence minister said the neighbouring country would be next.",
        "Officials called the recording a deepfake and a provocation.",
        LEAD.format(n=1),
        LEAD.format(n=2),
    ]
    vectors = {}
    for flag in ("0", "1"):
        monkeypatch.setenv("STORYTRACE_BF16", flag)
        models.bf16_native.cache_clear()
        assert models.bf16_native() is (flag == "1")
        vectors[flag] = encode_texts(sentences)
    models.bf16_native.cache_clear()
    # every text runs in bfloat16: each vector moves, by little
    for row in range(len(sentences)):
        assert not np.array_equal(vectors["0"][row], vectors["1"][row])
    assert float((vectors["0"] * vectors["1"]).sum(axis=1).min()) > 0.999


def test_jobs_encoded_together_get_their_own_vectors_in_order() -> None:
    """`encode_together` serves many jobs' texts in one call per bulk, sends each job the
    rows of its own texts, keeps the results in job order (a job needing nothing, or asking
    twice, included), and starts no more jobs than a bulk holds before encoding."""
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.array([[float(len(t)), float(t.count("a"))] for t in texts]).reshape(-1, 2)

    def job(texts: list[str], again: list[str] | None = None) -> models.NeedsVectors[list[float]]:
        if not texts:
            return []
        vectors = yield texts
        seen = [float(v[0]) for v in vectors]
        if again:
            seen += [float(v[0]) for v in (yield again)]
        return seen

    jobs = [job(["aa", "b"]), job([]), job(["cccc"], again=["ddddd"]), job(["e" * 7])]
    assert list(models.encode_together(jobs, encode)) == [[2, 1], [], [4, 5], [7]]
    assert calls == [["aa", "b", "cccc", "e" * 7], ["ddddd"]]

    calls.clear()
    jobs = [job(["aa", "b"]), job(["c"]), job(["dd", "e"])]
    assert list(models.encode_together(jobs, encode, bulk=3)) == [[2, 1], [1], [2, 1]]
    assert calls == [["aa", "b", "c"], ["dd", "e"]]
