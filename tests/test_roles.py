"""The roles: what each may do, compound units, plans assigned."""

from __future__ import annotations

import pytest

from loaders.roles import Role, User, unit_parts


def test_roles_are_ordered_and_parsed_from_config_text():
    assert Role.VIEWER < Role.REPORTER < Role.EDITOR < Role.ADMIN
    assert Role.parse(" Reporter ") is Role.REPORTER
    assert Role.parse("admin") is Role.ADMIN
    assert Role.parse("owner") is None
    assert Role.parse(3) is None


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("RUN/KOM", {"run", "kom"}),
        ("SAM/Fakulteter/Program", {"sam", "fakulteter", "program"}),
        ("International Office", {"international office"}),
        ("SAM och KOM", {"sam", "kom"}),
        (None, set()),
        (float("nan"), set()),  # an empty cell as pandas reads it
        ("", set()),
    ],
)
def test_unit_parts(text, parts):
    assert unit_parts(text) == parts


def test_reporter_reports_on_own_unit_including_compound_units_only_on_assigned_plans():
    user = User.assigned("sam", Role.REPORTER, plans=["mobilitet-2016-2018"], units=["SAM"])
    assert user.may_report("mobilitet-2016-2018", "SAM", None)
    assert user.may_report("mobilitet-2016-2018", "RUN/SAM", None)
    assert not user.may_report("mobilitet-2016-2018", "RUN/KOM", None)
    assert not user.may_report("mobilitet-2016-2018", None, None)
    assert not user.may_report("skolsamverkan-2016-2017", "SAM", None)
    assert not user.may_edit_plan("mobilitet-2016-2018")


def test_reporter_by_named_responsible_matches_whole_names_in_a_list_not_substrings():
    user = User.assigned("bo", Role.REPORTER, responsible=["Bo Svensson"])
    assert user.may_report("any-plan", "HUM", " bo svensson")
    assert user.may_report("any-plan", "HUM", "Hanna Petersson, Bo Svensson")
    assert user.may_report("any-plan", "HUM", "Rebecka Ekvall/Bo Svensson")
    assert not user.may_report("any-plan", "HUM", "Bo Svenssons team")
    assert not user.may_report("any-plan", "HUM", "Hanna Petersson")


def test_editor_reports_and_edits_every_row_of_assigned_plans_only():
    user = User.assigned("io", Role.EDITOR, plans=["internationalisering-2020-2023"])
    assert user.may_edit_plan("internationalisering-2020-2023")
    assert user.may_report("internationalisering-2020-2023", None, None)
    assert not user.may_edit_plan("mobilitet-2016-2018")
    assert not user.may_report("mobilitet-2016-2018", "SAM", None)


def test_editor_without_plans_listed_has_every_plan_and_admin_has_everything():
    assert User("old-style", Role.EDITOR).may_edit_plan("x")
    admin = User.assigned("admin", Role.ADMIN, plans=[])
    assert admin.is_admin and admin.may_edit_plan("x") and admin.may_report("x", None, None)


def test_viewer_may_do_nothing_but_read():
    viewer = User("guest", Role.VIEWER)
    assert not viewer.may_report("x", "SAM", "Bo")
    assert not viewer.may_edit_plan("x")
