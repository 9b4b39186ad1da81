"""Log the battery codes the registry refused, per enterprise, for the coding-violation scan.

Every channel that registers codes (the form, the API, the pack import) passes the codes it
refused here: the code itself malformed, dated impossibly, already registered, or of a
manufacturer code the submitter does not own. Errors about anything else (a parent, the
submitter's role or status) are not coding violations and are not logged; nor is checking a
code before printing its label (the public check page, POST /api/v1/codes/validate).
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import connection as default_connection
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy

from batteries.models import CodeRejection, ImportBatch
from common.identifiers import IdentifierError
from enterprises.models import Enterprise

CODE_LENGTH = CodeRejection._meta.get_field("code").max_length
MESSAGE_LENGTH = CodeRejection._meta.get_field("message").max_length
# The refusals of a well-formed code that the registry decides (the parser's are all logged).
REGISTRY_REFUSALS = frozenset(
    {"code.duplicate", "code.manufacturer_not_own", "code.manufacturer_unregistered"}
)
STORED_LANGUAGE = "zh-hans"

Rejection = tuple[str, str, "str | Promise"]  # (code as submitted, error code, message)

# ON CONFLICT cannot touch one row twice in a statement: the rows are made unique first, and
# sorted, so two statements upserting the same rows lock them in the same order.
LOG_SQL = f"""
INSERT INTO {CodeRejection._meta.db_table} AS r (
    enterprise_id, code, error_code, message, channel, attempts, first_at, last_at,
    import_batch_id)
SELECT %(enterprise)s, u.code, u.error_code, u.message, %(channel)s, u.attempts, %(now)s,
    %(now)s, %(batch)s
FROM unnest(%(codes)s::text[], %(errors)s::text[], %(messages)s::text[], %(attempts)s::int[])
    AS u(code, error_code, message, attempts)
ON CONFLICT ON CONSTRAINT code_rejection_unique DO UPDATE SET
    attempts = r.attempts + EXCLUDED.attempts,
    last_at = EXCLUDED.last_at,
    import_batch_id = EXCLUDED.import_batch_id,
    message = EXCLUDED.message
"""


def _interpolate(message: "str | Promise", params: dict) -> str:
    return str(message) % params


# Interpolated when rendered, so the log can render it in Chinese whatever the reader's language.
refusal_message = lazy(_interpolate, str)


def _joined(*messages: "str | Promise") -> str:
    return "".join(str(message) for message in messages)  # each ends in "。"


_lazy_joined = lazy(_joined, str)


def parse_refusals(
    code: str, errors: list[IdentifierError], messages: list | None = None
) -> list[Rejection]:
    """Return one rejection per error code of a code the parser refused (one attempt each).

    Several errors of one kind (two foreign characters) are one refusal with both messages.
    `messages`, one per error, replace the errors' own (e.g. already rendered in Chinese).
    """
    by_code: dict[str, list] = {}
    for error, message in zip(errors, messages or [e.message for e in errors], strict=True):
        by_code.setdefault(error.code, []).append(message)
    return [
        (code, error_code, same[0] if len(same) == 1 else _lazy_joined(*same))
        for error_code, same in by_code.items()
    ]


def code_rejections_log(
    *,
    enterprise: Enterprise,
    rejections: Iterable[Rejection],
    channel: str,
    import_batch: ImportBatch | None = None,
    now: datetime | None = None,
    connection=None,
) -> int:
    """Record refused codes of one submission in one statement; return the rows written.

    A repeat of a logged (enterprise, code, error code) counts up its attempts and moves its
    last time, batch and message to this submission. Each tuple is one attempt; blank codes
    (a row without a code) are not logged. `connection` is the database connection to write
    on (default: Django's), e.g. an import's side channel outside its open transaction.
    """
    unique: dict[tuple[str, str], list] = {}
    for code, error_code, message in rejections:
        if not code:
            continue
        key = (code[:CODE_LENGTH], error_code)
        entry = unique.get(key)
        if entry is None:
            unique[key] = [message, 1]
        else:
            entry[0] = message
            entry[1] += 1
    if not unique:
        return 0
    keys = sorted(unique)
    with translation.override(STORED_LANGUAGE):
        messages = [str(unique[key][0])[:MESSAGE_LENGTH] for key in keys]
    params = {
        "enterprise": enterprise.pk,
        "channel": channel,
        "now": now or timezone.now(),
        "batch": import_batch.pk if import_batch is not None else None,
        "codes": [code for code, _ in keys],
        "errors": [error_code for _, error_code in keys],
        "messages": messages,
        "attempts": [unique[key][1] for key in keys],
    }
    with (connection or default_connection).cursor() as cursor:
        cursor.execute(LOG_SQL, params)
        return cursor.rowcount
