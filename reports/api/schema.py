"""How the OpenAPI schema describes the personal tokens (drf-spectacular finds the extension by subclassing)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "centers.api_tokens.TokenAuthentication"
    name = "maTruyCap"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Mã truy cập cá nhân tạo ở trang Tài khoản của tôi: `Authorization: Bearer llct_…`.",
        }
