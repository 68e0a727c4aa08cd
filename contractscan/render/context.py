"""What a report needs besides the results: the profile that judged them and the rules in use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..profiles import Profile
    from ..results import ScanResult
    from ..rules import Rule


@dataclass(frozen=True)
class ReportContext:
    """Handed to every renderer by whoever ran the scan (the CLI, ``Analyzer.report_context``).

    A report shows the configuration that produced its results; it never reloads a profile
    by name or reaches into a result for it. Without a profile, the families a report lists
    as required are those the findings say are missing; without rules, clauses are named by
    their ids.
    """

    profile: Profile | None = None
    rules: Mapping[str, Rule] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, profile: Profile | None, rules: Iterable[Rule] = ()) -> ReportContext:
        return cls(profile, MappingProxyType({r.id: r for r in rules}))

    def profile_for(self, result: ScanResult) -> Profile | None:
        """The checklist a result was judged against: under an automatic profile, the profile
        of its document's kind; for a contract set, the union of its documents' kinds'."""
        prof = self.profile
        if prof is None or not prof.automatic:
            return prof
        if result.documents:
            from ..profiles import Profile as _Profile

            return _Profile(name=result.profile or prof.name,
                            require=prof.required_for_kinds([d.document_type for d in result.documents]))
        return prof.for_type(result.document_type.type if result.document_type else "default")

    def group_of(self, result: ScanResult, clause_id: str) -> str:
        """The checklist a required clause comes from for this result ('core', 'healthcare', 'baa')."""
        prof = self.profile_for(result)
        return prof.group_of(clause_id) if prof is not None else ""

    def clause_name(self, clause_id: str) -> str:
        rule = self.rules.get(clause_id)
        return rule.name if rule else clause_id

    def value_role(self, clause_id: str) -> str:
        """What a clause's value is ('notice', 'cure', 'governing law'), from its rule's ``value.role``
        or the nearest dotted parent's: a bare "30 days" does not say whether it is a notice or a cure."""
        cid = clause_id
        while cid:
            rule = self.rules.get(cid)
            if rule is not None and rule.value is not None and rule.value.role:
                return rule.value.role
            cid = cid.rpartition(".")[0]
        return ""

    def belongs(self, clause_id: str, family: str) -> bool:
        """True when a clause of ``clause_id`` counts as ``family`` (dotted parents and ``implies``)."""
        rule = self.rules.get(clause_id)
        if rule is not None:
            return family in rule.ancestors()
        return clause_id == family or clause_id.startswith(family + ".")
