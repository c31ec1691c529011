"""Each parse rule: amounts, periods, statuses, dates, years."""

from datetime import date

import pytest

from loaders.parse import (
    ParseError,
    parse_amount,
    parse_date,
    parse_id_list,
    parse_line_kind,
    parse_number,
    parse_period,
    parse_status,
    parse_year,
)


@pytest.mark.parametrize(
    ("text", "total", "parts"),
    [
        ("490000", 490000, ()),
        ("1 100 tkr", 1_100_000, ()),
        ("1\u00a0100 tkr", 1_100_000, ()),  # non-breaking space as thousands separator
        ("225 tkr + 265 tkr", 490_000, (225_000, 265_000)),
        ("390 tkr + 799 tkr", 1_189_000, (390_000, 799_000)),
        ("225 + 265 tkr", 490_000, (225_000, 265_000)),  # unit written once applies to all terms
        ("25*1500", 37_500, ()),
        ("200 000kr", 200_000, ()),
        ("140 000kr", 140_000, ()),
        ("3,5 mnkr", 3_500_000, ()),
        ("1,5 tkr", 1_500, ()),
        ("750 tkr.", 750_000, ()),
    ],
)
def test_amounts(text, total, parts):
    got = parse_amount(text)
    assert got.total == total
    assert got.parts == parts


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Resurssätts genom akt. 1", "amount_unparsable"),
        ("abc", "amount_unparsable"),
        ("-100", "amount_negative"),
        ("1,5 kr", "amount_not_whole"),
        ("", "amount_empty"),
        ("100 tkr +", "amount_unparsable"),
    ],
)
def test_amounts_rejected(text, code):
    with pytest.raises(ParseError) as info:
        parse_amount(text)
    assert info.value.args[0] == code


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("feb-16/feb-17", date(2016, 2, 1), date(2017, 2, 28)),
        ("ht-16", date(2016, 8, 1), date(2017, 1, 31)),
        ("vt-17/vt-18", date(2017, 1, 1), date(2018, 6, 30)),
        ("vt-16/dec-17", date(2016, 1, 1), date(2017, 12, 31)),
        ("ht-16/dec-17", date(2016, 8, 1), date(2017, 12, 31)),
        ("Q1 2016", date(2016, 1, 1), date(2016, 3, 31)),
        ("Q4 2017", date(2017, 10, 1), date(2017, 12, 31)),
        ("2017/2019", date(2017, 1, 1), date(2019, 12, 31)),
        ("2011 -2012", date(2011, 1, 1), date(2012, 12, 31)),
        ("2012 – 2013", date(2012, 1, 1), date(2013, 12, 31)),
        ("2016/dec-17", date(2016, 1, 1), date(2017, 12, 31)),
        ("Januari 2017", date(2017, 1, 1), date(2017, 1, 31)),
        ("sept-16", date(2016, 9, 1), date(2016, 9, 30)),
        ("Nov-16", date(2016, 11, 1), date(2016, 11, 30)),
        ("nov -16/juni 17", date(2016, 11, 1), date(2017, 6, 30)),
        ("dec-16/april-17", date(2016, 12, 1), date(2017, 4, 30)),
        ("okt-16/april-17", date(2016, 10, 1), date(2017, 4, 30)),
        ("2018", date(2018, 1, 1), date(2018, 12, 31)),
        ("Kontinuerligt arbete", None, None),
        ("Tidigast 2013", date(2013, 1, 1), None),
        ("Inleds 2012", date(2012, 1, 1), None),
        ("Inleds under 2012", date(2012, 1, 1), None),
        ("Start: Q1 2016 Slut: Kontinuerligt arbete", date(2016, 1, 1), None),
        ("Start: Q1 2016 Slut: Q4 2017", date(2016, 1, 1), date(2017, 12, 31)),
        ("feb-20/feb-21", date(2020, 2, 1), date(2021, 2, 28)),
        ("feb-24", date(2024, 2, 1), date(2024, 2, 29)),  # leap year
    ],
)
def test_periods(text, start, end):
    got = parse_period(text)
    assert (got.start, got.end) == (start, end)


@pytest.mark.parametrize("text", ["årligen", "Våren-17 ungefär", "snart", "", "13-16"])
def test_periods_rejected(text):
    with pytest.raises(ParseError):
        parse_period(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Genomfört 2011", "done"),
        ("Genomförd", "done"),
        ("Aktiviteten inleddes under våren 2011 och slutfördes under hösten 2011.", "done"),
        ("Pågår", "ongoing"),
        ("påbörjats under 2011 och vidareutvecklas under 2012", "ongoing"),
        ("Inleds 2012", "not_started"),
        ("Tidigast 2013", "not_started"),
        ("Ej påbörjad", "not_started"),
        ("Förstudien har skjutits upp till 2012.", "postponed"),
        ("Projektet kom inte igång under 2011 utan påbörjas 2012.", "postponed"),
        ("Bjöd in till en Branschrådsdag 5/12- 2011 som tyvärr fick ställas in", "cancelled"),
        ("Ställdes in", "cancelled"),
        ("Inställd", "cancelled"),
        ("Okänd", "unknown"),
        ("not_started", "not_started"),
        ("DONE", "done"),
    ],
)
def test_statuses(text, code):
    assert parse_status(text) == code


def test_status_rejected():
    with pytest.raises(ParseError):
        parse_status("kanske")


def test_cells():
    assert parse_date("2016-02-01 00:00:00") == date(2016, 2, 1)
    assert parse_date("2016-2-1") == date(2016, 2, 1)
    with pytest.raises(ParseError):
        parse_date("1 februari")
    assert parse_year("2016") == 2016
    assert parse_year("2016.0") == 2016
    with pytest.raises(ParseError):
        parse_year("16")
    assert parse_number("33,3") == pytest.approx(33.3)
    assert parse_number("75 %") == 75
    with pytest.raises(ParseError):
        parse_number("ca sextio")
    assert parse_line_kind("IB") == "opening_balance"
    assert parse_line_kind("Ingående balans") == "opening_balance"
    with pytest.raises(ParseError):
        parse_line_kind("utfall")
    assert parse_id_list("A, B,C") == ["A", "B", "C"]
