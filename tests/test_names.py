"""Names where space is short: a plan's Kortnamn (else its full title), a goal's label, cut text."""

import pandas as pd
import pytest

from dashboard.domain.names import goal_label, plan_display_name, plan_display_names, short


def test_the_short_name_is_used_and_a_missing_one_falls_back_to_the_title():
    title = "Regional skolsamverkan, arbetslivsanknytning och alumnverksamhet – Handlingsplan 2016–2017"
    assert plan_display_name("Skolsamverkan 2016–2017", title) == "Skolsamverkan 2016–2017"
    for missing in (None, float("nan"), pd.NA, "", "   "):
        assert plan_display_name(missing, title) == title  # the whole title, never a made-up cut
    assert plan_display_name(None, None, "plan-x") == "plan-x"


def test_names_for_a_frame_of_plans():
    plans = pd.DataFrame({"plan_id": ["a", "b"], "title": ["Plan A lång titel", "Plan B"], "short_name": ["A", None]})
    assert plan_display_names(plans) == {"a": "A", "b": "Plan B"}


def test_short_text_is_cut_with_an_ellipsis_only_when_too_long():
    assert short("Studentmobilitet", 28) == "Studentmobilitet"
    assert short("x" * 28, 28) == "x" * 28
    assert short("Ökad internationalisering av utbildningen", 12) == "Ökad intern…"
    assert short("Ökad inter nationalisering", 11) == "Ökad inter…"
    assert short("Ökad       nationalisering", 11) == "Ökad…"  # no space left before the ellipsis
    assert short(None, 28) == "None"  # (a title missing in the data is text, never an error)


TITLES = {"plan-a:A": "Studentmobilitet och internationalisering", "plan-a:A.1": "Utresande studenter"}
NAMES = {"plan-a": "Mobilitet"}


def test_a_goal_reads_plan_id_and_wording_cut_where_space_is_short():
    assert goal_label("plan-a:A", TITLES, NAMES, "sv") == "Mobilitet · A Studentmobilitet och internationalisering"
    assert goal_label("plan-a:A", TITLES, NAMES, "sv", 17) == "Mobilitet · A Studentmobilitet…"
    assert goal_label("plan-a:A", TITLES, NAMES, "sv", 12) == "Mobilitet · A Studentmobi…"
    assert goal_label("plan-a:A.1", TITLES, NAMES, "sv", 45) == "Mobilitet · A.1 Utresande studenter"
    assert goal_label("plan-a:A.1", TITLES, {}, "en") == "plan-a · A.1 Utresande studenter"  # no display name: its id


@pytest.mark.parametrize("missing", [None, float("nan"), "plan-a:Z"])
def test_an_amount_or_activity_without_a_goal_says_so_in_the_users_language(missing):
    assert goal_label(missing, TITLES, NAMES, "sv") == "(inget mål angivet)"
    assert goal_label(missing, TITLES, NAMES, "en") == "(no goal given)"
    assert goal_label(missing, TITLES, NAMES, "sv", 32, plan_id="plan-a") == "Mobilitet · (inget mål angivet)"
