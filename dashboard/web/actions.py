"""Editor actions on the server (check, publish, roll back, templates, reminders): each checks the right itself."""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from dashboard.auth import config
from dashboard.auth.rights import NotAuthorized, require, require_editor
from loaders import backup, meetings, remind, rounds
from loaders.annotate import annotate_isolated
from loaders.contacts import contacts_workbook, read_contacts, store_contacts, stored_contacts
from loaders.database import Database
from loaders.diff import PlanDiff, diff_plans, latest_status
from loaders.filestore import FileStore
from loaders.guard import size_problem
from loaders.identity import Replacement, ReplaceRefused
from loaders.identity import check as replaces
from loaders.meetings import MeetingInvalid
from loaders.problems import Problem, WorkbookInvalid
from loaders.publish import PlanChanged, current_version, publish, read_version
from loaders.reporting import foreign_rows, row_owners
from loaders.roles import Role, User
from loaders.update import apply_update, is_update, read_update
from loaders.workbook import PlanData, read_plan
from loaders.writer import write_problem_list, write_update_workbook, write_workbook

__all__ = ["Checked", "MeetingInvalid", "NotAuthorized", "NothingToPublish", "PlanChanged", "ReplaceRefused"]

# At most two workbooks are parsed at once (this machine has two cores, and each worker may use
# gigabytes within its limits); further uploads wait their turn instead of starving the server.
_PARSE_SLOTS = threading.BoundedSemaphore(2)


def _plan_title(db: Database, plan_id: str) -> str | None:
    rows = db.rows("select title from plans where plan_id = ?", [plan_id])
    return rows[0][0] if rows else None


def _require_plan(db: Database, plan_id: str, title: str | None = None) -> User:
    """An editor of this plan (or an admin); PlanNotAssigned names the plan by its title."""
    return require(Role.EDITOR, plan_id, title or _plan_title(db, plan_id))


class WholePlanRefused(NotAuthorized):
    """A reporter uploaded a whole plan: reporters send update workbooks (Utfall, Status) only."""


def _require_rows(db: Database, current: PlanData, update: PlanData) -> tuple[User, list[Problem]]:
    """The user, and a problem for every row of the update they may not report on (none for the plan's editor)."""
    user = require(Role.REPORTER, current.plan_id, _plan_title(db, current.plan_id))
    return user, ([] if user.may_edit_plan(current.plan_id) else foreign_rows(current, update, user))


class NothingToPublish(Exception):
    """The upload is identical to what is published: a version without changes would only be noise."""


@dataclass
class Checked:
    """One uploaded file after validation: either problems, or the version it would publish and its diff."""

    file_name: str
    sha256: str
    kind: str  # "plan" (a whole plan) or "update" (outcomes/status only)
    raw: bytes = field(repr=False)
    problems: list[Problem] = field(default_factory=list)
    data: PlanData | None = None
    base_version: int | None = None  # the version the diff was made against (None: a new plan)
    diff: PlanDiff | None = None
    update: PlanData | None = field(default=None, repr=False)  # an update workbook as read, before it is applied
    # The open follow-up round an update would report in (its title), if any: there an unchanged value is a
    # report too ("still ongoing"), so it may be published without changes.
    round_title: str | None = None
    # Set when the file changes its plan's title or removes most activities: it may be another plan.
    replacement: Replacement | None = None

    @property
    def valid(self) -> bool:
        return not self.problems and self.data is not None

    @property
    def cell_problems(self) -> bool:
        """Problems that point into the file, so a marked-up copy helps (not a bomb or a wrong type)."""
        return any(p.cell for p in self.problems)


def check_upload(
    db: Database,
    file_name: str,
    raw: bytes,
    *,
    today: date,
    progress: Callable[[str], None] | None = None,
) -> Checked:
    """Validate an upload exactly as the loader does (in a limited worker) and diff it against the current version.

    A whole plan needs an editor of that plan; an update, a reporter whose rows every one of its rows is."""
    user = require(Role.REPORTER)
    checked = Checked(file_name, hashlib.sha256(raw).hexdigest(), "update" if is_update(raw) else "plan", raw)
    too_large = size_problem(len(raw), file_name)
    if too_large is not None:
        checked.problems = [too_large]
        return checked
    try:
        if checked.kind == "plan" and user.role < Role.EDITOR:
            raise WholePlanRefused("a reporter uploads update workbooks")
        with _PARSE_SLOTS:
            if checked.kind == "update":
                data = read_update(raw, file_name, isolate=True, progress=progress)
            else:
                data = read_plan(raw, file_name, isolate=True, progress=progress)
        # Refused before the preview: an editor of other plans learns it now, not after reading a diff.
        if checked.kind == "plan":
            _require_plan(db, data.plan_id, data.plan.get("title"))
        else:
            require(Role.REPORTER, data.plan_id, _plan_title(db, data.plan_id))
        base = current_version(db, data.plan_id)
        current = read_version(db, data.plan_id, base) if base else None
        if checked.kind == "update":
            update = data
            data = apply_update(current, update, today)
            assert current is not None  # apply_update refuses an update of an unknown plan
            checked.update = update
            _user, foreign = _require_rows(db, current, update)
            in_round = rounds.open_round_for(db, data.plan_id)
            checked.round_title = in_round.title if in_round is not None else None
            if foreign:
                # Every row that is someone else's is named; nothing is published from this file.
                checked.problems = foreign
                return checked
    except WorkbookInvalid as exc:
        checked.problems = exc.problems
        return checked
    checked.data, checked.base_version = data, base
    checked.diff = diff_plans(current, data)
    if checked.kind == "plan":
        checked.replacement = replaces(current, data)
    return checked


def publish_checked(db: Database, checked: Checked, *, replace_confirmed: bool = False) -> int:
    """Publish a checked upload as the plan's next version; PlanChanged if another version came first.

    An upload that would replace its plan by mistake (checked.replacement) needs replace_confirmed.
    """
    if not checked.valid or checked.data is None:
        require_editor()
        raise ValueError("only a valid upload can be published")
    # Checked again here, not only at the preview: the session (or the assignment) may have changed since.
    if checked.kind == "update" and checked.update is not None and checked.base_version is not None:
        user, foreign = _require_rows(db, read_version(db, checked.data.plan_id, checked.base_version), checked.update)
        if foreign:
            raise WorkbookInvalid(foreign)
    else:
        user = _require_plan(db, checked.data.plan_id, checked.data.plan.get("title"))
    if checked.replacement is not None and not replace_confirmed:
        raise ReplaceRefused([checked.replacement])
    confirms = checked.kind == "update" and rounds.open_round_for(db, checked.data.plan_id) is not None
    if checked.diff is not None and checked.diff.is_empty() and checked.base_version is not None and not confirms:
        raise NothingToPublish(checked.data.plan_id)
    action = "update" if checked.kind == "update" else "upload"
    in_round = None
    if checked.kind == "update" and checked.update is not None:
        current_round = rounds.open_round_for(db, checked.data.plan_id)
        if current_round is not None:
            in_round = {checked.data.plan_id: (current_round.round_id, rounds.update_items(checked.update))}
    published = publish(
        db,
        [checked.data],
        user.name,
        action,
        role=user.role.name.lower(),
        in_round=in_round,
        base_versions={checked.data.plan_id: checked.base_version},
        files=[checked.raw],
        store=FileStore.beside(db.path),
    )
    return published[0][1]


def rollback(db: Database, plan_id: str, version: int, expected_current: int) -> int:
    """Publish an older version again as the newest one; nothing is deleted."""
    user = _require_plan(db, plan_id)
    if version == expected_current:
        raise NothingToPublish(plan_id)
    data = read_version(db, plan_id, version)
    # The same content as the current version (e.g. the version just rolled back to): a new version
    # would change nothing.
    if diff_plans(read_version(db, plan_id, expected_current), data).is_empty():
        raise NothingToPublish(plan_id)
    published = publish(
        db,
        [data],
        user.name,
        "rollback",
        role=user.role.name.lower(),
        base_versions={plan_id: expected_current},
        note=f"rollback to version {version}",
    )
    return published[0][1]


# Downloads are made when clicked (Streamlit's deferred download), outside the script run. The
# editor right is checked when the button is made, which is the only way to get its file.
Download = Callable[[], bytes]


def annotated_workbook(checked: Checked, lang: str) -> Download:
    """The uploaded workbook with its problem cells marked and commented (made in a limited worker)."""
    require(Role.REPORTER)

    def make() -> bytes:
        marked = annotate_isolated(checked.raw, checked.problems, lang) if checked.cell_problems else None
        if marked is not None:
            return marked
        # The file could not be opened safely for marking up: the list of problems on its own.
        buf = io.BytesIO()
        write_problem_list(buf, checked.problems, lang)
        return buf.getvalue()

    return make


def plan_template(db: Database, plan_id: str) -> Download:
    """The current plan in the template layout: download, edit in Excel, upload."""
    require_editor()

    def make() -> bytes:
        data = read_version(db, plan_id)
        buf = io.BytesIO()
        write_workbook(buf, data.plan, {k: t.to_pylist() for k, t in data.tables.items()})
        return buf.getvalue()

    return make


def empty_template() -> Download:
    require_editor()

    def make() -> bytes:
        buf = io.BytesIO()
        write_workbook(buf)
        return buf.getvalue()

    return make


def update_template(db: Database, plan_id: str) -> Download:
    """The update workbook for one plan, pre-filled with the current values (status and comment of every open
    activity, the outcomes and money spent reported so far) and naming the open round it reports in, if any.
    For a reporter only the rows they report on: their personal workbook."""
    user = require(Role.REPORTER, plan_id, _plan_title(db, plan_id))

    def make() -> bytes:
        data = read_version(db, plan_id)
        owners, _ = row_owners(data)
        editor = user.may_edit_plan(plan_id)
        mine = {a for a, (unit, responsible) in owners.items() if editor or user.may_report(plan_id, unit, responsible)}
        targets = data.tables["targets"].select(["target_id", "name", "region", "activity_id"]).to_pylist()
        targets = [x for x in targets if (x["activity_id"] in mine if x["activity_id"] else editor)]
        titles = dict(zip(data.tables["activities"]["activity_id"].to_pylist(),
                          data.tables["activities"]["title"].to_pylist(), strict=True))  # fmt: skip
        status = latest_status(data.tables["status"].to_pylist())
        activities = [
            {"activity_id": a, "title": titles[a], "status": status.get(a, {}).get("status", "unknown")}
            for a in titles
            if a in mine
        ]
        # The current status rows of the open activities, undated (the upload's day applies): left as they
        # are, they confirm the status; changed, they report the change.
        open_rows = [
            {"activity_id": a["activity_id"], "status": a["status"],
             "status_note": status.get(a["activity_id"], {}).get("status_note")}
            for a in activities
            if a["status"] not in rounds.CLOSED_STATUSES
        ]  # fmt: skip
        mine_targets = {x["target_id"] for x in targets}
        outcomes = [r for r in data.tables["target_values"].to_pylist() if r["target_id"] in mine_targets]
        spent = [
            r for r in data.tables["spent"].to_pylist() if (r["activity_id"] in mine if r["activity_id"] else editor)
        ]
        rnd = rounds.open_round_for(db, plan_id)
        about = [f"Arbetsbok för {user.name}" + ("" if editor else " – bara de rader du rapporterar för") + "."]
        if rnd is not None:
            about.append(
                f"Uppföljningsrunda: {rnd.title}. Avser läget {rnd.as_of:%Y-%m-%d}; lämnas senast {rnd.due:%Y-%m-%d}."
            )
        buf = io.BytesIO()
        write_update_workbook(
            buf, plan_id, targets, activities, status=open_rows, outcomes=outcomes, spent=spent, about=about
        )
        return buf.getvalue()

    return make


def original_file(db: Database, sha256: str) -> Download | None:
    """A version's file from the content-addressed store (None if this installation never kept it)."""
    require_editor()
    store = FileStore.beside(db.path)
    if not store.has(sha256):
        return None
    return lambda: store.get(sha256)


# ---------------------------------------------------------------------------- follow-up meetings


def record_meeting(db: Database, held_on: date, title: str, participants: str, scope: dict) -> int:
    editor = require_editor()
    return meetings.record_meeting(db, held_on, title, participants, scope, editor)


def add_meeting_item(db: Database, meeting_id: int, plan_id: str, kind: str, text: str, **about) -> int:
    """A note, decision or action item (about: activity_id or target_id, owner, due)."""
    editor = require_editor()
    return meetings.add_item(db, meeting_id, plan_id, kind, text, editor, **about)


def close_action_items(db: Database, item_ids: list[int], today: date) -> int:
    editor = require_editor()
    return meetings.close_items(db, item_ids, today, editor)


# ---------------------------------------------------------------------------- reminders of a follow-up round


def _reminder_settings() -> tuple[remind.SmtpSettings | None, str, float]:
    return (
        remind.smtp_settings(config.smtp_section()),
        remind.base_url(config.reminders_section()),
        remind.interval_hours(config.reminders_section()),
    )


@dataclass
class ReminderView:
    """What the reminders section shows: the round, the reminders a send would make, and the settings in force."""

    round: remind.RoundInfo
    batch: remind.Batch
    configured: bool  # e-mail is set up; else the page shows the messages to copy
    interval_h: float


def reminder_batch(db: Database, round_id: int, missing: Mapping[str, list], now: datetime) -> ReminderView:
    """The reminders a send would make now (they show addresses: admins only)."""
    require(Role.ADMIN)
    settings, url, hours = _reminder_settings()
    rnd = remind.round_info(db, round_id)
    batch = remind.plan_reminders(db, rnd, missing, url=url, now=now, interval_h=hours)
    return ReminderView(rnd, batch, settings is not None, hours)


def send_reminders(db: Database, round_id: int, missing: Mapping[str, list]) -> tuple[remind.Batch, list[remind.Sent]]:
    """E-mail every responsible reminded less recently than the interval; each send is logged with the sender."""
    admin = require(Role.ADMIN).name
    settings, url, hours = _reminder_settings()
    if settings is None:
        raise remind.SmtpUnavailable("not configured")
    rnd = remind.round_info(db, round_id)
    return remind.send_reminders(db, rnd, missing, settings, admin, url=url, interval_h=hours)


def contacts_download(db: Database) -> Download:
    """The contacts workbook with the current contacts, to edit in Excel and load again."""
    require(Role.ADMIN)

    def make() -> bytes:
        buf = io.BytesIO()
        contacts_workbook(buf, stored_contacts(db))
        return buf.getvalue()

    return make


def load_contacts(db: Database, file_name: str, raw: bytes) -> int:
    """Replace every contact with a valid contacts workbook's (parsed in a limited worker), else WorkbookInvalid."""
    admin = require(Role.ADMIN).name
    too_large = size_problem(len(raw), file_name)
    if too_large is not None:
        raise WorkbookInvalid([too_large])
    with _PARSE_SLOTS:
        contacts = read_contacts(raw, file_name, isolate=True)
    return store_contacts(db, contacts, admin, file_name)


def access_list() -> list[User]:
    """Everyone who may sign in and what they are assigned (never a password hash): for an admin only.

    With OIDC configured, the [editor_access] and [access] entries (local accounts are then not used);
    otherwise the local accounts."""
    require(Role.ADMIN)
    users = config.oidc_users() if config.oidc_configured() else config.local_users()
    return sorted(users.values(), key=lambda u: (-u.role, u.name.casefold()))


def open_round(
    db: Database, title: str, as_of: date | None, due: date | None, plans: list[str], units: list[str]
) -> int:
    """An admin opens a follow-up round (RoundInvalid says what to correct)."""
    admin = require(Role.ADMIN)
    return rounds.open_round(db, title, as_of, due, plans, units, admin.name)


def close_round(db: Database, round_id: int) -> None:
    """An admin closes a round: it becomes history."""
    admin = require(Role.ADMIN)
    rounds.close_round(db, round_id, admin.name)


def report_form(
    db: Database,
    plan_id: str,
    *,
    today: date,
    status: list[dict] | None = None,
    outcomes: list[dict] | None = None,
    spent: list[dict] | None = None,
) -> Checked:
    """The browser's report form: the rows typed in become an update workbook, checked exactly as an uploaded one
    (the same rules, the same rights: a reporter's own rows only); publish it with publish_checked."""
    user = require(Role.REPORTER, plan_id, _plan_title(db, plan_id))
    buf = io.BytesIO()
    write_update_workbook(buf, plan_id, [], [], status=status, outcomes=outcomes, spent=spent)
    checked = check_upload(db, f"{user.name}-{today:%Y%m%d}.xlsx", buf.getvalue(), today=today)
    return checked


# ---------------------------------------------------------------------------- backups


def backups(db: Database) -> tuple[backup.Settings, list[backup.Backup]]:
    """The backup settings in force and the backups there are, newest first (admins only)."""
    require(Role.ADMIN)
    settings = backup.settings(config.backup_section(), db.path)
    return settings, backup.list_backups(settings.folder)


def make_backup(db: Database) -> backup.Backup:
    """An admin takes a backup now: the database and every stored workbook, consistent, kept with the others."""
    require(Role.ADMIN)
    settings = backup.settings(config.backup_section(), db.path)
    return backup.backup(db, FileStore.beside(db.path), settings.folder, keep=settings.keep)
