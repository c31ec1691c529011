"""The structure page's outline: sub-goals under their goal, activities under every goal they serve."""

import pandas as pd

from dashboard.domain.outline import outline


def test_outline_nests_sub_goals_and_lists_an_activity_under_each_goal_it_serves():
    goals = pd.DataFrame({
        "goal_id": ["A", "A.1", "B"], "parent_goal_id": [None, "A", None],
        "title": ["Mål A, en lång mening som ska läsas hel", "Delmål A.1", "Mål B"],
    })  # fmt: skip
    acts = pd.DataFrame({
        "activity_id": ["1", "2", "3", "4"], "title": ["Ett", "Två", "Tre", "Fyra"],
        "status": ["done", "ongoing", "ongoing", "unknown"],
        "goal_ids": [["A"], ["A.1", "B"], ["A", "A.1"], []], "section": [None, None, None, "Övrigt"],
    })  # fmt: skip
    roots, unlinked = outline(goals, acts)
    assert [g.goal_id for g in roots] == ["A", "B"]
    a, b = roots
    assert a.title == "Mål A, en lång mening som ska läsas hel"
    assert [c.goal_id for c in a.children] == ["A.1"]
    assert [x.activity_id for x in a.activities] == ["1", "3"]
    assert [x.activity_id for x in a.children[0].activities] == ["2", "3"]
    assert [x.activity_id for x in b.activities] == ["2"]
    # Activities serving A or its sub-goal, each once: 1 (done), 2 and 3 (ongoing).
    assert a.statuses() == {"done": 1, "ongoing": 2}
    assert {k: [x.activity_id for x in v] for k, v in unlinked.items()} == {"Övrigt": ["4"]}
