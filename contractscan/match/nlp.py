"""The spaCy pipeline the matcher reads sentences and tokens with."""

from __future__ import annotations

import spacy
from spacy.language import Language


def build_nlp(model: str | None = None) -> Language:
    """``spacy.blank("en")`` plus a sentencizer; never downloads anything."""
    if model:
        try:
            nlp = spacy.load(model, exclude=["ner", "lemmatizer", "textcat"])
        except OSError:
            raise ValueError(
                f"spaCy model {model!r} is not installed; install it yourself or omit --model "
                "(contractscan never downloads models)"
            ) from None
    else:
        nlp = spacy.blank("en")
    if not (nlp.has_pipe("parser") or nlp.has_pipe("senter") or nlp.has_pipe("sentencizer")):
        nlp.add_pipe("sentencizer")
    nlp.max_length = 20_000_000
    return nlp
