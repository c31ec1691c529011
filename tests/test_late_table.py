"""The table of activities past their end, built once for the status page, the meeting and the meeting pack."""

from datetime import date

import pandas as pd
import pytest

from dashboard.domain.late import overdue, past_end_table

AS_OF = date(2012, 6, 30)


def activities() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "plan_id": ["mob", "mob", "int"],
            "activity_id": ["1", "2", "3.1"],
            "title": ["Utbyte", "Avtal", "Språkkurs"],
            "responsible": ["IO", None, ""],
            "status": ["ongoing", "unknown", "postponed"],
            "end_date": [date(2012, 6, 29), date(2012, 3, 31), date(2011, 6, 30)],
        }
    )


def test_late_rows_read_plan_id_title_responsible_end_days_and_status_in_the_users_language():
    late = overdue(activities(), AS_OF).late
    table = past_end_table(late, {"mob": "Mobilitet"}, "sv", "days_late")
    assert list(table.columns) == ["Plan", "ID", "Aktivitet", "Ansvarig", "Slut", "Dagar sen", "Status"]
    assert table.to_dict("records") == [
        {"Plan": "Mobilitet", "ID": "1", "Aktivitet": "Utbyte", "Ansvarig": "IO", "Slut": "2012-06-29",
         "Dagar sen": "1", "Status": "Pågår"},
        # A plan without a display name keeps its id; no responsible reads as a dash.
        {"Plan": "int", "ID": "3.1", "Aktivitet": "Språkkurs", "Ansvarig": "—", "Slut": "2011-06-30",
         "Dagar sen": "366", "Status": "Uppskjuten"},
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_status_unknown_rows_count_days_past_the_end_and_never_show_none(lang):
    unknown = overdue(activities(), AS_OF).unknown
    table = past_end_table(unknown, {"mob": "Mobilitet"}, lang, "days_past_end")
    row = table.iloc[0].to_dict()
    assert row[("Dagar efter slut" if lang == "sv" else "Days past end")] == "91"
    assert row[("Ansvarig" if lang == "sv" else "Responsible")] == "—"
    assert row["Status"] == ("Okänd" if lang == "sv" else "Unknown")


def test_nothing_past_its_end_is_an_empty_table_without_columns():
    # (the pack writes "nothing" for a section without columns, rather than an empty grid)
    table = past_end_table(overdue(activities().iloc[0:0], AS_OF).late, {}, "sv", "days_late")
    assert table.empty and table.columns.empty
