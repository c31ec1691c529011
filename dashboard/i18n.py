"""UI text in Swedish and English, and Swedish number and date formats."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from loaders.template import STATUS_CODES, STATUS_LABELS

LANGS = ("sv", "en")
NBSP = "\u00a0"
MISSING = "—"  # how every table and figure shows a missing value

TEXT: dict[str, tuple[str, str]] = {
    # app and navigation
    "app_title": ("Uppföljning av handlingsplaner", "Action plan follow-up"),
    "tab_title": ("Handlingsplaner", "Action plans"),
    "page_overview": ("Översikt", "Overview"),
    "page_budget": ("Budget", "Budget"),
    "page_targets": ("Mål mot basår", "Targets vs baseline"),
    "page_mentors": ("Mentorpar och kontrakt", "Mentor pairs and contracts"),
    "page_status": ("Genomförande", "Completion status"),
    "page_structure": ("Planernas struktur", "Plan structure"),
    "page_activities": ("Aktiviteter", "Activities"),
    "english": ("English", "English"),
    "building_db": ("Databasen byggs från data/ …", "Building the database from data/ …"),
    "built_db": ("Databasen är byggd.", "The database is built."),
    "db_invalid": (
        "Databasen kunde inte byggas: arbetsböckerna i data/ har fel. Rätta dem och starta om.",
        "The database could not be built: the workbooks in data/ have problems. Fix them and restart.",
    ),
    "db_unavailable": (
        "Databasen kan inte öppnas just nu (den används av ett annat program). Försök igen om en stund.",
        "The database cannot be opened right now (another program is using it). Try again shortly.",
    ),
    "no_plans": (
        "Det finns inga planer i databasen. Lägg arbetsböcker i data/ och kör python3 -m loaders build.",
        "There are no plans in the database. Put workbooks in data/ and run python3 -m loaders build.",
    ),
    "data_version": ("Dataversion", "Data version"),
    # filters
    "filters": ("Filter", "Filters"),
    "f_plans": ("Planer", "Plans"),
    "f_years": ("År", "Years"),
    "f_units": ("Enhet", "Unit"),
    "f_responsible": ("Ansvarig", "Responsible"),
    "f_funding": ("Finansiering", "Funding source"),
    "f_goals": ("Mål", "Goal"),
    "f_statuses": ("Status", "Status"),
    "f_all": ("Alla", "All"),
    "f_reset": ("Rensa filter", "Clear filters"),
    "f_share": ("Länken i adressfältet visar exakt denna vy.", "The link in the address bar shows exactly this view."),
    "not_stated": ("Ej angiven", "Not stated"),
    "no_match": (
        "Inget matchar filtren. Vidga filtren i sidopanelen (eller rensa dem).",
        "Nothing matches the filters. Widen the filters in the sidebar (or clear them).",
    ),
    # overview
    "kf_budget": ("Budget i perioden", "Budget in the period"),
    "kf_budget_help": (
        "Summan av budgetrader med år i valt intervall. Ingående balans och belopp utan år ingår inte.",
        "Sum of budget lines with a year in the selected range. Opening balances and amounts without a year are not included.",
    ),
    "kf_no_year": ("Utan år", "No year given"),
    "kf_ib": ("Ingående balans", "Opening balance"),
    "kf_activities": ("Aktiviteter", "Activities"),
    "kf_targets": ("Målsättningar", "Targets"),
    "on_track": ("I fas", "On track"),
    "behind": ("Efter", "Behind"),
    "no_data": ("Utfall saknas", "No data yet"),
    "plans_heading": ("Planerna", "The plans"),
    "last_updated": ("Senast uppdaterad", "Last updated"),
    "version": ("version", "version"),
    "period": ("Period", "Period"),
    "owner": ("Ägare", "Owner"),
    "goals_n": ("mål", "goals"),
    "plan_no_activities": ("Planen har inga aktiviteter.", "The plan has no activities."),
    "plan_no_match": (
        "Inga av planens aktiviteter matchar filtren.",
        "None of the plan's activities match the filters.",
    ),
    "plan_no_budget": ("Ingen budget angiven", "No budget stated"),
    "plan_no_period": ("Period ej angiven", "No period stated"),
    "activities_n": ("aktiviteter", "activities"),
    "targets_n": ("målsättningar", "targets"),
    # budget
    "by_year_unit": ("Budget per år och enhet", "Budget by year and unit"),
    "by_funding": ("Budget per finansiering", "Budget by funding source"),
    "by_plan": ("Budget per plan", "Budget by plan"),
    "by_goal": ("Budget per mål (överlappande – summera inte)", "Budget by goal (overlapping – do not add up)"),
    "by_goal_note": (
        "Varje stapel är budgeten för de aktiviteter som bidrar till målet. En aktivitet som bidrar till flera mål "
        "räknas fullt under vart och ett, så staplarna överlappar och kan inte läggas ihop. Strecket är planens "
        "hela budget; procenten är stapelns andel av den.",
        "Each bar is the budget of the activities serving the goal. An activity serving several goals counts in "
        "full under each, so the bars overlap and cannot be added up. The tick is the plan's whole budget; the "
        "percentage is the bar's share of it.",
    ),
    "goal_budget_series": ("Budget för aktiviteter som bidrar till målet", "Budget of activities serving the goal"),
    "plan_budget_series": ("Planens hela budget", "The plan's whole budget"),
    "share_of_plan": ("{amount} ({pct}\u00a0%)", "{amount} ({pct}%)"),
    "col_goal_budget": ("Aktiviteternas budget", "Activities' budget"),
    "col_share_of_plan": ("Andel av planen", "Share of plan"),
    "col_plan_budget": ("Planens budget", "Plan's budget"),
    "attribute": (
        "Fördela belopp utan år på aktivitetens startår",
        "Attribute amounts without a year to the activity's start year",
    ),
    "attributed_note": (
        "Belopp utan år visas på aktivitetens startår (markerade ”tillskrivet”). Dokumenten anger inget år för dem.",
        "Amounts without a year are shown in the activity's start year (marked “attributed”). The documents give no year for them.",
    ),
    "no_year_bar": ("Inget år angivet", "No year given"),
    "ib_series": ("Ingående balans (IB)", "Opening balance (IB)"),
    "ib_note": (
        "Ingående balans visas som egen serie och räknas aldrig in i årets budget: årets belopp innehåller redan överförda medel.",
        "Opening balances are their own series and never added to a year's budget: the year's amount already includes carried money.",
    ),
    "unit_fallback": (
        "Rader som inte anger enhet visas under aktivitetens ansvariga enhet.",
        "Lines that state no unit are shown under the activity's responsible unit.",
    ),
    "click_filters": ("Klicka på en stapel för att filtrera på den.", "Click a bar to filter on it."),
    "no_budget": ("Inga budgetrader matchar filtren.", "No budget lines match the filters."),
    "plans_without_budget": ("Planer utan budget: {plans}.", "Plans without a budget: {plans}."),
    "plans_without_activities": (
        "Valda planer listar inga aktiviteter: {plans}. Välj en annan plan i sidopanelen.",
        "The selected plans list no activities: {plans}. Choose another plan in the sidebar.",
    ),
    "amount_tkr": ("Belopp (tkr)", "Amount (SEK thousands)"),
    "year": ("År", "Year"),
    "unit": ("Enhet", "Unit"),
    "funding": ("Finansiering", "Funding source"),
    "plan": ("Plan", "Plan"),
    "goal": ("Mål", "Goal"),
    "kind": ("Typ", "Type"),
    "budget": ("Budget", "Budget"),
    "attributed": ("tillskrivet", "attributed"),
    # targets
    "targets_intro": (
        "Målsättningar med basår: basvärde, målvärde, utfall när de finns, och den raka vägen från bas till mål.",
        "Targets with a baseline: baseline, target, outcomes when present, and the straight path from baseline to target.",
    ),
    "baseline_missing": (
        "Basvärdet för {year} saknas i planen. Målet visas som index ({year} = 100 → {target}). Lägg in basvärdet i arbetsboken så visas verkliga tal.",
        "The plan gives no baseline figure for {year}. The target is shown as an index ({year} = 100 → {target}). Add the baseline to the workbook to see real figures.",
    ),
    "no_outcome": ("Inga utfall än.", "No outcomes yet."),
    "path": ("Rak väg bas → mål", "Straight path baseline → target"),
    "target": ("Mål", "Target"),
    "baseline": ("Basvärde", "Baseline"),
    "outcome": ("Utfall", "Outcome"),
    "index": ("Index", "Index"),
    "no_targets": (
        "Inga målsättningar med basår matchar filtren. Välj en annan plan i sidopanelen eller rensa filtren.",
        "No targets with a baseline match the filters. Choose another plan in the sidebar or clear the filters.",
    ),
    "latest_on_path": ("Senaste utfallet ligger på eller över vägen.", "The latest outcome is on or above the path."),
    "latest_below_path": ("Senaste utfallet ligger under vägen.", "The latest outcome is below the path."),
    # mentors and other targets
    "mentors_intro": (
        "Målsättningar med målvärden: mentorpar, kompetenskontrakt (varav Jämtland) och planernas övriga mål, med utfall när de finns.",
        "Targets with target values: mentor pairs, competence contracts (of which Jämtland) and the plans' other targets, with outcomes when present.",
    ),
    "of_which": ("varav", "of which"),
    "bullet_total": ("Totalt", "Total"),
    "qualitative": ("Kvalitativa målsättningar", "Qualitative targets"),
    "no_value_targets": (
        "Inga målsättningar med målvärde matchar filtren. Välj en annan plan i sidopanelen eller rensa filtren.",
        "No targets with a target value match the filters. Choose another plan in the sidebar or clear the filters.",
    ),
    # status
    "status_by_plan": ("Status per plan", "Status by plan"),
    "status_by_unit": ("Status per enhet", "Status by unit"),
    "status_by_goal": ("Status per mål", "Status by goal"),
    "timeline": ("Tidslinje", "Timeline"),
    "today": ("idag", "today"),
    "open_end": ("(inget slut angivet)", "(no end given)"),
    "overdue": (
        "Försenade: slutdatum passerat, status ej påbörjad, pågår eller uppskjuten",
        "Late: end date passed, status not started, ongoing or postponed",
    ),
    "none_overdue": ("Inga försenade aktiviteter bland de filtrerade.", "No overdue activities among those filtered."),
    "days_late": ("Dagar sen", "Days late"),
    "status_over_time": ("Status över tid (per version)", "Status over time (by version)"),
    "one_version": (
        "Varje plan har bara en version än. När en uppdaterad arbetsbok laddas visas statusutvecklingen här.",
        "Each plan has only one version so far. When an updated workbook is loaded, the status over time shows here.",
    ),
    "no_dates": ("Inga filtrerade aktiviteter har datum.", "No filtered activities have dates."),
    "activities_count": ("Antal aktiviteter", "Number of activities"),
    "no_goal": ("(inget mål angivet)", "(no goal given)"),
    # structure
    "structure_intro": (
        "Plan → mål → delmål och de aktiviteter som bidrar till dem, med status. En aktivitet som bidrar till flera mål står under vart och ett.",
        "Plan → goals → sub-goals and the activities serving them, with status. An activity serving several goals is listed under each.",
    ),
    "no_goals_activities": (
        "Planen anger inga mål; aktiviteterna visas per avsnitt.",
        "The plan gives no goals; activities are shown by section.",
    ),
    "activities_without_goal": ("Aktiviteter utan angivet mål", "Activities without a stated goal"),
    "structure_n_activities": ("{n} aktiviteter", "{n} activities"),
    "structure_no_activities": ("Inga aktiviteter kopplade", "No activities linked"),
    # activities
    "search": ("Sök", "Search"),
    "search_help": (
        "Söker i id, titel, beskrivning, ansvarig, enhet och plan.",
        "Searches id, title, description, responsible, unit and plan.",
    ),
    "sort": ("Sortera", "Sort"),
    "sort_plan": ("Plan och nummer", "Plan and number"),
    "sort_start": ("Start", "Start"),
    "sort_end": ("Slut", "End"),
    "sort_budget": ("Budget", "Budget"),
    "sort_status": ("Status", "Status"),
    "n_activities": ("{n} aktiviteter", "{n} activities"),
    "export_excel": ("Exportera till Excel", "Export to Excel"),
    "export_csv": ("Exportera till CSV", "Export to CSV"),
    "detail": ("Aktivitet i detalj", "Activity detail"),
    "choose_activity": ("Välj aktivitet", "Choose an activity"),
    "description": ("Beskrivning", "Description"),
    "goals": ("Mål", "Goals"),
    "budget_lines": ("Budgetrader (med originaltext)", "Budget lines (with original text)"),
    "targets": ("Målsättningar", "Targets"),
    "history": ("Historik", "History"),
    "nothing": ("Inga.", "Nothing listed."),
    "col_plan": ("Plan", "Plan"),
    "col_id": ("Nr", "No."),
    "col_title": ("Aktivitet", "Activity"),
    "col_responsible": ("Ansvarig", "Responsible"),
    "col_unit": ("Enhet", "Unit"),
    "col_status": ("Status", "Status"),
    "col_start": ("Start", "Start"),
    "col_end": ("Slut", "End"),
    "col_budget": ("Budget (tkr)", "Budget (SEK thousands)"),
    "col_goals": ("Mål", "Goals"),
    "col_budget_short": ("Budget (tkr)", "Budget (kSEK)"),
    "act_more_in_detail": (
        "ansvarig och mål finns i detaljvyn nedan och i exporten",
        "responsible and goals are in the detail below and in the export",
    ),
    "col_period_text": ("Period (originaltext)", "Period (original text)"),
    "col_source_text": ("Originaltext", "Original text"),
    "col_note": ("Anteckning", "Note"),
    "col_status_note": ("Statuskommentar", "Status comment"),
    "export_sheet": ("Aktiviteter", "Activities"),
    "filters_sheet": ("Filter och version", "Filters and version"),
    "exported_at": ("Exporterad", "Exported"),
    "file_activities": ("aktiviteter", "activities"),
    "file_pack": ("uppfoljning", "follow-up"),
    "file_template": ("mall-handlingsplan", "action-plan-template"),
    "file_update": ("uppdatering", "update"),
    # display tables: labels of query columns (COLUMNS below) and of the values in them
    "col_amount": ("Belopp", "Amount"),
    "col_measure": ("Mått", "Measure"),
    "col_baseline_year": ("Basår", "Baseline year"),
    "col_target_year": ("Målår", "Target year"),
    "col_change_pct": ("Förändring (%)", "Change (%)"),
    "col_value": ("Värde", "Value"),
    "col_lines": ("Rader", "Lines"),
    "kind_budget": ("Budget", "Budget"),
    "kind_opening_balance": ("Ingående balans", "Opening balance"),
    "yes": ("Ja", "Yes"),
    "who_system": ("Systemet", "The system"),
    "no": ("Nej", "No"),
    # upload (editors)
    "page_upload": ("Ladda upp", "Upload"),
    "page_history": ("Versioner", "Versions"),
    "editors_only": (
        "Bara redaktörer kan ladda upp, publicera och återställa. Logga in i sidopanelen.",
        "Only editors can upload, publish and roll back. Sign in in the sidebar.",
    ),
    "upload_tab": ("Ladda upp arbetsböcker", "Upload workbooks"),
    "templates_tab": ("Mallar", "Templates"),
    "templates_help": (
        "Ladda ner planen ifylld, ändra i Excel och ladda upp den igen. Utfall och status kan också "
        "skickas för sig i en uppdateringsarbetsbok.",
        "Download the plan filled in, edit it in Excel and upload it again. Outcomes and status can also "
        "be sent on their own in an update workbook.",
    ),
    "template_empty": ("Tom mall för en ny plan", "Empty template for a new plan"),
    "template_plan": ("Plan", "Plan"),
    "template_prefilled": ("Planen ifylld (nuvarande version)", "The plan filled in (current version)"),
    "template_prefilled_help": (
        "Hela planen som den är publicerad nu. Ändra och ladda upp: du ser ändringarna innan något sparas.",
        "The whole plan as published now. Edit and upload: you see the changes before anything is saved.",
    ),
    "template_update": ("Uppdatering: utfall och status", "Update: outcomes and status"),
    "template_update_help": (
        "En liten arbetsbok för nya utfall (målsättning, år, region, värde) och statusrader "
        "(aktivitet, status, kommentar), med planens ID:n att välja bland.",
        "A small workbook for new outcomes (target, year, region, value) and status rows "
        "(activity, status, comment), listing the plan's ids.",
    ),
    "upload_help": (
        "Släpp en eller flera .xlsx-filer: hela planer eller uppdateringar. Varje fil kontrolleras i sin "
        "helhet, och du ser vad den ändrar innan du publicerar. Inget sparas förrän du väljer Publicera.",
        "Drop one or more .xlsx files: whole plans or updates. Each file is checked in full, and you see "
        "what it changes before you publish. Nothing is saved until you choose Publish.",
    ),
    "upload_first": (
        "Inga planer är publicerade ännu. Ladda upp den första – en tom mall finns under Mallar.",
        "No plans are published yet. Upload the first one – an empty template is under Templates.",
    ),
    "upload_files": ("Arbetsböcker (.xlsx, högst 20 MB)", "Workbooks (.xlsx, at most 20 MB)"),
    "checking": ("Kontrollerar {name} …", "Checking {name} …"),
    "checked": ("{name} är kontrollerad.", "{name} is checked."),
    "upload_invalid": (
        "Filen har {n} problem och kan inte publiceras. Rätta dem i Excel och ladda upp filen igen.",
        "The file cannot be published: problems found, {n}. Fix them in Excel and upload it again.",
    ),
    "p_file": ("Fil", "File"),
    "p_sheet": ("Blad", "Sheet"),
    "p_cell": ("Cell", "Cell"),
    "p_value": ("Värde", "Value"),
    "p_message": ("Problem", "Problem"),
    "download_marked": (
        "Ladda ner arbetsboken med problemen markerade",
        "Download the workbook with the problems marked",
    ),
    "download_problems": ("Ladda ner problemlistan", "Download the list of problems"),
    "upload_new_plan": (
        "Ny plan: {plan}. Allt i filen läggs till.",
        "New plan: {plan}. Everything in the file is added.",
    ),
    "upload_against": (
        "{what} för **{plan}**, jämfört med publicerad version {version}:",
        "{what} for **{plan}**, compared with published version {version}:",
    ),
    "replace_warning": (
        "**Kontrollera att det är rätt plan.** Plan-ID {plan_id} tillhör planen ”{plan}”. "
        "Publiceras filen ersätts den planen:",
        "**Check that this is the right plan.** Plan-ID {plan_id} belongs to the plan “{plan}”. "
        "Publishing this file replaces that plan:",
    ),
    "replace_title": ("titeln ändras: ”{old}” → ”{new}”", "the title changes: “{old}” → “{new}”"),
    "replace_activities": (
        "{removed} av planens {total} aktiviteter tas bort",
        "{removed} of the plan's {total} activities are removed",
    ),
    "replace_confirm": (
        "Ja, ersätt planen ”{plan}” med den här filen",
        "Yes, replace the plan “{plan}” with this file",
    ),
    "replace_unconfirmed": (
        "Bekräfta först att filen ska ersätta planen.",
        "First confirm that the file is to replace the plan.",
    ),
    "kind_plan": ("Hela planen", "The whole plan"),
    "kind_update": ("Uppdatering av utfall och status", "Update of outcomes and status"),
    "publish": ("Publicera", "Publish"),
    "cancel": ("Avbryt", "Cancel"),
    "published": ("{plan}: publicerad som version {version}.", "{plan}: published as version {version}."),
    "cancelled": ("{plan}: avbruten, ingenting sparades.", "{plan}: cancelled, nothing was saved."),
    "plan_changed": (
        "{plan} fick version {version} ({by}, {at}) efter din kontroll. Filen har jämförts på nytt mot den: "
        "se över ändringarna och publicera igen.",
        "{plan} got version {version} ({by}, {at}) after your check. The file has been compared with it "
        "again: review the changes and publish again.",
    ),
    "upload_more": ("Ladda upp fler filer", "Upload more files"),
    "upload_signed_in": ("Inloggad redaktör: {editor}.", "Signed-in editor: {editor}."),
    # changes between versions
    "diff_none": ("Inga ändringar mot publicerad version.", "No changes against the published version."),
    "diff_new_plan": (
        "Ny plan: {activities_added} aktiviteter, {budget_lines} budgetrader",
        "New plan: {activities_added} activities, {budget_lines} budget lines",
    ),
    "diff_n_plan_fields": ("Ändrade planuppgifter: {n}", "Plan details changed: {n}"),
    "diff_n_goals_added": ("Tillagda mål: {n}", "Goals added: {n}"),
    "diff_n_goals_removed": ("Borttagna mål: {n}", "Goals removed: {n}"),
    "diff_n_goals_changed": ("Ändrade mål: {n}", "Goals changed: {n}"),
    "diff_n_activities_added": ("Tillagda aktiviteter: {n}", "Activities added: {n}"),
    "diff_n_activities_removed": ("Borttagna aktiviteter: {n}", "Activities removed: {n}"),
    "diff_n_activities_changed": ("Ändrade aktiviteter: {n}", "Activities changed: {n}"),
    # Counts lines added and removed as well as changed amounts (a new plan's lines are all "changes").
    "diff_n_budget_lines": ("Ändringar i budgetposter: {n}", "Budget item changes: {n}"),
    "diff_n_targets_added": ("Tillagda målsättningar: {n}", "Targets added: {n}"),
    "diff_n_targets_removed": ("Borttagna målsättningar: {n}", "Targets removed: {n}"),
    "diff_n_targets_changed": ("Ändrade målsättningar: {n}", "Targets changed: {n}"),
    "diff_n_outcomes": ("Nya eller ändrade utfall: {n}", "New or changed outcomes: {n}"),
    "diff_n_status_changes": ("Statusändringar: {n}", "Status changes: {n}"),
    "diff_section_budget_totals": ("Budget per år", "Budget per year"),
    "diff_section_activities": ("Aktiviteter", "Activities"),
    "diff_section_status": ("Status", "Status"),
    "diff_section_outcomes": ("Utfall", "Outcomes"),
    "diff_section_budget_lines": ("Budgetposter", "Budget items"),
    "diff_section_targets": ("Målsättningar", "Targets"),
    "diff_section_goals": ("Mål", "Goals"),
    "diff_section_plan": ("Planuppgifter", "Plan details"),
    "diff_change": ("Ändring", "Change"),
    "diff_added": ("Tillagd", "Added"),
    "diff_removed": ("Borttagen", "Removed"),
    "diff_changed": ("Ändrad", "Changed"),
    "diff_name": ("Benämning", "Name"),
    "diff_field": ("Fält", "Field"),
    "diff_before": ("Före", "Before"),
    "diff_after": ("Efter", "After"),
    "diff_delta": ("Skillnad", "Difference"),
    "diff_kind": ("Typ", "Type"),
    "col_year": ("År", "Year"),
    "col_activity": ("Aktivitet", "Activity"),
    "col_funding": ("Finansiering", "Funding"),
    "col_target": ("Målsättning", "Target"),
    "col_region": ("Region", "Region"),
    "col_as_of": ("Datum", "Date"),
    "col_comment": ("Kommentar", "Comment"),
    "no_year": ("Inget år", "No year"),
    # history
    "h_version": ("Version", "Version"),
    "h_when": ("När", "When"),
    "h_who": ("Vem", "Who"),
    "h_action": ("Hur", "How"),
    "h_file": ("Fil", "File"),
    "h_changes": ("Ändringar", "Changes"),
    "h_note": ("Anteckning", "Note"),
    "action_build": ("Byggd från de medföljande arbetsböckerna", "Built from the bundled workbooks"),
    "action_load": ("Inläst (kommandorad)", "Loaded (command line)"),
    "action_upload": ("Uppladdad plan", "Uploaded plan"),
    "action_update": ("Uppdatering", "Update"),
    "action_rollback": ("Återställning", "Rollback"),
    "h_pick": ("Visa version", "Show version"),
    "h_version_label": ("Version {version}", "Version {version}"),
    "h_current": ("gällande", "current"),
    "h_version_meta": (
        "{when} · {who} · {file} · sha256 {sha}",
        "{when} · {who} · {file} · sha256 {sha}",
    ),
    "h_tab_changes": ("Ändringar mot versionen före", "Changes against the version before"),
    "h_tab_content": ("Innehåll", "Content"),
    "h_editor_tools": ("Redaktör", "Editor"),
    "h_download_file": ("Ladda ner versionens fil", "Download this version's file"),
    "h_no_file": (
        "Filen till den här versionen finns inte i filarkivet (inläst före arkivet fanns).",
        "This version's file is not in the file store (loaded before the store existed).",
    ),
    "h_rollback_confirm": (
        "Ja, publicera version {version} på nytt som gällande (version {current} och äldre finns kvar).",
        "Yes, publish version {version} again as the current one (version {current} and older are kept).",
    ),
    "h_rollback": ("Återställ till version {version}", "Roll back to version {version}"),
    "h_same_as_current": (
        "Version {version} har samma innehåll som den gällande versionen ({current}): inget att återställa.",
        "Version {version} has the same content as the current version ({current}): nothing to roll back.",
    ),
    "h_rolled_back": (
        "Version {version} är publicerad på nytt som version {new}.",
        "Version {version} is published again as version {new}.",
    ),
    "plan_changed_rollback": (
        "Planen fick version {version} ({by}) under tiden. Titta på den nya versionen och försök igen.",
        "The plan got version {version} ({by}) meanwhile. Look at the new version and try again.",
    ),
    # the as-of day, late and status unknown, targets without a path
    "f_asof": ("Per datum", "As of"),
    "f_asof_help": (
        "Följ upp planerna som de stod en viss dag: idag-linjen, försenade, status okänd, mål under kurvan, "
        "ej uppdaterade och mötets ändringar räknas mot detta datum. Statusen är den senast publicerade.",
        "Follow the plans up as they stood on a day: the today line, late, status unknown, targets below the path, "
        "not updated and the meeting's changes count against this date. Statuses are the latest published.",
    ),
    "asof_ignored": (
        "Datumet i länken kunde inte läsas eller ligger i framtiden, så dagens datum används.",
        "The date in the link could not be read or is in the future, so today's date is used.",
    ),
    "as_of_line": ("per {day}", "as of {day}"),
    "as_of_caption": (
        "Per {day}: försenat, status okänd och ändringar räknas mot detta datum (välj datum i sidopanelen).",
        "As of {day}: late, status unknown and changes count against this date (choose the date in the sidebar).",
    ),
    "days_past_end": ("Dagar efter slut", "Days past end"),
    "unknown_after_end": ("Status okänd efter slutdatum", "Status unknown after its end"),
    "unknown_after_end_help": (
        "Slutdatumet har passerat men planen anger ingen status. Det är inte känt att de är försenade: fråga ansvarig.",
        "The end date has passed but the plan gives no status. They are not known to be late: ask who is responsible.",
    ),
    "none_unknown": (
        "Inga aktiviteter med okänd status efter slutdatum bland de filtrerade.",
        "No activities with an unknown status after their end among those filtered.",
    ),
    "m_n_unknown": ("Status okänd", "Status unknown"),
    "tr_qualitative": ("kvalitativ, inget mätbart värde", "qualitative, no measurable value"),
    "tr_baseline_value": ("basvärde saknas", "no baseline value"),
    "tr_baseline_year": ("basår saknas", "no baseline year"),
    "tr_target_value": ("målvärde saknas", "no target value"),
    "tr_target_year": ("målår saknas", "no target year"),
    "no_path_heading": ("Målsättningar utan väg från bas till mål", "Targets without a path from baseline to target"),
    "no_path_intro": (
        "För en rak väg behövs basvärde och basår, målvärde (eller förändring i %) och målår. Det här saknas:",
        "A straight path needs a baseline value and year, a target value (or % change) and a target year. Missing:",
    ),
    "col_missing": ("Saknas", "Missing"),
    "pack_as_of": ("Per datum", "As of"),
    "pack_no_path": (
        "Utan väg från utgångsvärde till mål, och därför inte i diagrammet:",
        "Without a path from baseline to target, and so not in the chart:",
    ),
    "pack_missing": ("Saknas för en väg", "Missing for a path"),
    # follow-up meetings
    "page_meetings": ("Uppföljningsmöte", "Follow-up meeting"),
    "m_previous": ("Föregående möte", "Previous meeting"),
    "m_pick_date": ("Välj ett datum i stället", "Pick a date instead"),
    "m_untitled": ("Möte", "Meeting"),
    "m_since": ("Sedan", "Since"),
    "m_months": ("Ingen uppdatering på (månader)", "No update for (months)"),
    "m_n_changes": ("Ändringar sedan dess", "Changes since then"),
    "m_n_late": ("Försenade", "Late"),
    "m_n_at_risk": ("Mål under kurvan", "Targets below the path"),
    "m_n_stale": ("Ej uppdaterade på {months} mån", "Not updated in {months} months"),
    "m_n_actions": ("Öppna åtgärder", "Open actions"),
    "m_n_overdue_actions": ("varav {n} med passerat slutdatum", "of which {n} past their due date"),
    "m_pack_title": ("Uppföljningsmöte {day}", "Follow-up meeting {day}"),
    "m_pack_pdf": ("Mötespaket (PDF)", "Meeting pack (PDF)"),
    "m_pack_excel": ("Mötespaket (Excel)", "Meeting pack (Excel)"),
    "m_tab_changes": ("Ändringar sedan förra mötet", "Changes since the last meeting"),
    "m_tab_late": ("Försenat och i riskzonen", "Late and at risk"),
    "m_tab_stale": ("Ingen uppdatering", "No update"),
    "m_tab_actions": ("Beslut och åtgärder", "Decisions and actions"),
    "m_tab_record": ("Protokollför", "Record"),
    "m_changes_help": (
        "Ur versionshistoriken: allt som publicerats efter {day}, jämfört med den version som gällde då.",
        "From the version history: everything published after {day}, compared with the version current then.",
    ),
    "m_no_changes": ("Inga ändringar sedan dess.", "No changes since then."),
    "m_versions": ("{n} publicerade versioner sedan dess", "{n} versions published since then"),
    "m_what": ("Vad", "What"),
    "m_kind_status": ("Status", "Status"),
    "m_kind_outcome": ("Utfall", "Outcome"),
    "m_kind_budget_budget": ("Budget", "Budget"),
    "m_kind_budget_opening_balance": ("Ingående balans", "Opening balance"),
    "m_kind_activity_added": ("Ny aktivitet", "New activity"),
    "m_kind_activity_removed": ("Borttagen aktivitet", "Removed activity"),
    "m_kind_activity_changed": ("Ändrad aktivitet", "Changed activity"),
    "m_kind_plan_added": ("Ny plan", "New plan"),
    "m_fields": ("Ändrat: {fields}", "Changed: {fields}"),
    "m_late": (
        "Försenade aktiviteter (slutdatum passerat, status ej påbörjad, pågår eller uppskjuten)",
        "Late activities (end passed, status not started, ongoing or postponed)",
    ),
    "m_days_late": ("Dagar sen", "Days late"),
    "m_at_risk": ("Målsättningar under kurvan", "Targets below the path"),
    "m_at_risk_help": (
        "Senaste utfallet ligger under den raka linjen från basvärde till målvärde.",
        "The latest outcome is below the straight line from baseline to target.",
    ),
    "m_none_at_risk": (
        "Inga målsättningar under kurvan (utfall saknas ännu för de flesta).",
        "No targets below the path (most have no outcome yet).",
    ),
    "m_baseline": ("Basvärde", "Baseline"),
    "m_target": ("Målvärde", "Target"),
    "m_latest": ("Senaste utfall", "Latest outcome"),
    "m_none": ("Inga.", "Nothing listed."),
    "m_stale_help": (
        "Aktiviteter som inte är genomförda och vars innehåll och status inte ändrats i någon version "
        "sedan före {day} ({months} månader).",
        "Activities not done whose content and status have not changed in any version since before "
        "{day} ({months} months).",
    ),
    "m_last_update": ("Senast ändrad", "Last changed"),
    "m_open_actions": ("Öppna åtgärder (från alla tidigare möten)", "Open action items (from all earlier meetings)"),
    "m_no_actions": ("Inga öppna åtgärder.", "No open action items."),
    "m_recorded": ("Anteckningar och beslut sedan förra mötet", "Notes and decisions since the last meeting"),
    "m_no_decisions": ("Inget protokollfört ännu.", "Nothing recorded yet."),
    "m_close": ("Markera åtgärder som klara", "Mark action items done"),
    "m_close_button": ("Markera som klara", "Mark done"),
    "m_close_placeholder": ("Välj åtgärder", "Choose action items"),
    "m_closed": ("{n} åtgärder markerade som klara.", "{n} action items marked done."),
    "m_editors_record": (
        "Redaktörer protokollför möten; alla kan läsa dem.",
        "Editors record meetings; everyone can read them.",
    ),
    "m_new_meeting": ("Nytt möte", "New meeting"),
    "m_held_on": ("Datum", "Date"),
    "m_title": ("Rubrik", "Title"),
    "m_participants": ("Deltagare", "Participants"),
    "m_scope_saved": (
        "Mötets omfattning sparas från filtren i sidopanelen (planer, enheter, ansvariga).",
        "The meeting's scope is saved from the sidebar filters (plans, units, responsible).",
    ),
    "m_create": ("Skapa möte", "Create meeting"),
    "m_created": ("Mötet är skapat.", "The meeting is created."),
    "m_create_first": ("Skapa ett möte först.", "Create a meeting first."),
    "m_new_item": ("Anteckning, beslut eller åtgärd", "Note, decision or action item"),
    "m_meeting": ("Möte", "Meeting"),
    "m_about": ("Gäller", "About"),
    "m_whole_plan": ("planen som helhet", "the plan as a whole"),
    "m_kind": ("Typ", "Type"),
    "m_item_note": ("Anteckning", "Note"),
    "m_item_decision": ("Beslut", "Decision"),
    "m_item_action": ("Åtgärd", "Action"),
    "m_action_open": ("Öppen", "Open"),
    "m_action_done": ("Klar", "Done"),
    "m_text": ("Text", "Text"),
    "m_owner": ("Vem", "Who"),
    "m_owner_help": ("Vem (för en åtgärd)", "Who (for an action item)"),
    "m_due": ("Senast", "Due"),
    "m_add": ("Spara", "Save"),
    "m_added": ("Sparat i mötets protokoll.", "Saved in the meeting's record."),
    "m_use_scope": ("Använd mötets omfattning", "Use that meeting's scope"),
    "m_use_scope_help": (
        "Sätter filtren (planer, år, enheter, ansvariga) till dem som mötet sparade.",
        "Sets the filters (plans, years, units, responsible) to the ones the meeting saved.",
    ),
    "m_minutes": ("Protokoll från ett möte", "A meeting's record"),
    "m_minutes_meta": (
        "{day} · deltagare: {who} · protokollfört av {by}",
        "{day} · participants: {who} · recorded by {by}",
    ),
    "m_from_meetings": ("Från uppföljningsmöten", "From follow-up meetings"),
    "meeting_date_missing": ("Mötet behöver ett datum.", "The meeting needs a date."),
    "meeting_duplicate": (
        "Det finns redan ett möte med den rubriken det datumet. Välj det under Möte nedan, eller ge mötet en annan rubrik.",
        "There is already a meeting with that title on that date. Choose it under Meeting below, or give this one another title.",
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
    # editor sign-in (dashboard/auth.py)
    "auth_signed_in_as": ("Inloggad som {name} (redaktör)", "Signed in as {name} (editor)"),
    "auth_signed_in_viewer": (
        "Inloggad som {name}. Kontot har inte redaktörsbehörighet: du kan läsa men inte ändra.",
        "Signed in as {name}. This account has no editor rights: you can read but not change anything.",
    ),
    "auth_sign_out": ("Logga ut", "Sign out"),
    "auth_sign_in": ("Logga in", "Sign in"),
    "auth_sign_in_with": ("Logga in med {provider}", "Sign in with {provider}"),
    "auth_sign_in_editor": ("Logga in som redaktör", "Sign in as editor"),
    "auth_name": ("Användarnamn", "User name"),
    "auth_password": ("Lösenord", "Password"),
    "auth_bad_credentials": ("Fel användarnamn eller lösenord", "Wrong user name or password"),
    "auth_too_many": ("För många försök, vänta en minut", "Too many attempts, wait a minute"),
    "auth_no_authlib": (
        "Inloggning är konfigurerad men paketet Authlib saknas på servern.",
        "Sign-in is configured but the Authlib package is missing on the server.",
    ),
    "auth_not_authorized": (
        "Du måste vara inloggad som redaktör för att göra detta.",
        "You must be signed in as an editor to do this.",
    ),
    # meeting pack (dashboard/reports/pack.py)
    "pack_kind": ("Mötesunderlag", "Meeting pack"),
    "pack_page": ("Sida {n} av {m}", "Page {n} of {m}"),
    "pack_nothing": ("Inget att visa", "Nothing to show"),
    "pack_generated": ("Skapad", "Generated"),
    "pack_data_version": ("Dataversion", "Data version"),
    "pack_scope": ("Omfattning", "Scope"),
    "pack_key_figures": ("Nyckeltal", "Key figures"),
    "pack_overview": ("Översikt", "Overview"),
    "pack_rows": ("{n} rader", "{n} rows"),
    "pack_one_row": ("1 rad", "1 row"),
    "pack_budget_title": ("Budget per år", "Budget per year"),
    "pack_year": ("År", "Year"),
    "pack_tkr": ("tkr", "kSEK"),
    "pack_budget": ("Budget", "Budget"),
    "pack_ib": ("Ingående balans (IB)", "Opening balance"),
    "pack_ib_column": ("Ingående balans", "Opening balance"),
    "pack_no_budget": ("Budget per år: ingen budget att visa.", "Budget per year: no budget to show."),
    "pack_status_title": ("Status per plan", "Status per plan"),
    "pack_status_more": ("Status per plan (forts.)", "Status per plan (cont.)"),
    "pack_n_activities": ("Antal aktiviteter", "Number of activities"),
    "pack_no_status": ("Status per plan: inga aktiviteter att visa.", "Status per plan: no activities to show."),
    "pack_plan": ("Plan", "Plan"),
    "pack_status": ("Status", "Status"),
    "pack_total": ("Totalt", "Total"),
    "pack_targets_title": ("Målsättningar: från utgångsvärde till mål", "Targets: from baseline to target"),
    "pack_targets_more": ("Målsättningar (forts.)", "Targets (cont.)"),
    "pack_progress_axis": (
        "Andel av vägen från utgångsvärde (0 %) till mål (100 %)",
        "Share of the way from baseline (0%) to target (100%)",
    ),
    "pack_no_targets": ("Målsättningar: inga målsättningar att visa.", "Targets: no targets to show."),
    "pack_no_target_values": (
        "Målsättningar: ingen målsättning har en väg från utgångsvärde till mål, så diagrammet visas inte.",
        "Targets: no target has a path from baseline to target, so there is no chart.",
    ),
    "pack_left_out": (
        "Utan utgångsvärde eller målvärde, och därför inte i diagrammet: {names}.",
        "Without a baseline or a target value, and so not in the chart: {names}.",
    ),
    "pack_outcome": ("utfall", "outcome"),
    "pack_no_outcome": ("inget utfall", "no outcome"),
    "pack_no_outcome_legend": ("Inget utfall", "No outcome"),
    "pack_on_path": ("I fas", "On track"),
    "pack_off_path": ("Efter plan", "Behind"),
    "pack_unknown_path": ("Utfall, fas okänd", "Outcome, track unknown"),
    "pack_name": ("Namn", "Name"),
    "pack_baseline": ("Utgångsvärde", "Baseline"),
    "pack_target": ("Mål", "Target"),
    "pack_latest": ("Senaste utfall", "Latest outcome"),
    "pack_progress": ("Andel av vägen (%)", "Share of the way (%)"),
    "pack_yes": ("Ja", "Yes"),
    "pack_no": ("Nej", "No"),
    "pack_meeting_sheet": ("Möte", "Meeting"),
    "pack_budget_sheet": ("Budget", "Budget"),
    "pack_status_sheet": ("Status", "Status"),
    "pack_targets_sheet": ("Målsättningar", "Targets"),
    "pack_section_sheet": ("Avsnitt {n}", "Section {n}"),
    # The meeting pack's section sheets: Excel allows 31 characters, so names of their own.
    "pack_sheet_late": ("Försenade", "Late"),
    "pack_sheet_unknown": ("Status okänd", "Status unknown"),
    "pack_sheet_at_risk": ("Mål under kurvan", "Targets below the path"),
    "pack_sheet_changes": ("Ändringar", "Changes"),
    "pack_sheet_stale": ("Ej uppdaterade", "Not updated"),
    "pack_sheet_recorded": ("Anteckningar och beslut", "Notes and decisions"),
    "pack_sheet_actions": ("Öppna åtgärder", "Open actions"),
}


# A query's column names are never shown: each is shown by its label (dashboard/reports/display.py).
COLUMNS: dict[str, str] = {
    "plan_id": "col_plan",
    "plan_title": "col_plan",
    "activity_id": "col_id",
    "target_id": "col_id",
    "goal_id": "col_id",
    "title": "col_title",
    "name": "col_target",
    "description": "description",
    "responsible": "col_responsible",
    "unit": "col_unit",
    "status": "col_status",
    "status_note": "col_comment",
    "start_date": "col_start",
    "end_date": "col_end",
    "period_text": "col_period_text",
    "year": "col_year",
    "kind": "diff_kind",
    "funding_source": "col_funding",
    "amount_sek": "col_amount",
    "source_text": "col_source_text",
    "note": "col_note",
    "measure": "col_measure",
    "region": "col_region",
    "baseline_year": "col_baseline_year",
    "baseline_value": "baseline",
    "target_year": "col_target_year",
    "target_value": "m_target",
    "target_change_pct": "col_change_pct",
    "value": "col_value",
    "lines": "col_lines",
    "version": "h_version",
    "loaded_at": "h_when",
    "loaded_by": "h_who",
    "action": "h_action",
    "file_name": "h_file",
    "as_of": "col_as_of",
    "days_late": "days_late",
    "file": "p_file",
    "sheet": "p_sheet",
    "cell": "p_cell",
    "message": "p_message",
}


def t(key: str, lang: str, **params) -> str:
    text = TEXT[key][1 if lang == "en" else 0]
    return text.format(**params) if params else text


def status_label(code: str, lang: str) -> str:
    return STATUS_LABELS["en" if lang == "en" else "sv"].get(code, code)


def status_order() -> list[str]:
    return list(STATUS_CODES)


def fmt_int(value, lang: str) -> str:
    """1 100 (Swedish, no-break space) or 1,100 (English)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return MISSING
    text = f"{round(value):,}"
    return text if lang == "en" else text.replace(",", NBSP)


def fmt_tkr(sek, lang: str) -> str:
    """Whole SEK → "1 100 tkr" (or "1,100 kSEK"); fractions of a thousand keep one decimal."""
    if sek is None or (isinstance(sek, float) and pd.isna(sek)):
        return MISSING
    tkr = sek / 1000
    if abs(tkr - round(tkr)) < 1e-9:
        number = fmt_int(tkr, lang)
    else:
        number = f"{tkr:,.1f}"
        number = number if lang == "en" else number.replace(",", NBSP).replace(".", ",")
    return f"{number}{NBSP}{'kSEK' if lang == 'en' else 'tkr'}"


def fmt_number(value, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return MISSING
    if float(value).is_integer():
        return fmt_int(value, lang)
    text = f"{value:,.1f}"
    return text if lang == "en" else text.replace(",", NBSP).replace(".", ",")


def fmt_date(value, lang: str) -> str:
    """ISO dates are the Swedish standard and unambiguous in English too."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return MISSING
    if isinstance(value, datetime | pd.Timestamp):
        value = value.date()
    return value.isoformat() if isinstance(value, date) else str(value)


def fmt_datetime(value, lang: str) -> str:
    if value is None or value is pd.NaT:
        return MISSING
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
