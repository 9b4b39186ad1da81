"""Django validators over the official identifiers, shared by models, forms, imports and the API.

The checks themselves live in `common.identifiers`; these wrappers only turn each
`IdentifierError` into a Django `ValidationError` that keeps its machine code and its
position-bearing, translatable message.
"""

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext_lazy as _

from common.identifiers import IdentifierError, validate_division_code, validate_uscc

SUPPORTING_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# File signatures: the extension alone says nothing about what was uploaded.
SUPPORTING_DOCUMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def _raise(errors: list[IdentifierError]) -> None:
    if errors:
        raise ValidationError([ValidationError(e.message, code=e.code) for e in errors])


def uscc_validator(value: str) -> None:
    """Raise ValidationError naming each wrong position of a unified social credit code."""
    _raise(validate_uscc(value))


def division_code_validator(value: str) -> None:
    """Raise ValidationError if the value is not a GB/T 2260 administrative division code."""
    _raise(validate_division_code(value))


def supporting_document_validator(document: File) -> None:
    """Raise ValidationError unless the file is a PDF, JPG or PNG of at most 10 MB."""
    name = (document.name or "").lower()
    extension = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in SUPPORTING_DOCUMENT_SIGNATURES:
        raise ValidationError(
            _("证明材料只能是 PDF、JPG 或 PNG 文件，实际为“%(name)s”。"),
            code="document.type",
            params={"name": document.name},
        )
    if document.size > SUPPORTING_DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("证明材料不能超过 10 MB，该文件为 %(size).1f MB。"),
            code="document.size",
            params={"size": document.size / 1024 / 1024},
        )
    document.seek(0)
    head = document.read(8)
    document.seek(0)
    if not head.startswith(SUPPORTING_DOCUMENT_SIGNATURES[extension]):
        raise ValidationError(
            _("文件“%(name)s”的内容不是有效的 %(kind)s 文件。"),
            code="document.content",
            params={"name": document.name, "kind": extension[1:].upper()},
        )
