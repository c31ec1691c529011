"""Contacts for reminders: read and validate the contacts workbook, replace the stored contacts, match responsibles."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from .database import WRITE_LOCK, Database
from .problems import Problem, WorkbookInvalid
from .template import CONTACTS, CONTACTS_SHEETS
from .workbook import read_plan
from .writer import write_contacts_workbook


@dataclass(frozen=True)
class Contact:
    responsible: str
    email: str
    note: str | None = None
    row_no: int | None = None


def _key(name: str) -> str:
    """Responsibles are matched ignoring case and runs of spaces ("Run " is RUN)."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def read_contacts(data: bytes, file_name: str, *, isolate: bool = False) -> list[Contact]:
    """Guard, read and validate a contacts workbook; WorkbookInvalid with every problem at once."""
    parsed = read_plan(data, file_name, isolate=isolate, sheets=CONTACTS_SHEETS)
    table = parsed.tables[CONTACTS.key]
    rows = table.to_pylist()
    letter = parsed.letters.get(CONTACTS.key, {}).get("responsible", "A")
    problems: list[Problem] = []
    if not rows:
        problems.append(Problem(file_name, CONTACTS.name, "", "", "contacts_empty"))
    first: dict[str, int] = {}
    for row in rows:
        key = _key(row["responsible"])
        if key in first:
            cell = f"{CONTACTS.name}!{letter}{row['row_no']}"
            problems.append(
                Problem(file_name, CONTACTS.name, cell, row["responsible"], "contact_duplicate", {"other": first[key]})
            )
        else:
            first[key] = row["row_no"]
    if problems:
        raise WorkbookInvalid(problems)
    return [Contact(r["responsible"], r["email"], r["note"], r["row_no"]) for r in rows]


def store_contacts(db: Database, contacts: list[Contact], loaded_by: str, file_name: str = "") -> int:
    """Replace every stored contact with these, in one transaction; returns how many were stored."""
    now = datetime.now()
    with WRITE_LOCK, db.transaction() as cur:
        cur.execute("delete from contact")
        if contacts:
            cur.executemany(
                "insert into contact values (?, ?, ?, ?, ?, ?, ?)",
                [
                    # Contacts made in code (not read from a sheet) keep their order as the sheet's would.
                    [
                        c.responsible,
                        c.email,
                        c.note,
                        c.row_no if c.row_no is not None else i + 2,
                        loaded_by,
                        now,
                        file_name or None,
                    ]
                    for i, c in enumerate(contacts)
                ],
            )
    return len(contacts)


def load_contacts(db: Database, data: bytes, file_name: str, loaded_by: str, *, isolate: bool = True) -> int:
    """Validate a contacts workbook and, only if it is valid, replace the stored contacts with it."""
    return store_contacts(db, read_contacts(data, file_name, isolate=isolate), loaded_by, file_name)


def stored_contacts(db) -> list[Contact]:
    """The contacts as last loaded (db: a Database or a snapshot)."""
    rows = db.rows("select responsible, email, note, line_no from contacts order by line_no, responsible")
    return [Contact(*r) for r in rows]


def addresses_for(contacts: Iterable[Contact], responsible: str) -> list[str]:
    """The addresses that reach a responsible, matched ignoring case.

    A compound unit such as "RUN/KOM" reaches a contact for the whole name and each of its parts
    (RUN and KOM); the result has each address once, in the order found.
    """
    by_key: dict[str, list[str]] = {}
    for c in contacts:
        by_key.setdefault(_key(c.responsible), []).append(c.email)
    keys = [_key(responsible)]
    if "/" in responsible:
        keys += [_key(part) for part in responsible.split("/") if part.strip()]
    found: list[str] = []
    seen: set[str] = set()
    for key in keys:
        for email in by_key.get(key, []):
            if email.casefold() not in seen:
                seen.add(email.casefold())
                found.append(email)
    return found


def contacts_workbook(target: str | Path | BinaryIO, contacts: list[Contact] | None = None) -> None:
    """The contacts workbook to fill in: empty, or with the current contacts to edit and load again."""
    rows = [{"responsible": c.responsible, "email": c.email, "note": c.note} for c in contacts or []]
    write_contacts_workbook(target, rows)
