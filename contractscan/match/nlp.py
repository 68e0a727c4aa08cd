"""The spaCy pipeline the matcher reads sentences and tokens with."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..tokens import BLANK_MARK

if TYPE_CHECKING:
    from spacy.language import Language


def build_nlp(model: str | None = None) -> Language:
    """``spacy.blank("en")`` plus a sentencizer; never downloads anything.

    The default path does not call this: ``tokens`` reproduces that pipeline without
    importing spaCy (over a second per process). It is built for a model, for rules with
    token or phrase patterns, and to compare against."""
    import spacy

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
    # the blank pipeline's sentences are what ``tokenizer`` reproduces without spaCy Docs
    setattr(nlp, BLANK_MARK, not model)
    return nlp


@lru_cache(maxsize=1)
def blank_nlp() -> Language:
    """One shared ``build_nlp()`` for matchers of rules with token patterns."""
    return build_nlp()
