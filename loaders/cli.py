"""The loader's command line: build, check, load, export, template, contacts, remind, round, backup, restore."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb

from . import replica, rounds
from .contacts import contacts_workbook, load_contacts
from .database import ROOT, Database, default_db_path
from .identity import ReplaceRefused
from .problems import Problem, Step, WorkbookInvalid, text
from .service import build, check_file, export_plan, load_file, read_file, write_template

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _say(code: str, lang: str, *, out=None, **params) -> None:
    """Print one catalogue line in the chosen language (stderr unless out is given)."""
    print(text(code, lang, **params), file=out or sys.stderr, flush=True)


def _print_problems(problems: list[Problem], lang: str) -> None:
    _say("cli_problems", lang, count=len(problems))
    for p in problems:
        where = " ".join(x for x in (p.file, p.cell or p.sheet) if x)
        value = f" [{p.value}]" if p.value else ""
        print(f"  {where}{value}: {p.message(lang)}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2, as documented
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m loaders", description="Plan workbooks → DuckDB.")
    lang_help = "language of problem messages (before or after the command)"
    parser.add_argument("--lang", choices=["sv", "en"], default="en", help=lang_help)
    # --lang is accepted after the command too ("check --lang sv FILE"); SUPPRESS keeps a --lang
    # given before the command when none follows it.
    common = _Parser(add_help=False)
    common.add_argument("--lang", choices=["sv", "en"], default=argparse.SUPPRESS, help=lang_help)
    yes_help = "publish even when a workbook's title differs from its plan's or it removes most activities"
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("build", parents=[common], help="(re)build the database from every workbook in data/")
    p.add_argument("--data", type=Path, default=ROOT / "data")
    p.add_argument("--db", type=Path)
    p.add_argument("--yes", action="store_true", help=yes_help)
    p = sub.add_parser("check", parents=[common], help="validate a workbook, change nothing")
    p.add_argument("file", type=Path)
    p = sub.add_parser("load", parents=[common], help="validate and publish a workbook as a new version of its plan")
    p.add_argument("file", type=Path)
    p.add_argument("--db", type=Path)
    p.add_argument("--by", default="cli", help="who loads (recorded with the version)")
    p.add_argument("--yes", action="store_true", help=yes_help)
    p = sub.add_parser("export", parents=[common], help="write one plan back in the template layout")
    p.add_argument("plan_id")
    p.add_argument("file", type=Path)
    p.add_argument("--db", type=Path)
    p.add_argument("--version", type=int)
    p = sub.add_parser("template", parents=[common], help="write an empty template with its instructions")
    p.add_argument("file", type=Path)
    p.add_argument("--contacts", action="store_true", help="the contacts workbook for reminders instead")
    p = sub.add_parser("contacts", parents=[common], help="load the contacts workbook (replaces every contact)")
    p.add_argument("file", type=Path)
    p.add_argument("--db", type=Path)
    p.add_argument("--by", default="cli", help="who loads (recorded with the contacts)")
    p = sub.add_parser("remind", parents=[common], help="e-mail each responsible what a follow-up round still misses")
    p.add_argument("round", type=int, help="the round's id")
    p.add_argument("--db", type=Path)
    p.add_argument("--dry-run", action="store_true", help="print the messages; send and log nothing")
    p.add_argument("--interval-hours", type=float, help="remind nobody again within this many hours (default 72)")
    p.add_argument("--by", default="cli", help="who sends (recorded in the reminder log)")
    p.add_argument("--base-url", help="the dashboard's address for the round's link (default $PLANS_BASE_URL)")
    p = sub.add_parser("round", parents=[common], help="open, close or list follow-up rounds")
    rsub = p.add_subparsers(dest="round_command", required=True, parser_class=_Parser)
    r = rsub.add_parser("open", parents=[common], help="open a round")
    r.add_argument("--title", required=True)
    r.add_argument("--as-of", required=True, help="the day the round reports on (YYYY-MM-DD)")
    r.add_argument("--due", required=True, help="the due date (YYYY-MM-DD)")
    r.add_argument("--plan", action="append", default=[], help="a plan id in scope (repeat; default: every plan)")
    r.add_argument("--unit", action="append", default=[], help="a unit in scope (repeat; default: every unit)")
    r.add_argument("--db", type=Path)
    r.add_argument("--by", default="cli", help="who opens the round (recorded)")
    r = rsub.add_parser("close", parents=[common], help="close a round")
    r.add_argument("round", type=int)
    r.add_argument("--db", type=Path)
    r.add_argument("--by", default="cli")
    r = rsub.add_parser("list", parents=[common], help="every round with how much has been reported")
    r.add_argument("--db", type=Path)
    p = sub.add_parser("backup", parents=[common], help="back up the database and the stored workbooks (app stopped)")
    p.add_argument("--db", type=Path)
    p.add_argument("--to", type=Path, help="the backups folder (default: $PLANS_BACKUPS, else backups/ beside the db)")
    p.add_argument("--keep", type=int, default=7, help="how many backups to keep, newest first (default 7)")
    p = sub.add_parser("restore", parents=[common], help="check a backup, then put it in place (app stopped)")
    p.add_argument("backup", type=Path, help="the backup's folder")
    p.add_argument("--db", type=Path)
    p = sub.add_parser(
        "replicate", parents=[common], help="copy the database for reader processes (app stopped; see PLANS_REPLICAS)"
    )
    p.add_argument("--db", type=Path)
    args = parser.parse_args(argv)

    lang = args.lang

    def progress(step: str) -> None:
        print(step.text(lang) if isinstance(step, Step) else step, file=sys.stderr, flush=True)

    started = time.perf_counter()
    try:
        if args.command == "build":
            if not args.data.is_dir():
                _say("cli_no_folder", lang, path=args.data)
                return EXIT_USAGE
            summary = build(args.data, args.db or default_db_path(), progress=progress, confirmed=args.yes, lang=lang)
            print(summary)
        elif args.command == "check":
            if not args.file.is_file():
                _say("cli_no_file", lang, path=args.file)
                return EXIT_USAGE
            data = check_file(args.file, progress=progress)
            _say("cli_check_ok", lang, out=sys.stdout, file=args.file.name, plan_id=data.plan_id)
        elif args.command == "load":
            if not args.file.is_file():
                _say("cli_no_file", lang, path=args.file)
                return EXIT_USAGE
            pid, version = load_file(
                args.file, args.db or default_db_path(), args.by, progress=progress, confirmed=args.yes
            )
            _say("cli_loaded", lang, out=sys.stdout, file=args.file.name, plan_id=pid, version=version)
        elif args.command == "export":
            db_path = args.db or default_db_path()
            if not db_path.is_file():
                _say("cli_no_db", lang, path=db_path)
                return EXIT_USAGE
            with Database(db_path, read_only=True) as db:
                try:
                    export_plan(db, args.plan_id, args.file, args.version)
                except KeyError:
                    _say("cli_no_plan", lang, plan_id=repr(args.plan_id))
                    return EXIT_USAGE
            _say("cli_wrote", lang, out=sys.stdout, file=args.file)
        elif args.command == "template":
            if args.contacts:
                contacts_workbook(args.file)
            else:
                write_template(args.file)
            _say("cli_wrote", lang, out=sys.stdout, file=args.file)
        elif args.command == "contacts":
            if not args.file.is_file():
                _say("cli_no_file", lang, path=args.file)
                return EXIT_USAGE
            raw = read_file(args.file)
            with Database(args.db or default_db_path()) as db:
                count = load_contacts(db, raw, args.file.name, args.by)
            _say("cli_contacts_loaded", lang, out=sys.stdout, file=args.file.name, count=count)
        elif args.command == "remind":
            return _remind(args, lang)
        elif args.command == "round":
            return _round(args, lang)
        elif args.command in ("backup", "restore"):
            return _backup(args, lang)
        elif args.command == "replicate":
            db_path = args.db or default_db_path()
            if not db_path.is_file():
                _say("cli_no_db", lang, path=db_path)
                return EXIT_USAGE
            with Database(db_path) as db:
                made = replica.publish(db)
            _say("cli_replicated", lang, out=sys.stdout, path=made)
    except WorkbookInvalid as exc:
        _print_problems(exc.problems, lang)
        _say("cli_nothing_changed", lang)
        return EXIT_INVALID
    except ReplaceRefused as exc:
        for rep in exc.replacements:
            first, *changes = rep.lines(lang)
            print(first, file=sys.stderr)
            for line in changes:
                print(f"  - {line}", file=sys.stderr)
        _say("replace_yes", lang)
        _say("cli_nothing_changed", lang)
        return EXIT_INVALID
    except duckdb.IOException:
        # Most often another process (the running dashboard) holds the database's write lock.
        _say("cli_db_busy", lang)
        _say("cli_nothing_changed", lang)
        return EXIT_USAGE
    except OSError as exc:
        _say("cli_file_error", lang, path=exc.filename or "")
        return EXIT_USAGE
    _say("cli_done", lang, seconds=f"{time.perf_counter() - started:.1f}")
    return EXIT_OK


def _remind(args, lang: str) -> int:
    """Send (or with --dry-run print) a round's reminders; 1 if any message failed, 2 if nothing could be sent."""
    from . import remind

    db_path = args.db or default_db_path()
    if not db_path.is_file():
        _say("cli_no_db", lang, path=db_path)
        return EXIT_USAGE
    settings = remind.smtp_settings()
    if settings is None and not args.dry_run:
        _say("cli_no_smtp", lang)
        return EXIT_USAGE
    hours = remind.interval_hours() if args.interval_hours is None else max(0.0, args.interval_hours)
    url = (args.base_url or "").rstrip("/") or remind.base_url()
    with Database(db_path) as db:
        try:
            rnd = remind.round_info(db, args.round)
        except remind.RoundsUnavailable:
            _say("cli_no_rounds", lang)
            return EXIT_USAGE
        except remind.RoundUnknown:
            _say("cli_no_round", lang, round=args.round)
            return EXIT_USAGE
        missing = rounds.missing_by_responsible(db, rnd.round_id)
        if args.dry_run or settings is None:
            batch = remind.plan_reminders(db, rnd, missing, url=url, now=datetime.now(), interval_h=hours)
            for reminder in batch.to_send:
                print(f"{'=' * 72}\n{reminder.text()}\n", flush=True)
            results: list[remind.Sent] = []
        else:
            try:
                batch, results = remind.send_reminders(db, rnd, missing, settings, args.by, url=url, interval_h=hours)
            except remind.SmtpUnavailable as exc:
                _say("cli_smtp_failed", lang, error=exc)
                return EXIT_USAGE
    for sent in results:
        r = sent.reminder
        if sent.ok:
            _say("remind_sent", lang, out=sys.stdout, to=r.recipient, responsible=r.responsible)
        else:
            _say("remind_failed", lang, to=r.recipient, responsible=r.responsible, error=sent.error)
    for r in batch.recent:
        when = f"{r.last_sent:%Y-%m-%d %H:%M}" if r.last_sent else ""
        _say("remind_recent", lang, to=r.recipient, responsible=r.responsible, when=when, hours=f"{hours:g}")
    for responsible, count in batch.no_contact.items():
        _say("remind_no_contact", lang, responsible=responsible, count=count)
    if not (batch.to_send or batch.recent or batch.no_contact):
        _say("remind_nothing", lang, out=sys.stdout)
    if args.dry_run or settings is None:
        _say("remind_dry_run", lang, out=sys.stdout, count=len(batch.to_send))
        return EXIT_OK
    failed = sum(not s.ok for s in results)
    _say(
        "remind_summary",
        lang,
        out=sys.stdout,
        sent=len(results) - failed,
        recent=len(batch.recent),
        failed=failed,
        no_contact=len(batch.no_contact),
    )
    return EXIT_INVALID if failed else EXIT_OK


def _round(args, lang: str) -> int:
    """python -m loaders round open|close|list."""
    db_path = args.db or default_db_path()
    if not db_path.is_file():
        _say("cli_no_db", lang, path=db_path)
        return EXIT_USAGE
    with Database(db_path) as db:
        try:
            if args.round_command == "open":
                rid = rounds.open_round(db, args.title, args.as_of, args.due, args.plan, args.unit, args.by)
                _say("cli_round_opened", lang, out=sys.stdout, round=rid, title=args.title)
            elif args.round_command == "close":
                rounds.close_round(db, args.round, args.by)
                _say("cli_round_closed", lang, out=sys.stdout, round=args.round)
            else:
                for rnd in rounds.list_rounds(db):
                    progress = rounds.completeness(db, rnd.round_id)
                    done, asked = sum(p.reported for p in progress), sum(p.asked for p in progress)
                    state = text("cli_round_open" if rnd.is_open else "cli_round_closed_state", lang)
                    print(f"{rnd.round_id}\t{rnd.title}\t{state}\t{rnd.as_of}\t{rnd.due}\t{done}/{asked}", flush=True)
        except rounds.RoundInvalid as exc:
            print(exc.message(lang), file=sys.stderr, flush=True)
            _say("cli_nothing_changed", lang)
            return EXIT_USAGE
    return 0


def _backup(args, lang: str) -> int:
    """backup: a new verified backup, the oldest beyond --keep removed. restore: a verified backup put in place."""
    from . import backup
    from .filestore import FileStore

    db_path = args.db or default_db_path()
    store = FileStore.beside(db_path)
    if args.command == "backup":
        if not db_path.is_file():
            _say("cli_no_db", lang, path=db_path)
            return EXIT_USAGE
        with Database(db_path) as db:
            made = backup.backup(db, store, args.to or backup.default_dir(db_path), keep=args.keep)
        _say("cli_backup_made", lang, out=sys.stdout, path=made.path, parts=made.parts, version=made.data_version)
        return EXIT_OK
    try:
        kept = backup.restore(args.backup, db_path, store)
    except backup.BackupInvalid as exc:
        _say("cli_" + exc.key, lang, **exc.params)
        _say("cli_nothing_changed", lang)
        return EXIT_INVALID
    _say("cli_restored", lang, out=sys.stdout, path=args.backup, db=db_path)
    if kept is not None:
        _say("cli_restore_kept", lang, out=sys.stdout, path=kept)
    return EXIT_OK
