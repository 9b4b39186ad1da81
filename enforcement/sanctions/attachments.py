"""What an enterprise may attach to a rectification: PDFs, images, spreadsheets, limited.

The type is judged by the name's extension and the file's first bytes together, so a
renamed executable is refused as clearly as an oversized scan.
"""

from django.utils.translation import gettext_lazy as _

MAX_FILES = 10
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 30 * 1024 * 1024

# extension → (content type, accepted leading bytes; None: plain text)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".csv": ("text/csv", None),
}
ACCEPT = ",".join(ALLOWED)
TYPES_TEXT = _("PDF、JPG、PNG、XLSX、XLS、CSV")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def _looks_like(head: bytes, magic) -> bool:
    if magic is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            try:
                head.decode("gb18030")
            except UnicodeDecodeError:
                return False
        return b"\x00" not in head
    return any(head.startswith(m) for m in magic)


def attachment_problems(files) -> list[str]:
    """Return what is wrong with the uploaded files, one sentence per problem (none: [])."""
    problems: list[str] = []
    if len(files) > MAX_FILES:
        problems.append(
            str(
                _("最多上传 %(n)s 个附件，本次选择了 %(m)s 个。")
                % {"n": MAX_FILES, "m": len(files)}
            )
        )
    total = 0
    for f in files:
        name = f.name or ""
        ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        total += f.size
        if ext not in ALLOWED:
            problems.append(
                str(
                    _("文件“%(name)s”的类型不受支持：仅接受 %(types)s。")
                    % {"name": name, "types": TYPES_TEXT}
                )
            )
            continue
        if f.size > MAX_FILE_BYTES:
            problems.append(
                str(
                    _("文件“%(name)s”为 %(size)s MB，超过单个文件 %(max)s MB 的上限。")
                    % {"name": name, "size": _mb(f.size), "max": MAX_FILE_BYTES // 1024 // 1024}
                )
            )
            continue
        f.seek(0)
        head = f.read(2048)
        f.seek(0)
        if not _looks_like(head, ALLOWED[ext][1]):
            problems.append(
                str(
                    _("文件“%(name)s”的内容与扩展名 %(ext)s 不符，请上传真实的 %(ext)s 文件。")
                    % {"name": name, "ext": ext}
                )
            )
    if total > MAX_TOTAL_BYTES:
        problems.append(
            str(
                _("附件合计 %(size)s MB，超过 %(max)s MB 的上限。")
                % {"size": _mb(total), "max": MAX_TOTAL_BYTES // 1024 // 1024}
            )
        )
    return problems


def content_type_of(name: str) -> str:
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    return ALLOWED.get(ext, ("application/octet-stream", None))[0]
