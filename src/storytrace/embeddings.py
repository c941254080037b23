"""embeddings: one sentence vector per article (all-MiniLM-L6-v2, 384 dimensions).

The vector encodes the headline and the lead (the first ~1,500 characters), which is what
decides which event an article is about; it is L2-normalised, so a dot product is a
cosine. Used by story linking; computed per article so that it runs in parallel and only
once per article.
"""

from __future__ import annotations

from storytrace.models import encode_texts
from storytrace.records import Article, Embedding
from storytrace.settings import Settings

LEAD_CHARS = 1500


def lead_text(title: str | None, text: str) -> str:
    """What the vector encodes: headline and lead. The evaluation encodes the same."""
    return f"{title or ''}\n{text}"[:LEAD_CHARS]


def embeddings(article: Article, settings: Settings) -> tuple[Embedding, ...]:
    vector = encode_texts([lead_text(article.title, article.text)])[0]
    return (Embedding(article.id, tuple(float(x) for x in vector)),)
