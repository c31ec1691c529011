"""Guard against replacing a plan by mistake: a workbook whose title differs, or that drops most activities."""

from __future__ import annotations

from dataclasses import dataclass

from .problems import text
from .workbook import PlanData


@dataclass(frozen=True)
class Replacement:
    """What publishing a workbook would do to the plan its Plan-ID names, when it looks like another plan."""

    plan_id: str
    old_title: str  # the current version's title: the plan that would be replaced
    new_title: str
    removed: int  # activities of the current version that the workbook no longer has
    total: int  # activities in the current version

    @property
    def title_changed(self) -> bool:
        return _same_title(self.old_title, self.new_title) is False

    @property
    def most_removed(self) -> bool:
        return _most(self.removed, self.total)

    def lines(self, lang: str) -> list[str]:
        """The warning in the loader's words: which plan, what would change, how to go ahead."""
        out = [text("replace_plan", lang, plan_id=self.plan_id, title=self.old_title)]
        if self.title_changed:
            out.append(text("replace_title", lang, old=self.old_title, new=self.new_title))
        if self.most_removed:
            out.append(text("replace_activities", lang, removed=self.removed, total=self.total))
        return out


class ReplaceRefused(Exception):
    """Publishing would replace one or more plans that the workbooks seem not to be; nothing was changed."""

    def __init__(self, replacements: list[Replacement]):
        super().__init__(", ".join(r.plan_id for r in replacements))
        self.replacements = replacements


def _norm(title: str | None) -> str:
    return " ".join(str(title or "").split()).casefold()


def _same_title(old: str | None, new: str | None) -> bool:
    # Spacing and capitals are not a new title; any change of wording is.
    return _norm(old) == _norm(new)


def _most(removed: int, total: int) -> bool:
    return total > 0 and removed * 2 > total


def replacement(
    plan_id: str, old_title: str | None, old_activities, new_title: str | None, new_activities
) -> Replacement | None:
    """The rule: a workbook replaces its plan by mistake when the title changes or most activities would go.

    old_*: the plan's current version; new_*: the workbook. None when the workbook looks like the
    same plan (or the plan is new: nothing is replaced).
    """
    before = {a for a in old_activities if a is not None}
    removed = len(before - {a for a in new_activities if a is not None})
    if _same_title(old_title, new_title) and not _most(removed, len(before)):
        return None
    return Replacement(plan_id, str(old_title or ""), str(new_title or ""), removed, len(before))


def check(current: PlanData | None, new: PlanData) -> Replacement | None:
    """replacement() for a checked workbook against the plan's current version (None: a new plan)."""
    if current is None:
        return None
    return replacement(
        new.plan_id,
        current.plan.get("title"),
        current.tables["activities"]["activity_id"].to_pylist(),
        new.plan.get("title"),
        new.tables["activities"]["activity_id"].to_pylist(),
    )
