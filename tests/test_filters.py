"""The filters ↔ URL round trip as pure functions: every field survives a real query string, and a link
with values the data does not know (or a day after today) opens the view without them."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlencode

import pytest

from dashboard.domain.filters import NO_VALUE, Filters, as_of_param, from_query_params, to_query_params

YEARS = (2011, 2023)
TODAY = date(2026, 12, 3)
KNOWN = {
    "plans": {"mobilitet-2016-2018", "skolsamverkan-2016-2017", "kommunikation-kvalitet"},
    "units": {"RUN", "KOM", "SAM", "International Office", NO_VALUE},
    "responsible": {"Prorektor", "Prorektor, IO"},
    "funding": {"ram", "utb. strat.", NO_VALUE},
    "goals": {"mobilitet-2016-2018:1", "mobilitet-2016-2018:1.1", "skolsamverkan-2016-2017:A"},
    "statuses": {"done", "ongoing", "not_started", "postponed", "cancelled", "unknown"},
}
EVERYTHING = Filters(
    plans=("skolsamverkan-2016-2017", "mobilitet-2016-2018"),
    year_from=2012,
    year_to=2016,
    units=("International Office", NO_VALUE),
    responsible=("Prorektor, IO",),
    funding=("utb. strat.", NO_VALUE),
    goals=("mobilitet-2016-2018:1.1", "skolsamverkan-2016-2017:A"),
    statuses=("postponed", "ongoing"),
    as_of=date(2012, 6, 30),
)


def through_url(params: dict[str, list[str] | str]) -> dict[str, list[str]]:
    """What the browser's address bar gives back: the parameters as a query string, read again."""
    return parse_qs(urlencode(params, doseq=True), keep_blank_values=True)


def read(query: str) -> Filters:
    return from_query_params(parse_qs(query, keep_blank_values=True), KNOWN, YEARS, TODAY)


def test_every_field_survives_the_round_trip_through_a_url():
    params = to_query_params(EVERYTHING, YEARS)
    assert from_query_params(through_url(params), KNOWN, YEARS, TODAY) == EVERYTHING


@pytest.mark.parametrize(
    "field",
    ["plans", "units", "responsible", "funding", "goals", "statuses", "year_from", "year_to", "as_of"],
)
def test_each_field_alone_survives_the_round_trip(field):
    default = Filters(year_from=YEARS[0], year_to=YEARS[1])
    f = default.with_(**{field: getattr(EVERYTHING, field)})
    params = to_query_params(f, YEARS)
    assert len(params) == 1  # only what differs from the default is in the link
    assert from_query_params(through_url(params), KNOWN, YEARS, TODAY) == f


def test_the_default_view_has_a_bare_url_and_reads_back_as_the_whole_period():
    default = Filters(year_from=YEARS[0], year_to=YEARS[1])
    assert to_query_params(default, YEARS) == {}
    assert to_query_params(Filters(), YEARS) == {}
    assert read("") == default
    assert read("").is_default()


def test_the_url_names_each_field_by_its_parameter():
    params = to_query_params(EVERYTHING, YEARS)
    assert params == {
        "plan": ["skolsamverkan-2016-2017", "mobilitet-2016-2018"],
        "unit": ["International Office", NO_VALUE],
        "resp": ["Prorektor, IO"],
        "fund": ["utb. strat.", NO_VALUE],
        "goal": ["mobilitet-2016-2018:1.1", "skolsamverkan-2016-2017:A"],
        "status": ["postponed", "ongoing"],
        "y0": "2012",
        "y1": "2016",
        "asof": "2012-06-30",
    }


def test_repeated_parameters_keep_every_value_in_order():
    f = read("status=postponed&status=done&status=ongoing&plan=mobilitet-2016-2018")
    assert f.statuses == ("postponed", "done", "ongoing")
    assert f.plans == ("mobilitet-2016-2018",)


def test_values_the_data_does_not_know_are_dropped_and_the_rest_kept():
    f = read("plan=no-such-plan&plan=mobilitet-2016-2018&unit=RUN/KOM&unit=KOM&status=finished&goal=A&resp=x")
    assert f.plans == ("mobilitet-2016-2018",)
    assert f.units == ("KOM",)  # a compound unit is no choice of its own: its parts are
    assert (f.statuses, f.goals, f.responsible) == ((), (), ())
    assert read("plan=no-such-plan") == read("")  # nothing known left: the default view
    assert read("lang=en&unknown=1") == read("")  # parameters that are not filters narrow nothing


def test_a_field_the_data_has_no_values_for_drops_every_value():
    f = from_query_params(
        {"fund": ["ram"], "plan": ["kommunikation-kvalitet"]}, {"plans": KNOWN["plans"]}, YEARS, TODAY
    )
    assert (f.funding, f.plans) == ((), ("kommunikation-kvalitet",))


@pytest.mark.parametrize(
    ("query", "years"),
    [
        ("y0=2014&y1=2018", (2014, 2018)),
        ("y0=2018&y1=2014", (2014, 2018)),  # the wrong way round: swapped
        ("y0=1990&y1=2099", YEARS),  # outside the data: held to its years
        ("y0=2099", (2023, 2023)),
        ("y1=1990", (2011, 2011)),
        ("y0=abc&y1=", YEARS),  # unreadable: the data's years
        ("y0=2014.5", YEARS),
        ("y0=2015", (2015, 2023)),
    ],
)
def test_years_from_the_url_stay_inside_the_datas_years(query, years):
    f = read(query)
    assert (f.year_from, f.year_to) == years


@pytest.mark.parametrize(
    ("value", "as_of"),
    [
        ("2012-06-30", date(2012, 6, 30)),
        (" 2012-06-30 ", date(2012, 6, 30)),
        ("2026-12-02", date(2026, 12, 2)),  # yesterday
        ("2026-12-03", None),  # today is the default: no as-of day
        ("2027-01-01", None),  # after today: the data knows nothing later
        ("30/6/2012", None),
        ("2012-02-30", None),
        ("", None),
    ],
)
def test_the_as_of_day_is_a_past_iso_date_or_none(value, as_of):
    assert as_of_param([value], TODAY) == as_of
    assert read(urlencode({"asof": value})).as_of == as_of


def test_no_as_of_parameter_is_today():
    assert as_of_param(None, TODAY) is None
    assert as_of_param([], TODAY) is None
    assert to_query_params(Filters(as_of=None), YEARS) == {}


def test_only_the_first_as_of_and_year_values_count():
    f = read("asof=2012-06-30&asof=2013-01-01&y0=2014&y0=2012")
    assert (f.as_of, f.year_from) == (date(2012, 6, 30), 2014)


def test_filters_are_hashable_and_equal_by_value():
    """A Filters value is part of every cached query's key: the same choices must be the same key."""
    again = from_query_params(through_url(to_query_params(EVERYTHING, YEARS)), KNOWN, YEARS, TODAY)
    assert hash(again) == hash(EVERYTHING) and again == EVERYTHING
    assert EVERYTHING.with_(units=()) != EVERYTHING


def test_is_default_ignores_the_years_and_the_as_of_day_only():
    assert Filters(year_from=2012, year_to=2013, as_of=date(2012, 1, 1)).is_default()
    for field in ("plans", "units", "responsible", "funding", "goals", "statuses"):
        assert not Filters().with_(**{field: ("x",)}).is_default(), field
