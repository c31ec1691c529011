"""Reminders: the contacts workbook, matching responsibles, messages sent to a real SMTP server, the interval, dry runs."""

from __future__ import annotations

import email
import io
import socket
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email import policy

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from streamlit.testing.v1 import AppTest

from dashboard.auth import config
from dashboard.web import cache
from loaders import remind, rounds
from loaders.contacts import Contact, addresses_for, contacts_workbook, read_contacts, store_contacts, stored_contacts
from loaders.database import Database
from loaders.problems import WorkbookInvalid
from tests.conftest import ROOT, bundled_copy, codes, download
from tests.test_cli import cli

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

ROUND = remind.RoundInfo(7, "Uppföljning våren 2026", date(2026, 6, 15))
URL = "https://plans.example.se"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN_A, PLAN_B = "mobilitet-2016-2018", "skolsamverkan-2016-2017"


@dataclass(frozen=True)
class Asked:
    """The shape of loaders.rounds.Asked (the rounds feature), built here so reminders are tested on their own."""

    plan_id: str
    item_kind: str
    activity_id: str | None
    target_id: str | None
    year: int | None
    unit: str | None
    responsible: str | None
    label: str


def _asked(plan_id, kind, label, responsible, year=None, activity_id=None, target_id=None, unit=None):
    return Asked(plan_id, kind, activity_id, target_id, year, unit, responsible, label)


MISSING = {
    "KOM": [_asked(PLAN_A, "status", "A1 Mentorprogram", "KOM", activity_id="A1")],
    "RUN/KOM": [
        _asked(PLAN_B, "outcome", "T1 Kompetenskontrakt", "RUN/KOM", year=2025, target_id="T1"),
        _asked(PLAN_A, "spent", "A2 Utbytesresor", "RUN/KOM", year=2025, activity_id="A2"),
    ],
    "Anna Svensson": [_asked(PLAN_B, "status", "3 Skolbesök", "Anna Svensson", activity_id="3")],
    "SAM": [_asked(PLAN_A, "status", "B4 Språkkurs", "SAM", activity_id="B4")],  # no contact
}
CONTACTS = [
    Contact("kom", "kom@miun.se"),
    Contact("RUN", "run@miun.se"),
    Contact("Anna  Svensson", "anna.svensson@miun.se"),
]


# ---------------------------------------------------------------------------- a real SMTP server


class Inbox:
    """What the SMTP server received; a recipient in `refuse` is answered 550."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()
        self.logins: list[tuple[str, str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted"

    def to(self, address: str) -> email.message.EmailMessage:
        return next(m for rcpt, m in self.messages if address in rcpt)

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        # handled=False: aiosmtpd answers a refusal itself (535). Its default, True, means "the authenticator
        # has answered" and leaves the client waiting for a reply that never comes.
        return AuthResult(success=auth_data.password == b"hemligt", handled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    """An SMTP server on 127.0.0.1 for this test (stopped after it), and the PLANS_SMTP_* settings pointing at it."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=inbox.authenticate, auth_require_tls=False
    )
    controller.start()
    monkeypatch.setenv("PLANS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PLANS_SMTP_PORT", str(port))
    monkeypatch.setenv("PLANS_SMTP_FROM", "uppfoljning@miun.se")
    monkeypatch.setenv("PLANS_SMTP_STARTTLS", "false")  # the test server offers no TLS
    for var in ("PLANS_SMTP_USER", "PLANS_SMTP_PASSWORD", "PLANS_REMIND_INTERVAL_HOURS", "PLANS_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    yield inbox
    controller.stop()


@pytest.fixture
def db_path(bundled_db, tmp_path):
    path = bundled_copy(bundled_db, tmp_path)
    with Database(path) as db:
        store_contacts(db, CONTACTS, "test", "kontakter.xlsx")
    return path


def _log(db_path) -> list[tuple]:
    with Database(db_path, read_only=True) as db:
        return db.rows(
            "select round_id, recipient, responsible, items, sent_by, ok, error from reminders order by 1, 2"
        )


def _send(db_path, now=None, interval_h=72.0):
    with Database(db_path) as db:
        return remind.send_reminders(
            db, ROUND, MISSING, remind.smtp_settings(), "admin", url=URL, interval_h=interval_h, now=now
        )


# ---------------------------------------------------------------------------- sending


def test_each_recipient_gets_one_message_listing_its_items_the_due_date_and_the_link(db_path, smtp):
    batch, sent = _send(db_path)
    assert sorted(rcpt[0] for rcpt, _ in smtp.messages) == ["anna.svensson@miun.se", "kom@miun.se", "run@miun.se"]
    assert all(len(rcpt) == 1 for rcpt, _ in smtp.messages)
    assert all(s.ok for s in sent) and len(sent) == 3

    kom = smtp.to("kom@miun.se")
    body = kom.get_content()
    assert kom["Subject"] == "Påminnelse: Uppföljning våren 2026 – senast 2026-06-15"
    assert kom["From"] == "uppfoljning@miun.se" and kom["Message-ID"]
    # KOM answers for its own item and, as part of RUN/KOM, for that unit's two: all three, grouped by plan.
    assert "Status: A1 Mentorprogram" in body
    assert "Utfall: T1 Kompetenskontrakt (2025) – ansvarig: RUN/KOM" in body
    assert "Kostnadsutfall: A2 Utbytesresor (2025) – ansvarig: RUN/KOM" in body
    assert "senast 2026-06-15" in body
    assert "https://plans.example.se/uppfoljningsomgangar?round=7" in body
    with Database(db_path, read_only=True) as db:
        titles = dict(db.rows("select plan_id, title from plans"))
    a, b = body.index(titles[PLAN_A] + ":"), body.index(titles[PLAN_B] + ":")
    assert body.index("A1 Mentorprogram") > a and body.index("A2 Utbytesresor") > a
    assert body.index("T1 Kompetenskontrakt") > b
    # RUN gets only the compound unit's items; Anna (matched despite case and spacing) only hers.
    run = smtp.to("run@miun.se").get_content()
    assert "T1 Kompetenskontrakt" in run and "A1 Mentorprogram" not in run
    anna = smtp.to("anna.svensson@miun.se").get_content()
    assert "3 Skolbesök" in anna and "KOM" not in anna

    assert batch.no_contact == {"SAM": 1}  # reported, not silently skipped
    assert _log(db_path) == [
        (7, "anna.svensson@miun.se", "Anna Svensson", 1, "admin", True, None),
        (7, "kom@miun.se", "KOM; RUN/KOM", 3, "admin", True, None),
        (7, "run@miun.se", "RUN/KOM", 2, "admin", True, None),
    ]
    with Database(db_path, read_only=True) as db:
        ids = {r[0] for r in db.rows("select message_id from reminders")}
    assert ids == {m["Message-ID"] for _, m in smtp.messages}


def test_nobody_is_reminded_twice_within_the_interval(db_path, smtp):
    _send(db_path)
    assert len(smtp.messages) == 3
    batch, sent = _send(db_path)
    assert sent == [] and len(smtp.messages) == 3
    assert sorted(r.recipient for r in batch.recent) == ["anna.svensson@miun.se", "kom@miun.se", "run@miun.se"]
    assert all(r.last_sent is not None for r in batch.recent)
    assert len(_log(db_path)) == 3
    # After the interval they are reminded again; another round is another matter.
    _, sent = _send(db_path, now=datetime.now() + timedelta(hours=73))
    assert len(sent) == 3 and len(smtp.messages) == 6


def test_a_refused_recipient_is_logged_as_failed_and_tried_again_next_time(db_path, smtp):
    smtp.refuse.add("run@miun.se")
    _, sent = _send(db_path)
    failed = [s for s in sent if not s.ok]
    assert [s.reminder.recipient for s in failed] == ["run@miun.se"] and "550" in failed[0].error
    assert len(smtp.messages) == 2
    assert [r[1] for r in _log(db_path) if not r[5]] == ["run@miun.se"]
    smtp.refuse.clear()
    _, sent = _send(db_path)
    assert [s.reminder.recipient for s in sent] == ["run@miun.se"] and sent[0].ok


def test_signs_in_when_a_user_is_set(db_path, smtp, monkeypatch):
    monkeypatch.setenv("PLANS_SMTP_USER", "plans")
    monkeypatch.setenv("PLANS_SMTP_PASSWORD", "fel")
    with pytest.raises(remind.SmtpUnavailable):
        _send(db_path)
    assert smtp.messages == [] and _log(db_path) == []  # nothing sent, nothing logged
    monkeypatch.setenv("PLANS_SMTP_PASSWORD", "hemligt")
    _send(db_path)
    assert len(smtp.messages) == 3 and smtp.logins[-1] == ("plans", "hemligt")


def test_an_unreachable_server_sends_and_logs_nothing(db_path, monkeypatch):
    settings = remind.SmtpSettings("127.0.0.1", _free_port(), "uppfoljning@miun.se", starttls=False)
    with Database(db_path) as db, pytest.raises(remind.SmtpUnavailable):
        remind.send_reminders(db, ROUND, MISSING, settings, "admin", url=URL, timeout=5)
    assert _log(db_path) == []


def test_the_plan_lists_what_would_be_sent_without_sending_or_logging(db_path, smtp):
    with Database(db_path) as db:
        batch = remind.plan_reminders(db, ROUND, MISSING, url=URL, now=datetime.now())
    assert sorted(r.recipient for r in batch.to_send) == ["anna.svensson@miun.se", "kom@miun.se", "run@miun.se"]
    text = next(r for r in batch.to_send if r.recipient == "run@miun.se").text()
    assert text.startswith("Till: run@miun.se\nÄmne: Påminnelse: Uppföljning våren 2026")
    assert smtp.messages == [] and _log(db_path) == []


# ---------------------------------------------------------------------------- settings and matching


def test_smtp_settings_from_secrets_with_the_environment_winning():
    section = {"host": "smtp.miun.se", "from": "plans@miun.se", "user": "u", "password": "Hemligt-42"}
    s = remind.smtp_settings(section, {})
    assert (s.host, s.port, s.sender, s.user, s.starttls) == ("smtp.miun.se", 587, "plans@miun.se", "u", True)
    assert s.password == "Hemligt-42"
    assert "Hemligt-42" not in repr(s)  # the password stays out of logs and tracebacks
    env = {"PLANS_SMTP_HOST": "mail.local", "PLANS_SMTP_PORT": "2525", "PLANS_SMTP_STARTTLS": "0"}
    s = remind.smtp_settings(section, env)
    assert (s.host, s.port, s.starttls, s.sender) == ("mail.local", 2525, False, "plans@miun.se")
    assert remind.smtp_settings({}, {}) is None
    assert remind.smtp_settings({"host": "smtp.miun.se"}, {}) is None  # no sender: not set up
    assert remind.interval_hours({}, {}) == 72
    assert remind.interval_hours({"interval_hours": 24}, {}) == 24
    assert remind.interval_hours({"interval_hours": 24}, {"PLANS_REMIND_INTERVAL_HOURS": "6"}) == 6
    assert remind.base_url({"base_url": "https://x.se/"}, {}) == "https://x.se"
    assert remind.round_link("https://x.se/", 3) == "https://x.se/uppfoljningsomgangar?round=3"


def test_responsibles_match_contacts_ignoring_case_and_compound_units_reach_each_part():
    contacts = [*CONTACTS, Contact("RUN/KOM", "runkom@miun.se"), Contact("IO", "kom@MIUN.se")]
    assert addresses_for(contacts, "KOM") == ["kom@miun.se"]
    assert addresses_for(contacts, "Run / Kom") == ["run@miun.se", "kom@miun.se"]
    assert addresses_for(contacts, "RUN/KOM") == ["runkom@miun.se", "run@miun.se", "kom@miun.se"]
    assert addresses_for(contacts, "anna svensson") == ["anna.svensson@miun.se"]
    assert addresses_for(contacts, "SAM") == []
    assert addresses_for(contacts, "IO/KOM") == ["kom@MIUN.se"]  # one address once


# ---------------------------------------------------------------------------- the contacts workbook


def _contacts_file(rows: list[tuple]) -> bytes:
    buf = io.BytesIO()
    contacts_workbook(buf)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb["Kontakter"]
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(i, j, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_contacts_workbook_round_trips():
    buf = io.BytesIO()
    contacts_workbook(buf, CONTACTS)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames == ["Instruktioner", "Kontakter"]
    assert [c.value for c in wb["Kontakter"][1]] == ["Ansvarig", "E-post", "Anteckning"]
    got = read_contacts(buf.getvalue(), "kontakter.xlsx")
    assert [(c.responsible, c.email) for c in got] == [(c.responsible, c.email) for c in CONTACTS]


def test_contacts_workbook_problems_name_their_cells_in_both_languages():
    data = _contacts_file([("KOM", "kom@miun.se"), ("RUN", "run på miun"), (None, "x@miun.se"), ("SAM", None)])
    with pytest.raises(WorkbookInvalid) as info:
        read_contacts(data, "k.xlsx", isolate=True)
    problems = {p.cell: p for p in info.value.problems}
    assert set(problems) == {"Kontakter!B3", "Kontakter!A4", "Kontakter!B5"}
    assert problems["Kontakter!B3"].code == "email_invalid" and problems["Kontakter!B3"].value == "run på miun"
    assert "e-postadress" in problems["Kontakter!B3"].message("sv")
    assert "e-mail address" in problems["Kontakter!B3"].message("en")
    assert problems["Kontakter!A4"].as_row("en")["message"] == "Missing value: Ansvarig is required."
    assert codes([problems["Kontakter!B5"]]) == ["required"]


def test_contacts_workbook_refuses_duplicates_and_an_empty_sheet():
    with pytest.raises(WorkbookInvalid) as info:
        read_contacts(_contacts_file([("KOM", "a@miun.se"), ("kom ", "b@miun.se")]), "k.xlsx")
    (p,) = info.value.problems
    assert (p.cell, p.code, p.params["other"]) == ("Kontakter!A3", "contact_duplicate", 2)
    with pytest.raises(WorkbookInvalid) as info:
        read_contacts(_contacts_file([]), "k.xlsx")
    assert codes(info.value.problems) == ["contacts_empty"]
    with pytest.raises(WorkbookInvalid) as info:
        read_contacts(b"not a workbook", "k.xlsx")  # the same guard as every workbook
    assert codes(info.value.problems) == ["file_text"]


# ---------------------------------------------------------------------------- the command line


def test_cli_loads_contacts_and_a_bad_file_changes_nothing(db_path, tmp_path):
    good = tmp_path / "kontakter.xlsx"
    good.write_bytes(_contacts_file([("KOM", "kom@miun.se", "Kommunikationsavdelningen"), ("RUN", "run@miun.se")]))
    run = cli("contacts", good, "--db", db_path, "--by", "eva")
    assert run.returncode == 0, run.stderr
    assert "2 contact(s)" in run.stdout
    with Database(db_path, read_only=True) as db:
        assert db.rows("select responsible, email, note, loaded_by, file_name from contacts order by line_no") == [
            ("KOM", "kom@miun.se", "Kommunikationsavdelningen", "eva", "kontakter.xlsx"),
            ("RUN", "run@miun.se", None, "eva", "kontakter.xlsx"),
        ]
    bad = tmp_path / "fel.xlsx"
    bad.write_bytes(_contacts_file([("SAM", "sam-at-miun")]))
    run = cli("--lang", "sv", "contacts", bad, "--db", db_path)
    assert run.returncode == 1
    assert "Kontakter!B2" in run.stderr and "Inte en e-postadress" in run.stderr and "Inget ändrades" in run.stderr
    with Database(db_path, read_only=True) as db:
        assert [c.responsible for c in stored_contacts(db)] == ["KOM", "RUN"]


def test_cli_writes_the_contacts_template(tmp_path):
    run = cli("template", "--contacts", tmp_path / "k.xlsx")
    assert run.returncode == 0, run.stderr
    assert openpyxl.load_workbook(tmp_path / "k.xlsx").sheetnames == ["Instruktioner", "Kontakter"]


@pytest.fixture
def with_round(db_path, monkeypatch):
    """Round 7 in the database, with loaders.rounds.missing_by_responsible answering MISSING: the reminders
    are tested on a known list of what is missing (tests/test_rounds.py tests how that list is made)."""
    with Database(db_path) as db, db.transaction() as cur:
        cur.execute(
            "insert into round (round_id, title, as_of, due, opened_by, opened_at)"
            " values (7, 'Uppföljning våren 2026', date '2026-05-01', date '2026-06-15', 'admin', now())"
        )
    monkeypatch.setattr(rounds, "missing_by_responsible", lambda db, round_id: MISSING if round_id == 7 else {})
    return db_path


def test_cli_remind_dry_run_prints_the_messages_and_sends_nothing(with_round, smtp):
    run = cli("remind", "7", "--db", with_round, "--dry-run")
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("Ämne: Påminnelse: Uppföljning våren 2026") == 3
    assert "Till: kom@miun.se" in run.stdout and "https://localhost" not in run.stdout
    assert "http://localhost:8501/uppfoljningsomgangar?round=7" in run.stdout
    assert "No e-mail address for SAM" in run.stderr
    assert "Dry run: 3 message(s) would be sent" in run.stdout
    assert smtp.messages == [] and _log(with_round) == []


def test_cli_remind_sends_logs_and_respects_the_interval(with_round, smtp, monkeypatch):
    monkeypatch.setenv("PLANS_BASE_URL", "https://plans.example.se/")
    run = cli("remind", "7", "--db", with_round, "--by", "cron")
    assert run.returncode == 0, run.stderr
    assert "3 sent, 0 skipped" in run.stdout and "1 without a contact" in run.stdout
    assert len(smtp.messages) == 3
    assert "https://plans.example.se/uppfoljningsomgangar?round=7" in smtp.to("run@miun.se").get_content()
    assert {r[4] for r in _log(with_round)} == {"cron"}
    run = cli("remind", "7", "--db", with_round)
    assert run.returncode == 0 and "0 sent, 3 skipped" in run.stdout and len(smtp.messages) == 3
    run = cli("remind", "7", "--db", with_round, "--interval-hours", "0")
    assert "3 sent" in run.stdout and len(smtp.messages) == 6


def test_cli_remind_errors(with_round, smtp, monkeypatch):
    run = cli("remind", "8", "--db", with_round)
    assert run.returncode == 2 and "no follow-up round 8" in run.stderr
    monkeypatch.delenv("PLANS_SMTP_HOST")
    run = cli("remind", "7", "--db", with_round)
    assert run.returncode == 2 and "PLANS_SMTP_HOST" in run.stderr
    smtp.refuse.add("kom@miun.se")
    monkeypatch.setenv("PLANS_SMTP_HOST", "127.0.0.1")
    run = cli("remind", "7", "--db", with_round)
    assert run.returncode == 1 and "Could not send to kom@miun.se" in run.stderr


# ---------------------------------------------------------------------------- the rounds page's section


SECTION = """
import sys
sys.path.insert(0, {root!r})
from datetime import datetime
from types import SimpleNamespace

import streamlit as st

from dashboard.web.cache import connection
from dashboard.web.reminders import render_reminders
from tests.test_remind import MISSING

ctx = SimpleNamespace(db=connection({db!r}), lang={lang!r}, now=datetime.now())
render_reminders(ctx, 7, MISSING)
st.write("end of page")
"""


@pytest.fixture
def section(with_round, monkeypatch, editor_hash):
    """The reminders section alone in AppTest, for round 7: anna is an admin, bo an editor of every plan."""
    monkeypatch.setenv("PLANS_EDITORS", f"bo:{editor_hash}")
    # Set here, so a developer's own secrets.toml does not leak in.
    monkeypatch.setattr(config, "_secrets", lambda: {"accounts": {"anna": {"password": editor_hash, "role": "admin"}}})

    def make(lang: str = "sv", editor: str | None = "anna") -> AppTest:
        at = AppTest.from_string(SECTION.format(root=str(ROOT), db=str(with_round), lang=lang), default_timeout=60)
        if editor:
            at.session_state["auth_editor"] = editor
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return make


def _page_text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "success", "error", "subheader")
             for e in at.get(kind)]  # fmt: skip
    return "\n".join(str(p) for p in parts)


def test_the_section_shows_viewers_nothing(section):
    at = section(editor=None)
    assert not at.subheader and not at.button and not at.code
    assert at.markdown[-1].value == "end of page"


def test_the_section_shows_an_editor_who_is_not_admin_nothing(section):
    at = section(editor="bo")
    assert not at.subheader and not at.button and not at.code
    assert at.markdown[-1].value == "end of page"


def test_without_smtp_the_section_shows_the_messages_to_copy(section, monkeypatch):
    monkeypatch.delenv("PLANS_SMTP_HOST", raising=False)
    at = section()
    assert at.subheader[0].value == "Påminnelser"
    codes_shown = [c.value for c in at.code]
    assert len(codes_shown) == 3 and any(c.startswith("Till: kom@miun.se\nÄmne: Påminnelse") for c in codes_shown)
    assert not [b for b in at.button if b.key == "reminders_send_7"]
    text = _page_text(at)
    assert "E-post är inte inställt" in text and "Ingen e-postadress för: SAM (1)" in text
    en = section(lang="en")
    assert "E-mail is not set up" in _page_text(en) and "No e-mail address for: SAM (1)" in _page_text(en)


def test_the_send_button_sends_logs_and_then_lists_them_as_reminded(section, smtp, with_round):
    at = section()
    assert not at.code  # with SMTP set up, a button instead of messages to copy
    at.button(key="reminders_send_7").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(smtp.messages) == 3
    text = _page_text(at)
    assert "3 påminnelser skickade." in text and "Påminda nyligen" in text
    assert not [b for b in at.button if b.key == "reminders_send_7"]  # nothing left to send within the interval
    log = cache.connection(str(with_round)).rows("select recipient, sent_by, ok from reminders order by 1")
    assert log == [
        ("anna.svensson@miun.se", "anna", True),
        ("kom@miun.se", "anna", True),
        ("run@miun.se", "anna", True),
    ]


def test_contacts_are_downloaded_and_uploaded_in_the_section(section, with_round, storages):
    at = section()
    got = download(at, storages, "reminders_contacts_download")
    assert [(c.responsible, c.email) for c in read_contacts(got, "k.xlsx")] == [
        (c.responsible, c.email) for c in CONTACTS
    ]
    bad = _contacts_file([("SAM", "inte en adress")])
    at.file_uploader(key="reminders_contacts_upload").set_value([("k.xlsx", bad, XLSX)]).run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Kontakter\\!B2" in _page_text(at) and "kontakterna ändrades inte" in _page_text(at)
    db = cache.connection(str(with_round))
    assert len(stored_contacts(db)) == 3  # a bad file changes nothing
    good = _contacts_file([("SAM", "sam@miun.se"), ("KOM", "kom@miun.se")])
    at.file_uploader(key="reminders_contacts_upload").set_value([("k.xlsx", good, XLSX)]).run()
    assert not at.exception, [e.message for e in at.exception]
    assert [(c.responsible, c.email) for c in stored_contacts(db)] == [("SAM", "sam@miun.se"), ("KOM", "kom@miun.se")]
    assert "2 kontakter laddade." in _page_text(at)
    assert db.rows("select distinct loaded_by from contacts") == [("anna",)]


@pytest.mark.parametrize(
    "session",
    [
        "mallory",  # not an account: a forged session value
        "bo",  # an editor, not an admin
    ],
)
def test_reminder_actions_refuse_anyone_but_an_admin(with_round, monkeypatch, editor_hash, session):
    monkeypatch.setattr(config, "_secrets", lambda: {})
    monkeypatch.setenv("PLANS_EDITORS", f"bo:{editor_hash}")
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from datetime import datetime
import streamlit as st
from dashboard.web import actions
from dashboard.web.cache import connection

db = connection({str(with_round)!r})
refused = []
for name, call in (
    ("batch", lambda: actions.reminder_batch(db, 7, {{}}, datetime.now())),
    ("send", lambda: actions.send_reminders(db, 7, {{}})),
    ("download", lambda: actions.contacts_download(db)),
    ("upload", lambda: actions.load_contacts(db, "k.xlsx", b"PK")),
):
    try:
        call()
    except actions.NotAuthorized:
        refused.append(name)
st.write(",".join(refused))
"""
    at = AppTest.from_string(script, default_timeout=60)
    at.session_state["auth_editor"] = session
    at.run()
    assert not at.exception
    assert at.markdown[0].value == "batch,send,download,upload"
