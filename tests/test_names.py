"""A plan's display name: its Kortnamn where one is given, else its full title."""

import pandas as pd

from dashboard.domain.names import plan_display_name, plan_display_names


def test_the_short_name_is_used_and_a_missing_one_falls_back_to_the_title():
    title = "Regional skolsamverkan, arbetslivsanknytning och alumnverksamhet – Handlingsplan 2016–2017"
    assert plan_display_name("Skolsamverkan 2016–2017", title) == "Skolsamverkan 2016–2017"
    for missing in (None, float("nan"), pd.NA, "", "   "):
        assert plan_display_name(missing, title) == title  # the whole title, never a made-up cut
    assert plan_display_name(None, None, "plan-x") == "plan-x"


def test_names_for_a_frame_of_plans():
    plans = pd.DataFrame({"plan_id": ["a", "b"], "title": ["Plan A lång titel", "Plan B"], "short_name": ["A", None]})
    assert plan_display_names(plans) == {"a": "A", "b": "Plan B"}
