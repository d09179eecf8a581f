"""Who may use the workspace, and forms that another site cannot submit.

Bound to a loopback address the workspace needs no password, but it still only answers requests
addressed to a loopback host name (a web page cannot reach it through a DNS name that points at
127.0.0.1). Bound to any other address it requires the token: as ``Authorization: Bearer`` (the API)
or, after the login form, as a cookie holding an HMAC of the token (the web pages).

Forms carry a CSRF token that must equal the ``csrf`` cookie (double submit; the cookie is
SameSite=Strict), so a page elsewhere cannot post a review or an upload on the user's behalf.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

AUTH_COOKIE = "compliance_auth"
CSRF_COOKIE = "compliance_csrf"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str | None) -> str:
    """The host name of a ``Host`` header, without its port."""
    if not header:
        return ""
    if header.startswith("["):
        return header.split("]", 1)[0] + "]"
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


@dataclass
class Guard:
    """The token (None when bound to loopback) and this process's secret for cookies."""

    token: str | None = None
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def _sign(self, value: str) -> str:
        return hmac.new(self.secret, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def cookie_for(self, token: str) -> str | None:
        """The auth cookie's value when ``token`` is right, else None."""
        if self.token is None or not hmac.compare_digest(token.encode("utf-8"), self.token.encode("utf-8")):
            return None
        return self._sign("auth:" + self.token)

    def allowed(self, host_header: str | None, authorization: str | None, cookie: str | None) -> bool:
        if self.token is None:
            return is_loopback(host_name(host_header))
        if authorization and authorization.startswith("Bearer "):
            given = authorization[len("Bearer ") :].strip().encode("utf-8")
            return hmac.compare_digest(given, self.token.encode("utf-8"))
        expected = self._sign("auth:" + self.token)
        return bool(cookie) and hmac.compare_digest(str(cookie), expected)

    @staticmethod
    def new_csrf() -> str:
        return secrets.token_urlsafe(24)

    @staticmethod
    def csrf_ok(cookie: str | None, submitted: str | None) -> bool:
        return bool(cookie) and bool(submitted) and hmac.compare_digest(str(cookie), str(submitted))
