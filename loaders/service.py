"""The loader's operations, shared by the CLI and the app: check, load, build, export, template."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import identity
from .database import Database
from .filestore import FileStore
from .guard import size_problem
from .problems import Problem, Step, WorkbookInvalid, text
from .publish import current_identity, current_sha, publish, read_version
from .workbook import PlanData, read_plan
from .writer import write_workbook

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def read_file(path: Path) -> bytes:
    """Read a workbook from disk without ever holding more than the size limit."""
    too_large = size_problem(path.stat().st_size, path.name)
    if too_large is not None:
        raise WorkbookInvalid([too_large])
    return path.read_bytes()


def check_file(path: Path, progress: Progress = _quiet, prestart_next: bool = False) -> PlanData:
    return _check(path, progress, prestart_next)[0]


def _check(path: Path, progress: Progress = _quiet, prestart_next: bool = False) -> tuple[PlanData, bytes]:
    """The validated plan and the exact bytes that were checked (kept in the file store on publish)."""
    progress(Step("reading", file=path.name))
    raw = read_file(path)
    # Parsed in a limited worker process: a hostile file can only take the worker down.
    data = read_plan(raw, path.name, isolate=True, prestart_next=prestart_next, progress=progress)
    progress(Step("valid", {k: v.num_rows for k, v in data.tables.items()}, file=path.name))
    return data, raw


def _guard_replacements(db: Database, plans: list[PlanData], confirmed: bool) -> dict[str, int | None]:
    """Each plan's current version; ReplaceRefused if a workbook would replace a plan it seems not to be."""
    bases: dict[str, int | None] = {}
    found = []
    for data in plans:
        current = current_identity(db, data.plan_id)
        bases[data.plan_id] = current[0] if current else None
        if current is not None:
            rep = identity.replacement(
                data.plan_id,
                current[1],
                current[2],
                data.plan.get("title"),
                data.tables["activities"]["activity_id"].to_pylist(),
            )
            if rep is not None:
                found.append(rep)
    if found and not confirmed:
        raise identity.ReplaceRefused(found)
    return bases


def load_file(
    path: Path,
    db_path: Path,
    loaded_by: str,
    progress: Progress = _quiet,
    *,
    confirmed: bool = False,
    before_commit: Callable[[], None] = lambda: None,
) -> tuple[str, int]:
    """Check a workbook and publish it as its plan's next version.

    confirmed=False refuses (identity.ReplaceRefused, nothing changed) a workbook whose title differs
    from its plan's, or that would remove most of its activities: its Plan-ID may be another plan's.
    """
    with ThreadPoolExecutor(1) as pool:
        # Opening DuckDB (and creating its schema) overlaps the parse; nothing is written before
        # the file has passed every check.
        opening = pool.submit(Database, db_path)
        try:
            data, raw = _check(path, progress)
        except BaseException:
            opening.result().close()
            raise
        db = opening.result()
    with db:
        # The versions the check was made against: a load by someone else in between is caught.
        bases = _guard_replacements(db, [data], confirmed)
        progress(Step("publishing_file", file=path.name))
        return publish(
            db,
            [data],
            loaded_by,
            "load",
            base_versions=bases,
            files=[raw],
            store=FileStore.beside(db_path),
            before_commit=before_commit,
        )[0]


def workbook_files(data_dir: Path) -> list[Path]:
    # Excel leaves "~$name.xlsx" lock files next to open workbooks: they are not plans.
    return sorted(p for p in data_dir.glob("*.xlsx") if not p.name.startswith("~$"))


def build(
    data_dir: Path, db_path: Path, progress: Progress = _quiet, *, confirmed: bool = False, lang: str = "en"
) -> str:
    """Validate every workbook in data_dir; if all are valid, publish the changed ones in one transaction.

    A changed workbook that would replace its plan by mistake (see load_file) stops the build unless
    confirmed; a fresh database has nothing to replace.
    """
    problems: list[Problem] = []
    plans: list[PlanData] = []
    raw: dict[str, bytes] = {}
    seen: dict[str, str] = {}
    files = workbook_files(data_dir)
    for i, path in enumerate(files):
        try:
            data, raw[path.name] = _check(path, progress, prestart_next=i + 1 < len(files))
        except WorkbookInvalid as exc:
            problems.extend(exc.problems)
            continue
        if data.plan_id in seen:
            problems.append(
                Problem(path.name, "Plan", "Plan!A2", data.plan_id, "plan_id_duplicate", {"other": seen[data.plan_id]})
            )
        seen[data.plan_id] = path.name
        plans.append(data)
    if problems:
        raise WorkbookInvalid(problems)
    with Database(db_path) as db:
        changed = [p for p in plans if current_sha(db, p.plan_id) != p.sha256]
        bases = _guard_replacements(db, changed, confirmed)
        progress(Step("publishing", changed=len(changed), total=len(plans)))
        publish(
            db,
            changed,
            loaded_by="build",
            action="build",
            base_versions=bases,
            files=[raw[p.file_name] for p in changed],
            store=FileStore.beside(db_path),
        )
        return summary(db, lang)


def summary(db: Database, lang: str = "en") -> str:
    """A per-plan summary: version, counts and budget totals (IB and amounts without year apart)."""
    df = db.query(
        """
        select p.plan_id, p.version,
               (select count(*) from activities a where a.plan_id = p.plan_id) as activities,
               (select count(*) from goals g where g.plan_id = p.plan_id) as goals,
               (select count(*) from targets t where t.plan_id = p.plan_id) as targets,
               (select coalesce(sum(amount_sek), 0) from budget_lines b
                 where b.plan_id = p.plan_id and kind = 'budget' and year is not null) as budget_with_year,
               (select coalesce(sum(amount_sek), 0) from budget_lines b
                 where b.plan_id = p.plan_id and kind = 'budget' and year is null) as budget_no_year,
               (select coalesce(sum(amount_sek), 0) from budget_lines b
                 where b.plan_id = p.plan_id and kind = 'opening_balance') as opening_balance
        from plans p order by p.plan_id
        """
    )
    plan, ver, goals, activ, targets, with_year, no_year, ib = text("summary_header", lang).split("|")
    lines = [f"{plan:34} {ver:>3} {goals:>5} {activ:>6} {targets:>9} {with_year:>18} {no_year:>13} {ib:>10}"]
    for r in df.itertuples():
        lines.append(
            f"{r.plan_id:34} {r.version:>3} {r.goals:>5} {r.activities:>6} {r.targets:>9} "
            f"{_sek(r.budget_with_year):>18} {_sek(r.budget_no_year):>13} {_sek(r.opening_balance):>10}"
        )
    return "\n".join(lines)


def _sek(value) -> str:
    return f"{int(value):,}".replace(",", " ")


def export_plan(db: Database, plan_id: str, path: Path, version: int | None = None) -> None:
    data = read_version(db, plan_id, version)
    write_workbook(path, data.plan, {k: t.to_pylist() for k, t in data.tables.items()})


def write_template(path: Path) -> None:
    write_workbook(path)
