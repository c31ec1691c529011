"""Page-speed benchmark: each dashboard page under AppTest vs the same page computed with pandas from the workbooks."""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date
from pathlib import Path

import pandas as pd

from bench.bench_ingest import machine, publish_results
from loaders.parse import ParseError, parse_amount, parse_id_list, parse_line_kind, parse_period, parse_status
from loaders.template import SHEET_BY_KEY, SHEETS

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
APP = ROOT / "dashboard" / "app.py"
PAGES = (
    "overview", "budget", "targets", "mentors", "status", "structure", "activities", "meetings", "history", "rounds",
)  # fmt: skip
# When the naive pass cannot run every page at a size, these two stand for the rest: the budget page
# is the one that reads the big sheet's every line, the status page the one that needs only activities.
REPRESENTATIVE = ("budget", "status")
TARGET_MS = {"bundled": 150, "synthetic": 500}  # the per-page targets for the script run


# ---------------------------------------------------------------------------- databases


def build_db(size: str, tmp: Path) -> tuple[Path, list[Path]]:
    """The database for one size and the workbooks it was built from (the naive baseline reads the same)."""
    from loaders.service import build, workbook_files

    real = workbook_files(ROOT / "data")
    if size == "bundled":
        data_dir, files = ROOT / "data", real
    else:
        from bench.generate import generate

        synthetic = OUT / f"synthetic_{size}.xlsx"
        if not synthetic.exists():
            print(f"generating {synthetic} …", file=sys.stderr, flush=True)
            generate(int(size), synthetic)
        data_dir = tmp / f"data_{size}"
        data_dir.mkdir()
        for path in [*real, synthetic]:
            shutil.copy2(path, data_dir / path.name)
        files = workbook_files(data_dir)
    db_path = tmp / f"{'bundled' if size == 'bundled' else 'synthetic'}_{size}.duckdb"
    t = time.perf_counter()
    build(data_dir, db_path)
    print(f"built {db_path.name} from {len(files)} workbooks in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return db_path, files


# ---------------------------------------------------------------------------- ours: the app under AppTest


def _run(at, page: str) -> float:
    at.switch_page(f"app_pages/{page}.py")
    t = time.perf_counter()
    at.run()
    ms = (time.perf_counter() - t) * 1000
    assert not at.exception, (page, [e.message for e in at.exception])
    return ms


def _app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def time_ours(db_path: Path, runs: int) -> dict[str, dict]:
    """Per page: cold (first run after st.cache_data.clear(), fresh session) and warm (median of `runs` reruns)."""
    import streamlit as st

    os.environ["PLANS_DB"] = str(db_path)
    # No scheduled backups, as in the other benchmarks: the first is due at once, and it copied the database in a
    # thread of its own while the pages were timed (and kept the connection alive past the end).
    os.environ["PLANS_BACKUP_INTERVAL_HOURS"] = "0"
    # One untimed pass over every page first: imports, plotly's lazily loaded figure classes and the
    # opening of the shared read-only connection (st.cache_resource) are once per process, not per page.
    st.cache_data.clear()
    at = _app()
    for page in PAGES:
        _run(at, page)
    out = {}
    for page in PAGES:
        st.cache_data.clear()
        at = _app()  # a fresh session; its first run is the default page, which fills the cache again…
        st.cache_data.clear()  # …so clear once more: the timed run computes every query it needs, sidebar's too
        cold = _run(at, page)
        warm = [_run(at, page) for _ in range(runs)]
        out[page] = {"cold": cold, "warm": statistics.median(warm), "warm_all": warm}
        print(f"  ours {page}: cold {cold:.0f} ms, warm {out[page]['warm']:.0f} ms", file=sys.stderr, flush=True)
    return out


def profile_page(db_path: Path, page: str, runs: int) -> str:
    """cProfile of warm runs of one page: which calls the time goes to."""
    import threading

    os.environ["PLANS_DB"] = str(db_path)
    at = _app()
    _run(at, page)
    # AppTest runs the script in a thread of its own, which a profiler enabled here would not see:
    # every new thread starts one at its first profiled event instead.
    profiles: list[cProfile.Profile] = []

    def start(*_):
        sys.setprofile(None)
        prof = cProfile.Profile()
        profiles.append(prof)
        prof.enable()

    threading.setprofile(start)
    try:
        for _ in range(runs):
            _run(at, page)
    finally:
        threading.setprofile(None)
    text = io.StringIO()
    pstats.Stats(*profiles, stream=text).sort_stats("cumulative").print_stats(60)
    return text.getvalue()


# ---------------------------------------------------------------------------- naive: pandas from the workbooks


def _id(value) -> str | None:
    """Ids as text: openpyxl gives 5 for "5" and 3.2 for "3.2", the database keeps the text."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _amount(value) -> float:
    if isinstance(value, str):
        return float(parse_amount(value).total)
    return float(value)


def _or_none(fn, value):
    try:
        return fn(value)
    except ParseError:
        return None


def read_workbooks(files: list[Path]) -> dict[str, pd.DataFrame]:
    """Every sheet of every workbook, one frame per sheet with the plan's id and the database's column names."""
    parts: dict[str, list[pd.DataFrame]] = {s.key: [] for s in SHEETS}
    for path in files:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about the header comments' extension
            book = pd.read_excel(path, sheet_name=None, engine="openpyxl")
        plan_id = str(book[SHEET_BY_KEY["plan"].name].iloc[0, 0])
        for s in SHEETS:
            if s.name not in book:  # an optional sheet (Kostnadsutfall) the workbook was made without
                continue
            df = book[s.name].rename(columns={c.header: c.key for c in s.columns})
            parts[s.key].append(df.assign(plan_id=plan_id, row=range(len(df))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # concat of all-NA columns from the empty sheets
        return {
            k: pd.concat([d for d in v if not d.empty] or v[:1], ignore_index=True)
            if v
            else pd.DataFrame(columns=[c.key for c in SHEET_BY_KEY[k].columns] + ["plan_id", "row"])
            for k, v in parts.items()
        }


def tidy(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The interpretation every page needs before it can compute: ids, dates, amounts, kinds, statuses."""
    plans = raw["plan"].assign(
        period_start=lambda d: pd.to_datetime(d["period_start"], errors="coerce"),
        period_end=lambda d: pd.to_datetime(d["period_end"], errors="coerce"),
    )
    goals = raw["goals"].assign(
        goal_id=lambda d: d["goal_id"].map(_id), parent_goal_id=lambda d: d["parent_goal_id"].map(_id)
    )
    acts = raw["activities"].copy()
    acts["activity_id"] = acts["activity_id"].map(_id)
    acts["goal_ids"] = acts["goal_ids"].map(lambda v: parse_id_list(_id(v)) if _id(v) else [])
    acts["start_date"] = pd.to_datetime(acts["start_date"], errors="coerce")
    acts["end_date"] = pd.to_datetime(acts["end_date"], errors="coerce")
    # Empty Start/Slut are read from the period text, as the template says.
    undated = acts["start_date"].isna() & acts["end_date"].isna() & acts["period_text"].notna()
    for i in acts.index[undated]:
        period = _or_none(parse_period, acts.at[i, "period_text"])
        if period:
            acts.at[i, "start_date"] = pd.Timestamp(period.start) if period.start else pd.NaT
            acts.at[i, "end_date"] = pd.Timestamp(period.end) if period.end else pd.NaT
    # The latest status row per activity (by date, then order) is its status; no row: unknown.
    reports = raw["status"].assign(activity_id=lambda d: d["activity_id"].map(_id))
    reports = reports.assign(as_of=pd.to_datetime(reports["as_of"], errors="coerce"))
    reports = reports.sort_values(["plan_id", "as_of", "row"])
    latest = reports.groupby(["plan_id", "activity_id"]).tail(1)
    latest = latest.assign(status=latest["status"].map(lambda s: _or_none(parse_status, s) or "unknown"))
    acts = acts.merge(
        latest[["plan_id", "activity_id", "status", "status_note"]], on=["plan_id", "activity_id"], how="left"
    )
    acts["status"] = acts["status"].fillna("unknown")
    acts["sort_order"] = acts["row"]

    budget = raw["budget"].copy()
    budget["activity_id"] = budget["activity_id"].map(_id)
    budget["year"] = pd.to_numeric(budget["year"], errors="coerce").astype("Int64")
    budget["kind"] = budget["kind"].map(parse_line_kind)
    budget["amount_sek"] = budget["amount_sek"].map(_amount)

    targets = raw["targets"].copy()
    for col in ("target_id", "activity_id", "goal_id", "part_of"):
        targets[col] = targets[col].map(_id)
    values = raw["target_values"].assign(target_id=lambda d: d["target_id"].map(_id))
    return {"plans": plans, "goals": goals, "activities": acts, "budget": budget, "targets": targets, "values": values}


def _units(values: pd.Series) -> pd.Series:
    return values.fillna("—").astype(str).str.split("/").explode().str.strip()


def sidebar(d: dict) -> dict:
    """What the sidebar computes on every page: the filter options."""
    acts, budget, plans = d["activities"], d["budget"], d["plans"]
    years = pd.concat([
        budget["year"].astype("float"),
        acts["start_date"].dt.year,
        acts["end_date"].dt.year,
        plans["period_start"].dt.year,
        plans["period_end"].dt.year,
    ]).dropna()  # fmt: skip
    return {
        "plans": plans[["plan_id", "title"]].sort_values("plan_id"),
        "units": sorted(set(_units(pd.concat([acts["unit"], budget["unit"]])))),
        "responsible": sorted(acts["responsible"].dropna().astype(str).unique()),
        "funding": sorted(budget["funding_source"].fillna("—").astype(str).unique()),
        "goals": d["goals"].merge(plans[["plan_id", "title"]].rename(columns={"title": "plan_title"}), on="plan_id"),
        "years": (int(years.min()), int(years.max())),
    }


def _targets_latest(d: dict) -> pd.DataFrame:
    values = d["values"].sort_values("year").groupby(["plan_id", "target_id", "region"], dropna=False).tail(1)
    values = values.rename(columns={"year": "outcome_year", "value": "outcome"})
    acts = d["activities"][["plan_id", "activity_id", "title", "sort_order"]]
    acts = acts.rename(columns={"title": "activity_title"})
    plans = d["plans"][["plan_id", "title", "period_start"]].rename(columns={"title": "plan_title"})
    out = d["targets"].merge(plans, on="plan_id").merge(acts, on=["plan_id", "activity_id"], how="left")
    out = out.merge(
        values[["plan_id", "target_id", "region", "outcome_year", "outcome"]],
        on=["plan_id", "target_id", "region"],
        how="left",
    )
    return out.sort_values(["plan_id", "sort_order", "target_id"], na_position="first")


def page_overview(d: dict, today: date) -> dict:
    from dashboard.domain.targets import summary

    acts, budget = d["activities"], d["budget"]
    b = budget.assign(
        budget=budget["amount_sek"].where((budget["kind"] == "budget") & budget["year"].notna()),
        no_year=budget["amount_sek"].where((budget["kind"] == "budget") & budget["year"].isna()),
        opening_balance=budget["amount_sek"].where(budget["kind"] == "opening_balance"),
    )
    money = b.groupby("plan_id")[["budget", "no_year", "opening_balance"]].sum()
    cards = (
        d["plans"]
        .set_index("plan_id")
        .join(acts.groupby("plan_id").size().rename("activities"))
        .join(money)
        .join(d["goals"].groupby("plan_id").size().rename("goals"))
        .join(d["targets"].groupby("plan_id").size().rename("targets"))
        .fillna({"activities": 0, "budget": 0, "no_year": 0, "opening_balance": 0, "goals": 0, "targets": 0})
    )
    counts = acts.groupby(["plan_id", "status"]).size()
    targets = _targets_latest(d)
    states = summary(targets)
    return {
        "budget": cards["budget"].sum(),
        "no_year": cards["no_year"].sum(),
        "opening_balance": cards["opening_balance"].sum(),
        "activities": int(counts.sum()),
        "by_status": counts.groupby("status").sum().to_dict(),
        "targets": states,
        "cards": cards,
    }


def page_budget(d: dict, today: date) -> dict:
    acts = d["activities"][["plan_id", "activity_id", "unit", "start_date", "goal_ids"]]
    lines = d["budget"].merge(acts, on=["plan_id", "activity_id"], how="left", suffixes=("", "_activity"))
    lines = lines[lines["amount_sek"].notna()]
    lines = lines.assign(unit=lines["unit"].fillna(lines["unit_activity"]).fillna("Ej angivet"))
    # By year and unit, IB apart and amounts without a year in their own bar (the page's default view).
    series = lines["kind"].where(lines["kind"] == "opening_balance", "budget")
    year_label = lines["year"].astype(str).where(lines["year"].notna(), "Inget år angivet")
    by_year = lines.assign(series=series, year_label=year_label).groupby(["year_label", "unit", "series"])["amount_sek"]
    by_year = by_year.sum().reset_index()
    table = by_year.pivot_table(index="year_label", columns="unit", values="amount_sek", aggfunc="sum")
    table = table.assign(Budget=table.sum(axis=1))
    budget_only = lines[lines["kind"] == "budget"]
    funding = budget_only.groupby(budget_only["funding_source"].fillna("Ej angivet"))["amount_sek"].sum()
    plans = budget_only.groupby("plan_id")["amount_sek"].sum()
    goals = d["goals"].assign(key=lambda g: g["plan_id"] + ":" + g["goal_id"]).set_index("key")["title"]
    # A line of an activity without goals, or of no activity, counts under "no goal".
    exploded = budget_only.assign(
        goal=budget_only["goal_ids"].map(lambda g: g if isinstance(g, list) and g else [None])
    )
    exploded = exploded.explode("goal")
    keys = exploded["plan_id"] + ":" + exploded["goal"].fillna("")
    exploded = exploded.assign(label=keys.map(goals).fillna("Inget mål"))
    by_goal = exploded.groupby("label")["amount_sek"].sum()
    return {"by_year": table, "funding": funding, "plans": plans, "by_goal": by_goal}


def page_targets(d: dict, today: date) -> dict:
    from dashboard.domain.targets import outcomes_of, split_by_path

    paths, without = split_by_path(_targets_latest(d))
    values = d["values"]
    out = []
    for _, row in paths.iterrows():
        mine = values[(values["plan_id"] == row["plan_id"]) & (values["target_id"] == row["target_id"])]
        out.append((row["plan_id"], row["target_id"], outcomes_of(row, mine).sort_values("year")))
    return {"paths": out, "without": without}


def page_mentors(d: dict, today: date) -> dict:
    from dashboard.domain.targets import by_kind, wholes_and_parts

    kinds = by_kind(_targets_latest(d))
    cards = []
    valued = kinds.valued.sort_values("period_start", ascending=False, kind="stable")
    for _, group in valued.groupby("plan_id", sort=False):
        cards += wholes_and_parts(group.to_dict("records"))
    return {"cards": cards, "relative": kinds.relative, "qualitative": kinds.qualitative}


def page_status(d: dict, today: date) -> dict:
    acts = d["activities"]
    by_plan = acts.groupby(["plan_id", "status"]).size()
    units = acts.assign(grp=acts["unit"].fillna("—").astype(str).str.split("/")).explode("grp")
    by_unit = units.assign(grp=units["grp"].str.strip()).groupby(["grp", "status"]).size()
    goals = acts.assign(grp=acts["goal_ids"].map(lambda g: g or [None])).explode("grp")
    by_goal = goals.assign(grp=goals["plan_id"] + ":" + goals["grp"]).groupby(["grp", "status"], dropna=False).size()
    plans = d["plans"][["plan_id", "title", "period_end"]].rename(columns={"title": "plan_title"})
    timeline = acts[acts["start_date"].notna() | acts["end_date"].notna()].merge(plans, on="plan_id")
    timeline = timeline.sort_values(["plan_id", "start_date", "sort_order"], na_position="last")
    now = pd.Timestamp(today)
    late = acts[(acts["end_date"] < now) & ~acts["status"].isin(["done", "cancelled"])]
    late = late.assign(days_late=(now - late["end_date"]).dt.days).sort_values(["end_date", "plan_id", "sort_order"])
    # Status over versions needs every loaded version; the workbooks hold only the current one.
    return {"by_plan": by_plan, "by_unit": by_unit, "by_goal": by_goal, "timeline": timeline, "overdue": late}


def page_structure(d: dict, today: date) -> dict:
    pid = sorted(d["plans"]["plan_id"])[0]  # the page's plan selectbox defaults to the first plan by id
    goals = d["goals"][d["goals"]["plan_id"] == pid].sort_values("row")
    acts = d["activities"][d["activities"]["plan_id"] == pid].sort_values("sort_order")
    goal_ids = set(goals["goal_id"])
    nodes = [(pid, "")]
    for g in goals.itertuples(index=False):
        nodes.append((f"{pid}/{g.goal_id}", f"{pid}/{g.parent_goal_id}" if isinstance(g.parent_goal_id, str) else pid))
    for a in acts.itertuples(index=False):
        parents = [f"{pid}/{g}" for g in a.goal_ids if g in goal_ids] or [f"{pid}/§{a.section}"]
        nodes += [(f"{p}/{a.activity_id}", p) for p in parents]
    return {"nodes": pd.DataFrame(nodes, columns=["id", "parent"])}


def page_activities(d: dict, today: date) -> dict:
    acts, budget = d["activities"], d["budget"]
    sums = budget[budget["kind"] == "budget"].groupby(["plan_id", "activity_id"])["amount_sek"].sum(min_count=1)
    plans = d["plans"][["plan_id", "title"]].rename(columns={"title": "plan_title"})
    rows = acts.merge(plans, on="plan_id").merge(sums.rename("budget_sek").reset_index(), how="left")
    rows = rows.sort_values(["plan_id", "sort_order"])
    first = rows.iloc[0]  # the detail selectbox defaults to the first row
    key = (budget["plan_id"] == first["plan_id"]) & (budget["activity_id"] == first["activity_id"])
    goals = d["goals"][(d["goals"]["plan_id"] == first["plan_id"]) & d["goals"]["goal_id"].isin(first["goal_ids"])]
    targets = d["targets"]
    detail = {
        "budget": budget[key].sort_values("row"),
        "goals": goals,
        "targets": targets[(targets["plan_id"] == first["plan_id"]) & (targets["activity_id"] == first["activity_id"])],
    }
    return {"rows": rows, "n": len(rows), "budget": rows["budget_sek"].sum(), "detail": detail}


NAIVE = {name: globals()[f"page_{name}"] for name in PAGES if f"page_{name}" in globals()}


def naive(page: str, files: list[Path], today: date) -> dict:
    """One page the naive way: read every workbook, interpret, compute; nothing kept between calls."""
    d = tidy(read_workbooks(files))
    sidebar(d)
    return NAIVE[page](d, today)


def time_naive(files: list[Path], reps: int, limit_s: float) -> tuple[dict[str, float], dict[str, dict], str]:
    """Median ms per page; pages past the time limit are left out (and said so)."""
    today = date.today()
    # The pages with a pandas counterpart (the meeting, versions and rounds pages have none: no baseline).
    order = [*REPRESENTATIVE, *(p for p in PAGES if p not in REPRESENTATIVE and p in NAIVE)]
    times: dict[str, float] = {}
    outputs: dict[str, dict] = {}
    note = ""
    for i, page in enumerate(order):
        runs = []
        for _ in range(reps):
            t = time.perf_counter()
            outputs[page] = naive(page, files, today)
            runs.append((time.perf_counter() - t) * 1000)
        times[page] = statistics.median(runs)
        print(f"  naive {page}: {times[page]:.0f} ms ({reps} run(s))", file=sys.stderr, flush=True)
        if i == 0 and times[page] / 1000 * len(NAIVE) * reps > limit_s:
            order = order[: len(REPRESENTATIVE)]
            note = (
                f"The naive pass was run for {', '.join(REPRESENTATIVE)} only: one page takes "
                f"{times[page] / 1000:.0f} s, all {len(NAIVE)} would take ~{times[page] * len(NAIVE) / 60000:.1f} min "
                "(nearly all of it reading the workbooks, the same for every page)."
            )
        if i + 1 >= len(order):
            break
    return times, outputs, note


def check_naive(outputs: dict[str, dict], db_path: Path) -> None:
    """The baseline computes what the pages show: its key figures must equal the database's.

    Read through the app's own connection: DuckDB lets one process hold a file once, and the app (AppTest, in
    this process) already holds it (a second connect ended the benchmark in a "unique file handle" error)."""
    from dashboard.web.cache import connection

    db = connection(str(db_path))
    if "overview" in outputs:
        o = outputs["overview"]
        budget, no_year, ib = db.rows(
            "select sum(amount_sek) filter (kind = 'budget' and year is not null),"
            " sum(amount_sek) filter (kind = 'budget' and year is null),"
            " sum(amount_sek) filter (kind = 'opening_balance') from budget_lines"
        )[0]
        assert (o["budget"], o["no_year"], o["opening_balance"]) == (budget, no_year, ib), "overview money"
        status = dict(db.rows("select status, count(*) from activities group by 1"))
        assert o["by_status"] == status, ("overview statuses", o["by_status"], status)
    if "budget" in outputs:
        total = db.rows("select sum(amount_sek) from budget_lines where kind = 'budget'")[0][0]
        assert outputs["budget"]["plans"].sum() == total, "budget total"
    if "status" in outputs:
        n_late = db.rows(
            "select count(*) from activities where end_date < current_date and status not in ('done', 'cancelled')"
        )[0][0]
        assert len(outputs["status"]["overdue"]) == n_late, "overdue"
    if "activities" in outputs:
        n = db.rows("select count(*) from activities")[0][0]
        assert outputs["activities"]["n"] == n, "activities"


# ---------------------------------------------------------------------------- report


def label(size: str) -> str:
    if size == "bundled":
        return "bundled data (5 plans)"
    return f"{int(size):,} synthetic budget lines + the 5 bundled plans".replace(",", " ")


def _ratio(r: float) -> str:
    return f"{r:.1f}×" if r < 10 else f"{r:.0f}×"


def table(size: str, ours: dict, naive_ms: dict, target: int) -> list[str]:
    lines = [
        f"**{label(size)}** (target {target} ms per page, warm)",
        "",
        "| page | ours warm (ms) | ours cold (ms) | naive pandas (ms) | naive / ours warm | target (ms) | met? |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for page in PAGES:
        o = ours[page]
        n = naive_ms.get(page)
        cells = [
            page,
            f"{o['warm']:.0f}",
            f"{o['cold']:.0f}",
            f"{n:.0f}" if n is not None else ("not run" if page in NAIVE else "no baseline"),
            _ratio(n / o["warm"]) if n is not None else "–",
            str(target),
            "yes" if o["warm"] < target else "**no**",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def code_version() -> tuple[str, dict[str, str]]:
    """The commit measured and a digest per file of the code under test, to tell what changed mid-run."""
    files = sorted([*ROOT.glob("dashboard/**/*.py"), *ROOT.glob("loaders/**/*.py"), *ROOT.glob("loaders/*.sql")])
    digests = {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    try:
        git = ["git", "-C", str(ROOT)]
        head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", "dashboard", "loaders"], capture_output=True, text=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit", digests
    return head.stdout.strip() + (" with uncommitted changes" if dirty.stdout.strip() else ""), digests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="*", default=["bundled", "1000000"], help="'bundled' or a budget-line count")
    parser.add_argument("--runs", type=int, default=5, help="warm runs per page (ours)")
    parser.add_argument("--naive-reps", type=int, default=3, help="naive runs per page on the bundled data")
    parser.add_argument("--naive-limit-s", type=float, default=600, help="budget for a synthetic size's naive pass")
    parser.add_argument("--profile", help="print a cProfile of this page's warm runs at every size")
    parser.add_argument("--results", type=Path, help="append a dated section to this Markdown file")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    # Others edit the dashboard while this runs: the section names the code it measured.
    commit, digests = code_version()
    report: list[str] = []
    verdicts: list[str] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pages-", dir=OUT) as tmp_name:
        tmp = Path(tmp_name)
        for size in args.sizes:
            target = TARGET_MS["bundled" if size == "bundled" else "synthetic"]
            print(f"{label(size)}:", file=sys.stderr, flush=True)
            db_path, files = build_db(size, tmp)
            ours = time_ours(db_path, args.runs)
            if args.profile:
                print(profile_page(db_path, args.profile, args.runs))
            reps = args.naive_reps if size == "bundled" else 1
            naive_ms, outputs, note = time_naive(files, reps, args.naive_limit_s)
            check_naive(outputs, db_path)
            if note:
                notes.append(f"{label(size)}: {note}")
            rows = table(size, ours, naive_ms, target)
            print("\n".join(rows) + "\n", flush=True)
            report += [*rows, ""]
            missed = [f"{p} ({ours[p]['warm']:.0f} ms)" for p in PAGES if ours[p]["warm"] >= target]
            met = len(PAGES) - len(missed)
            verdicts.append(
                f"{label(size)}: {met} of {len(PAGES)} pages meet {target} ms"
                + (f", not met by {', '.join(missed)}" if missed else "")
            )
            os.environ.pop("PLANS_DB", None)

    after = code_version()[1]
    changed = sorted(f for f in digests.keys() | after.keys() if digests.get(f) != after.get(f))
    if changed:
        # Modules already imported keep running the code they were loaded with; a page script is read
        # again on every run, and the parse worker of a build imports afresh.
        notes.insert(0, f"**Code changed during this run** (started at {commit}): {', '.join(changed)}.")
        print(notes[0], file=sys.stderr)
    sentence = "Targets (warm script run): " + "; ".join(verdicts) + "."
    head = [
        f"### Pages, {date.today().isoformat()}",
        "",
        f"Machine: {machine()}. Code: {commit}. Ours: the page's script run under Streamlit's AppTest "
        f"(`at.switch_page(...).run()`, sidebar included) against the DuckDB database; warm = median of "
        f"{args.runs} reruns with results cached (the everyday case, which the targets are about), cold = the "
        "first run in a fresh session after `st.cache_data.clear()` (connection already open, imports done). "
        "Naive: the same page computed with pandas from the workbooks (`read_excel(engine='openpyxl', "
        "sheet_name=None)` on every call, then interpretation, filter options and the page's figures; "
        f"median of {args.naive_reps} on the bundled data, 1 run at synthetic sizes), checked against the "
        "database's key figures. Both measured in this same run.",
        "",
    ]
    text = "\n".join([*head, *report, *(f"{n}\n" for n in notes), sentence]) + "\n"
    publish_results(text, args.results)


if __name__ == "__main__":
    main()
