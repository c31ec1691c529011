"""The bundled plans: they load, state the documents' key figures, and survive a round trip."""

import re
from datetime import date

import openpyxl
import pyarrow as pa
import pytest

from loaders.database import Database
from loaders.parse import ParseError, parse_amount, parse_period
from loaders.service import build, export_plan, workbook_files
from loaders.workbook import read_plan
from tests.conftest import DATA, bundled_copy, write_plan

PLANS = {
    "kommunikation-kvalitet",
    "arbetslivsanknytning-2011-2013",
    "mobilitet-2016-2018",
    "internationalisering-2020-2023",
    "skolsamverkan-2016-2017",
}


@pytest.fixture(scope="module")
def db(bundled_db, tmp_path_factory):
    path = bundled_copy(bundled_db, tmp_path_factory.mktemp("db"))
    with Database(path, read_only=True) as database:
        yield database


def one(db, sql, params=None):
    return db.rows(sql, params)[0][0]


def budget_sum(db, plan, kind="budget", year="any"):
    sql = "select coalesce(sum(amount_sek), 0) from budget_lines where plan_id = ? and kind = ?"
    params = [plan, kind]
    if year is None:
        sql += " and year is null"
    elif year != "any":
        sql += " and year = ?"
        params.append(year)
    return one(db, sql, params)


def test_one_workbook_per_plan(db):
    assert {p.stem for p in workbook_files(DATA)} == PLANS
    assert set(db.query("select plan_id from plans")["plan_id"]) == PLANS


def test_arbetslivsanknytning_totals(db):
    plan = "arbetslivsanknytning-2011-2013"
    # Section 4's table: Budget 2011, IB 2012, Budget 2012, Budget 2013.
    assert budget_sum(db, plan, year=2011) == 3_145_000
    assert budget_sum(db, plan, year=2012) == 7_261_000
    assert budget_sum(db, plan, year=2013) == 750_000
    assert budget_sum(db, plan, kind="opening_balance") == 1_506_000
    assert budget_sum(db, plan, kind="opening_balance", year=2012) == 1_506_000
    # "225 tkr + 265 tkr" is 490 tkr for 2012, its parts kept.
    row = db.rows(
        "select amount_sek, amount_parts, source_text from budget_lines"
        " where plan_id = ? and activity_id = '3.1.1' and year = 2012 and kind = 'budget'",
        [plan],
    )
    assert row == [(490_000, [225_000, 265_000], "225 tkr + 265 tkr")]
    assert one(db, "select count(*) from activities where plan_id = ?", [plan]) == 24


def test_arbetslivsanknytning_statuses(db):
    status = dict(
        db.rows("select activity_id, status from activities where plan_id = 'arbetslivsanknytning-2011-2013'")
    )
    assert status["3.1.3"] == "done"  # "Genomfört 2011"
    assert status["3.2.1"] == "postponed"  # "kom inte igång under 2011 utan påbörjas 2012"
    # Only the Branschrådsdag of 5/12-2011 "fick ställas in"; the activity plans a new attempt in 2012.
    assert status["3.4.2"] == "ongoing"
    assert status["3.5.3"] == "not_started"  # the table: "Inleds under 2012"
    assert status["3.4.4"] == "postponed"  # "har skjutits upp till 2012"
    assert status["3.4.5"] == "not_started"  # "Tidigast 2013"
    assert status["3.2.3"] == "unknown"  # no words about it in the document


def test_arbetslivsanknytning_3_4_2_cancelled_event_not_activity(db):
    plan = "arbetslivsanknytning-2011-2013"
    note = one(db, "select status_note from activities where plan_id = ? and activity_id = '3.4.2'", [plan])
    assert "5/12-2011" in note and "ställas in" in note and "igen" in note
    lines = db.rows("select year, amount_sek from budget_lines where plan_id = ? and activity_id = '3.4.2'", [plan])
    assert lines == [(2012, 60_000)]  # the 2012 attempt is budgeted


def test_no_status_ongoing_or_done_before_the_activity_starts(db):
    """A status row saying work was going on (or finished) cannot be dated before the activity's start."""
    rows = db.rows(
        "select s.plan_id, s.activity_id, s.as_of, s.status, a.start_date"
        " from status_rev s join current_versions using (plan_id, version)"
        " join activities a using (plan_id, activity_id)"
        " where s.status in ('ongoing', 'done') and s.as_of < a.start_date"
    )
    assert rows == []


def test_arbetslivsanknytning_budget_notes_give_the_column_not_the_march_decision(db):
    """Rows outside section 3.3 were not decided in March 2012; their year comes from the table's column."""
    rows = db.rows(
        "select activity_id, note from budget_lines where plan_id = 'arbetslivsanknytning-2011-2013'"
        " and year = 2012 and kind = 'budget'"
    )
    outside = {aid: note for aid, note in rows if not aid.startswith("3.3.")}
    assert set(outside) >= {"3.4.1", "3.4.2", "3.4.4", "3.5.3", "3.6.1"}
    for aid, note in outside.items():
        assert "mars 2012" not in note.lower() and "march 2012" not in note.lower(), aid
    single = [aid for aid, _ in rows if aid not in ("3.1.1", "3.2.1", "3.2.2", "3.2.3", "3.3.1")]
    for aid, note in rows:
        if aid in single:
            assert "Budget 2012" in note and "två tomma celler" in note, aid


def test_mobilitet_study_environment_goal(db):
    plan = "mobilitet-2016-2018"
    goals = db.rows("select goal_id, description from goals where plan_id = ? order by sort_order", [plan])
    assert [g for g, _ in goals] == ["S", "A", "B", "C", "D", "E"]
    assert goals[0][1].endswith(
        "när det gäller studiemiljön har universitetet uppnått en acceptabelt god nivå. Den nivån ska vidmakthållas."
    )
    target = db.rows(
        "select target_id, target_value, baseline_value from targets where plan_id = ? and goal_id = 'S'", [plan]
    )
    assert target == [("TS", None, None)]  # qualitative: no figure is stated


def test_notes_agree_with_their_cells(db):
    """Notes once said an owner, a unit or goal links were assumed while the cells stayed empty."""
    for plan in ("kommunikation-kvalitet", "mobilitet-2016-2018"):
        owner, note = db.rows("select owner, note from plans where plan_id = ?", [plan])[0]
        assert owner is None and "Ägare lämnas tom" in note, plan
        assert "assumed" not in note and "taken as owner" not in note
    channels = db.rows(
        "select activity_id, goal_ids, note from activities where plan_id = 'kommunikation-kvalitet'"
        " and activity_id like 'K%'"
    )
    assert len(channels) == 5
    for aid, goal_ids, note in channels:
        assert goal_ids == [] and "registreras inte som en koppling" in note and "antagande" not in note, aid
    unit, note = db.rows(
        "select unit, note from activities where plan_id = 'kommunikation-kvalitet' and activity_id = 'U1'"
    )[0]
    assert unit is None and "Enhet lämnas tom" in note and "KOM/ULS" not in note


def test_mobilitet(db):
    plan = "mobilitet-2016-2018"
    assert one(db, "select count(*) from activities where plan_id = ?", [plan]) == 27
    # All amounts are given without a year: none may be moved to one.
    assert budget_sum(db, plan, year=None) == 1_560_500
    assert one(db, "select count(*) from budget_lines where plan_id = ? and year is not null", [plan]) == 0
    isb = db.rows("select amount_sek, source_text from budget_lines where plan_id = ? and activity_id is null", [plan])
    assert isb == [(200_000, "IBS International Student Barometer 200 000kr")]
    a3 = db.rows("select amount_sek from budget_lines where plan_id = ? and activity_id = 'A3'", [plan])
    assert a3 == [(37_500,)]  # "25*1500"
    a1 = db.rows(
        "select start_date, end_date, source_text from activities where plan_id = ? and activity_id = 'A1'", [plan]
    )
    assert a1 == [(date(2016, 2, 1), date(2017, 2, 28), "feb-16/feb-17")]


def test_mobilitet_targets_have_no_invented_baselines(db):
    rows = db.query(
        "select target_id, baseline_year, baseline_value, target_change_pct from targets"
        " where plan_id = 'mobilitet-2016-2018' and target_change_pct is not null order by target_id"
    )
    assert rows["target_change_pct"].tolist() == [25.0, 20.0]
    assert rows["baseline_year"].tolist() == [2015, 2015]
    assert rows["baseline_value"].isna().all()


def test_skolsamverkan_totals(db):
    plan = "skolsamverkan-2016-2017"
    assert budget_sum(db, plan, year=2016) == 2_400_000
    assert budget_sum(db, plan, year=None) == 5_250_000
    assert budget_sum(db, plan) == 7_650_000
    coordination = db.rows(
        "select amount_sek, funding_source, year from budget_lines where plan_id = ? and activity_id is null", [plan]
    )
    assert coordination == [(450_000, "utb. strat.", None)]
    by_source = dict(
        db.rows(
            "select funding_source, sum(amount_sek) from budget_lines where plan_id = ? and amount_sek is not null"
            " group by all",
            [plan],
        )
    )
    assert by_source == {"utb. strat.": 4_850_000, "ram": 2_400_000, "samverkansavtal": 300_000, None: 100_000}


def _target(db, plan, where):
    return db.query(f"select * from targets where plan_id = ? and {where}", [plan])


def test_skolsamverkan_targets(db):
    plan = "skolsamverkan-2016-2017"
    mentor = _target(db, plan, "activity_id = '5' and target_value = 130")
    assert mentor[["baseline_value", "target_year"]].values.tolist() == [[110.0, 2017]]
    contracts = _target(db, plan, "activity_id = '6' and target_value = 80")
    assert len(contracts) == 1 and contracts["region"].isna().all()
    jamtland = _target(db, plan, "activity_id = '6' and region = 'Jämtland'")
    assert jamtland["target_value"].tolist() == [15.0]
    assert jamtland["part_of"].tolist() == contracts["target_id"].tolist()
    coordinators = _target(db, plan, "activity_id = '1' and target_value = 75")
    assert coordinators[["baseline_value", "target_year"]].values.tolist() == [[60.0, 2016]]
    regional = dict(
        db.rows(
            "select region, target_value from targets where plan_id = ? and activity_id = '1' and region is not null",
            [plan],
        )
    )
    assert regional == {"Jämtland": 8.0, "Västernorrland": 13.0}
    assert len(_target(db, plan, "activity_id = '7' and target_value = 15")) == 1
    assert len(_target(db, plan, "activity_id = '10' and target_value = 50")) == 1
    assert len(_target(db, plan, "activity_id = '11' and target_change_pct = 15")) == 1
    assert sorted(_target(db, plan, "activity_id = '4' and target_value is not null")["target_value"]) == [4.0, 6.0]


def test_internationalisering_goals(db):
    plan = "internationalisering-2020-2023"
    mains = db.rows(
        "select goal_id from goals where plan_id = ? and parent_goal_id is null order by sort_order", [plan]
    )
    assert [m[0] for m in mains] == ["H1", "H2", "H3", "H4"]
    subs = dict(
        db.rows(
            "select parent_goal_id, count(*) from goals where plan_id = ? and parent_goal_id is not null group by 1",
            [plan],
        )
    )
    assert subs == {"H1": 16, "H2": 5, "H3": 13, "H4": 6}
    assert one(db, "select count(*) from activities where plan_id = ?", [plan]) == 0


def test_kommunikation(db):
    plan = "kommunikation-kvalitet"
    assert one(db, "select count(*) from goals where plan_id = ? and goal_id like 'V_'", [plan]) == 5
    assert one(db, "select count(*) from activities where plan_id = ? and activity_id like 'K_'", [plan]) == 5
    assert one(db, "select count(*) from budget_lines where plan_id = ?", [plan]) == 0


def test_no_outcome_figures_invented(db):
    # The documents report no outcomes; they are filled in later by the plan owners.
    assert one(db, "select count(*) from target_values") == 0


def test_stored_values_agree_with_their_original_text(db):
    """Where an original text is parseable on its own, the stored value must be what it says."""
    mismatches = []
    for plan, act, amount, text in db.rows("select plan_id, activity_id, amount_sek, source_text from budget_lines"):
        try:
            parsed = parse_amount(text).total if text else None
        except ParseError:
            continue  # prose such as "Kontaktresor sa 100 000 kr": kept as text, amount set by hand
        if parsed != amount:
            mismatches.append((plan, act, amount, text))
    for plan, act, start, end, text in db.rows(
        "select plan_id, activity_id, start_date, end_date, source_text from activities where source_text is not null"
    ):
        try:
            period = parse_period(text)
        except ParseError:
            continue
        # Under a START-only column a single period gives a start and no end.
        if start != period.start or end not in (period.end, None):
            mismatches.append((plan, act, start, end, text))
    assert mismatches == []


@pytest.mark.parametrize("plan", sorted(PLANS))
def test_every_plan_has_a_short_name_that_fits(db, plan):
    """The Kortnamn shown where space is short: filled in, at most 30 characters, shorter than the title."""
    data = read_plan((DATA / f"{plan}.xlsx").read_bytes(), "a.xlsx")
    short = data.plan["short_name"]
    assert short and len(short) <= 30 and len(short) < len(data.plan["title"])
    assert db.rows("select short_name from plans where plan_id = ?", [plan]) == [(short,)]


def test_plans_view_falls_back_to_the_title(tmp_path):
    """A plan without a Kortnamn has its title as short_name in the view; the table keeps NULL."""
    path = tmp_path / "p.duckdb"
    build(write_plan(tmp_path).parent, path)
    with Database(path, read_only=True) as database:
        assert database.rows("select short_name, title from plans") == [("Testplan 2016–2017",) * 2]
        assert database.rows("select short_name from plan_rev") == [(None,)]


def test_database_from_before_short_name_gets_the_column(tmp_path):
    """A database built before Kortnamn existed opens, and its plans show their titles."""
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "create table plan_rev (plan_id varchar not null, version integer not null, title varchar,"
        " period_start date, period_end date, period_text varchar, owner varchar, diary_no varchar,"
        " doc_version varchar, doc_date date, source_document varchar, note varchar)"
    )
    con.execute("insert into plan_rev (plan_id, version, title) values ('p', 1, 'Gammal plan')")
    con.close()
    with Database(path) as database:
        database.rows(
            "insert into load_log (load_id, plan_id, version, loaded_at, action) values (1, 'p', 1, now(), 'x')"
        )
        assert database.rows("select short_name from plans") == [("Gammal plan",)]


def test_the_schema_runs_again_only_when_schema_sql_changed(tmp_path):
    """An open skips the schema the file already has, and applies it again once schema.sql is another."""
    path = tmp_path / "plans.duckdb"
    Database(path).close()
    with Database(path) as database:
        database.rows("drop view rounds")  # a change the schema would undo, were it run
    with Database(path) as database:
        assert database.rows("select count(*) from duckdb_views() where view_name = 'rounds'") == [(0,)]
        database.rows("update schema_applied set sha256 = 'an older schema.sql'")
    with Database(path) as database:
        assert database.rows("select count(*) from rounds") == [(0,)]
        assert len(database.rows("select * from schema_applied")) == 1


@pytest.mark.parametrize("plan", sorted(PLANS))
def test_round_trip(tmp_path, db, plan):
    """Export a plan in the template layout and read it back: identical data."""
    original = read_plan((DATA / f"{plan}.xlsx").read_bytes(), "a.xlsx")
    out = tmp_path / "export.xlsx"
    export_plan(db, plan, out)
    again = read_plan(out.read_bytes(), "b.xlsx")
    assert again.plan == original.plan
    assert again.plan["short_name"]  # the Kortnamn goes out and comes back
    for key, table in original.tables.items():
        assert again.tables[key].equals(table), key
        assert isinstance(table, pa.Table)


# Notes (Anteckning) are read by Swedish plan owners. Words only English uses, looked for outside
# quotations (a quoted document word such as 'at' is the document's language, not the note's).
ENGLISH = set(
    [
        "the",
        "of",
        "and",
        "is",
        "are",
        "was",
        "not",
        "from",
        "with",
        "taken",
        "read",
        "stated",
        "assumed",
        "kept",
        "as",
        "by",
        "which",
        "this",
        "that",
        "no",
        "null",
        "only",
        "column",
        "row",
        "heading",
        "title",
        "year",
        "unit",
        "amount",
        "target",
        "goal",
        "document",
        "first",
        "day",
        "end",
    ]
)
SWEDISH = set(
    [
        "och",
        "är",
        "att",
        "som",
        "inte",
        "ingen",
        "inget",
        "inga",
        "anges",
        "från",
        "för",
        "av",
        "i",
        "med",
        "den",
        "det",
        "till",
        "på",
        "ur",
        "eller",
        "enligt",
    ]
)
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|”[^”]*”|“[^”]*”")


def _words(note: str) -> list[str]:
    return re.findall(r"[a-zåäöé]+", QUOTED.sub(" ", note).lower())


def english_words(note: str) -> list[str]:
    return sorted(set(_words(note)) & ENGLISH)


def looks_swedish(note: str) -> bool:
    """Swedish function words or letters outside quotations (short notes such as 'Kvalitativ.' pass)."""
    words = _words(note)
    return len(words) < 6 or bool(set(words) & SWEDISH) or any(ch in "åäö" for w in words for ch in w)


def test_the_language_check_tells_english_notes_from_swedish_ones():
    assert {"no", "year", "stated"} <= set(english_words("Qualitative target; no figures or year stated."))
    assert english_words("Header START only: single period → start = first day, end null.")
    assert english_words("Column headed 'RESURSER 2016' → year 2016.") == ["column", "year"]
    assert not looks_swedish("Joint report for 3.6.1 and 3.6.2; work started and continuing in 2012")
    assert not english_words("Kvalitativ målsättning; inga siffror eller år anges.")
    assert not english_words("Dokumentets stavning 'at' behållen.")
    assert looks_swedish("Kvalitativ målsättning; inga siffror eller år anges.")


def _notes(plan: str) -> list[tuple[str, str]]:
    data = read_plan((DATA / f"{plan}.xlsx").read_bytes(), "a.xlsx")
    notes = [("Plan", data.plan["note"])] if data.plan["note"] else []
    for key, table in data.tables.items():
        notes += [(key, n) for n in table["note"].to_pylist() if n]
    return notes


@pytest.mark.parametrize("plan", sorted(PLANS))
def test_notes_are_written_in_swedish(plan):
    notes = _notes(plan)
    assert notes
    english = [(sheet, note[:80], english_words(note)) for sheet, note in notes if english_words(note)]
    assert english == []
    assert [(sheet, note[:80]) for sheet, note in notes if not looks_swedish(note)] == []


@pytest.mark.parametrize("plan", sorted(PLANS))
def test_instructions_sheet_explains_kortnamn_in_swedish(plan):
    """The bundled workbooks' Instruktioner sheet describes the Kortnamn column, in Swedish like the notes."""
    lines = [c.value for c in openpyxl.load_workbook(DATA / f"{plan}.xlsx")["Instruktioner"]["A"] if c.value]
    assert any(line.strip().startswith("Kortnamn:") for line in lines)
    assert [line for line in lines if english_words(line)] == []
