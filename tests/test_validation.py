"""One case per validation rule, each on a tiny workbook built in tmp_path."""

from datetime import date

import openpyxl

from loaders.workbook import read_plan
from tests.conftest import base_rows, codes, edit, problems_of, write_plan


def test_valid_minimal_plan(tmp_path):
    data = read_plan(write_plan(tmp_path).read_bytes(), "plan.xlsx")
    assert data.plan_id == "testplan"
    acts = data.tables["activities"].to_pylist()
    # Dates left empty are read from the period text.
    assert (acts[0]["start_date"], acts[0]["end_date"]) == (date(2016, 2, 1), date(2017, 2, 28))
    assert acts[1]["goal_ids"] == ["A", "A.1"]
    budget = data.tables["budget"].to_pylist()
    assert [b["kind"] for b in budget] == ["budget", "opening_balance", "budget"]
    assert budget[2]["activity_id"] is None and budget[2]["year"] is None


def test_problem_records_carry_file_sheet_cell_value_message(tmp_path):
    path = edit(write_plan(tmp_path), "Budget", "F2", "hundra kronor")
    (p,) = problems_of(path)
    assert (p.file, p.sheet, p.cell, p.value) == ("plan.xlsx", "Budget", "Budget!F2", "hundra kronor")
    assert "Beloppet går inte att tolka" in p.message("sv")
    assert "cannot be read" in p.message("en")


def test_every_problem_reported_at_once(tmp_path):
    path = write_plan(tmp_path)
    edit(path, "Budget", "F2", "abc")
    edit(path, "Budget", "F3", -5)
    edit(path, "Aktiviteter", "I3", "inte ett datum")
    assert sorted(codes(problems_of(path))) == ["amount_negative", "amount_unparsable", "date_invalid"]


def test_missing_sheet(tmp_path):
    path = write_plan(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["Målsättningar"]
    wb.save(path)
    assert codes(problems_of(path)) == ["sheet_missing"]


def test_missing_column(tmp_path):
    path = edit(write_plan(tmp_path), "Budget", "E1", "Sort")
    (p,) = problems_of(path)
    assert p.code == "column_missing" and p.params["column"] == "Typ"


def test_header_must_start_in_row_1(tmp_path):
    path = write_plan(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Mål"].insert_rows(1)
    wb.save(path)
    assert "header_not_row1" in codes(problems_of(path))


def test_duplicate_activity_id(tmp_path):
    rows = base_rows()
    rows["activities"][1]["activity_id"] = "1"
    (p,) = problems_of(write_plan(tmp_path, rows))
    assert (p.code, p.cell, p.value) == ("duplicate_id", "Aktiviteter!A3", "1")


def test_duplicate_goal_and_target_ids(tmp_path):
    rows = base_rows()
    rows["goals"].append({"goal_id": "A", "title": "again"})
    rows["targets"].append({"target_id": "T1", "name": "again"})
    assert sorted(codes(problems_of(write_plan(tmp_path, rows)))) == ["duplicate_id", "duplicate_id"]


def test_unknown_goal_in_activity(tmp_path):
    rows = base_rows()
    rows["activities"][0]["goal_ids"] = ["A", "Z"]
    (p,) = problems_of(write_plan(tmp_path, rows))
    assert (p.code, p.cell, p.value) == ("unknown_goal", "Aktiviteter!G2", "Z")


def test_unknown_parent_goal(tmp_path):
    rows = base_rows()
    rows["goals"][1]["parent_goal_id"] = "B"
    assert codes(problems_of(write_plan(tmp_path, rows))) == ["unknown_goal"]


def test_goal_cannot_be_own_parent(tmp_path):
    rows = base_rows()
    rows["goals"][0]["parent_goal_id"] = "A"
    assert codes(problems_of(write_plan(tmp_path, rows))) == ["self_reference"]


def test_unknown_activity_in_budget_targets_status(tmp_path):
    rows = base_rows()
    rows["budget"][0]["activity_id"] = "9"
    rows["targets"][0]["activity_id"] = "9"
    rows["status"][0]["activity_id"] = "9"
    probs = problems_of(write_plan(tmp_path, rows))
    assert codes(probs) == ["unknown_activity"] * 3
    assert {p.sheet for p in probs} == {"Budget", "Målsättningar", "Status"}


def test_unknown_target_in_values_and_part_of(tmp_path):
    rows = base_rows()
    rows["targets"][1]["part_of"] = "T9"
    rows["target_values"] = [{"target_id": "T7", "year": 2017, "value": 3}]
    assert codes(problems_of(write_plan(tmp_path, rows))) == ["unknown_target", "unknown_target"]


def test_amount_that_does_not_parse(tmp_path):
    path = edit(write_plan(tmp_path), "Budget", "F2", "ungefär hundra")
    assert codes(problems_of(path)) == ["amount_unparsable"]


def test_amount_text_forms_are_parsed(tmp_path):
    path = edit(write_plan(tmp_path), "Budget", "F2", "225 tkr + 265 tkr")
    line = read_plan(path.read_bytes(), "x.xlsx").tables["budget"].to_pylist()[0]
    assert line["amount_sek"] == 490_000 and line["amount_parts"] == [225_000, 265_000]


def test_negative_amount(tmp_path):
    path = edit(write_plan(tmp_path), "Budget", "F2", -100)
    assert codes(problems_of(path)) == ["amount_negative"]


def test_amount_not_whole_kronor(tmp_path):
    path = edit(write_plan(tmp_path), "Budget", "F2", 10.5)
    assert codes(problems_of(path)) == ["amount_not_whole"]


def test_budget_line_needs_amount_or_text(tmp_path):
    rows = base_rows()
    rows["budget"].append({"activity_id": "2", "unit": "RUN"})
    assert codes(problems_of(write_plan(tmp_path, rows))) == ["amount_missing"]


def test_budget_line_with_text_and_no_amount_is_kept(tmp_path):
    rows = base_rows()
    rows["budget"].append({"activity_id": "2", "year": 2016, "source_text": "Resurssätts genom akt. 1"})
    line = read_plan(write_plan(tmp_path, rows).read_bytes(), "x").tables["budget"].to_pylist()[-1]
    assert line["amount_sek"] is None and line["source_text"] == "Resurssätts genom akt. 1"


def test_end_before_start(tmp_path):
    rows = base_rows()
    rows["activities"][1].update(start_date=date(2017, 5, 1), end_date=date(2017, 1, 1))
    (p,) = problems_of(write_plan(tmp_path, rows))
    assert (p.code, p.cell) == ("end_before_start", "Aktiviteter!J3")


def test_plan_period_end_before_start(tmp_path):
    probs = problems_of(write_plan(tmp_path, plan={"period_end": date(2015, 1, 1)}))
    assert codes(probs) == ["end_before_start"]


def test_formula_without_cached_value(tmp_path):
    # openpyxl writes formulas without a computed value, as a script or a half-saved file would.
    path = edit(write_plan(tmp_path), "Budget", "F2", "=100*1000")
    (p,) = problems_of(path)
    assert (p.code, p.cell) == ("formula_no_value", "Budget!F2")


def test_merged_cells_in_data_rows(tmp_path):
    path = write_plan(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Aktiviteter"].merge_cells("C2:D2")
    wb.save(path)
    (p,) = problems_of(path)
    assert (p.code, p.cell) == ("merged_cells", "Aktiviteter!C2")


def test_required_value_missing(tmp_path):
    rows = base_rows()
    rows["activities"][1]["title"] = None
    (p,) = problems_of(write_plan(tmp_path, rows))
    assert (p.code, p.cell) == ("required", "Aktiviteter!C3")


def test_invalid_status(tmp_path):
    path = edit(write_plan(tmp_path), "Status", "C2", "kanske klar")
    assert codes(problems_of(path)) == ["status_unknown"]


def test_status_from_document_words(tmp_path):
    path = edit(write_plan(tmp_path), "Status", "C2", "Genomfört 2011")
    assert read_plan(path.read_bytes(), "x").tables["status"].to_pylist()[0]["status"] == "done"


def test_invalid_line_kind(tmp_path):
    path = edit(write_plan(tmp_path), "Budget", "E2", "utfall")
    assert codes(problems_of(path)) == ["kind_unknown"]


def test_invalid_year_and_number(tmp_path):
    path = write_plan(tmp_path)
    edit(path, "Budget", "B2", "tjugosexton")
    edit(path, "Målsättningar", "K2", "åttio")
    assert sorted(codes(problems_of(path))) == ["number_invalid", "year_invalid"]


def test_plan_sheet_needs_exactly_one_row(tmp_path):
    path = edit(write_plan(tmp_path), "Plan", "A3", "andra-planen")
    assert "plan_rows" in codes(problems_of(path))


def test_empty_rows_between_data_are_ignored(tmp_path):
    path = write_plan(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Budget"].insert_rows(3)
    wb.save(path)
    budget = read_plan(path.read_bytes(), "x").tables["budget"]
    assert budget.num_rows == 3
    assert budget["row_no"].to_pylist() == [2, 4, 5]


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    rows = base_rows()
    rows["activities"][0]["description"] = '=HYPERLINK("http://x")'
    data = read_plan(write_plan(tmp_path, rows).read_bytes(), "x")
    assert data.tables["activities"].to_pylist()[0]["description"] == '=HYPERLINK("http://x")'


def test_short_name_longer_than_30_characters_is_a_cell_problem(tmp_path):
    too_long = "Regional skolsamverkan, arbetslivsanknytning"
    (p,) = problems_of(write_plan(tmp_path, plan={"short_name": too_long}))
    assert (p.code, p.cell, p.value) == ("cell_too_long", "Plan!C2", too_long)
    assert p.params == {"length": len(too_long), "limit": 30}
    assert "högst 30" in p.message("sv")
    ok = read_plan(write_plan(tmp_path, plan={"short_name": "x" * 30}).read_bytes(), "x")
    assert ok.plan["short_name"] == "x" * 30


def test_workbook_without_the_short_name_column_still_loads(tmp_path):
    """Workbooks made before Kortnamn existed: the column is optional, the short name empty."""
    path = write_plan(tmp_path, plan={"short_name": "Test"})
    wb = openpyxl.load_workbook(path)
    ws = wb["Plan"]
    col = next(c.column for c in ws[1] if c.value == "Kortnamn")
    ws.delete_cols(col)
    wb.save(path)
    data = read_plan(path.read_bytes(), "x")
    assert data.plan["short_name"] is None and data.plan["title"] == "Testplan 2016–2017"
