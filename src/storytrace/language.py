"""Language of an article's text (ISO 639-1), with py3langid.

Non-English articles are still extracted, deduplicated and clustered; English-only stages
read `Article.language` to skip them. The model (a few MB, shipped inside the package) is
loaded once per process, on first use, never at import.
"""

from __future__ import annotations

from functools import cache
from typing import Any

_MIN_CHARS = 40  # below this, any guess is noise
_SAMPLE_CHARS = 3000  # the first few paragraphs decide; the rest only costs time


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language, or None when too short or too unsure."""
    if len(text) < _MIN_CHARS:
        return None
    language, probability = _identifier().classify(text[:_SAMPLE_CHARS])
    return str(language) if probability >= 0.5 else None
