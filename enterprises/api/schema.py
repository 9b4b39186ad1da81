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
