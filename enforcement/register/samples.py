"""The downloadable template of the register file: Chinese headers and one example row."""

import csv
import io

from common.identifiers import make_uscc, make_vin
from enforcement.register.rows import COLUMNS


def template_csv() -> bytes:
    """Return the template as CSV in UTF-8 with a BOM (Excel on Chinese Windows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.label for column in COLUMNS])
    writer.writerow(
        [
            make_vin("LSVAM418", "X0000001"),
            "BF320520260915001",
            "2026-09-15",
            make_uscc("320506", 1),
        ]
    )
    return buffer.getvalue().encode("utf-8-sig")
