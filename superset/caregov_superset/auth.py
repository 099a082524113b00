"""Logging in to Superset's REST API: a bearer token plus the CSRF token of the same session.

Superset checks CSRF on every write, and the token is bound to the Flask session cookie that
came with it, so both must be fetched on the one `requests.Session` that then makes the writes.
`login()` is called again by the client whenever Superset answers 401 (an expired token).
"""

from __future__ import annotations

import logging

import requests

from caregov_superset.errors import SupersetAuthError, error_for

log = logging.getLogger(__name__)

LOGIN_PATH = "/api/v1/security/login"
CSRF_PATH = "/api/v1/security/csrf_token/"


class SupersetAuth:
    """Database-provider login for one user on one session."""

    def __init__(self, base_url: str, username: str, password: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.username = username
        self._password = password
        self.timeout = timeout

    def login(self, session: requests.Session) -> None:
        """Fetch a fresh access token and CSRF token and install them on `session`."""
        session.headers.pop("Authorization", None)
        session.headers.pop("X-CSRFToken", None)
        response = session.post(
            self.base_url + LOGIN_PATH,
            json={
                "username": self.username,
                "password": self._password,
                "provider": "db",
                "refresh": True,
            },
            timeout=self.timeout,
        )
        if response.status_code != 200:
            error = error_for(response)
            if response.status_code in (400, 401, 403):
                raise SupersetAuthError(
                    f"login as {self.username!r} failed: {error.message}",
                    status=response.status_code,
                    method="POST",
                    url=response.url,
                )
            raise error
        token = response.json().get("access_token")
        if not token:
            raise SupersetAuthError("login answered without an access token", status=200)
        session.headers["Authorization"] = f"Bearer {token}"
        self.refresh_csrf(session)
        log.debug("logged in to %s as %s", self.base_url, self.username)

    def refresh_csrf(self, session: requests.Session) -> None:
        """Fetch the CSRF token (and its session cookie) and send it with every request."""
        response = session.get(self.base_url + CSRF_PATH, timeout=self.timeout)
        if response.status_code != 200:
            raise error_for(response)
        session.headers["X-CSRFToken"] = response.json()["result"]
        # Flask-WTF checks the Referer strictly under HTTPS; send it everywhere.
        session.headers["Referer"] = self.base_url + "/"
