"""OpenAPI description of the API-key authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class EnterpriseApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "enterprises.api.authentication.EnterpriseApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "企业 API 密钥：`Api-Key <key>`。Enterprise API key: `Api-Key <key>`.",
        }


# The body DRF returns with HTTP 400: field name -> list of messages.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"division_code": ["第1–2位省级代码“99”不存在，应为34个省级行政区代码之一。"]},
}
