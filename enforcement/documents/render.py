"""The PDF of a document: its snapshot through a template, WeasyPrint, a QR code.

Fonts are named explicitly (AR PL UMing renders ~3× faster than WenQuanYi Micro Hei and
~15× faster than Noto CJK; both Debian packages are installed by CI). The QR code is a PNG
(a raster image in the PDF, so a scanner app and the tests read it the same way).
"""

import datetime as dt

import segno
from django.template.loader import render_to_string
from django.utils import translation

TEMPLATES = {
    "correction_order": "enforcement/documents/correction_order.html",
    "warning": "enforcement/documents/warning.html",
    "penalty_notice": "enforcement/documents/penalty_notice.html",
    "fine_decision": "enforcement/documents/fine_decision.html",
}


def qr_data_uri(url: str) -> str:
    """Return the verification URL as a QR code PNG data URI."""
    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def date_cn(day: dt.date | str | None) -> str:
    """Return 2026年12月1日 (GB/T 9704-2012: dates in Arabic numerals)."""
    if not day:
        return ""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.year}年{day.month}月{day.day}日"


def document_html(document) -> str:
    """Return the HTML the PDF is rendered from (always in Chinese: an official text)."""
    with translation.override("zh-hans"):
        return render_to_string(
            TEMPLATES[document.kind],
            {
                "doc": document,
                "c": document.content,
                "qr": qr_data_uri(document.verify_url),
            },
        )


def document_pdf(document) -> tuple[bytes, int]:
    """Render the document; return the PDF bytes and the number of pages."""
    from weasyprint import HTML

    rendered = HTML(string=document_html(document)).render()
    return rendered.write_pdf(), len(rendered.pages)
