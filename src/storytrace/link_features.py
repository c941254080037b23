"""link_features: what story linking reads of each article, computed once per article.

- The MinHash signature of the article's word shingles (near copies, `near_copies`).
- The article's term counts over its story text (the headline twice, then the text: the
  rare words, names and numbers that tell one event from another), hashed into
  `TERM_BUCKETS` columns by scikit-learn's `HashingVectorizer`. Hashing keeps no
  vocabulary, so an article's counts never change once computed: a later run reads them
  from the store instead of tokenising every text again, which is what makes adding a few
  articles to a large store cheap (story linking weighs the counts by TF-IDF over the
  whole collection, `stories.cluster`). With 2^22 columns two words of a news collection
  rarely share one.

Per article, so it runs on the process pool (or the Dask workers) with the other
per-article stages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from storytrace.near_copies import stored_signature
from storytrace.records import Article, LinkFeatures
from storytrace.settings import Settings

TERM_BUCKETS = 2**22
_HASHER = HashingVectorizer(
    n_features=TERM_BUCKETS,
    alternate_sign=False,
    norm=None,
    stop_words="english",
    dtype=np.float64,
)


@dataclass(frozen=True)
class LinkTable:
    """The stored link features of many articles (`Store.link_features`): row i of
    `counts` and `signatures[i]` are those of `ids[i]`."""

    ids: list[str]
    signatures: list[bytes]
    counts: sparse.csr_matrix

    def counts_of(self, articles: Sequence[Article]) -> sparse.csr_matrix:
        """The term counts of `articles` in that order: stored rows where there are some,
        counted from the articles' story texts where not."""
        row = {aid: position for position, aid in enumerate(self.ids)}
        order = np.array([row.get(a.id, -1) for a in articles], dtype=np.int64)
        missing = np.flatnonzero(order < 0)
        if not len(missing):
            return self.counts[order]
        # the counted rows go below the stored ones
        order[missing] = np.arange(len(self.ids), len(self.ids) + len(missing))
        counted = story_counts([articles[k] for k in missing.tolist()])
        return sparse.csr_matrix(sparse.vstack([self.counts, counted]))[order]

    def signature_of(self) -> dict[str, bytes]:
        """The stored signatures by article id (`near_copies.stored_signature`)."""
        return dict(zip(self.ids, self.signatures, strict=True))


def story_text(title: str | None, text: str) -> str:
    """The text the term counts read: the headline counts twice, it names the event."""
    return f"{title or ''}\n{title or ''}\n{text}"


def story_counts(articles: Sequence[Article]) -> sparse.csr_matrix:
    """The term counts of the articles' story texts, one row per article."""
    return term_counts([story_text(a.title, a.text) for a in articles])


def term_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """One row of hashed term counts per text (`TERM_BUCKETS` columns)."""
    return sparse.csr_matrix(_HASHER.transform(texts))


def link_features(article: Article, settings: Settings) -> tuple[LinkFeatures, ...]:
    counts = story_counts([article])
    return (
        LinkFeatures(
            article.id,
            stored_signature(article.text),
            tuple(counts.indices.tolist()),
            tuple(int(n) for n in counts.data.tolist()),
        ),
    )
