"""Profiles: which clauses a kind of contract must have, and how bad a gap is."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from . import cache
from .errors import RuleError
from .resources import data_dir
from .rules import CLAUSE_ID
from .severity import Severity

if TYPE_CHECKING:
    from .rules import Rule


class Profile(BaseModel):
    """A checklist: which clauses a kind of contract must have and how severe each gap is.

    ``require`` maps clause ids to severities; ``options`` tune risk checks (e.g. the
    acceptable governing-law jurisdictions); ``extends`` merges a base profile in; ``by_type``
    makes the profile automatic: the profile to apply for each kind of document.
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    extends: str | None = None
    require: dict[str, Severity] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)
    by_type: dict[str, str] = Field(
        default_factory=dict,
        description="for an automatic profile: the profile (built-in name or file) for each kind of document")
    source_file: str | None = None

    # by_type resolved into profiles by load_profile
    _for_type: dict[str, Profile] = PrivateAttr(default_factory=dict)
    # clause id -> the profile in the extends chain that first requires it (core, outsourcing ...)
    _groups: dict[str, str] = PrivateAttr(default_factory=dict)

    def group_of(self, clause_id: str) -> str:
        """Which checklist brought a requirement in: 'core' for confidentiality under the healthcare
        profile, 'healthcare' for HIPAA terms. Reports group their columns by it."""
        return self._groups.get(clause_id, self.name)

    @property
    def automatic(self) -> bool:
        """Whether the checklist depends on the kind of document (``--profile auto``)."""
        return bool(self.by_type)

    def for_type(self, kind: str) -> Profile:
        """The profile for a kind of document; an automatic profile without that kind falls
        back to its ``default`` entry, a plain profile is its own answer."""
        if not self.by_type:
            return self
        return self._for_type.get(kind) or self._for_type["default"]

    def required_for_kinds(self, kinds: Iterable[str | None]) -> dict[str, Severity]:
        """What a contract set must have under an automatic profile: every document's kind
        brings its checklist (the master agreement the core clauses, the BAA the BAA elements)."""
        req: dict[str, Severity] = {}
        known = [k for k in kinds if k]
        for kind in known or ["default"]:
            for cid, sev in self.for_type(kind).require.items():
                if cid not in req or sev.rank > req[cid].rank:
                    req[cid] = sev
        return req

    def type_profiles(self) -> dict[str, Profile]:
        return dict(self._for_type)

    # The file each require/options key came from, for errors about a merged (extends) profile.
    _origins: dict[str, str] = PrivateAttr(default_factory=dict)

    @field_validator("require")
    @classmethod
    def _clause_ids(cls, v: dict[str, Severity]) -> dict[str, Severity]:
        for clause_id in v:
            if not CLAUSE_ID.match(clause_id):
                raise ValueError(f"{clause_id!r} is not a clause id (lower-case words joined by dots)")
        return v


def builtin_profiles() -> dict[str, Path]:
    return {p.stem: p for p in sorted((data_dir() / "rules" / "profiles").glob("*.yaml"))}


def _read(path: Path) -> Profile:
    try:
        raw = cache.load_yaml(path.read_bytes()) or {}
    except FileNotFoundError:
        raise RuleError(f"{path}: no such profile file") from None
    except cache.BadYAML as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise RuleError(f"{path}: a profile is a mapping with name and require")
    raw.setdefault("name", path.stem)
    try:
        prof = Profile.model_validate({**raw, "source_file": str(path)})
    except ValidationError as exc:
        msgs = [f"{path}: profile {raw.get('name')}: field {'.'.join(map(str, e['loc']))}: {e['msg']}"
                for e in exc.errors()]
        raise RuleError("\n".join(msgs)) from None
    prof._origins = {f"{field}.{key}": str(path) for field in ("require", "options") for key in getattr(prof, field)}
    return prof


def load_profile(name_or_path: str | Path | Profile = "core", _seen: tuple[str, ...] = ()) -> Profile:
    """A built-in profile by name, or a user's profile file; ``extends`` is merged in.

    A profile may extend a built-in profile by name or another profile file, given as a path
    or relative to the file that extends it. Its ``require`` and ``options`` win over the base.
    """
    if isinstance(name_or_path, Profile):
        return name_or_path
    key = str(name_or_path)
    builtins = builtin_profiles()
    if key in builtins:
        prof = _read(builtins[key])
    elif Path(key).is_file():
        key = str(Path(key).resolve())
        prof = _read(Path(name_or_path))
    else:
        raise RuleError(f"unknown profile {key!r}: choose from {', '.join(builtins)} or give a profile file")
    if prof.extends:
        base_ref = prof.extends
        beside = Path(prof.source_file or ".").parent / base_ref
        if base_ref not in builtins and not Path(base_ref).is_file() and beside.is_file():
            base_ref = str(beside)  # a user's profile may extend another file next to it
        base_key = base_ref if base_ref in builtins or not Path(base_ref).is_file() else str(Path(base_ref).resolve())
        if base_key in _seen + (key,):
            raise RuleError(f"{prof.source_file}: field extends: profiles extend each other in a loop")
        base = load_profile(base_ref, _seen + (key,))
        origins = {**base._origins, **prof._origins}
        own = prof.require
        prof = prof.model_copy(
            update={"require": {**base.require, **prof.require}, "options": {**base.options, **prof.options},
                    "by_type": {**base.by_type, **prof.by_type}}
        )
        prof._origins = origins
        prof._groups = {**{cid: prof.name for cid in own}, **{cid: base.group_of(cid) for cid in base.require}}
    if prof.by_type:
        if "default" not in prof.by_type:
            raise RuleError(f"{prof.source_file}: field by_type: give a 'default' profile for other documents")
        here = Path(prof.source_file or ".").parent
        prof._for_type = {}
        for kind, ref in prof.by_type.items():
            if ref not in builtins and not Path(ref).is_file() and (here / ref).is_file():
                ref = str(here / ref)
            sub = load_profile(ref, _seen + (key,))
            if sub.by_type:
                raise RuleError(f"{prof.source_file}: field by_type: {kind}: {ref} is itself automatic")
            prof._for_type[kind] = sub
    return prof


def check_profile(profile: Profile, rules: Iterable[Rule]) -> None:
    """Refuse require ids and option keys that no rule knows, naming the closest valid one.

    A misspelt clause id would be a permanent "missing" finding, and a misspelt option
    key silently switches its check off: both are errors, as in a rule file.
    """
    rules = list(rules)
    ids = sorted({cid for r in rules for cid in r.ancestors()})
    options = sorted({risk.option for r in rules for risk in r.risks if risk.option})
    problems = []
    for field, known, what in (("require", ids, "clause id"), ("options", options, "option")):
        for key in getattr(profile, field):
            if key in known:
                continue
            where = profile._origins.get(f"{field}.{key}") or profile.source_file or f"profile {profile.name}"
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else (
                f"; valid: {', '.join(known)}" if known and len(known) <= 12 else "")
            problems.append(f"{where}: profile {profile.name}: field {field}: unknown {what} {key!r}{hint}")
    for sub in profile.type_profiles().values():  # an automatic profile: each kind's checklist
        try:
            check_profile(sub, rules)
        except RuleError as exc:
            problems.extend(m for m in exc.message.split("\n") if m not in problems)
    if problems:
        raise RuleError("\n".join(problems))
