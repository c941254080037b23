"""Fit the attribution span tagger (`storytrace.attribution_tagger`) on PolNeAR train.

Parses every article of `../shared/data/attribution/polnear/train` with the pipeline's
spaCy model, labels each word B/I/O for the gold source, cue and content spans, and fits
the BiLSTM tagger (torch, CPU) on sequences of `CHUNK` words for a fixed number of epochs
with a cosine learning-rate schedule. `--holdout N` keeps the last N training articles out
and prints their exact span F1 after every epoch (how the epochs and sizes were chosen);
the artefact is written only when no article is held out. Only the training split is read:
the scorer (`storytrace eval attribution`) uses the dev split.

    .venv/bin/python scripts/train_attribution_tagger.py [--data DIR] [--holdout 84]

About ten minutes on two cores: the parse (two to three minutes), then about forty seconds
an epoch.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from storytrace.attribution_tagger import (
    CATEGORIES,
    CHUNK,
    ROLES,
    TAGGER_FILE,
    build_network,
    categorical_features,
    pipeline_name,
    role_labels,
)
from storytrace.attributions import quote_regions
from storytrace.evaluation.attribution import GoldArticle, _trimmed, load_split
from storytrace.models import spacy_pipeline

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "storytrace" / TAGGER_FILE
EPOCHS = 10
HIDDEN = 128
LAYERS = 2
BATCH = 16
LEARNING_RATE = 2e-3
SEED = 0

Chunk = tuple[torch.Tensor, torch.Tensor, torch.Tensor]  # vectors, features, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/attribution/polnear")
    parser.add_argument("--holdout", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--hidden", type=int, default=HIDDEN)
    parser.add_argument("--layers", type=int, default=LAYERS)
    parser.add_argument(
        "--output", type=Path, help="where to write the tagger (a held-out run writes none without)"
    )
    args = parser.parse_args()
    torch.manual_seed(SEED)
    generator = np.random.default_rng(SEED)
    articles = load_split(Path(args.data), "train")
    held = articles[len(articles) - args.holdout :] if args.holdout else []
    nlp = spacy_pipeline()
    vocabularies: list[dict[str, int]] = [{} for _ in range(CATEGORIES)]
    chunks: list[Chunk] = []
    held_docs = []
    for number, (article, doc) in enumerate(
        zip(articles, nlp.pipe(a.text for a in articles), strict=True)
    ):
        if number >= len(articles) - len(held):
            held_docs.append(doc)
            continue
        vectors = torch.from_numpy(np.asarray(doc.tensor, dtype=np.float32))
        features = torch.from_numpy(
            categorical_features(doc, quote_regions(article.text), vocabularies, grow=True)
        )
        labels = torch.from_numpy(role_labels(doc, _gold_spans(article)))
        for start in range(0, len(doc), CHUNK):
            window = slice(start, start + CHUNK)
            chunks.append((vectors[window], features[window], labels[:, window]))
    network = build_network([len(v) for v in vocabularies], args.hidden, args.layers)
    optimiser = torch.optim.Adam(network.parameters(), lr=LEARNING_RATE)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, args.epochs)
    for epoch in range(args.epochs):
        began = time.perf_counter()
        network.train()
        total = 0.0
        order = generator.permutation(len(chunks))
        for first in range(0, len(order), BATCH):
            loss = _loss(network, [chunks[i] for i in order[first : first + BATCH]])
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            total += loss.item()
        schedule.step()
        line = f"epoch {epoch}: loss {total:.2f}, {time.perf_counter() - began:.0f} s"
        if held:
            line += ", held-out exact F1 " + _held_out_f1(network, vocabularies, held, held_docs)
        print(line, flush=True)
    if held and args.output is None:
        print("held-out run: no artefact written")
        return
    output = args.output or OUTPUT
    saved = {
        "source": "PolNeAR train split; scripts/train_attribution_tagger.py",
        "spacy_model": pipeline_name(nlp),
        "hidden": args.hidden,
        "layers": args.layers,
        "vocabularies": vocabularies,
        # half precision halves the file; loading copies the weights back into float32
        "state": {
            name: value.half() if value.is_floating_point() else value
            for name, value in network.state_dict().items()
        },
    }
    torch.save(saved, output)
    print(f"{sum(p.numel() for p in network.parameters())} weights -> {output}")


def _gold_spans(article: GoldArticle) -> list[list[tuple[int, int]]]:
    return [
        [
            _trimmed(article.text, extent)
            for gold in article.attributions
            if (extent := (gold.source, gold.cue, gold.content)[role]) is not None
        ]
        for role in range(len(ROLES))
    ]


def _loss(network: nn.Module, batch: list[Chunk]) -> torch.Tensor:
    length = max(len(features) for _, features, _ in batch)
    vectors = torch.zeros(len(batch), length, batch[0][0].shape[1])
    features = torch.zeros(len(batch), length, batch[0][1].shape[1], dtype=torch.long)
    labels = torch.full((len(batch), length, len(ROLES)), -100, dtype=torch.long)
    for row, (v, f, y) in enumerate(batch):
        vectors[row, : len(f)] = v
        features[row, : len(f)] = f
        labels[row, : len(f)] = y.T
    logits = network(vectors, features)
    return nn.functional.cross_entropy(logits.reshape(-1, 3), labels.reshape(-1), ignore_index=-100)


def _held_out_f1(
    network: nn.Module,
    vocabularies: list[dict[str, int]],
    held: list[GoldArticle],
    docs: list[object],
) -> str:
    from storytrace.attribution_tagger import AttributionTagger

    network.eval()
    tagger = AttributionTagger(network, vocabularies, "")
    hits = np.zeros(len(ROLES))
    said = np.zeros(len(ROLES))
    gold = np.zeros(len(ROLES))
    for article, doc in zip(held, docs, strict=True):
        tagged = tagger.tag(doc, quote_regions(article.text))
        for role, wanted in enumerate(_gold_spans(article)):
            found = {_trimmed(article.text, e) for e in getattr(tagged, ROLES[role])}
            hits[role] += len(found & set(wanted))
            said[role] += len(found)
            gold[role] += len(set(wanted))
    precision, recall = hits / np.maximum(said, 1), hits / np.maximum(gold, 1)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
    return " / ".join(f"{value:.3f}" for value in f1)


if __name__ == "__main__":
    main()
