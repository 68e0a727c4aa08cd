"""How bad a finding is: one type for profiles, rules, findings, reports and ``--fail-on``."""

from __future__ import annotations

from enum import Enum


class Severity(str, Enum):
    """A ``str`` so JSON, YAML and CSV keep the plain words; ``rank`` orders it (info 0 .. high 3).

    Order by ``rank``, never by the string: "high" < "low" alphabetically.
    """

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self.value]

    @classmethod
    def by_rank(cls) -> list[Severity]:
        """Most severe first, the order reports list them in."""
        return sorted(cls, key=lambda s: -s.rank)

    # Behave as the plain word in f-strings, dict keys and comparisons with str.
    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    def __hash__(self) -> int:
        return hash(self.value)


_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3}
