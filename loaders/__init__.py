"""Plan workbooks (Excel) → validated, versioned plans in DuckDB."""

import openpyxl.xml

# openpyxl parses XML safely only when defusedxml is installed; refuse to run without it.
if not openpyxl.xml.DEFUSEDXML:  # pragma: no cover - a broken install
    raise ImportError("defusedxml must be installed: openpyxl would otherwise parse XML unsafely")
