"""Generate clearly synthetic plan workbooks with N budget lines, for benchmarks only (never data/)."""

from __future__ import annotations

import argparse
import random
from datetime import date
from pathlib import Path

import xlsxwriter

from loaders.template import INSTRUCTIONS_SHEET, SHEETS

OUT = Path(__file__).resolve().parent / "out"
UNITS = ["SAM", "RUN", "KOM", "International Office", "SOA", "IHV", "HUM", "NMT"]
SOURCES = ["utb. strat.", "ram", "samverkansavtal", "anslag", None]


def generate(n_lines: int, path: Path, seed: int = 7) -> Path:
    """A plan "SYNTETISK-<n>" with 1 000 activities and n_lines budget lines; no real figures."""
    rnd = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    # constant_memory streams rows to disk, so a million lines does not sit in memory.
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    wb.add_worksheet(INSTRUCTIONS_SHEET).write_string(0, 0, "SYNTETISK TESTDATA – genererad för prestandatest.")
    sheets = {s.key: wb.add_worksheet(s.name) for s in SHEETS}
    for s in SHEETS:
        sheets[s.key].write_row(0, 0, s.headers)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})

    plan = sheets["plan"]
    plan.write_string(1, 0, f"syntetisk-{n_lines}")
    plan.write_string(1, 1, f"SYNTETISK plan med {n_lines} budgetrader (ej verklig)")
    plan.write_datetime(1, 2, date(2020, 1, 1), date_fmt)
    plan.write_datetime(1, 3, date(2029, 12, 31), date_fmt)

    goals = sheets["goals"]
    for i in range(10):
        goals.write_row(i + 1, 0, [f"G{i}", None, f"Syntetiskt mål {i}"])

    acts = sheets["activities"]
    n_acts = 1000
    for i in range(n_acts):
        start = date(2020 + i % 8, 1 + i % 12, 1)
        acts.write_row(i + 1, 0, [f"S{i}", "Syntetiskt avsnitt", f"Syntetisk aktivitet {i}", None, "Testenheten"])
        acts.write_string(i + 1, 5, UNITS[i % len(UNITS)])
        acts.write_string(i + 1, 6, f"G{i % 10}")
        acts.write_datetime(i + 1, 8, start, date_fmt)

    budget = sheets["budget"]
    for r in range(1, n_lines + 1):
        budget.write_string(r, 0, f"S{rnd.randrange(n_acts)}")
        budget.write_number(r, 1, 2020 + rnd.randrange(10))
        budget.write_string(r, 2, UNITS[rnd.randrange(len(UNITS))])
        source = SOURCES[rnd.randrange(len(SOURCES))]
        if source:
            budget.write_string(r, 3, source)
        budget.write_string(r, 4, "ingående balans" if r % 20 == 0 else "budget")
        tkr = rnd.randrange(1, 2000)
        if r % 50 == 0:
            budget.write_string(r, 5, f"{tkr} tkr")  # a share of text amounts, as owners type them
        else:
            budget.write_number(r, 5, tkr * 1000)
        budget.write_string(r, 6, f"{tkr} tkr")

    status = sheets["status"]
    for i in range(0, n_acts, 3):
        status.write_row(i // 3 + 1, 0, [f"S{i}", None, ["Pågår", "Genomförd", "Ej påbörjad"][i % 3]])
    wb.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    for n in args.sizes:
        print(generate(n, OUT / f"synthetic_{n}.xlsx"))


if __name__ == "__main__":
    main()
