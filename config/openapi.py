"""OpenAPI post-processing: every operation documents the errors any request may get.

The schema is a contract the fuzzer holds the server to (make fuzz): a request may be
refused as malformed (400), unauthenticated (401), not allowed (403), throttled (429) and,
for writes, too large (413); a path with a parameter may name nothing visible (404). All of
them answer the one error body, `Error` (config/api.py).
"""

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "index": {"type": "integer", "nullable": True},
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["index", "field", "code", "message"],
            },
        },
    },
    "required": ["detail"],
}
COMMON = {
    "400": "请求有误 / invalid request",
    "401": "未认证或 API 密钥无效 / not authenticated, or a bad key",
    "403": "无权执行该操作 / not allowed",
    "429": "请求过于频繁，请按 Retry-After 稍后重试 / throttled: retry after Retry-After",
}
WRITE = {"413": "请求体过大 / body too large"}
WITH_PARAMETER = {"404": "不存在或不在您的可见范围内 / unknown or outside the caller's scope"}


def add_common_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the error responses an operation lacks."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(COMMON)
            if method in {"post", "put", "patch"}:
                errors |= WRITE
            if "{" in path:
                errors |= WITH_PARAMETER
            for status, description in errors.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return result
