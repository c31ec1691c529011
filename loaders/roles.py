"""Who may do what: the four roles and a user's assignment (plans, units, named responsible), no Streamlit."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property


class Role(IntEnum):
    """Ordered, so a check reads `user.role >= Role.EDITOR`: each role can do what the ones below it can."""

    VIEWER = 0
    REPORTER = 1
    EDITOR = 2
    ADMIN = 3

    @classmethod
    def parse(cls, text: object) -> Role | None:
        """The role named in a configuration ("reporter", "Editor", …), or None for anything else."""
        if not isinstance(text, str):
            return None
        return cls.__members__.get(text.strip().upper())


# A compound unit such as "RUN/KOM" or "SAM/Fakulteter/Program" names every unit that shares the row.
_UNIT_SEPARATORS = re.compile(r"\s*[/,;&]\s*|\s+och\s+")


def unit_parts(unit: str | None) -> frozenset[str]:
    """The units (or names) a row's text names, case-folded: "RUN/KOM" → {"run", "kom"}; empty for none."""
    if not isinstance(unit, str) or not unit:  # None, or a table's empty cell (NaN)
        return frozenset()
    return frozenset(part.casefold() for part in _UNIT_SEPARATORS.split(unit.strip()) if part)


def _cleaned(values: Iterable[str] | None) -> frozenset[str] | None:
    if values is None:
        return None
    return frozenset(value.strip() for value in values if isinstance(value, str) and value.strip())


@dataclass(frozen=True)
class User:
    """A signed-in person and what they are assigned.

    plans: the plan ids they may work on (None: every plan). units and responsible: the rows a reporter
    may report on, by the row's unit (a compound unit matches any of its parts) or by its named
    responsible (each name of a list such as "Sofia Klasson, Hanna Petersson", letter case aside).
    An editor reports on every row of their plans; an admin may do everything.
    """

    name: str
    role: Role
    plans: frozenset[str] | None = None
    units: frozenset[str] | None = None
    responsible: frozenset[str] | None = None

    @classmethod
    def assigned(
        cls,
        name: str,
        role: Role,
        plans: Iterable[str] | None = None,
        units: Iterable[str] | None = None,
        responsible: Iterable[str] | None = None,
    ) -> User:
        """A user from configuration lists (blank entries dropped; the spelling kept, for showing it)."""
        return cls(
            name=name, role=role, plans=_cleaned(plans), units=_cleaned(units), responsible=_cleaned(responsible)
        )

    @cached_property
    def _unit_keys(self) -> frozenset[str]:
        # Compared case-folded and by part, like a row's unit: an assignment "RUN/KOM" covers both units.
        return frozenset().union(*(unit_parts(u) for u in self.units or ()))

    @cached_property
    def _responsible_keys(self) -> frozenset[str]:
        return frozenset().union(*(unit_parts(r) for r in self.responsible or ()))

    @property
    def is_admin(self) -> bool:
        return self.role >= Role.ADMIN

    def has_plan(self, plan_id: str) -> bool:
        """Whether the plan is among the user's plans (an admin has every plan)."""
        return self.is_admin or self.plans is None or plan_id in self.plans

    def may_edit_plan(self, plan_id: str) -> bool:
        """Whether the user may upload a whole workbook for the plan (editor on it, or admin)."""
        return self.role >= Role.EDITOR and self.has_plan(plan_id)

    def may_report(self, plan_id: str, unit: str | None, responsible: str | None) -> bool:
        """Whether the user may report status, comment, outcome or money spent on a row of the plan.

        unit and responsible are the row's own; a row with neither belongs to the plan's editors only.
        """
        if self.role < Role.REPORTER or not self.has_plan(plan_id):
            return False
        if self.role >= Role.EDITOR:
            return True
        if unit_parts(unit) & self._unit_keys:
            return True
        # Named responsible are split like units: "Sofia Klasson, Hanna Petersson" is a row of both.
        return bool(unit_parts(responsible) & self._responsible_keys)
