"""Parse the plans' Swedish wording: amounts, periods, statuses, dates and years."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime


class ParseError(ValueError):
    """A value that does not follow any accepted form; args[0] is a message code."""


# ---------------------------------------------------------------------------- amounts

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_UNIT_FACTOR = {"kr": 1, "sek": 1, ":-": 1, "tkr": 1_000, "ksek": 1_000, "mnkr": 1_000_000, "mkr": 1_000_000}
# A number: digits with optional space-grouped thousands ("1 100", "200 000") and an optional
# decimal part with comma or point. Spaces were normalised to one ASCII space first.
_NUMBER = r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_UNIT = r"mnkr|mkr|tkr|ksek|kr|sek|:-"
_TERM = re.compile(rf"^(?P<a>{_NUMBER})\s*(?:[*×x]\s*(?P<b>{_NUMBER}))?\s*(?P<unit>{_UNIT})?$")


@dataclass(frozen=True)
class Amount:
    total: int  # whole SEK
    parts: tuple[int, ...]  # the terms of a sum ("225 tkr + 265 tkr" → 225000, 265000)


def _number(text: str) -> float:
    return float(text.replace(" ", "").replace(",", "."))


def parse_amount(text: str) -> Amount:
    """Parse an amount cell: 490000, "1 100 tkr", "225 tkr + 265 tkr", "25*1500", "200 000kr"."""
    s = _SPACES.sub(" ", str(text)).strip().lower().rstrip(".")
    if not s:
        raise ParseError("amount_empty")
    if s.startswith("-"):
        raise ParseError("amount_negative")
    terms = [t.strip() for t in s.split("+")]
    parsed = []
    for term in terms:
        m = _TERM.match(term)
        if not m:
            raise ParseError("amount_unparsable")
        value = _number(m["a"]) * (_number(m["b"]) if m["b"] else 1)
        parsed.append((value, m["unit"]))
    # "225 + 265 tkr": a unit written once at the end applies to every term without one.
    last_unit = parsed[-1][1]
    parts = []
    for value, unit in parsed:
        sek = value * _UNIT_FACTOR[unit or last_unit or "kr"]
        if abs(sek - round(sek)) > 1e-6:
            raise ParseError("amount_not_whole")
        parts.append(round(sek))
    return Amount(sum(parts), tuple(parts) if len(parts) > 1 else ())


# ---------------------------------------------------------------------------- periods

_MONTHS = {
    "jan": 1, "januari": 1, "feb": 2, "februari": 2, "mar": 3, "mars": 3, "apr": 4, "april": 4,
    "maj": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7, "aug": 8, "augusti": 8, "sep": 9,
    "sept": 9, "september": 9, "okt": 10, "oktober": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None  # None: open end, or no end stated


def _year(text: str) -> int:
    y = int(text)
    return 2000 + y if y < 100 else y


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _point(text: str) -> Period:
    """One period without a range: a year, quarter, term or month."""
    s = text.strip().strip(".")
    if m := re.fullmatch(r"(\d{4})", s):
        y = int(m[1])
        return Period(date(y, 1, 1), date(y, 12, 31))
    if m := re.fullmatch(r"q([1-4])\s*-?\s*(\d{4}|\d{2})", s):
        q, y = int(m[1]), _year(m[2])
        return Period(date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    if m := re.fullmatch(r"(ht|hösten|hösttermin(?:en)?)\s*-?\s*(\d{4}|\d{2})", s):
        y = _year(m[2])  # autumn term: August to January
        return Period(date(y, 8, 1), date(y + 1, 1, 31))
    if m := re.fullmatch(r"(vt|våren|vårtermin(?:en)?)\s*-?\s*(\d{4}|\d{2})", s):
        y = _year(m[2])  # spring term: January to June
        return Period(date(y, 1, 1), date(y, 6, 30))
    if (m := re.fullmatch(r"([a-zåäö]+)\.?\s*-?\s*(\d{4}|\d{2})", s)) and m[1] in _MONTHS:
        y, mo = _year(m[2]), _MONTHS[m[1]]
        return Period(date(y, mo, 1), _month_end(y, mo))
    raise ParseError("period_unparsable")


_OPEN = re.compile(r"^(kontinuerligt( arbete)?|pågående|tills vidare|löpande)$")


def parse_period(text: str) -> Period:
    """Parse a period text into first and last day: "feb-16/feb-17", "ht-16", "Q1 2016", …"""
    s = _SPACES.sub(" ", str(text)).strip().lower().replace("–", "-").replace("—", "-")
    if not s:
        raise ParseError("period_empty")
    if m := re.fullmatch(r"start:? (.+?),? slut:? (.+)", s):
        first = _point(m[1])
        last = None if _OPEN.match(m[2]) else _point(m[2]).end
        return Period(first.start, last)
    if _OPEN.match(s):
        return Period(None, None)
    if m := re.fullmatch(r"(tidigast|inleds|påbörjas|startar)( under| inför| i)? (.+)", s):
        return Period(_point(m[3]).start, None)
    if m := re.fullmatch(r"(\d{4}) ?- ?(\d{4})", s):
        return Period(date(int(m[1]), 1, 1), date(int(m[2]), 12, 31))
    if "/" in s:
        left, _, right = s.partition("/")
        return Period(_point(left).start, _point(right).end)
    return _point(s)


# ---------------------------------------------------------------------------- statuses

_STATUS_EXACT = {
    "not_started": "not_started", "ej påbörjad": "not_started", "ej påbörjat": "not_started",
    "inte påbörjad": "not_started", "not started": "not_started",
    "ongoing": "ongoing", "pågår": "ongoing", "pågående": "ongoing", "påbörjad": "ongoing",
    "done": "done", "genomförd": "done", "genomfört": "done", "klar": "done", "avslutad": "done",
    "postponed": "postponed", "uppskjuten": "postponed", "försenad": "postponed",
    "cancelled": "cancelled", "canceled": "cancelled", "inställd": "cancelled",
    "unknown": "unknown", "okänd": "unknown",
}  # fmt: skip

# The documents' own wording, most specific first: "kom inte igång … påbörjas 2012" is a
# delayed start, so it must win over the plain "påbörjas".
_STATUS_PHRASES = (
    (r"kom inte igång", "postponed"),
    (r"skjutits upp|skjuts upp|uppskjut", "postponed"),
    (r"ställ(a|as|des) in|inställ", "cancelled"),
    (r"genomför(t|ts|d|des)\b|slutför(des|t|d)\b", "done"),
    (r"pågår|pågående|påbörja(t|ts|d)\b|inleddes", "ongoing"),
    (r"påbörjas|inleds|tidigast|planeras", "not_started"),
)


def parse_status(text: str) -> str:
    """Map a status label or the documents' wording ("Genomfört 2011") to a status code."""
    s = _SPACES.sub(" ", str(text)).strip().lower()
    if s in _STATUS_EXACT:
        return _STATUS_EXACT[s]
    for pattern, code in _STATUS_PHRASES:
        if re.search(pattern, s):
            return code
    raise ParseError("status_unknown")


# ---------------------------------------------------------------------------- cells

_KINDS = {
    "budget": "budget",
    "ingående balans": "opening_balance",
    "ib": "opening_balance",
    "opening_balance": "opening_balance",
    "opening balance": "opening_balance",
}


def parse_line_kind(text: str) -> str:
    s = _SPACES.sub(" ", str(text)).strip().lower()
    if s in _KINDS:
        return _KINDS[s]
    raise ParseError("kind_unknown")


# Dates a plan can hold. The lower bound also keeps out Excel's day numbers 0–60, where Excel
# counts a 29 February 1900 that never was (a date-formatted 0 or 60 would read as a real day).
DATE_MIN, DATE_MAX = date(1901, 1, 1), date(2200, 12, 31)
_DATE_LIKE = re.compile(r"([+-]?\d{4,6})-(\d{1,2})-(\d{1,2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?")


def parse_date(text: str) -> date:
    """A date cell as fastexcel renders it ("2016-02-01 00:00:00") or typed as text; never rolled over."""
    s = str(text).strip()
    if m := _DATE_LIKE.fullmatch(s):
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            # 2016-13-45, 2012-02-30, or a year Python's dates cannot hold: refused, never moved
            # to a nearby day.
            raise ParseError("date_impossible" if 1 <= int(m[1]) <= 9999 else "date_out_of_range") from None
        if m[4]:
            try:
                datetime.fromisoformat(f"{day.isoformat()} {m[4]}")
            except ValueError:
                raise ParseError("date_invalid") from None  # 25:00 is no time of day
    else:
        try:
            day = datetime.fromisoformat(s).date()
        except ValueError:
            raise ParseError("date_invalid") from None
    if not DATE_MIN <= day <= DATE_MAX:
        raise ParseError("date_out_of_range")
    return day


def parse_year(text: str) -> int:
    s = str(text).strip()
    if m := re.fullmatch(r"(\d{4})(\.0+)?", s):
        y = int(m[1])
        if 1900 <= y <= 2200:
            return y
    raise ParseError("year_invalid")


def parse_number(text: str) -> float:
    s = _SPACES.sub(" ", str(text)).strip().rstrip("%").strip()
    if re.fullmatch(r"-?(\d{1,3}( \d{3})+|\d+)([.,]\d+)?([eE][-+]?\d+)?", s):
        return float(s.replace(" ", "").replace(",", "."))
    raise ParseError("number_invalid")


def parse_id_list(text: str) -> list[str]:
    """ "A, B" / "A,B,C" / "A B" → ["A", "B", "C"]."""
    return [p for p in re.split(r"[,;\s]+", str(text).strip()) if p]


# ---------------------------------------------------------------------------- e-mail addresses

# One plain address (what a contact sheet holds): no display name, no list, no spaces or line
# breaks (which would let a cell add mail headers), a domain with at least one dot.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+\Z")


def parse_email(text: str) -> str:
    """An e-mail address as written, trimmed: anna.svensson@miun.se; anything else is email_invalid."""
    s = str(text).strip()
    local = s.split("@", 1)[0]
    if len(s) > 254 or not _EMAIL.match(s) or local.startswith(".") or local.endswith(".") or ".." in s:
        raise ParseError("email_invalid")
    return s
