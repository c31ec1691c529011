"""One source of "now": the sidebar reads the clock once per page run; pages and rules take the day from it."""

import ast
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from dashboard.domain import followup
from dashboard.domain.late import overdue

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"
CLOCKS = {("date", "today"), ("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow"), ("time", "time")}


def clock_reads(path: Path) -> list[int]:
    """Lines of `path` that call date.today(), datetime.now() and the like."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and (node.func.value.id, node.func.attr) in CLOCKS
    ]


def test_only_the_sidebar_reads_the_clock():
    found = {str(p.relative_to(DASHBOARD)): clock_reads(p) for p in sorted(DASHBOARD.rglob("*.py"))}
    readers = {name: lines for name, lines in found.items() if lines}
    assert list(readers) == ["web/sidebar.py"], readers
    assert len(readers["web/sidebar.py"]) == 1  # once per run, into the context (now, today)


def test_the_pack_states_the_moment_it_is_given_and_actions_are_due_against_the_day_given():
    empty = pd.DataFrame()
    actions = pd.DataFrame(
        [{"held_on": date(2012, 1, 10), "plan_id": "p", "activity_id": None, "target_id": None, "about": None,
          "kind": "action", "text": "Ring", "owner": "SAM", "due": date(2012, 3, 1), "status": "open"}]
    )  # fmt: skip
    day = date(2012, 3, 2)
    data = followup.content("sv", {}, empty, empty, overdue(empty, day), empty, empty, empty, actions, day)
    assert data.counts["overdue_actions"] == 1
    budget = pd.DataFrame(columns=["year", "series", "amount_sek"])
    status = pd.DataFrame(columns=["grp", "status", "n"])
    moment = datetime(2012, 3, 2, 14, 5)
    pack = followup.to_pack("sv", "Möte", 3, [], [], budget, status, empty, {}, data, moment)
    assert pack.generated_at == moment
