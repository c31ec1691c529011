"""The loader's command line: build, check, load, export, template (exit 0 ok, 1 invalid, 2 usage)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

from .database import ROOT, Database, default_db_path
from .identity import ReplaceRefused
from .problems import Problem, WorkbookInvalid, text
from .service import build, check_file, export_plan, load_file, write_template

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _print_problems(problems: list[Problem], lang: str) -> None:
    print(f"{len(problems)} problem(s):", file=sys.stderr)
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
    common = argparse.ArgumentParser(add_help=False)
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
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        if args.command == "build":
            if not args.data.is_dir():
                parser.error(f"no such folder: {args.data}")
            summary = build(args.data, args.db or default_db_path(), progress=_progress, confirmed=args.yes)
            print(summary)
        elif args.command == "check":
            _need_file(parser, args.file)
            data = check_file(args.file, progress=_progress)
            print(f"OK: {args.file.name} is a valid plan workbook ({data.plan_id}).")
        elif args.command == "load":
            _need_file(parser, args.file)
            pid, version = load_file(
                args.file, args.db or default_db_path(), args.by, progress=_progress, confirmed=args.yes
            )
            print(f"Loaded {args.file.name}: plan {pid}, version {version}.")
        elif args.command == "export":
            db_path = args.db or default_db_path()
            if not db_path.is_file():
                print(f"error: no database at {db_path}; run 'python -m loaders build' first", file=sys.stderr)
                return EXIT_USAGE
            with Database(db_path, read_only=True) as db:
                try:
                    export_plan(db, args.plan_id, args.file, args.version)
                except KeyError:
                    print(f"error: no plan {args.plan_id!r} in the database", file=sys.stderr)
                    return EXIT_USAGE
            print(f"Wrote {args.file}.")
        elif args.command == "template":
            write_template(args.file)
            print(f"Wrote {args.file}.")
    except WorkbookInvalid as exc:
        _print_problems(exc.problems, args.lang)
        print("Nothing was changed.", file=sys.stderr)
        return EXIT_INVALID
    except ReplaceRefused as exc:
        for rep in exc.replacements:
            first, *changes = rep.lines(args.lang)
            print(first, file=sys.stderr)
            for line in changes:
                print(f"  - {line}", file=sys.stderr)
        print(text("replace_yes", args.lang), file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return EXIT_INVALID
    except duckdb.IOException as exc:
        # Most often another process (the running dashboard) holds the database's write lock.
        print(f"error: the database cannot be opened: {str(exc).splitlines()[0]}", file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return EXIT_USAGE
    _progress(f"done in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def _need_file(parser: argparse.ArgumentParser, path: Path) -> None:
    if not path.is_file():
        parser.error(f"no such file: {path}")
