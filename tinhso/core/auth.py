"""API authentication: the browser's session (with CSRF) or a bearer token for machines."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from tinhso.identity.tokens import user_for_token


class TokenAuth(HttpBearer):
    openapi_description = "Khoá API: `Authorization: Bearer tsk_…` (tạo bằng `tinhso users token`)"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser, CSRF-checked. Requests without a session cookie (machines) skip it
    entirely, so a bad bearer token answers 401 rather than a CSRF error."""

    def __call__(self, request: HttpRequest) -> Any:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().__call__(request)


session_auth = BrowserSessionAuth()
token_auth = TokenAuth()
staff_or_citizen = [token_auth, session_auth]
