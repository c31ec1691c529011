"""Reminders of a follow-up round: one e-mail per recipient listing what is missing, sent over SMTP and logged."""

from __future__ import annotations

import os
import smtplib
import ssl
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol

import duckdb

from .contacts import Contact, addresses_for, stored_contacts
from .database import WRITE_LOCK, Database

DEFAULT_INTERVAL_HOURS = 72
ROUND_PATH = "/uppfoljningsomgangar"
# Sends are serialised in this process: two admins clicking at once must not both pass the interval check.
_SEND_LOCK = threading.Lock()

KIND_LABELS = {"status": "Status", "outcome": "Utfall", "spent": "Kostnadsutfall"}


class Asked(Protocol):
    """One item a round asks for, as reminders read loaders.rounds.Asked (read-only: a frozen dataclass fits)."""

    @property
    def plan_id(self) -> str: ...
    @property
    def item_kind(self) -> str: ...  # status, outcome or spent
    @property
    def year(self) -> int | None: ...
    @property
    def responsible(self) -> str | None: ...
    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class RoundInfo:
    round_id: int
    title: str
    due: date | None


class RoundsUnavailable(Exception):
    """The database has no rounds (the rounds feature is not in it)."""


class RoundUnknown(KeyError):
    """No round with this id."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True


_ENV = {
    "host": "PLANS_SMTP_HOST",
    "port": "PLANS_SMTP_PORT",
    "user": "PLANS_SMTP_USER",
    "password": "PLANS_SMTP_PASSWORD",
    "from": "PLANS_SMTP_FROM",
    "starttls": "PLANS_SMTP_STARTTLS",
}


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("0", "false", "no", "nej", "off", "")


def smtp_settings(
    section: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> SmtpSettings | None:
    """SMTP settings from secrets.toml's [smtp] section (host, port, user, password, from, starttls) with the
    PLANS_SMTP_* environment variables winning; None when there is no host or no sender (e-mail not set up)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {k: v for k, v in (section or {}).items() if v not in (None, "")}
    for key, var in _ENV.items():
        if environ.get(var, "").strip():
            values[key] = environ[var].strip()
    host, sender = str(values.get("host", "")).strip(), str(values.get("from", "")).strip()
    if not host or not sender:
        return None
    starttls = _flag(values.get("starttls", True))
    port = int(values.get("port") or (587 if starttls else 25))
    user = str(values["user"]) if values.get("user") else None
    password = str(values["password"]) if values.get("password") else None
    return SmtpSettings(host, port, sender, user, password, starttls)


def base_url(section: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The dashboard's address for links in reminders: PLANS_BASE_URL, else [reminders] base_url, else localhost."""
    environ = os.environ if environ is None else environ
    url = environ.get("PLANS_BASE_URL", "").strip() or str((section or {}).get("base_url", "")).strip()
    return (url or "http://localhost:8501").rstrip("/")


def interval_hours(section: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> float:
    """Hours before a recipient may be reminded of the same round again: PLANS_REMIND_INTERVAL_HOURS,
    else [reminders] interval_hours, else 72."""
    environ = os.environ if environ is None else environ
    value = environ.get("PLANS_REMIND_INTERVAL_HOURS", "").strip() or (section or {}).get("interval_hours")
    try:
        hours = float(value) if value not in (None, "") else DEFAULT_INTERVAL_HOURS
    except (TypeError, ValueError):
        hours = DEFAULT_INTERVAL_HOURS
    return max(0.0, hours)


def round_link(url: str, round_id: int) -> str:
    return f"{url.rstrip('/')}{ROUND_PATH}?round={round_id}"


def round_info(db, round_id: int) -> RoundInfo:
    """The round's title and due date from the public view `rounds`."""
    try:
        rows = db.rows("select round_id, title, due from rounds where round_id = ?", [round_id])
    except duckdb.CatalogException as exc:
        raise RoundsUnavailable() from exc
    if not rows:
        raise RoundUnknown(round_id)
    rid, title, due = rows[0]
    return RoundInfo(int(rid), title or f"Omgång {rid}", due)


# ---------------------------------------------------------------------------- composing


@dataclass
class Reminder:
    """One e-mail: to one address, about every responsible that address answers for."""

    round_id: int
    recipient: str
    responsibles: tuple[str, ...]
    items: tuple[Asked, ...]
    subject: str
    body: str
    last_sent: datetime | None = None  # the last reminder of this round that reached the recipient

    @property
    def responsible(self) -> str:
        return "; ".join(self.responsibles)

    def text(self) -> str:
        """The whole message as plain text (what the page shows to copy, and a dry run prints)."""
        return f"Till: {self.recipient}\nÄmne: {self.subject}\n\n{self.body}"


@dataclass
class Batch:
    """What a reminder run would do: messages to send, recipients reminded recently, responsibles without contact."""

    to_send: list[Reminder]
    recent: list[Reminder]
    no_contact: dict[str, int]  # responsible → how many items are missing


def _item_line(item: Asked, several: bool) -> str:
    kind = KIND_LABELS.get(item.item_kind, item.item_kind)
    line = f"- {kind}: {item.label}"
    if item.year is not None and str(item.year) not in item.label:
        line += f" ({item.year})"
    if several and item.responsible:
        line += f" – ansvarig: {item.responsible}"
    return line


def compose(
    rnd: RoundInfo, recipient: str, asked: Mapping[str, Sequence[Asked]], plan_titles: Mapping[str, str], url: str
) -> Reminder:
    """The Swedish e-mail to one recipient: what is asked, grouped by plan, the due date and the round's link."""
    responsibles = tuple(asked)
    items = [i for r in responsibles for i in asked[r]]
    several = len(responsibles) > 1
    due = rnd.due.isoformat() if rnd.due else None
    subject = f"Påminnelse: {rnd.title}" + (f" – senast {due}" if due else "")
    who = ", ".join(responsibles)
    lines = [
        "Hej!",
        "",
        f"I uppföljningsomgången ”{rnd.title}” saknas ännu följande uppgifter för {who}.",
        f"Lämna dem senast {due}." if due else "Lämna dem så snart som möjligt.",
        "",
    ]
    by_plan: dict[str, list[Asked]] = {}
    for item in items:
        by_plan.setdefault(item.plan_id, []).append(item)
    for plan_id in sorted(by_plan, key=lambda p: plan_titles.get(p, p)):
        lines.append(f"{plan_titles.get(plan_id, plan_id)}:")
        lines += [_item_line(i, several) for i in by_plan[plan_id]]
        lines.append("")
    lines += [
        f"Lämna uppgifterna här: {round_link(url, rnd.round_id)}",
        "",
        "Har du redan lämnat dem, eller är det någon annan som ansvarar? Svara på det här meddelandet.",
        "",
        "Med vänliga hälsningar",
        "Uppföljning av handlingsplaner",
    ]
    return Reminder(rnd.round_id, recipient, responsibles, tuple(items), subject, "\n".join(lines))


def _plan_titles(db) -> dict[str, str]:
    return {pid: title for pid, title in db.rows("select plan_id, title from plans")}


def last_sent(db, round_id: int) -> dict[str, datetime]:
    """Each recipient's latest reminder of this round that went out (failed tries do not count)."""
    rows = db.rows(
        "select lower(recipient), max(sent_at) from reminder_log where round_id = ? and ok group by 1", [round_id]
    )
    return {r: t for r, t in rows}


def plan_reminders(
    db,
    rnd: RoundInfo,
    missing: Mapping[str, Sequence[Asked]],
    *,
    url: str,
    now: datetime,
    interval_h: float = DEFAULT_INTERVAL_HOURS,
    contacts: Iterable[Contact] | None = None,
) -> Batch:
    """The messages a reminder run would send: one per address, about every responsible it answers for.

    missing is loaders.rounds.missing_by_responsible(db, round_id): responsible → items still missing.
    An address reminded of this round less than interval_h hours before now is listed in recent.
    """
    contacts = list(stored_contacts(db) if contacts is None else contacts)
    per_address: dict[str, tuple[str, dict[str, list[Asked]]]] = {}
    no_contact: dict[str, int] = {}
    for responsible in sorted(missing, key=str.casefold):
        items = list(missing[responsible])
        if not items:
            continue
        addresses = addresses_for(contacts, responsible)
        if not addresses:
            no_contact[responsible] = len(items)
        for address in addresses:
            per_address.setdefault(address.casefold(), (address, {}))[1][responsible] = items
    titles = _plan_titles(db)
    sent_before = last_sent(db, rnd.round_id)
    since = now - timedelta(hours=interval_h)
    to_send: list[Reminder] = []
    recent: list[Reminder] = []
    for key, (address, asked) in per_address.items():
        reminder = compose(rnd, address, asked, titles, url)
        reminder.last_sent = sent_before.get(key)
        (recent if reminder.last_sent is not None and reminder.last_sent > since else to_send).append(reminder)
    return Batch(to_send, recent, no_contact)


# ---------------------------------------------------------------------------- sending


@dataclass
class Sent:
    reminder: Reminder
    message_id: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class SmtpUnavailable(Exception):
    """The mail server could not be reached or refused the sign-in: nothing was sent."""


def _message(reminder: Reminder, settings: SmtpSettings) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = reminder.recipient
    msg["Subject"] = reminder.subject
    msg["Date"] = formatdate(localtime=True)
    domain = settings.sender.rsplit("@", 1)[-1] or None
    msg["Message-ID"] = make_msgid(domain=domain)
    msg["Auto-Submitted"] = "auto-generated"  # so auto-replies (out of office) are not sent back
    msg.set_content(reminder.body)
    return msg


def _log(db: Database, round_id: int, sent: Sent, sent_by: str, at: datetime) -> None:
    with WRITE_LOCK, db.transaction() as cur:
        next_id = cur.execute("select coalesce(max(reminder_id), 0) + 1 from reminder_log").fetchall()[0][0]
        r = sent.reminder
        cur.execute(
            "insert into reminder_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [next_id, round_id, r.recipient, r.responsible, len(r.items), at, sent_by, sent.message_id, sent.ok,
             sent.error],
        )  # fmt: skip


def send_reminders(
    db: Database,
    rnd: RoundInfo,
    missing: Mapping[str, Sequence[Asked]],
    settings: SmtpSettings,
    sent_by: str,
    *,
    url: str,
    interval_h: float = DEFAULT_INTERVAL_HOURS,
    now: datetime | None = None,
    timeout: float = 30,
) -> tuple[Batch, list[Sent]]:
    """Send every due reminder over one SMTP connection and log each (sent or failed) as it happens.

    Raises SmtpUnavailable (nothing sent, nothing logged) when the server cannot be reached or signed in to.
    """
    with _SEND_LOCK:
        # The interval is checked under the lock, against the log as it is now.
        plan = plan_reminders(db, rnd, missing, url=url, now=now or datetime.now(), interval_h=interval_h)
        if not plan.to_send:
            return plan, []
        try:
            server = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise SmtpUnavailable(_error_text(exc)) from exc
        results: list[Sent] = []
        try:
            try:
                if settings.starttls:
                    server.starttls(context=ssl.create_default_context())
                if settings.user:
                    server.login(settings.user, settings.password or "")
            except (OSError, smtplib.SMTPException) as exc:
                raise SmtpUnavailable(_error_text(exc)) from exc
            for reminder in plan.to_send:
                msg = _message(reminder, settings)
                try:
                    server.send_message(msg)
                    sent = Sent(reminder, msg["Message-ID"])
                except (OSError, smtplib.SMTPException) as exc:
                    sent = Sent(reminder, msg["Message-ID"], _error_text(exc))
                # Logged one by one: a run cut short still records every message that went out.
                _log(db, rnd.round_id, sent, sent_by, datetime.now())
                results.append(sent)
        finally:
            try:
                server.quit()
            except (OSError, smtplib.SMTPException):
                server.close()
        return plan, results


def _error_text(exc: BaseException) -> str:
    """The server's own answer, short: a code and text from SMTP, else the error's kind."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}" for code, msg in
                 exc.recipients.values()]  # fmt: skip
        return "; ".join(codes)[:300]
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"[:300]
    return (str(exc) or type(exc).__name__)[:300]
