"""Meeting pack: the PDF reads right (text, page numbers, split tables, charts, fonts) and the workbook matches."""

import io
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard.reports.pack.excel import build_excel
from dashboard.reports.pack.model import Pack, Section
from dashboard.reports.pack.pdf import build_pdf

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

PREVIEW = Path("/tmp/pack-preview")
STATUS_COLORS = {
    "Genomförd": "#2E7D32",
    "Pågår": "#1565C0",
    "Ej påbörjad": "#78909C",
    "Uppskjuten": "#EF6C00",
    "Inställd": "#C62828",
}
LONG = (
    "Aktiviteten har försenats eftersom upphandlingen av det nya systemet för utbytesstudenter drog ut på tiden; "
    "enheten för internationalisering återkommer med en reviderad tidplan till nästa möte, efter samråd med "
    "fakulteterna och studentkåren – se även beslut 2026/114 → åtgärd 7."
)
PLANS = ["Mobilitet 2016–2018", "Jämställdhet 2017–2019", "Kompetensförsörjning för lärare och forskare 2016–2020"]


def delayed(n: int = 120) -> pd.DataFrame:
    """A long table: every row wraps, the last row ends in a word a cut-off would lose."""
    rows = [
        {
            "Nr": f"F-{i:03d}",
            "Plan": PLANS[i % 3],
            "Aktivitet": f"Utveckla stöd för utresande studenter, delprojekt {i} (år {2016 + i % 3})",
            "Ansvarig": ["SAM", "RUN", "KOM", "Fakulteten för humaniora och samhällsvetenskap"][i % 4],
            "Planerat slut": f"{2016 + i % 3}-12-31",
            "Kommentar": LONG + (" Sista raden slutar här med slutmarkörÖÄÅ" if i == n - 1 else ""),
        }
        for i in range(n)
    ]
    return pd.DataFrame(rows)


def realistic_pack(lang: str = "sv") -> Pack:
    sv = lang == "sv"
    decisions = pd.DataFrame({
        "Datum": ["2026-05-04", "2026-05-04", "2026-09-12"],
        "Beslut": ["=1+1", "Bygg & Miljö <Fas 2> fortsätter", "Utvärdera mentorprogrammet före årsskiftet"],
        "Ansvarig": ["Prorektor", "SAM", "RUN"],
    })  # fmt: skip
    return Pack(
        lang=lang,
        title="Uppföljningsmöte 2026-11-21" if sv else "Follow-up meeting 2026-11-21",
        generated_at=datetime(2026, 11, 20, 14, 5),
        data_version=14,
        scope=[
            ("Planer" if sv else "Plans", ", ".join(PLANS)),
            ("År" if sv else "Years", "2016–2018"),
            ("Enheter" if sv else "Units", "Alla"),
            ("Föregående möte" if sv else "Previous meeting", "2026-05-04"),
        ],
        key_figures=[
            ("Budget 2016–2018", "7\u00a0650 tkr"),
            ("Ingående balans", "350 tkr"),
            ("Aktiviteter", "64"),
            ("Genomförda", "23 (36 %)"),
            ("Försenade", "120"),
            ("Målsättningar i fas", "4 av 7"),
        ],
        budget=pd.DataFrame(
            {
                "year_label": ["2016", "2017", "2018", "2016", "Inget år"],
                "kind": ["budget", "budget", "budget", "opening_balance", "budget"],
                "tkr": [1700.0, 2500.0, 2950.0, 350.0, 450.0],
            }
        ),
        status=pd.DataFrame(
            {
                "plan": [p for p in PLANS for _ in range(4)],
                "status": ["Genomförd", "Pågår", "Ej påbörjad", "Uppskjuten"] * 3,
                "n": [12, 8, 3, 1, 4, 9, 6, 0, 7, 10, 2, 2],
            }
        ),
        status_colors=STATUS_COLORS,
        targets=pd.DataFrame(
            {
                "name": [
                    "Antal utresande studenter per år",
                    "Andel kvinnor bland nyanställda professorer vid samtliga fakulteter (procent)",
                    "Antal mentorpar",
                    "Kontrakt med partneruniversitet",
                    "Andel kurser med internationella inslag",
                ],
                "baseline": [120.0, 28.0, 10.0, 40.0, None],
                "target": [200.0, 40.0, 50.0, 80.0, 60.0],
                "latest": [175.0, 30.5, None, 95.0, 45.0],
                "on_path": [True, False, None, True, None],
            }
        ),
        sections=[
            ("Försenade aktiviteter" if sv else "Delayed activities", delayed()),
            ("Målsättningar under kurvan" if sv else "Targets below the path", pd.DataFrame()),
            (
                "Ändringar sedan förra mötet" if sv else "Changes since the last meeting",
                pd.DataFrame({"Aktivitet": ["Mentorpar"], "Ändring": ["Status: Pågår → Genomförd"]}),
            ),
            ("Beslut" if sv else "Decisions", decisions),
            ("Öppna åtgärder" if sv else "Open actions", pd.DataFrame(columns=["Åtgärd", "Ansvarig"])),
        ],
    )


def empty_pack(lang: str = "sv") -> Pack:
    return Pack(
        lang=lang, title="Tomt möte", generated_at=datetime(2026, 11, 20, 9, 0), data_version=1, scope=[],
        key_figures=[], budget=pd.DataFrame(), status=pd.DataFrame(), status_colors={}, targets=pd.DataFrame(),
        sections=[],
    )  # fmt: skip


# ---------------------------------------------------------------------------- poppler

POPPLER = ("pdftotext", "pdfinfo", "pdftoppm", "pdffonts", "pdfimages", "pdftohtml")


@pytest.fixture(scope="module")
def poppler():
    missing = [b for b in POPPLER if shutil.which(b) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install poppler-utils (apt-get install -y poppler-utils); missing: {missing}")
        pytest.skip(f"poppler-utils is not installed here: {missing}")


def run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120).stdout


def write(tmp_path: Path, data: bytes, name: str = "pack.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def text_of(path: Path) -> str:
    return run("pdftotext", "-layout", str(path), "-")


def pages_of(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(path)), re.M)[1])


@pytest.fixture(scope="module")
def sv_pdf_bytes() -> bytes:
    """The Swedish pack, rendered once for every test that reads it (a render takes seconds)."""
    return build_pdf(realistic_pack("sv"))


@pytest.fixture(scope="module")
def sv_pdf(tmp_path_factory, poppler, sv_pdf_bytes) -> Path:
    return write(tmp_path_factory.mktemp("pack"), sv_pdf_bytes)


@pytest.fixture(scope="module")
def sv_text(sv_pdf) -> str:
    return text_of(sv_pdf)


def test_pdf_is_a_pdf(sv_pdf_bytes):
    assert sv_pdf_bytes.startswith(b"%PDF")


def test_pdf_has_title_sections_key_figures_and_page_numbers(sv_pdf, sv_text):
    pack = realistic_pack("sv")
    assert pack.title in sv_text
    for heading, _ in pack.sections:
        assert heading in sv_text, heading
    for label, _ in pack.key_figures:
        assert label in sv_text, label
    assert "Sida 1 av" in sv_text
    assert "Dataversion 14" in sv_text
    assert "Skapad 2026-11-20 14:05" in sv_text
    assert pages_of(sv_pdf) > 2


def test_pdf_every_page_says_which_of_how_many(sv_pdf, sv_text):
    total = pages_of(sv_pdf)
    numbers = [int(n) for n, m in re.findall(r"Sida (\d+) av (\d+)", sv_text) if int(m) == total]
    assert numbers == list(range(1, total + 1))


def test_pdf_long_table_splits_over_pages_without_losing_rows(sv_pdf, sv_text):
    # Every row is there, the last row's last word too (not cut off), and the header repeats on each page.
    for i in range(120):
        assert f"F-{i:03d}" in sv_text, i
    assert "slutmarkörÖÄÅ" in sv_text
    pages = sv_text.split("\f")
    with_rows = [p for p in pages if re.search(r"F-\d{3}", p)]
    assert len(with_rows) >= 3
    assert all("Kommentar" in p for p in with_rows)


def test_pdf_empty_section_says_so(sv_text):
    # "Målsättningar under kurvan" (no columns) and "Öppna åtgärder" (columns, no rows).
    assert sv_text.count("Inget att visa") == 2


def test_pdf_data_text_is_escaped_not_markup(sv_text):
    assert "Bygg & Miljö <Fas 2> fortsätter" in sv_text
    assert "=1+1" in sv_text


def test_pdf_uses_embedded_dejavu_only(sv_pdf):
    # Every piece of text is set in DejaVu Sans, embedded (å ä ö – → … on any machine). pdffonts would also list
    # the Helvetica that reportlab always declares but never draws with, so ask for the text's fonts instead.
    xml = run("pdftohtml", "-xml", "-stdout", "-i", str(sv_pdf))
    families = set(re.findall(r'<fontspec [^>]*family="([^"]+)"', xml))
    assert families and all("DejaVuSans" in f for f in families), families
    embedded = [line for line in run("pdffonts", str(sv_pdf)).splitlines()[2:] if "DejaVuSans" in line]
    assert len(embedded) == 2 and all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in embedded), embedded


def test_pdf_has_the_three_charts(sv_pdf):
    images = [line.split() for line in run("pdfimages", "-list", str(sv_pdf)).splitlines()[2:]]
    assert [i[2] for i in images] == ["image"] * 3  # no soft masks: the PNGs carry no alpha
    assert all(int(i[3]) >= 1300 for i in images)  # ~200 dpi across the page width


def test_pdf_target_without_baseline_is_named(sv_text):
    assert "Andel kurser med internationella inslag" in sv_text


def test_pdf_renders_every_page(sv_pdf, tmp_path):
    run("pdftoppm", "-png", "-r", "60", str(sv_pdf), str(tmp_path / "page"))
    assert len(list(tmp_path.glob("page-*.png"))) == pages_of(sv_pdf)
    # A preview of the first pages at a stable path, to look at.
    PREVIEW.mkdir(exist_ok=True)
    for old in PREVIEW.glob("sv-*.png"):
        old.unlink()
    run("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(sv_pdf), str(PREVIEW / "sv"))
    assert len(list(PREVIEW.glob("sv-*.png"))) == 3


def test_pdf_english(tmp_path, poppler):
    path = write(tmp_path, build_pdf(realistic_pack("en")))
    text = text_of(path)
    assert "Page 1 of" in text
    assert "Sida" not in text
    assert "Nothing to show" in text
    assert "Inget att visa" not in text
    assert "Delayed activities" in text
    assert f"Page {pages_of(path)} of {pages_of(path)}" in text


def test_pdf_cell_taller_than_a_page_splits_instead_of_failing(tmp_path, poppler):
    pack = empty_pack()
    huge = " ".join(f"ord{i}" for i in range(2500)) + " allrasistaordet"
    pack.sections = [("Jättecell", pd.DataFrame({"Nr": ["1", "2"], "Text": [huge, "kort"]}))]
    text = text_of(write(tmp_path, build_pdf(pack)))
    assert "allrasistaordet" in text
    assert "kort" in text
    # Cut into pieces at word boundaries, marked as continued; no word lost at a cut.
    assert "ord0 " in text and "… ord" in text
    words = re.findall(r"\bord(\d+)\b", text)
    assert sorted(map(int, words)) == list(range(2500))


def test_pdf_table_too_wide_for_portrait_gets_landscape_pages(tmp_path, poppler):
    pack = empty_pack()
    # Nine columns whose longest words (about 70 pt each) fit across landscape (733 pt) but not portrait (487 pt).
    wide = pd.DataFrame({f"Kolumn {c}": [f"Utbytesstudent {r}-{c}" for r in range(40)] for c in range(9)})
    pack.sections = [("Bred tabell", wide), ("Smal tabell", pd.DataFrame({"A": ["efter"]}))]
    path = write(tmp_path, build_pdf(pack))
    info = run("pdfinfo", "-f", "1", "-l", str(pages_of(path)), str(path))
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    wide_pages = [i for i, (w, h) in enumerate(sizes, 1) if float(w) > float(h)]
    assert wide_pages and wide_pages == list(range(wide_pages[0], wide_pages[-1] + 1))
    assert float(sizes[-1][0]) < float(sizes[-1][1])  # back to portrait for the next section
    text = text_of(path)
    assert text.count("Utbytesstudent") == 40 * 9  # every cell, no word broken
    assert re.search(r"\b39-8\b", text)
    assert "efter" in text.split("\f")[wide_pages[-1]]


def test_empty_pack_builds_both(tmp_path, poppler):
    pdf = build_pdf(empty_pack())
    assert pdf.startswith(b"%PDF")
    text = text_of(write(tmp_path, pdf))
    assert "Tomt möte" in text
    assert "ingen budget att visa" in text
    assert "inga aktiviteter att visa" in text
    assert "inga målsättningar att visa" in text
    wb = openpyxl.load_workbook(io.BytesIO(build_excel(empty_pack())))
    assert wb.sheetnames == ["Möte", "Budget", "Status", "Målsättningar"]


def test_targets_without_any_values_skip_the_chart(tmp_path, poppler):
    pack = empty_pack("en")
    pack.targets = pd.DataFrame(
        {"name": ["A"], "baseline": [None], "target": [None], "latest": [3.0], "on_path": [None]}
    )
    path = write(tmp_path, build_pdf(pack))
    assert "no target has a path from baseline to target" in text_of(path)
    assert run("pdfimages", "-list", str(path)).splitlines()[2:] == []


# ---------------------------------------------------------------------------- Excel


@pytest.fixture(scope="module")
def workbook():
    return openpyxl.load_workbook(io.BytesIO(build_excel(realistic_pack("sv"))))


def test_excel_sheets(workbook):
    assert workbook.sheetnames == [
        "Möte", "Budget", "Status", "Målsättningar", "Försenade aktiviteter", "Målsättningar under kurvan",
        "Ändringar sedan förra mötet", "Beslut", "Öppna åtgärder",
    ]  # fmt: skip
    assert build_excel(realistic_pack("en"))[:2] == b"PK"
    en = openpyxl.load_workbook(io.BytesIO(build_excel(realistic_pack("en"))))
    assert en.sheetnames[:4] == ["Meeting", "Budget", "Status", "Targets"]


def test_excel_meeting_sheet(workbook):
    ws = workbook["Möte"]
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert values[0] == "Uppföljningsmöte 2026-11-21"
    assert datetime(2026, 11, 20, 14, 5) in values
    assert 14 in values
    assert "Föregående möte" in values and "2026-05-04" in values
    assert "Budget 2016–2018" in values and "7\u00a0650 tkr" in values


def test_excel_section_has_header_and_every_row(workbook):
    ws = workbook["Försenade aktiviteter"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == list(delayed().columns)
    assert len(rows) == 121
    assert rows[-1][0] == "F-119" and rows[-1][-1].endswith("slutmarkörÖÄÅ")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F121"
    assert ws["A1"].font.bold
    assert ws.column_dimensions["F"].width >= 60 > ws.column_dimensions["A"].width and ws["F2"].alignment.wrap_text


def test_excel_text_that_looks_like_a_formula_is_text_without_an_apostrophe(workbook):
    ws = workbook["Beslut"]
    assert ws["B2"].value == "=1+1"
    assert ws["B2"].data_type == "s"


def test_excel_chart_data(workbook):
    budget = list(workbook["Budget"].iter_rows(values_only=True))
    assert budget[1:] == [("2016", 1700, 350), ("2017", 2500, None), ("2018", 2950, None), ("Inget år", 450, None)]
    status = list(workbook["Status"].iter_rows(values_only=True))
    assert status[0] == ("Plan", "Genomförd", "Pågår", "Ej påbörjad", "Uppskjuten", "Totalt")
    assert status[1] == ("Mobilitet 2016–2018", 12, 8, 3, 1, 24)
    targets = list(workbook["Målsättningar"].iter_rows(values_only=True))
    assert targets[1][:5] == ("Antal utresande studenter per år", 120, 200, 175, "Ja")
    assert targets[3][3] is None and targets[3][4] is None


def test_excel_empty_sections_say_so(workbook):
    assert workbook["Målsättningar under kurvan"]["A1"].value == "Inget att visa"
    ws = workbook["Öppna åtgärder"]
    assert [ws["A1"].value, ws["B1"].value, ws["A2"].value] == ["Åtgärd", "Ansvarig", "Inget att visa"]


def test_excel_sheet_names_are_legal_and_unique():
    pack = empty_pack()
    frame = pd.DataFrame({"A": ["x"]})
    pack.sections = [
        ("Beslut: [2026] / uppföljning? * med ett mycket långt namn", frame),
        ("Beslut: [2026] / uppföljning? * med ett mycket långt namn", frame),
        ("budget", frame),
        ("'History'", frame),
        ("", frame),
    ]
    names = openpyxl.load_workbook(io.BytesIO(build_excel(pack))).sheetnames
    assert len(names) == 9 and len({n.lower() for n in names}) == 9
    for name in names:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\") and not name.startswith("'"), name
    assert names[4:] == [
        "Beslut 2026 uppföljning med ett", "Beslut 2026 uppföljning med (2)", "budget (2)", "Avsnitt 4", "Avsnitt 5",
    ]  # fmt: skip


def test_excel_sheet_names_keep_whole_words():
    pack = empty_pack()
    frame = pd.DataFrame({"A": ["x"]})
    pack.sections = [
        Section("Försenade aktiviteter (slutdatum passerat, inte genomförda)", frame),
        Section("Anteckningar och beslut sedan förra mötet", frame),
        Section("Anteckningar och beslut sedan förra mötet", frame),
        Section("Öppna åtgärder (från alla tidigare möten)", frame, "Öppna åtgärder"),
        Section("Ett_ord_utan_mellanrum_som_är_längre_än_trettioen_tecken", frame),
    ]
    names = openpyxl.load_workbook(io.BytesIO(build_excel(pack))).sheetnames
    assert names[4:] == [
        "Försenade aktiviteter", "Anteckningar och beslut sedan", "Anteckningar och beslut (2)", "Öppna åtgärder",
        "Avsnitt 5",
    ]  # fmt: skip


def test_the_pack_model_loads_neither_matplotlib_nor_reportlab():
    # The meeting page fills a Pack on every run; the renderers' libraries load only when a file is asked for.
    code = (
        "import sys\n"
        "import dashboard.domain.followup, dashboard.reports.pack.model\n"
        "loaded = [m for m in ('matplotlib', 'reportlab', 'xlsxwriter') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_key_figures_shrink_to_fit_their_box_and_never_cut_a_figure(tmp_path, poppler):
    from reportlab.lib.styles import ParagraphStyle

    from dashboard.reports.pack.pdf import FONT_BOLD, _fitting, _register_fonts

    _register_fonts()
    style = ParagraphStyle("figure", fontName=FONT_BOLD, fontSize=15, leading=18)
    nbsp = "\u00a0"
    wide = f"13,556{nbsp}kSEK"
    fitted = _fitting(style, ["69", wide], 94)  # a box of four to a row on A4, less its padding
    assert fitted.fontSize < 15 and fitted.leading == pytest.approx(fitted.fontSize * 1.2)
    from reportlab.pdfbase import pdfmetrics

    assert pdfmetrics.stringWidth(wide, FONT_BOLD, fitted.fontSize) <= 94
    assert _fitting(style, ["69", "No money spent reported"], 94) is style  # words wrap; nothing shrinks
    # Ten figures, four to a row on A4: the money figures read whole on the cover.
    pack = realistic_pack("en")
    pack.key_figures = [(f"Figure {i}", wide) for i in range(10)]
    text = text_of(write(tmp_path, build_pdf(pack)))
    assert text.count("13,556 kSEK") == 10
