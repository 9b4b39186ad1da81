"""Idempotent POSTs: a retried request returns the first response and writes nothing.

A client sends `Idempotency-Key: <key>` (1–128 visible ASCII characters) with a POST. Keys
belong to the caller's enterprise. How a request is handled:

1. In one transaction, the key row is inserted *first* (`INSERT … ON CONFLICT DO NOTHING
   RETURNING`), before the view writes anything. The unique constraint (enterprise, key)
   decides who owns the key: a concurrent request with the same key blocks on that insert
   until the first transaction ends.
2. The owner runs the view and stores the response status and body in its key row, then the
   transaction commits the business writes and the key together. A 5xx rolls both back, so
   the client may retry.
3. A request whose insert finds the key taken reads the stored row. Same request (SHA-256
   of method, path and raw body) → the stored response with `Idempotent-Replayed: true`,
   nothing written. Different request → 422. If the first request rolled back, the waiting
   one's insert succeeds instead and it proceeds as the owner.

So two concurrent retries never both write, without advisory locks or a "processing" state
visible to anybody. Keys are kept for a retention window, then purged by
`batteries.tasks.idempotency_keys_purge`.
"""

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.response import Response

from batteries.models import IdempotencyKey
from enterprises.models import Enterprise

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 128


@dataclass(frozen=True)
class Claim:
    """The outcome of presenting a key: this request owns it, or a stored response exists."""

    key_id: int | None = None
    stored: IdempotencyKey | None = None
    conflict: bool = False


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """Return the SHA-256 hex digest identifying a request for idempotency purposes."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def key_problem(key: str) -> str | None:
    """Return why an Idempotency-Key header value is unusable, or None."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all("!" <= ch <= "~" for ch in key):
        return str(
            _("Idempotency-Key 必须为 1–%(max)s 个可见 ASCII 字符（如 UUID）。")
            % {"max": MAX_KEY_LENGTH}
        )
    return None


def idempotency_claim(*, enterprise: Enterprise, key: str, request_hash: str) -> Claim:
    """Insert the key row, or return the stored one. Call inside the request's transaction.

    The insert blocks while another open transaction holds the same key, so at most one
    request per key ever proceeds to write.
    """
    table = IdempotencyKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "
            "(enterprise_id, key, request_hash, response_status, response_body, created_at) "
            "VALUES (%s, %s, %s, 0, 'null'::jsonb, now()) "
            "ON CONFLICT (enterprise_id, key) DO NOTHING RETURNING id",
            [enterprise.pk, key, request_hash],
        )
        row = cursor.fetchone()
    if row is not None:
        return Claim(key_id=row[0])
    stored = IdempotencyKey.objects.get(enterprise=enterprise, key=key)
    return Claim(stored=stored, conflict=stored.request_hash != request_hash)


def idempotency_store(*, key_id: int, response_status: int, response_body) -> None:
    """Record the response of the request that owns the key (same transaction)."""
    IdempotencyKey.objects.filter(pk=key_id).update(
        response_status=response_status, response_body=response_body
    )


def _json_ready(data):
    """Return the response data as plain JSON values (lazy strings and dates rendered)."""
    from rest_framework.utils.encoders import JSONEncoder

    return json.loads(json.dumps(data, cls=JSONEncoder, ensure_ascii=False))


def _replay(stored: IdempotencyKey) -> Response:
    response = Response(stored.response_body, status=stored.response_status)
    response[REPLAYED_HEADER] = "true"
    return response


def _conflict() -> Response:
    detail = _(
        "该 Idempotency-Key 已用于内容不同的请求，本次请求未被处理。"
        "重试时请发送与首次完全相同的请求；新的请求请使用新的 Idempotency-Key。"
    )
    return Response({"detail": str(detail)}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)


def idempotent(handler: Callable) -> Callable:
    """Make a DRF view method (`post`) idempotent under the Idempotency-Key header.

    Requests without the header run as usual. The caller must act for an enterprise (the
    view's permissions run before the handler); otherwise the header is ignored.
    """

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        enterprise = getattr(request.user, "enterprise", None)
        if key is None or enterprise is None:
            return handler(view, request, *args, **kwargs)
        problem = key_problem(key)
        if problem:
            return Response({"detail": problem}, status=status.HTTP_400_BAD_REQUEST)
        fingerprint = request_fingerprint(
            method=request.method, path=request.path, body=request.body
        )
        with transaction.atomic():
            claim = idempotency_claim(enterprise=enterprise, key=key, request_hash=fingerprint)
            if claim.conflict:
                return _conflict()
            if claim.stored is not None:
                return _replay(claim.stored)
            try:
                response = handler(view, request, *args, **kwargs)
            except Exception as exc:  # DRF turns it into a response, or re-raises it
                response = view.handle_exception(exc)
            if response.status_code >= 500:
                transaction.set_rollback(True)
                return response
            idempotency_store(
                key_id=claim.key_id,
                response_status=response.status_code,
                response_body=_json_ready(response.data),
            )
        return response

    return wrapper
