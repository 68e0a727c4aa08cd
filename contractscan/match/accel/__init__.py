"""Speed-ups for the regex search, behind ``match.search.RegexSearch``: same hits, less work.

- ``index``: which sentences hold a literal (one index per document);
- ``literals``: the literals a pattern cannot match without;
- ``prefixes``: the strings a pattern's matches start with (start gates);
- ``lookaheads``: a pattern's cheaper core, its leading look-aheads dropped;
- ``search``: ``AcceleratedSearch``, which puts them together.
"""

from .search import AcceleratedSearch, GatedPattern

__all__ = ["AcceleratedSearch", "GatedPattern"]
