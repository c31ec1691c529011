"""Validation problems as records (file, sheet, cell, value, message) in Swedish and English."""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalogue import Catalogue, lookup

# One catalogue for every message a user can see from the loader; {placeholders} come from params.
MESSAGES: Catalogue = {
    # file level
    "file_empty": ("Filen är tom.", "The file is empty."),
    "file_too_large": (
        "Filen är för stor ({size} MB, högst {limit} MB).",
        "The file is too large ({size} MB, at most {limit} MB).",
    ),
    "file_xls": (
        "Filen är en gammal .xls-fil (Excel 97–2003). Spara den som .xlsx i Excel och försök igen.",
        "The file is a legacy .xls workbook (Excel 97–2003). Save it as .xlsx in Excel and try again.",
    ),
    "file_encrypted": (
        "Filen är lösenordsskyddad eller krypterad. Ta bort skyddet i Excel och försök igen.",
        "The file is password-protected or encrypted. Remove the protection in Excel and try again.",
    ),
    "file_text": (
        "Filen är en textfil (t.ex. CSV), inte en Excel-arbetsbok (.xlsx).",
        "The file is a text file (e.g. CSV), not an Excel workbook (.xlsx).",
    ),
    "file_docx": (
        "Filen är ett Word-dokument, inte en Excel-arbetsbok (.xlsx).",
        "The file is a Word document, not an Excel workbook (.xlsx).",
    ),
    "file_not_xlsx": ("Filen är inte en Excel-arbetsbok (.xlsx).", "The file is not an Excel workbook (.xlsx)."),
    "file_corrupt": (
        "Filen är skadad eller ofullständig (t.ex. avbruten vid nedladdning) och kan inte öppnas. "
        "Spara om den i Excel, eller ladda upp originalet igen.",
        "The file is damaged or incomplete (e.g. cut off while downloading) and cannot be opened. "
        "Save it again in Excel, or upload the original again.",
    ),
    "file_unreadable": (
        "Arbetsbokens innehåll kan inte läsas: en del saknas eller har en form som Excel inte skriver. "
        "Öppna filen i Excel och spara den som Excel-arbetsbok (.xlsx), eller utgå från mallen.",
        "The workbook's content cannot be read: a part is missing or has a form Excel does not write. "
        "Open the file in Excel and save it as an Excel workbook (.xlsx), or start from the template.",
    ),
    "file_macrosheet": (
        "Arbetsboken innehåller ett makroblad (Excel 4-makro, {name}). Makroblad stöds inte och läses aldrig. "
        "Kopiera planens blad till en ny arbetsbok utan makron, eller utgå från mallen.",
        "The workbook contains a macro sheet (Excel 4 macro, {name}). Macro sheets are not supported and "
        "are never read. Copy the plan's sheets into a new workbook without macros, or start from the template.",
    ),
    "zip_too_many_entries": (
        "Filen innehåller för många delar ({count}, högst {limit}).",
        "The file has too many parts ({count}, at most {limit}).",
    ),
    "zip_too_large": (
        "Filen packas upp till för mycket data ({size} MB, högst {limit} MB). Den kan vara en zip-bomb.",
        "The file unpacks to too much data ({size} MB, at most {limit} MB). It may be a zip bomb.",
    ),
    "zip_ratio": (
        "Delen {part} är komprimerad {ratio}:1, misstänkt högt (högst {limit}:1). Filen kan vara en zip-bomb.",
        "Part {part} is compressed {ratio}:1, suspiciously high (at most {limit}:1). It may be a zip bomb.",
    ),
    "parse_limits": (
        "Arbetsboken kunde inte läsas inom gränserna ({memory} MB minne, {seconds} s). "
        "Den är för stor eller byggd för att överbelasta läsaren (zip- eller dimensionsbomb).",
        "The workbook could not be read within the limits ({memory} MB memory, {seconds} s). "
        "It is too large or built to overload the reader (a zip or dimension bomb).",
    ),
    "parse_start": (
        "Servern kunde inte starta läsaren av arbetsboken med dess gränser ({memory} MB minne, {seconds} s). "
        "Filen har inte kontrollerats; felet ligger i serverns inställningar, inte i filen. "
        "Be administratören se över serverprocessens minnesgräns (ulimit -v), som kan vara för låg.",
        "The server could not start the workbook reader with its limits ({memory} MB memory, {seconds} s). "
        "The file was not checked; the fault is in the server's settings, not in the file. "
        "Ask the administrator to check the server process's memory limit (ulimit -v), which may be too low.",
    ),
    "xml_entities": (
        "Filen innehåller XML-deklarationer (DOCTYPE/ENTITY) som inte tillåts i en arbetsbok.",
        "The file contains XML declarations (DOCTYPE/ENTITY) that are not allowed in a workbook.",
    ),
    "layout_no_cells": (
        "Bladet {name} saknar sin tabell med celler. Excel sparar aldrig ett blad så; filen har troligen "
        "skapats eller ändrats av ett annat program. Öppna filen i Excel och spara den igen.",
        "The sheet {name} lacks its table of cells. Excel never saves a sheet like that; the file was "
        "probably made or changed by another program. Open the file in Excel and save it again.",
    ),
    "layout_cells_unplaced": (
        "Bladet {name} har celler utan cellreferens (t.ex. B12), så deras plats är okänd. Excel sparar aldrig "
        "celler så; filen har troligen skapats av ett annat program. Öppna filen i Excel och spara den igen.",
        "The sheet {name} has cells without a cell reference (e.g. B12), so their place is unknown. Excel never "
        "saves cells like that; the file was probably made by another program. Open the file in Excel and save "
        "it again.",
    ),
    "sheet_damaged": (
        "Bladet {name} är skadat och kan inte läsas (det kan ha sparats ofullständigt). "
        "Öppna filen i Excel och spara den igen, eller ladda upp originalet igen.",
        "The sheet {name} is damaged and cannot be read (it may have been saved incompletely). "
        "Open the file in Excel and save it again, or upload the original again.",
    ),
    "sheet_content_missing": (
        "Bladet {name} finns i arbetsboken men dess innehåll saknas i filen; filen är skadad. "
        "Öppna filen i Excel och spara den igen, eller ladda upp originalet igen.",
        "The sheet {name} is listed in the workbook but its content is missing from the file; the file is "
        "damaged. Open the file in Excel and save it again, or upload the original again.",
    ),
    "sheet_too_large": (
        "Bladet anger ett orimligt stort område ({ref}). Högst {rows} rader och {cols} kolumner.",
        "The sheet claims an unreasonably large range ({ref}). At most {rows} rows and {cols} columns.",
    ),
    "header_not_row1": (
        "Rubrikerna ska stå på rad 1 med början i kolumn A.",
        "The headers must be on row 1, starting in column A.",
    ),
    "formula_no_value": (
        "Cellen innehåller en formel utan beräknat värde. Öppna och spara filen i Excel, eller skriv in värdet.",
        "The cell holds a formula without a computed value. Open and save the file in Excel, or type the value.",
    ),
    "merged_cells": (
        "Sammanslagna celler ({ref}) i en datarad. Dela upp dem: en cell per värde.",
        "Merged cells ({ref}) in a data row. Unmerge them: one cell per value.",
    ),
    "sheet_missing": (
        "Bladet {name} saknas. Utgå från mallen.",
        "The sheet {name} is missing. Start from the template.",
    ),
    "column_missing": (
        "Kolumnen {column} saknas i rubrikraden.",
        "The column {column} is missing from the header row.",
    ),
    "plan_rows": (
        "Bladet Plan ska ha exakt en rad med planens uppgifter (har {count}).",
        "The Plan sheet must have exactly one row with the plan's details (has {count}).",
    ),
    # cell level
    "required": ("Värde saknas: {column} måste fyllas i.", "Missing value: {column} is required."),
    "duplicate_id": (
        "{column} {value} förekommer flera gånger (även rad {other}).",
        "{column} {value} occurs more than once (also row {other}).",
    ),
    "unknown_goal": ("Okänt mål: {value} finns inte på bladet Mål.", "Unknown goal: {value} is not on the Mål sheet."),
    # A reporter's update (loaders/reporting.py): the row belongs to someone else; nothing is saved.
    "not_your_row": (
        "{value} hör till {owner}, som du inte rapporterar för. Ta bort raden eller be en redaktör; inget har sparats.",
        "{value} belongs to {owner}, which you do not report for. Remove the row or ask an editor; nothing was saved.",
    ),
    "not_your_row_editors": (
        "{value} har ingen ansvarig enhet eller person: bara planens redaktörer rapporterar för den. "
        "Inget har sparats.",
        "{value} has no responsible unit or person: only the plan's editors report on it. Nothing was saved.",
    ),
    "not_your_row_plan_level": (
        "Kostnader på planivå (utan Aktivitet-ID) rapporteras bara av planens redaktörer. Inget har sparats.",
        "Plan-level costs (no Aktivitet-ID) are reported by the plan's editors only. Nothing was saved.",
    ),
    "unknown_activity": (
        "Okänd aktivitet: {value} finns inte på bladet Aktiviteter.",
        "Unknown activity: {value} is not on the Aktiviteter sheet.",
    ),
    "unknown_target": (
        "Okänd målsättning: {value} finns inte på bladet Målsättningar.",
        "Unknown target: {value} is not on the Målsättningar sheet.",
    ),
    "self_reference": ("Ett mål kan inte vara sitt eget överordnade mål.", "A goal cannot be its own parent."),
    "amount_unparsable": (
        "Beloppet går inte att tolka. Skriv ett heltal i kronor, t.ex. 490000 (eller 490 tkr).",
        "The amount cannot be read. Enter whole kronor, e.g. 490000 (or 490 tkr).",
    ),
    "amount_negative": (
        "Beloppet är negativt. Belopp ska vara 0 eller mer.",
        "The amount is negative. Amounts must be 0 or more.",
    ),
    "amount_not_whole": ("Beloppet är inte ett helt antal kronor.", "The amount is not a whole number of kronor."),
    "amount_empty": ("Beloppet är tomt.", "The amount is empty."),
    "amount_missing": (
        "Raden har varken belopp eller originaltext.",
        "The line has neither an amount nor an original text.",
    ),
    "date_invalid": (
        "{value} är inte ett datum. Skriv ÅÅÅÅ-MM-DD, t.ex. 2016-02-01.",
        "{value} is not a date. Enter YYYY-MM-DD, e.g. 2016-02-01.",
    ),
    "date_impossible": (
        "{value} är inte ett datum: den månaden eller dagen finns inte. Skriv ÅÅÅÅ-MM-DD, t.ex. 2016-02-01.",
        "{value} is not a date: that month or day does not exist. Enter YYYY-MM-DD, e.g. 2016-02-01.",
    ),
    "date_out_of_range": (
        "{value} ligger utanför åren 1901–2200 och kan inte vara ett datum i en plan.",
        "{value} lies outside the years 1901–2200 and cannot be a date in a plan.",
    ),
    "year_invalid": ("Inte ett årtal. Skriv fyra siffror, t.ex. 2016.", "Not a year. Enter four digits, e.g. 2016."),
    "number_invalid": ("Inte ett tal.", "Not a number."),
    "status_unknown": (
        "Okänd status. Använd Ej påbörjad, Pågår, Genomförd, Uppskjuten, Inställd eller Okänd.",
        "Unknown status. Use Ej påbörjad, Pågår, Genomförd, Uppskjuten, Inställd or Okänd.",
    ),
    "kind_unknown": (
        "Okänd typ. Använd budget eller ingående balans.",
        "Unknown type. Use budget or ingående balans (opening balance).",
    ),
    "end_before_start": (
        "Slutdatum {end} ligger före startdatum {start}.",
        "The end date {end} is before the start date {start}.",
    ),
    "period_unparsable": ("Perioden går inte att tolka.", "The period cannot be read."),
    "period_empty": ("Perioden är tom.", "The period is empty."),
    "cell_too_long": (
        "Texten är för lång ({length} tecken, högst {limit}).",
        "The text is too long ({length} characters, at most {limit}).",
    ),
    "plan_id_duplicate": (
        "Plan-ID {value} finns redan i {other}. Varje plan ska ha ett eget Plan-ID.",
        "Plan-ID {value} is already used by {other}. Each plan needs its own Plan-ID.",
    ),
    "update_unknown_plan": (
        "Planen {value} finns inte ännu. Ladda först upp hela planen; en uppdatering kan bara ändra en befintlig plan.",
        "The plan {value} does not exist yet. Upload the whole plan first; an update can only change an existing plan.",
    ),
    "update_empty": (
        "Uppdateringen innehåller inga rader på bladen Utfall, Status eller Kostnadsutfall.",
        "The update has no rows on the Utfall, Status or Kostnadsutfall sheets.",
    ),
    # replacing a plan by mistake (loaders/identity.py): said before anything is published
    "replace_plan": (
        "Plan-ID {plan_id} tillhör planen ”{title}”. Arbetsboken skulle ersätta den planen:",
        "Plan-ID {plan_id} belongs to the plan “{title}”. This workbook would replace that plan:",
    ),
    "replace_title": ("titeln ändras: ”{old}” → ”{new}”", "the title changes: “{old}” → “{new}”"),
    "replace_activities": (
        "{removed} av planens {total} aktiviteter tas bort",
        "{removed} of the plan's {total} activities would be removed",
    ),
    "replace_yes": (
        "Kontrollera Plan-ID. Är det rätt plan, kör igen med --yes.",
        "Check the Plan-ID. If it is the right plan, run again with --yes.",
    ),
    # follow-up rounds (loaders/rounds.py): what an admin typed that cannot be recorded
    "round_title_missing": ("Rundan behöver en rubrik.", "The round needs a title."),
    "round_as_of_missing": ("Rundan behöver ett datum den avser.", "The round needs the day it reports on."),
    "round_as_of_invalid": (
        "Datumet rundan avser är inte ett giltigt datum.",
        "The day reported on is not a valid date.",
    ),
    "round_due_missing": ("Rundan behöver ett sista datum.", "The round needs a due date."),
    "round_due_invalid": ("Sista datumet är inte ett giltigt datum.", "The due date is not a valid date."),
    "round_due_before": (
        "Sista datumet kan inte ligga före dagen rundan avser.",
        "The due date cannot be before the day the round reports on.",
    ),
    "round_unknown_plan": ("En vald plan finns inte.", "A chosen plan does not exist."),
    "round_unknown": ("Rundan finns inte.", "The round does not exist."),
    "round_closed": ("Rundan är redan stängd.", "The round is closed already."),
    # follow-up meetings (loaders/meetings.py): what a user typed that cannot be recorded
    "meeting_date_missing": ("Mötet behöver ett datum.", "The meeting needs a date."),
    "meeting_duplicate": (
        "Det finns redan ett möte med den rubriken det datumet. "
        "Välj det under Möte nedan, eller ge mötet en annan rubrik.",
        "There is already a meeting with that title on that date. "
        "Choose it under Meeting below, or give this one another title.",
    ),
    "meeting_date_invalid": (
        "Mötets datum är inte ett datum som finns. Skriv ÅÅÅÅ-MM-DD, t.ex. 2016-02-01.",
        "The meeting's date is not a real date. Enter YYYY-MM-DD, e.g. 2016-02-01.",
    ),
    "item_due_invalid": (
        "Datumet i Senast är inte ett datum som finns. Skriv ÅÅÅÅ-MM-DD, t.ex. 2016-02-01.",
        "The due date is not a real date. Enter YYYY-MM-DD, e.g. 2016-02-01.",
    ),
    "item_kind_unknown": ("Okänd typ.", "Unknown type."),
    "item_text_missing": ("Skriv en text.", "Enter a text."),
    "item_owner_missing": (
        "En åtgärd behöver någon som ansvarar (Vem).",
        "An action item needs someone responsible (Who).",
    ),
    "meeting_unknown": ("Mötet finns inte.", "The meeting does not exist."),
    # contacts and reminders (loaders/contacts.py, loaders/remind.py)
    "email_invalid": (
        "Inte en e-postadress. Skriv en adress per cell, t.ex. anna.svensson@miun.se.",
        "Not an e-mail address. Enter one address per cell, e.g. anna.svensson@miun.se.",
    ),
    "contact_duplicate": (
        "{value} står redan på rad {other} (stora och små bokstäver räknas lika). En rad per ansvarig.",
        "{value} is already on row {other} (capitals and small letters count as the same). One row per responsible.",
    ),
    "contacts_empty": (
        "Bladet Kontakter har inga rader. En tom fil skulle ta bort alla kontakter.",
        "The Kontakter sheet has no rows. An empty file would remove every contact.",
    ),
    # the command line's own lines (loaders/cli.py)
    "cli_done": ("klart på {seconds} s", "done in {seconds} s"),
    "cli_problems": ("{count} problem:", "{count} problem(s):"),
    "cli_nothing_changed": ("Inget ändrades.", "Nothing was changed."),
    "cli_check_ok": (
        "OK: {file} är en giltig planarbetsbok ({plan_id}).",
        "OK: {file} is a valid plan workbook ({plan_id}).",
    ),
    "cli_loaded": (
        "Laddade {file}: plan {plan_id}, version {version}.",
        "Loaded {file}: plan {plan_id}, version {version}.",
    ),
    "cli_wrote": ("Skrev {file}.", "Wrote {file}."),
    "cli_no_file": ("fel: filen finns inte: {path}", "error: no such file: {path}"),
    "cli_no_folder": ("fel: mappen finns inte: {path}", "error: no such folder: {path}"),
    "cli_no_db": (
        "fel: ingen databas i {path}; kör först 'python -m loaders build'",
        "error: no database at {path}; run 'python -m loaders build' first",
    ),
    "cli_no_plan": ("fel: planen {plan_id} finns inte i databasen", "error: no plan {plan_id} in the database"),
    "cli_db_busy": (
        "fel: databasen kan inte öppnas. Oftast har en annan process (t.ex. den körande instrumentpanelen) "
        "den öppen för skrivning; stoppa den och försök igen.",
        "error: the database cannot be opened. Most often another process (e.g. the running dashboard) "
        "has it open for writing; stop it and try again.",
    ),
    "cli_file_error": (
        "fel: {path} kan inte läsas eller skrivas (finns den, och har du behörighet?)",
        "error: {path} cannot be read or written (does it exist, and do you have permission?)",
    ),
    "cli_contacts_loaded": (
        "Laddade {file}: {count} kontakter (ersätter de tidigare).",
        "Loaded {file}: {count} contact(s) (replacing the previous ones).",
    ),
    "cli_replicated": (
        "Kopia för läsprocesserna skriven: {path}.",
        "Copy for the reader processes written: {path}.",
    ),
    "cli_backup_made": (
        "Säkerhetskopia skriven: {path} ({parts} filer, dataversion {version}).",
        "Backup written: {path} ({parts} file(s), data version {version}).",
    ),
    "cli_restored": ("Återställde {path} till {db}.", "Restored {path} to {db}."),
    "cli_restore_kept": (
        "Databasen som ersattes finns kvar som {path}.",
        "The database it replaced is kept as {path}.",
    ),
    "cli_backup_not_found": (
        "fel: {path} är ingen färdig säkerhetskopia (en avbruten slutar på .partial)",
        "error: {path} is no finished backup (one that was interrupted ends in .partial)",
    ),
    "cli_backup_no_manifest": (
        "fel: säkerhetskopian {path} saknar en läsbar manifest.json",
        "error: the backup {path} has no readable manifest.json",
    ),
    "cli_backup_part_missing": (
        "fel: säkerhetskopian är ofullständig: {part} saknas",
        "error: the backup is incomplete: {part} is missing",
    ),
    "cli_backup_part_damaged": (
        "fel: säkerhetskopian är skadad: {part} stämmer inte med manifestet",
        "error: the backup is damaged: {part} does not match its manifest",
    ),
    "cli_round_opened": ("Runda {round} öppnad: {title}", "Round {round} opened: {title}"),
    "cli_round_closed": ("Runda {round} stängd.", "Round {round} closed."),
    "cli_round_open": ("öppen", "open"),
    "cli_round_closed_state": ("stängd", "closed"),
    "cli_no_round": ("fel: uppföljningsomgången {round} finns inte", "error: no follow-up round {round}"),
    "cli_no_rounds": (
        "fel: databasen har inga uppföljningsomgångar (funktionen saknas i den här versionen)",
        "error: the database has no follow-up rounds (not available in this version)",
    ),
    "cli_no_smtp": (
        "fel: e-post är inte inställt. Sätt PLANS_SMTP_HOST och PLANS_SMTP_FROM (se README), eller kör med --dry-run.",
        "error: e-mail is not set up. Set PLANS_SMTP_HOST and PLANS_SMTP_FROM (see README), or run with --dry-run.",
    ),
    "cli_smtp_failed": (
        "fel: e-postservern kunde inte nås ({error}). Inget skickades.",
        "error: the mail server could not be reached ({error}). Nothing was sent.",
    ),
    "remind_sent": ("Skickad till {to} ({responsible}).", "Sent to {to} ({responsible})."),
    "remind_failed": (
        "Kunde inte skicka till {to} ({responsible}): {error}",
        "Could not send to {to} ({responsible}): {error}",
    ),
    "remind_recent": (
        "Hoppar över {to} ({responsible}): påmind {when}, inom de senaste {hours} timmarna.",
        "Skipping {to} ({responsible}): reminded {when}, within the last {hours} hours.",
    ),
    "remind_no_contact": (
        "Ingen e-postadress för {responsible} ({count} uppgifter saknas). Lägg till en rad i kontaktarbetsboken.",
        "No e-mail address for {responsible} ({count} item(s) missing). Add a row to the contacts workbook.",
    ),
    "remind_nothing": (
        "Inget saknas i omgången: ingen påminnelse behövs.",
        "Nothing is missing in the round: no reminder needed.",
    ),
    "remind_dry_run": (
        "Provkörning: {count} meddelanden skulle skickas; inget skickades och inget loggades.",
        "Dry run: {count} message(s) would be sent; nothing was sent or logged.",
    ),
    "remind_summary": (
        "{sent} skickade, {recent} hoppades över (nyligen påminda), {failed} misslyckades, {no_contact} utan kontakt.",
        "{sent} sent, {recent} skipped (reminded recently), {failed} failed, {no_contact} without a contact.",
    ),
    "summary_header": (
        "plan|ver|mål|aktiv.|målsättn.|budget, år (kr)|utan år (kr)|IB (kr)",
        "plan|ver|goals|activ.|targets|budget, year (kr)|no year (kr)|IB (kr)",
    ),
    "more_problems": (
        "… och {count} problem till. Rätta dem ovan och kontrollera igen.",
        "… and {count} more problems. Fix the ones above and check again.",
    ),
}


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    cell: str  # "Budget!D7", or "" for file-level problems
    value: str
    code: str
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def message(self, lang: str = "sv") -> str:
        return lookup(MESSAGES, self.code, lang, value=self.value, **self.params)

    def as_row(self, lang: str = "sv") -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "value": self.value,
            "message": self.message(lang),
        }


def text(code: str, lang: str = "sv", **params) -> str:
    """A catalogue message that is not tied to a cell (e.g. a warning before publishing)."""
    return lookup(MESSAGES, code, lang, **params)


class FormInvalid(ValueError):
    """What a user typed in a form cannot be recorded: key names the reason in MESSAGES (meetings, rounds)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key

    def message(self, lang: str) -> str:
        return text(self.key, lang)


class WorkbookInvalid(Exception):
    """A workbook failed validation; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 0, AA → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


# Progress of a check, load or build, shown as step.text(lang) by the CLI and the app.
STEPS: Catalogue = {
    "reading": ("{file}: läser och kontrollerar …", "{file}: reading and validating …"),
    "valid": ("{file}: godkänd ({counts})", "{file}: valid ({counts})"),
    "publishing_file": ("{file}: publicerar …", "{file}: publishing …"),
    "publishing": (
        "publicerar {changed} ändrade planer av {total} …",
        "publishing {changed} changed plan(s) of {total} …",
    ),
    "rows_read": (
        "{file}: {sheet}: {rows} rader lästa och kontrollerade",
        "{file}: {sheet}: {rows} rows read and checked",
    ),
}
# The tables of a plan, as the counts in "valid (…)" name them.
TABLE_NAMES: Catalogue = {
    "goals": ("mål", "goals"),
    "activities": ("aktiviteter", "activities"),
    "budget": ("budgetrader", "budget lines"),
    "targets": ("målsättningar", "targets"),
    "target_values": ("utfall", "outcomes"),
    "status": ("statusrader", "status rows"),
    "spent": ("kostnadsutfall", "money spent rows"),
}


class Step(str):
    """One progress line: English as a string, and in either language through text(lang)."""

    key: str
    counts: dict[str, int] | None
    params: dict

    def __new__(cls, key: str, counts: dict[str, int] | None = None, **params):
        step = super().__new__(cls, cls._render(key, counts, params, "en"))
        step.key, step.counts, step.params = key, counts, params
        return step

    @staticmethod
    def _render(key: str, counts: dict[str, int] | None, params: dict, lang: str) -> str:
        if counts is not None:
            names = [(lookup(TABLE_NAMES, k, lang) if k in TABLE_NAMES else k, n) for k, n in counts.items()]
            sep = "\u00a0" if lang == "sv" else ","
            params = {**params, "counts": ", ".join(f"{name} {n:,}".replace(",", sep) for name, n in names)}
        return lookup(STEPS, key, lang, **params)

    def text(self, lang: str) -> str:
        return self._render(self.key, self.counts, self.params, "en" if lang == "en" else "sv")

    def __reduce__(self):  # a step may cross a process boundary
        return (_step, (self.key, self.counts, self.params))


def _step(key: str, counts: dict[str, int] | None, params: dict) -> Step:
    return Step(key, counts, **params)
