"""The plan workbook template: sheets, columns, types and instructions, in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str  # field name in the database
    header: str  # Swedish header in the workbook
    kind: str  # text, id, ref, id_list, date, year, amount, number, status, line_kind, email
    required: bool = False
    help: str = ""
    width: int = 18
    max_length: int | None = None  # a tighter limit than the loader's MAX_TEXT, where space is short
    optional: bool = False  # the column may be missing from a file (added after workbooks were in use)


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str  # Swedish sheet name
    columns: tuple[Column, ...]
    help: str
    single_row: bool = False
    optional: bool = False  # the sheet may be missing from a file (added after workbooks were in use): no rows

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def header_of(self, key: str) -> str:
        """The workbook's header for a field: what the owner edited in Excel (the key if unknown)."""
        return next((c.header for c in self.columns if c.key == key), key)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


# A plan's short name must fit a chart axis, a table column and the meeting pack uncut.
SHORT_NAME_MAX = 30

NOTE = Column("note", "Anteckning", "text", help="Antaganden och tolkningar (fritt).", width=40)

PLAN = Sheet(
    "plan",
    "Plan",
    (
        Column("plan_id", "Plan-ID", "id", True, "Kort unikt id, t.ex. mobilitet-2016-2018. Ändras aldrig.", 28),
        Column("title", "Titel", "text", True, "Planens titel.", 50),
        Column(
            "short_name",
            "Kortnamn",
            "text",
            help=f"Kort namn för diagram, tabeller och mötespaket, högst {SHORT_NAME_MAX} tecken."
            " Tomt: titeln används.",
            width=30,
            max_length=SHORT_NAME_MAX,
            optional=True,
        ),
        Column("period_start", "Periodstart", "date", help="Första dag i planperioden (ÅÅÅÅ-MM-DD).", width=12),
        Column("period_end", "Periodslut", "date", help="Sista dag i planperioden.", width=12),
        Column("period_text", "Period (originaltext)", "text", help="Perioden som dokumentet skriver den."),
        Column("owner", "Ägare", "text", help="Enhet eller roll som äger planen."),
        Column("diary_no", "Diarienummer", "text", help="T.ex. MIUN 2020/2363."),
        Column("doc_version", "Dokumentversion", "text", width=10),
        Column("doc_date", "Dokumentdatum", "date", width=12),
        Column("source_document", "Källdokument", "text", help="Dokumentet uppgifterna är hämtade ur."),
        NOTE,
    ),
    "En rad: planens namn, kortnamn, period och ägare.",
    single_row=True,
)

GOALS = Sheet(
    "goals",
    "Mål",
    (
        Column("goal_id", "Mål-ID", "id", True, "Målets beteckning, t.ex. A eller H1.2. Unikt i planen.", 10),
        Column(
            "parent_goal_id", "Överordnat mål", "ref", help="Mål-ID för huvudmålet om detta är ett delmål.", width=10
        ),
        Column("title", "Titel", "text", True, "Målets formulering.", 60),
        Column("description", "Beskrivning", "text", help="Längre text.", width=60),
        NOTE,
    ),
    "Mål och delmål. Ett delmål anger sitt huvudmål i Överordnat mål.",
)

ACTIVITIES = Sheet(
    "activities",
    "Aktiviteter",
    (
        Column(
            "activity_id", "Aktivitet-ID", "id", True, "Aktivitetens nummer i planen, t.ex. A1 eller 3.2.1. Unikt.", 10
        ),
        Column("section", "Avsnitt", "text", help="Rubriken aktiviteten står under.", width=28),
        Column("title", "Titel", "text", True, "Aktivitetens namn.", 45),
        Column("description", "Beskrivning", "text", help="Beskrivning och syfte.", width=60),
        Column("responsible", "Ansvarig", "text", help="Ansvarig person, roll eller enhet som i dokumentet.", width=25),
        Column(
            "unit", "Enhet", "text", help="Ansvarig enhet i kortform: SAM, RUN, KOM, International Office …", width=14
        ),
        Column(
            "goal_ids", "Mål-ID:n", "id_list", help="Mål som aktiviteten bidrar till, kommaseparerade: A, B.", width=10
        ),
        Column(
            "period_text",
            "Period (originaltext)",
            "text",
            help="Tiden som dokumentet skriver den: feb-16/feb-17, ht-16, Q1 2016 …",
            width=22,
        ),
        Column(
            "start_date",
            "Start",
            "date",
            help="Första dag. Tom: tolkas från Period (originaltext) om möjligt.",
            width=12,
        ),
        Column(
            "end_date",
            "Slut",
            "date",
            help="Sista dag. Tom = inget slut angivet (t.ex. kontinuerligt arbete).",
            width=12,
        ),
        Column(
            "doc_ref",
            "Nr i dokumentet",
            "text",
            help="Numrering som dokumentet trycker den, där den avviker.",
            width=16,
        ),
        NOTE,
    ),
    "En rad per aktivitet.",
)

BUDGET = Sheet(
    "budget",
    "Budget",
    (
        Column("activity_id", "Aktivitet-ID", "ref", help="Tom för rader på planivå (t.ex. samordning).", width=10),
        Column(
            "year",
            "År",
            "year",
            help="Budgetår. Tomt om dokumentet inte anger år – flytta aldrig ett belopp till ett år.",
            width=8,
        ),
        Column("unit", "Enhet", "text", help="Enheten beloppet gäller: SAM, RUN, SOA …", width=14),
        Column("funding_source", "Finansiering", "text", help="utb. strat., ram, samverkansavtal, anslag …", width=16),
        Column(
            "kind",
            "Typ",
            "line_kind",
            help="budget eller ingående balans (IB). IB räknas aldrig in i årets budget.",
            width=16,
        ),
        Column(
            "amount_sek",
            "Belopp (kr)",
            "amount",
            help="Heltal i kronor. Även 1 100 tkr, 225 tkr + 265 tkr, 25*1500 tolkas.",
            width=14,
        ),
        Column(
            "source_text", "Originaltext", "text", help="Cellens text i dokumentet, t.ex. 225 tkr + 265 tkr.", width=30
        ),
        NOTE,
    ),
    "En rad per belopp. Tomt belopp tillåts när Originaltext beskriver resursen utan belopp.",
)

TARGETS = Sheet(
    "targets",
    "Målsättningar",
    (
        Column("target_id", "Målsättning-ID", "id", True, "Kort unikt id, t.ex. T5.", 12),
        Column(
            "activity_id", "Aktivitet-ID", "ref", help="Aktiviteten målsättningen hör till (tom = målnivå).", width=10
        ),
        Column("goal_id", "Mål-ID", "ref", help="Målet den hör till.", width=8),
        Column("name", "Namn", "text", True, "Kort namn, t.ex. Mentorpar per år.", 32),
        Column("measure", "Mått", "text", help="Vad som mäts och i vilken enhet.", width=32),
        Column("region", "Region", "text", help="För en regional del (varav …): Jämtland, Västernorrland.", width=14),
        Column(
            "part_of",
            "Del av målsättning",
            "ref",
            help="Målsättning-ID för helheten när detta är en varav-del.",
            width=12,
        ),
        Column("baseline_year", "Basår", "year", width=8),
        Column("baseline_value", "Basvärde", "number", width=10),
        Column("target_year", "Målår", "year", width=8),
        Column("target_value", "Målvärde", "number", width=10),
        Column(
            "target_change_pct", "Förändring (%)", "number", help="Relativ förändring mot basåret, t.ex. 25.", width=12
        ),
        Column("source_text", "Originaltext", "text", width=40),
        NOTE,
    ),
    "Målsättningar och indikatorer med basvärde och målvärde.",
)

TARGET_VALUES = Sheet(
    "target_values",
    "Utfall",
    (
        Column("target_id", "Målsättning-ID", "ref", True, width=12),
        Column("year", "År", "year", True, width=8),
        Column("region", "Region", "text", width=14),
        Column("value", "Värde", "number", True, width=10),
        Column("source_text", "Källa", "text", help="Var siffran kommer ifrån.", width=30),
        NOTE,
    ),
    "Uppmätta utfall per år. Lämna tomt tills ett utfall finns – hitta aldrig på siffror.",
)

STATUS = Sheet(
    "status",
    "Status",
    (
        Column("activity_id", "Aktivitet-ID", "ref", True, width=10),
        Column("as_of", "Datum", "date", help="Dagen statusen avser. Senaste raden gäller.", width=12),
        Column(
            "status",
            "Status",
            "status",
            True,
            "Ej påbörjad, Pågår, Genomförd, Uppskjuten, Inställd eller Okänd.",
            14,
        ),
        Column("status_note", "Kommentar", "text", width=40),
        Column("source_text", "Originaltext", "text", help="Dokumentets ord, t.ex. Genomfört 2011.", width=30),
        NOTE,
    ),
    "Aktiviteternas status. Aktiviteter utan rad har status Okänd.",
)

# Money spent (utfall in kronor) per activity, year, unit and funding source: what the follow-up reports
# beside the budget. Workbooks made before it existed have no such sheet; they read as "none reported".
SPENT = Sheet(
    "spent",
    "Kostnadsutfall",
    (
        Column(
            "activity_id",
            "Aktivitet-ID",
            "ref",
            help="Aktiviteten pengarna gått till. Tom för kostnader på planivå (t.ex. samordning).",
            width=10,
        ),
        Column("year", "År", "year", True, "Året kostnaden avser.", 8),
        Column("unit", "Enhet", "text", help="Enheten som haft kostnaden: SAM, RUN, KOM …", width=14),
        Column("funding_source", "Finansiering", "text", help="Som i Budget: utb. strat., ram, anslag …", width=16),
        Column(
            "amount_sek",
            "Belopp (kr)",
            "amount",
            True,
            "Upparbetad kostnad hittills under året, i hela kronor (även 1 100 tkr tolkas).",
            14,
        ),
        Column(
            "source_text",
            "Källa",
            "text",
            help="Var siffran kommer ifrån, t.ex. ekonomisystemet 2017-08-31.",
            width=30,
        ),
        NOTE,
    ),
    "Kostnadsutfall: vad som använts, per aktivitet och år. Lämna tomt tills ett utfall finns.",
    optional=True,
)

SHEETS: tuple[Sheet, ...] = (PLAN, GOALS, ACTIVITIES, BUDGET, TARGETS, TARGET_VALUES, STATUS, SPENT)
SHEET_BY_KEY = {s.key: s for s in SHEETS}

# An update workbook: new outcome figures and status rows for a plan that is already loaded,
# without re-sending the whole plan. The Plan sheet names the plan and nothing else.
PLAN_REF = Sheet("plan", "Plan", (PLAN.columns[0],), "En rad: Plan-ID för planen som uppdateras.", single_row=True)
UPDATE_SHEETS: tuple[Sheet, ...] = (PLAN_REF, TARGET_VALUES, STATUS, SPENT)
# The key of a money-spent figure: an update's figure for the same key replaces the plan's (the year so far).
SPENT_KEY = ("activity_id", "year", "unit", "funding_source")
INSTRUCTIONS_SHEET = "Instruktioner"

STATUS_CODES = ("not_started", "ongoing", "done", "postponed", "cancelled", "unknown")
STATUS_LABELS = {
    "sv": {
        "not_started": "Ej påbörjad",
        "ongoing": "Pågår",
        "done": "Genomförd",
        "postponed": "Uppskjuten",
        "cancelled": "Inställd",
        "unknown": "Okänd",
    },
    "en": {
        "not_started": "Not started",
        "ongoing": "Ongoing",
        "done": "Done",
        "postponed": "Postponed",
        "cancelled": "Cancelled",
        "unknown": "Unknown",
    },
}
LINE_KINDS = ("budget", "opening_balance")
LINE_KIND_LABELS = {"budget": "budget", "opening_balance": "ingående balans"}

INSTRUCTIONS = """\
Mall för handlingsplaner – instruktioner

Så fyller du i
1. Varje flik är en tabell. Rubrikerna står på rad 1 och får inte ändras, flyttas eller tas bort.
2. En rad per post. Lämna inga sammanslagna celler, formler eller tomma rubriker.
3. Fyll bara i det som planen faktiskt säger. Hitta aldrig på siffror: lämna tomt tills ett värde finns.
4. Där du tolkar dokumentet (ett datum, ett belopp, en status): skriv dokumentets egna ord i
   Originaltext / Period (originaltext) och ditt antagande i Anteckning.

Belopp
- Anges i hela kronor (1 100 tkr skrivs 1100000). Texter som "1 100 tkr", "225 tkr + 265 tkr",
  "25*1500" och "200 000 kr" tolkas också.
- Ingående balans (IB) är en egen rad med Typ "ingående balans" och räknas aldrig in i årets budget:
  årets budget innehåller redan överförda medel.
- Ett belopp utan år får tomt År. Flytta det aldrig till ett år som dokumentet inte anger.
- Rader utan Aktivitet-ID gäller hela planen (t.ex. samordning).

Plan
- Kortnamn (högst 30 tecken) visas där utrymmet är litet: i diagram, tabeller och mötespaketet.
  Lämnas det tomt visas titeln.

Datum
- Start och Slut som datum (ÅÅÅÅ-MM-DD). Lämnas de tomma tolkas Period (originaltext):
  feb-16/feb-17, ht-16 (aug–jan), vt-17 (jan–jun), Q1 2016, 2017/2019, Januari 2017,
  "Kontinuerligt arbete" (inget slut), "Tidigast 2013" (start tidigast 2013).

Status
- Ej påbörjad, Pågår, Genomförd, Uppskjuten, Inställd, Okänd. Senaste raden per aktivitet gäller.

Kostnadsutfall
- Vad som faktiskt har använts, i hela kronor, per aktivitet (tom = planivå), år, enhet och finansiering.
- Lämna fliken tom tills ett utfall finns; en plan utan rader visas som "inget utfall rapporterat".

Kontroll
- Filen kontrolleras i sin helhet innan något sparas. Alla fel visas på en gång med cell och värde.
  En fil med fel ändrar ingenting.
"""

UPDATE_INSTRUCTIONS = """\
Uppdatering av utfall och status – instruktioner

Den här arbetsboken uppdaterar en plan som redan finns, utan att hela planen skickas igen.
Hämtad från instrumentpanelen är den ifylld med nuläget: en rad som står kvar bekräftar värdet
(i en uppföljningsrunda räknas den som rapporterad), en ändrad rad rapporterar ändringen, och en
rad du inte vill rapportera tar du bort.
1. Plan: Plan-ID för planen (ändra det inte).
2. Utfall: en rad per uppmätt värde (Målsättning-ID, År, Region, Värde). Ett värde för samma
   målsättning, år och region som redan finns ersätter det gamla. Hitta aldrig på siffror.
3. Status: en rad per statusändring (Aktivitet-ID, Datum, Status, Kommentar). Utan datum gäller
   uppladdningsdagen. Senaste raden per aktivitet gäller.
4. Kostnadsutfall: en rad per aktivitet (tom = planivå), år, enhet och finansiering med vad som
   använts hittills under året, i kronor. En rad för samma aktivitet, år, enhet och finansiering som
   redan finns ersätter den gamla.
5. Flikarna Målsättningar (lista) och Aktiviteter (lista) visar planens ID:n; de läses inte in.
Filen kontrolleras i sin helhet innan något sparas, och du ser ändringarna innan de publiceras.
"""

# The contacts workbook (python -m loaders contacts FILE): who is reminded where. Not part of a plan:
# read on its own with the same guarded reader (read_plan with sheets=CONTACTS_SHEETS).
CONTACTS = Sheet(
    "contacts",
    "Kontakter",
    (
        Column(
            "responsible",
            "Ansvarig",
            "text",
            True,
            "Person eller enhet som i planernas kolumn Ansvarig eller Enhet, t.ex. KOM eller Anna Svensson.",
            30,
            max_length=200,
        ),
        Column("email", "E-post", "email", True, "E-postadress som påminnelser skickas till.", 32),
        NOTE,
    ),
    "En rad per ansvarig (person eller enhet) med e-postadress för påminnelser.",
)
CONTACTS_SHEETS: tuple[Sheet, ...] = (CONTACTS,)

CONTACTS_INSTRUCTIONS = """\
Kontakter för påminnelser – instruktioner

1. Kontakter: en rad per ansvarig – en person eller en enhet, skriven som i planernas Ansvarig
   eller Enhet (stora och små bokstäver spelar ingen roll) – och e-postadressen påminnelser går till.
2. En sammansatt enhet som RUN/KOM når både RUN och KOM; den behöver ingen egen rad.
3. Varje ansvarig får bara finnas på en rad.
Filen kontrolleras i sin helhet; när den laddas ersätter den alla tidigare kontakter.
"""
