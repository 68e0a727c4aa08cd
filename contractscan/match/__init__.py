"""Find clauses: rule patterns matched over a document's sentences.

A map of the package:

- ``sentences``: the sentence view (each sentence alone, a list item after its lead-in);
- ``patterns``: each rule pattern compiled as one frozen object, and the hits it leaves;
- ``search``: where regexes match, the interface speed-ups sit behind (``PlainSearch`` is
  the reference);
- ``accel``: the speed-ups (literal index, start gates, look-ahead cores);
- ``steps``: vetoes and bonuses, small named objects run in order;
- ``matcher``: ``ClauseMatcher.match``, the steps from hits to ``ClauseMatch`` results.
"""

from .matcher import ClauseMatcher
from .nlp import build_nlp

__all__ = ["ClauseMatcher", "build_nlp"]
